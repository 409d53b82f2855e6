"""Build the fake Finance SDK (`fake_finance_sdk.c`, the vendor's C ABI) into a scratch directory.

`build(out_dir)` compiles it with the machine's C compiler (`$CC`, else `cc`) into
`out_dir/libWeWorkFinanceSdk_C.so`, the name the real library has, unless a build newer than the source is
already there. Tests build into their temporary directory; `make run` into `.local/`. Nothing built here is
ever committed. `python -m local.fakes.finance_sdk.build [DIR]` prints the library's path.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "fake_finance_sdk.c"
HEADER = HERE / "WeWorkFinanceSdk_C.h"
LIBRARY = "libWeWorkFinanceSdk_C.so"
DEFAULT_DIR = HERE.parent.parent.parent / ".local" / "finance-sdk"


class BuildFailed(RuntimeError):
    pass


def build(out_dir: Path = DEFAULT_DIR) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / LIBRARY
    newest_source = max(SOURCE.stat().st_mtime, HEADER.stat().st_mtime)
    if target.exists() and target.stat().st_mtime >= newest_source:
        return target
    compiler = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if not compiler:
        raise BuildFailed("no C compiler found (set CC or install cc)")
    scratch = out_dir / f".{LIBRARY}.{os.getpid()}"
    command = [compiler, "-shared", "-fPIC", "-O2", "-Wall", "-Wextra", "-o", str(scratch), str(SOURCE)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BuildFailed(f"building the fake Finance SDK failed:\n{result.stderr}")
    scratch.replace(target)  # atomic: a concurrent build never leaves a half-written library
    return target


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DIR))
