"""Runs: each job's record of what it did for a period, and the checkpoint a long run resumes from.

A run record (`GRP#{gid}` or `OPS#table` / `JOB#{job}#{period}`, `#dry` for a dry run) holds the run's
state (`running` with a checkpoint, then `done` with its report), and whether the report reached the
admins. `RecordedJob.run` makes a job idempotent for its period: a done period answers its stored report
with status `already` and touches nothing; an interrupted one resumes from its checkpoint. A dry run has
its own record, so it never stands in for the real run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from chalicelib.core.events import JobRequested
from chalicelib.jobs.base import JobReport
from chalicelib.kernel.where import Where, job_where
from chalicelib.store import keys
from chalicelib.store.base import Store
from chalicelib.store.records import Item

if TYPE_CHECKING:
    from chalicelib.core.policy import GroupPolicy
    from chalicelib.kernel.deps import Deps

DAY = 86400
DEFAULT_REPORT_DAYS = 365


@dataclass(frozen=True)
class RunRecord:
    job: str
    period: str
    dry_run: bool
    state: str
    checkpoint: dict[str, Any] = field(default_factory=dict)
    report: JobReport | None = None
    delivered: bool = False
    parts: int = 0


class Runs:
    """The run records under one partition key (a group's, or the table-wide `OPS#table`)."""

    def __init__(self, store: Store, pk: str, *, keep_days: int = DEFAULT_REPORT_DAYS) -> None:
        self.store = store
        self.pk = pk
        self.keep_days = keep_days

    def get(self, job: str, period: str, dry_run: bool) -> RunRecord | None:
        item = self.store.get_item(self.pk, keys.job_run_sk(job, period, dry_run=dry_run))
        if item is None:
            return None
        data = item.data
        report = data.get("report")
        return RunRecord(
            job=job,
            period=period,
            dry_run=dry_run,
            state=str(data.get("state", "running")),
            checkpoint=dict(data.get("checkpoint", {})),
            report=JobReport.from_data(report) if isinstance(report, Mapping) else None,
            delivered=bool(data.get("delivered", False)),
            parts=int(data.get("parts", 0)),
        )

    def save(self, record: RunRecord, now: float) -> None:
        data: dict[str, Any] = {
            "job": record.job,
            "period": record.period,
            "dry_run": record.dry_run,
            "state": record.state,
            "checkpoint": record.checkpoint,
            "delivered": record.delivered,
            "parts": record.parts,
            "at": now,
        }
        if record.report is not None:
            data["report"] = record.report.to_data()
        self.store.put_item(
            Item(
                self.pk,
                keys.job_run_sk(record.job, record.period, dry_run=record.dry_run),
                data,
                expires_at=int(now) + self.keep_days * DAY,
            )
        )

    def mark_delivered(self, job: str, period: str, dry_run: bool) -> bool:
        return self.store.update_item(
            self.pk,
            keys.job_run_sk(job, period, dry_run=dry_run),
            {"delivered": True},
            expect={"state": "done"},
        )


@dataclass
class RunState:
    """What a running job keeps between parts: a JSON-like checkpoint. `RecordedJob.run` saves it when
    the job stops part-way (status `partial`); a job may also `save` it as it goes."""

    runs: Runs
    job: str
    period: str
    dry_run: bool
    checkpoint: dict[str, Any]
    parts: int = 0

    def save(self, checkpoint: Mapping[str, Any], now: float) -> None:
        self.checkpoint = dict(checkpoint)
        self.parts += 1
        self.runs.save(
            RunRecord(self.job, self.period, self.dry_run, "running", self.checkpoint, parts=self.parts), now
        )


class RecordedJob:
    """The idempotent shell of a per-group job: subclasses give `name`, `period` and `execute`."""

    name = ""

    def period(self, now: float) -> str:  # pragma: no cover - every job defines its own
        raise NotImplementedError

    def execute(self, deps: Deps, scope: Where[JobRequested], now: float, state: RunState) -> JobReport:
        raise NotImplementedError  # pragma: no cover

    def run(self, deps: Deps, gid: str, now: float, *, dry_run: bool = False) -> JobReport:
        period = self.period(now)
        scope = job_where(deps, gid, job=self.name, key=period, now=now, dry_run=dry_run)
        runs = Runs(deps.store, keys.group_pk(gid), keep_days=report_days(scope.policy))
        record = runs.get(self.name, period, dry_run)
        if record is not None and record.state == "done" and record.report is not None:
            return replace(record.report, status="already")
        state = RunState(
            runs,
            self.name,
            period,
            dry_run,
            dict(record.checkpoint) if record else {},
            record.parts if record else 0,
        )
        report = self.execute(deps, scope, now, state)
        if report.status == "partial":
            state.save(state.checkpoint, now)
        else:
            runs.save(
                RunRecord(self.name, period, dry_run, "done", state.checkpoint, report, parts=state.parts),
                now,
            )
        return report


def report_days(policy: GroupPolicy) -> int:
    return int(policy.retention.get("reports", DEFAULT_REPORT_DAYS))
