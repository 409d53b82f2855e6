"""Row 6: the scheduled jobs' items read, DynamoDB requests and time, collected from the scripts their
own authors keep: `bench/membership_inactivity.py` (the inactivity job, issue #4: 1 000, 10 000 and
100 000 members), `bench/jobs.py` (cleanup, review, assessment, backup and restore drill, issue #5: all
at 1 000 members, the first three at 100 000) and `bench/jobs_backups.py` (the backup and the restore
drill at 100 000, last: the longest on moto, and not among the rows the issue requires). Each has a
`main(quick=False)` that returns rows (`bench.Row`, or mappings or objects with name, unit, qunguan,
peer).

Each script runs in a child process of its own, so that its tables (100 000 members in moto's memory)
are freed when it ends, and under a time limit: what is left of `make bench`'s budget (`BUDGET`, 8 of
its 10 minutes, leaving room for a fresh clone's `.venv`), less a `RESERVE` for each child still to
come. Where a script can run one size at a time (`Source.sizes_env`), each size is a child of its own,
so that a slow large size cannot take the small sizes' figures down with it. A script that is not there
yet, fails or runs out of time gives its expected rows with null figures and says so in their names:
never a made-up number. In quick mode (the smoke test) a script runs only if its `main` takes `quick`;
otherwise its rows say it was skipped.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bench
from bench import Row, row_from

ROOT = Path(__file__).resolve().parent.parent
BUDGET = 480.0  # seconds for the whole of `python -m bench`, from the import of `bench`
RESERVE = 60.0  # seconds kept back for each child still to come
MARKER = "@@bench-rows@@ "
NO_QUICK = 3  # the child's exit status when the script's main() takes no `quick`

# Runs in the child: argv is (module, "1" for quick). Prints the rows as JSON after MARKER.
CHILD = f"""
import importlib, inspect, json, sys
from bench import row_from
module, quick = sys.argv[1], sys.argv[2] == "1"
entry = importlib.import_module(module).main
if quick and "quick" not in inspect.signature(entry).parameters:
    sys.exit({NO_QUICK})
produced = entry(quick=True) if quick else entry()
if isinstance(produced, (str, bytes)) or not hasattr(produced, "__iter__"):
    raise TypeError("main() returned " + type(produced).__name__ + ", not a list of rows")
rows = [row_from(item) for item in produced]
data = [{{"name": r.name, "unit": r.unit, "qunguan": r.qunguan, "peer": r.peer}} for r in rows]
print({MARKER!r} + json.dumps(data, ensure_ascii=False), flush=True)
"""


@dataclass(frozen=True)
class Source:
    """A script, the job its placeholders name, its sizes, and the environment variable through which it
    runs one size at a time (then each size is a child of its own, so a slow large size cannot take the
    small sizes' figures down with it)."""

    module: str
    job: str
    sizes: tuple[int, ...]
    sizes_env: str | None = None


SOURCES = (
    Source("bench.membership_inactivity", "inactivity", (1_000, 10_000, 100_000)),
    Source(
        "bench.jobs", "assessment and the other #5 jobs", (1_000, 100_000), sizes_env="QG_BENCH_JOB_SIZES"
    ),
    Source("bench.jobs_backups", "backup and restore drill", (100_000,)),
)


class ScriptMissing(Exception):
    """The script is not in the tree yet."""


class NoQuickMode(Exception):
    """The script's main() cannot run small; quick mode skips it."""


class ScriptFailed(Exception):
    """The script raised, printed no rows, or ran out of time; the message says which."""


Runner = Callable[[str, bool, float, Mapping[str, str]], Sequence[Any]]


def run_script(module: str, quick: bool, timeout: float, env: Mapping[str, str] | None = None) -> list[Row]:
    """The rows of `module`'s main(), run in a child process with `timeout` seconds and `env` added to
    this process's environment."""
    if importlib.util.find_spec(module) is None:
        raise ScriptMissing(module)
    try:
        done = subprocess.run(  # noqa: S603 - this interpreter, on code written in this module
            [sys.executable, "-c", CHILD, module, "1" if quick else "0"],
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ScriptFailed(f"timed out after {timeout:.0f} s") from None
    if done.returncode == NO_QUICK:
        raise NoQuickMode(module)
    rows: list[Row] | None = None
    for line in done.stdout.splitlines():
        if line.startswith(MARKER):
            rows = [row_from(item) for item in json.loads(line[len(MARKER) :])]
        elif line.strip():
            print(f"  {line}")  # the script's own table, for the console
    if done.returncode != 0 or rows is None:
        print(done.stderr[-3000:], file=sys.stderr)
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise ScriptFailed(f"exit {done.returncode}: {last[:100]}")
    return rows


def placeholders(source: Source, why: str, sizes: Sequence[int] | None = None) -> list[Row]:
    rows = []
    for size in source.sizes if sizes is None else sizes:
        members = f"{size:,}".replace(",", " ")
        for measure, unit in (("items read", "items"), ("DynamoDB requests", "requests")):
            rows.append(Row(f"jobs: {source.job}, {members} members: {measure} ({why})", unit, None))
        rows.append(Row(f"jobs: {source.job}, {members} members: time outside DynamoDB ({why})", "ms", None))
    return rows


def collect(
    source: Source,
    *,
    quick: bool = False,
    timeout: float = BUDGET,
    size: int | None = None,
    run: Runner = run_script,
) -> list[Row]:
    """The script's rows (only those of `size`, when given), or placeholders saying why there are none;
    `run` is `run_script` but in the smoke test."""
    env = {source.sizes_env: str(size)} if size is not None and source.sizes_env else {}
    sizes = None if size is None else (size,)
    try:
        rows = [row_from(item) for item in run(source.module, quick, timeout, env)]
    except ScriptMissing:
        return placeholders(source, "not yet available", sizes)
    except NoQuickMode:
        return placeholders(source, "skipped in quick mode", sizes)
    except Exception as exc:  # another team's script: its failure must not stop the other rows
        print(f"  jobs: {source.module} gave no rows{'' if size is None else f' at {size}'}: {exc}")
        return placeholders(source, f"script failed: {str(exc)[:60]}", sizes)
    return rows or placeholders(source, "script gave no rows", sizes)


def runs(quick: bool) -> list[tuple[Source, int | None]]:
    """The child processes to start: one per script, or one per size where a script can run one size."""
    return [
        (source, size)
        for source in SOURCES
        for size in (source.sizes if source.sizes_env and not quick else (None,))
    ]


def main(*, quick: bool = False, scripts: bool = True) -> list[Row]:
    """Every source's rows; `scripts=False` (`python -m bench --skip-job-scripts`) runs none of them."""
    if not scripts:
        return [row for source in SOURCES for row in placeholders(source, "skipped: --skip-job-scripts")]
    rows: list[Row] = []
    planned = runs(quick)
    for index, (source, size) in enumerate(planned):
        left = BUDGET - (time.monotonic() - bench.STARTED) - RESERVE * (len(planned) - index - 1)
        rows.extend(collect(source, quick=quick, timeout=max(left, RESERVE / 2), size=size))
    return rows
