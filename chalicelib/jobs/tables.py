"""Running a table-wide job (backup, restore drill) once per period, with its run record under
`OPS#table`, so that a retried schedule does not make a second backup or drill."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from chalicelib.core.policy import PolicyDocument
from chalicelib.jobs.base import JobReport, TableJob
from chalicelib.jobs.failures import TABLE_SCOPE, note_run
from chalicelib.jobs.runs import RunRecord, Runs, RunState, report_days
from chalicelib.kernel.deps import Deps
from chalicelib.store import keys


def org_policy(deps: Deps) -> PolicyDocument:
    from chalicelib.kernel.context import policies

    return policies(deps).org()


def run_recorded(
    job: TableJob, deps: Deps, now: float, *, dry_run: bool, work: Callable[[str, RunState], JobReport]
) -> JobReport:
    """Run `work` (given the period and the run's state, with its checkpoint) for the job's period at `now`,
    unless that period is done: a failed or partial run keeps its checkpoint for the next invocation.
    Each job calls this from a method of its own, so that its scheduled function reaches only its own AWS
    calls (`TableJob`)."""
    name, period = job.name, job.period(now)
    runs = Runs(deps.store, keys.OPS_PK, keep_days=report_days(org_policy(deps)))
    record = runs.get(name, period, dry_run)
    if record is not None and record.state == "done" and record.report is not None:
        return replace(record.report, status="already")
    state = RunState(
        runs, name, period, dry_run, dict(record.checkpoint) if record else {}, record.parts if record else 0
    )
    report = work(period, state)
    note_run(deps.store, name, TABLE_SCOPE, period, status=report.status, now=now, dry_run=dry_run)
    if report.status in ("failed", "partial"):
        state.save(state.checkpoint, now)  # the next invocation resumes; a failure is raised by the caller
    else:
        runs.save(RunRecord(name, period, dry_run, "done", state.checkpoint, report, delivered=True), now)
    return report
