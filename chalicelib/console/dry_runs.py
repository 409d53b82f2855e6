"""Dry runs from the jobs page, for owners: a per-group job run for one group as its schedule would run
it, with `dry_run` set, so it reports what it would do and changes nothing.

Every per-group job takes the flag (`chalicelib.jobs.base.Job.run(..., dry_run=True)`: inactivity exits,
cleanup, assessments, the review, the membership and workflow timers, mention reminders) and the worker
decides nothing for a requested dry run: its report is only stored, under its own run record
(`chalicelib.jobs.runs`), which the jobs page then shows. The request is the schedule's own
`JobRequested` (`chalicelib.jobs.scheduler.request`), claimed once per job, group and period as the
schedule and `job run --dry-run --queue` claim it, and dispatched to the worker. Table-wide jobs (backup,
restore drill) dry-run from the operator CLI only: their calls are not the console's to make.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from chalicelib.console.roles import Forbidden
from chalicelib.console.web import BadRequest, Redirect
from chalicelib.core.localtime import local
from chalicelib.http import Reply
from chalicelib.store.records import GroupRecord

if TYPE_CHECKING:
    from chalicelib.console.web import View


def jobs() -> tuple[str, ...]:
    """The jobs a dry run may be asked of: every per-group job."""
    from chalicelib.jobs.catalog import GROUP_JOBS

    return tuple(GROUP_JOBS)


def dry_run(view: View) -> Reply:
    """`POST /console/jobs/dry-run` (owners): request the dry run; back to the jobs page, which says
    whether it was sent or had been asked for this period already (its report is shown there)."""
    from chalicelib.jobs.base import JobNotInstalled
    from chalicelib.jobs.catalog import group_job
    from chalicelib.jobs.scheduler import claim_ttl, request

    viewer = view.viewer
    if not viewer.owner:
        raise Forbidden("dry runs are for owners")
    name = view.form.get("job", "")
    if name not in jobs():
        raise BadRequest()
    group = viewer.group(view.form.get("group", ""))
    try:
        job = group_job(name)
    except JobNotInstalled as exc:
        raise BadRequest("console.jobs.not_installed") from exc
    period = job.period(viewer.now)
    event = request(
        name,
        period,
        platform=group.platform,
        tenant=group.tenant,
        chat=group.chat,
        at=viewer.now,
        dry_run=True,
    )
    deps = viewer.deps
    notice = "dry_already"
    if deps.store.claim_event(event.platform, event.claim_key, viewer.now, ttl=claim_ttl(period)):
        deps.dispatch([event])
        notice = "dry_sent"
    raise Redirect(f"/console/jobs?{urlencode({'group': group.gid, 'notice': notice, 'job': name})}")


def dry_reports(view: View, group: GroupRecord | None, runs: list[dict[str, Any]]) -> list[DryReport]:
    """The dry runs among the group's run records (newest first), with their reports and when they ran
    in the group's time zone."""
    if group is None:
        return []
    from chalicelib.kernel.context import policies

    offset = policies(view.viewer.deps).for_group(group.gid, view.viewer.now).jobs.utc_offset_hours
    found = []
    for run in runs:
        report = run.get("report")
        if run.get("dry_run") and isinstance(report, dict):
            counts = {str(k): int(v) for k, v in dict(report.get("counts") or {}).items()}
            found.append(
                DryReport(
                    job=str(run.get("job", "")),
                    period=str(run.get("period", "")),
                    when=local(float(run.get("at") or 0), offset),
                    status=str(report.get("status", "")),
                    lines=tuple(str(line) for line in report.get("lines", ())),
                    counts=tuple(counts.items()),
                )
            )
    return found


@dataclass(frozen=True)
class DryReport:
    job: str
    period: str
    when: str
    status: str
    lines: tuple[str, ...]
    counts: tuple[tuple[str, int], ...]
