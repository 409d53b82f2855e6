"""The job benchmarks that `make bench` starts (bench.jobs_rows) run end to end on tiny sizes, in a child
process as `make bench` runs them, and give three rows per job and size with a figure in each: items
read, DynamoDB requests, and the time outside DynamoDB."""

from __future__ import annotations

import pytest

from bench.jobs_rows import SOURCES, run_script

pytestmark = pytest.mark.dynamodb  # moto's DynamoDB server on loopback, in the child


@pytest.mark.parametrize("module", [source.module for source in SOURCES])
def test_a_job_script_gives_its_three_rows_per_job_and_size(module: str) -> None:
    rows = run_script(module, True, 240.0)

    assert rows and len(rows) % 3 == 0
    assert all(row.name.startswith("jobs: ") and row.qunguan is not None and row.peer is None for row in rows)
    measures = [(row.name.rsplit(": ", 1)[1], row.unit) for row in rows]
    assert measures == [
        ("items read", "items"),
        ("DynamoDB requests", "requests"),
        ("time outside DynamoDB", "ms"),
    ] * (len(rows) // 3)


def test_the_inactivity_job_reads_only_the_silent_members() -> None:
    rows = {row.name: row.qunguan for row in run_script("bench.membership_inactivity", True, 240.0)}

    assert rows["jobs: inactivity, 1 000 members: items read"] == 10
    assert rows["jobs: inactivity, 1 000 members: DynamoDB requests"] == 3
