"""A per-group job's failed runs are counted where the worker learns its outcome
(`chalicelib.jobs.handlers.on_job_requested`, `chalicelib.jobs.failures`): a failure counts once however
often its request is delivered, a success of that job in that group clears its count, dry runs count for
nothing."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from chalicelib.bootstrap import Deps
from chalicelib.core.events import JobRequested
from chalicelib.jobs import catalog
from chalicelib.jobs.base import JobReport
from chalicelib.jobs.failures import failed_runs
from chalicelib.store.records import GroupRecord
from chalicelib.worker.pipeline import process
from tests.jobs.support import GID, T0


class Flaky:
    """A per-group job that fails on the days the test says."""

    name = "flaky"

    def __init__(self, failing: set[str]) -> None:
        self.failing = failing

    def period(self, now: float) -> str:
        return str(int(now // 86400))

    def run(self, deps: Deps, gid: str, now: float, *, dry_run: bool = False) -> JobReport:
        period = self.period(now)
        if period in self.failing:
            return JobReport(self.name, gid, period, dry_run, lines=("failed",), status="failed")
        return JobReport(self.name, gid, period, dry_run, lines=("done",))


def request(day: int, **fields: Any) -> JobRequested:
    event = JobRequested(
        platform="slack",
        tenant="T1",
        chat="C1",
        event_id=f"job:flaky:{day}:C1",
        occurred_at=T0 + day * 86400,
        job="flaky",
        period=str(int((T0 + day * 86400) // 86400)),
    )
    return replace(event, **fields)


@pytest.fixture
def flaky(monkeypatch: pytest.MonkeyPatch) -> Flaky:
    job = Flaky({str(int((T0 + day * 86400) // 86400)) for day in (0, 1)})
    monkeypatch.setattr(catalog, "group_job", lambda name: job)
    return job


def test_a_failed_run_counts_once_and_a_later_success_clears_it(
    deps: Deps, group: GroupRecord, flaky: Flaky
) -> None:
    assert group.gid == GID
    process(request(0), deps)
    process(request(0), deps)  # the same request delivered again
    process(request(1), deps)
    assert failed_runs(deps.store) == 2

    process(request(2), deps)

    assert failed_runs(deps.store) == 0


def test_a_failed_dry_run_counts_for_nothing(deps: Deps, group: GroupRecord, flaky: Flaky) -> None:
    process(request(0, dry_run=True, event_id="job:flaky:0:C1:dry"), deps)

    assert failed_runs(deps.store) == 0
