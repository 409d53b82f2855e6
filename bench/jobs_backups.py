"""Row 6, the rest: the backup and the restore drill at 100 000 members, as `bench.jobs` measures them
(see its docstring), in a child process of their own that `make bench` starts last (bench.jobs_rows):
on moto they take the longest of the jobs, nearly all of it moto's (it copies the whole table to back it
up and again to restore it, and scans it each time), and the rows the issue requires come first.

    python -m bench.jobs_backups
"""

from __future__ import annotations

from typing import Any

from bench import jobs

JOBS = ("backup", "restore-drill")
SIZE = 100_000


def main(quick: bool = False) -> list[dict[str, Any]]:
    return jobs.main(quick, jobs=JOBS, sizes=(jobs.QUICK_SIZES[-1],) if quick else (SIZE,))


if __name__ == "__main__":
    for row in main():
        print(f"{row['name']:<60}  {row['qunguan']:>10} {row['unit']}")
