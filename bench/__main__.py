"""`python -m bench` (`make bench`): every row, a table on stdout, and `bench/results.json`:

    {"machine": {...}, "rows": [{"name", "unit", "qunguan", "peer", "ratio"}, ...]}

`ratio` = peer / qunguan (above 1: qunguan is faster or cheaper); `peer` and `ratio` are null on rows
without a peer. `--quick` runs tiny sizes (the smoke test: its figures mean nothing); `--only` picks
sections by name; `--out` writes the results elsewhere; `--skip-job-scripts` leaves out the other teams'
job benchmarks (bench.jobs_rows). A section that fails gets one row saying so,
the others still run, and the exit status is 1.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from bench import Row

SECTIONS = ("ingress", "moderation", "cold_start", "cost", "outbox", "archive", "join_gate", "jobs_rows")
DEFAULT_OUT = Path(__file__).resolve().parent / "results.json"
PEER_PACKAGES = ("slack_bolt", "slack_sdk", "wechatpy", "pyahocorasick", "moto", "chalice", "pydantic")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def commit() -> str | None:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 - git from PATH, read-only
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return None
    return done.stdout.strip() or None


def load_average() -> list[float] | None:
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except OSError:
        return None


def machine() -> dict[str, Any]:
    versions: dict[str, str | None] = {}
    for package in PEER_PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": memory_gib(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(),
        "packages": versions,
        "commit": commit(),
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def _figure(value: float | None) -> str:
    """Four significant figures below 1 000, whole numbers above; thousands separated by a space."""
    if value is None:
        return "—"
    if value == int(value) or abs(value) >= 1000:
        return f"{round(value):,}".replace(",", " ")
    return f"{value:.4g}"


def table(rows: Sequence[Row]) -> str:
    """The rows as a Markdown table (it reads well on a terminal too)."""
    lines = ["| Row | Unit | qunguan | Peer | Ratio (peer / qunguan) |", "|---|---|---:|---:|---:|"]
    for row in rows:
        ratio = row.ratio
        shown = "—" if ratio is None else f"{ratio:.2f}×"
        lines.append(f"| {row.name} | {row.unit} | {_figure(row.qunguan)} | {_figure(row.peer)} | {shown} |")
    return "\n".join(lines)


def run_section(name: str, *, quick: bool, job_scripts: bool = True) -> tuple[list[Row], bool]:
    started = time.perf_counter()
    print(f"bench: {name} ...", file=sys.stderr, flush=True)
    try:
        module = importlib.import_module(f"bench.{name}")
        entry: Callable[..., list[Row]] = module.main
        rows = list(entry(quick=quick, scripts=job_scripts) if name == "jobs_rows" else entry(quick=quick))
        ok = True
    except Exception as exc:  # one broken section must not hide the others' figures
        traceback.print_exc()
        rows = [Row(f"{name}: failed ({type(exc).__name__}: {str(exc)[:80]})", "", None)]
        ok = False
    print(f"bench: {name} done in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    return rows, ok


def run(
    sections: Sequence[str], *, quick: bool, out: Path, job_scripts: bool = True
) -> tuple[list[Row], bool]:
    started = time.perf_counter()
    load_before = load_average()
    rows: list[Row] = []
    ok = True
    for name in sections:
        section_rows, section_ok = run_section(name, quick=quick, job_scripts=job_scripts)
        rows.extend(section_rows)
        ok = ok and section_ok
    info = machine()
    # Other work on the machine shows here: the load averages (1, 5, 15 min) before and after the run.
    info["load_average"] = {"before": load_before, "after": load_average()}
    info["quick"] = quick
    info["seconds"] = round(time.perf_counter() - started, 1)
    results = {"machine": info, "rows": [row.to_data() for row in rows]}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return rows, ok


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, to check the harness only")
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated: {', '.join(SECTIONS)}")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the results JSON")
    parser.add_argument(
        "--skip-job-scripts",
        action="store_true",
        help="do not run bench/membership_inactivity.py and bench/jobs.py (their rows say so)",
    )
    args = parser.parse_args(argv)
    sections = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = [name for name in sections if name not in SECTIONS]
    if unknown:
        parser.error(f"unknown section(s): {', '.join(unknown)}")
    rows, ok = run(sections, quick=args.quick, out=args.out, job_scripts=not args.skip_job_scripts)
    info = json.loads(args.out.read_text(encoding="utf-8"))["machine"]
    print()
    print(table(rows))
    print()
    print(
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['python']}, {info['platform']}; "
        f"{info['seconds']} s in all. Results: {args.out}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
