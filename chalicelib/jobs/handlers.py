"""The jobs domain in the worker (`registry.DOMAINS`).

- `JobRequested`: run the named job for the event's group and decide what reaches people: the job's own
  actions (report cards to members, unmutes, closed cards) and the report to the group's admins, privately,
  its charts as images after it (`PostImage`, carried out and retried through the outbox like the rest).
  A dry run decides nothing: its report is only stored. A run that stopped at its checkpoint (status
  `partial`) asks for its next part through the queue. A period already done sends nothing again, except
  a report that never reached the admins (the queue's retry of a failed delivery).
- `MessagePosted`, `FileShared`, `CardClicked`: the message log the assessment and the review read
  (`chalicelib.jobs.activity`).
- `JobRan` (the fact every run's decision carries): once its actions ran, the run is marked delivered
  unless a delivery failed in a way worth retrying; a partial run then asks for its next part.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import replace

from chalicelib.authz import admins_of
from chalicelib.core.actions import Decision, PostImage, SendDirect
from chalicelib.core.events import CardClicked, Event, FileShared, JobRequested, MessagePosted
from chalicelib.core.facts import JobRan
from chalicelib.i18n import t
from chalicelib.jobs import catalog
from chalicelib.jobs.activity import record_event
from chalicelib.jobs.base import JobNotInstalled, JobReport
from chalicelib.jobs.failures import note_run
from chalicelib.jobs.posts import track
from chalicelib.jobs.runs import RunRecord, Runs
from chalicelib.jobs.scheduler import claim_ttl, request
from chalicelib.kernel.context import Context
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.handlers import Recording
from chalicelib.store import keys

log = logging.getLogger("qunguan.jobs")
_parts = threading.local()

REPORT_REASON = "jobs.report"


def report_text(report: JobReport, locale: str) -> str:
    """The admins' report: what ran, for which period, what it found or did, and where the rest is."""
    title_key = f"jobs.title.{report.job}"
    title = t(locale, title_key) if _known(title_key) else report.job
    head = t(locale, "jobs.report.head", title=title, period=report.period)
    parts = [head, *report.lines]
    if report.dry_run:
        parts.append(t(locale, "jobs.report.dry_run"))
    if "html" in report.links:
        parts.append(t(locale, "jobs.report.link", url=report.links["html"]))
    return "\n".join(parts)


def _known(key: str) -> bool:
    from chalicelib.i18n import catalogue

    return key in catalogue()


def deliveries(report: JobReport, ctx: Context, event: JobRequested) -> Decision:
    """The job's own actions, and the report to each admin privately; nothing for a requested dry run.
    (A job may report in its own dry-run mode, as the inactivity job does until it is switched on: its
    report still reaches the admins, that being the point of it.)"""
    if event.dry_run:
        return Decision(facts=(_ran(report),))
    actions = list(report.actions)
    admins = admins_of(ctx, event)
    if tells_admins(report) and admins:
        text = report_text(report, ctx.locale)
        actions.extend(SendDirect(user=admin, text=text, reason=REPORT_REASON) for admin in admins)
        actions.extend(  # the charts after the text (the sort is stable): the text stands without them
            PostImage(
                users=admins, name=image.name, png=image.png, caption=image.caption, reason=REPORT_REASON
            )
            for image in report.images
        )
    return replace(Decision.of(*actions), facts=(_ran(report),))


def tells_admins(report: JobReport) -> bool:
    """A job says so with `details["notify"]`; otherwise a finished run that did or found something."""
    if "notify" in report.details:
        return bool(report.details["notify"])
    if report.status not in ("done", "failed") or report.details.get("quiet"):
        return False
    return report.status == "failed" or any(value > 0 for value in report.counts.values())


def _ran(report: JobReport) -> JobRan:
    return JobRan(report.job, report.period, report.status, report.dry_run, dict(report.counts))


def on_job_requested(event: JobRequested, ctx: Context, deps: Deps) -> Decision:
    try:
        job = catalog.group_job(event.job)
    except (JobNotInstalled, KeyError) as exc:
        log.warning("job %s requested for a group but not runnable here: %s", event.job, exc)
        return Decision(facts=(JobRan(event.job, event.period, "not_installed", event.dry_run),))
    report = job.run(deps, event.gid, event.occurred_at, dry_run=event.dry_run)
    note_run(
        deps.store,
        event.job,
        event.gid,
        event.period,
        status=report.status,
        now=event.occurred_at,
        dry_run=event.dry_run,
    )
    if event.dry_run:
        keep_dry_report(deps, report, event.occurred_at)
    if report.status == "already":
        record = Runs(deps.store, keys.group_pk(event.gid)).get(event.job, event.period, event.dry_run)
        if record is None or record.delivered or event.dry_run:
            return Decision(facts=(_ran(report),))
        return deliveries(replace(report, status="done"), ctx, event)  # the admins never got it: again
    return deliveries(report, ctx, event)  # a partial run asks for its next part once done (`next_part`)


def keep_dry_report(deps: Deps, report: JobReport, now: float) -> None:
    """A requested dry run's report is what it is for (the console's jobs page reads it): kept under the
    dry run's record, for the jobs that keep no run record of their own (the membership and workflow
    timers, inactivity, mentions); a recorded job (`runs.RecordedJob`) kept it already."""
    runs = Runs(deps.store, keys.group_pk(report.gid))
    if report.status in ("done", "failed") and runs.get(report.job, report.period, True) is None:
        runs.save(RunRecord(report.job, report.period, True, "done", report=report), now)


def _continue(event: JobRequested, deps: Deps) -> None:
    """Ask for the next part of a run that stopped at its checkpoint."""
    record = Runs(deps.store, keys.group_pk(event.gid)).get(event.job, event.period, event.dry_run)
    part = record.parts if record else 1
    follow_up = request(
        event.job,
        event.period,
        platform=event.platform,
        tenant=event.tenant,
        chat=event.chat,
        at=event.occurred_at,
        dry_run=event.dry_run,
        part=part,
    )
    if deps.dispatcher is None:
        log.warning(
            "job %s %s stopped at part %d and no dispatcher can continue it", event.job, event.period, part
        )
        return
    if not deps.store.claim_event(
        follow_up.platform, follow_up.claim_key, deps.clock.now(), ttl=claim_ttl(event.period)
    ):
        return
    waiting: list[JobRequested] | None = getattr(_parts, "waiting", None)
    if waiting is not None:  # an inline dispatcher is running an earlier part: it takes this one next
        waiting.append(follow_up)
        return
    # SQS just queues the part. An inline dispatcher (the local stack) runs it at once, and its own
    # follow-up would nest one level deeper each part: a loop here runs them one after the other instead.
    _parts.waiting = [follow_up]
    try:
        while _parts.waiting:
            deps.dispatcher.dispatch([_parts.waiting.pop(0)])
    finally:
        _parts.waiting = None


def delivered(ran: JobRan, done: Recording) -> None:
    """A finished run counts as delivered once its actions are done, unless one is worth retrying."""
    event, results, deps = done.event, done.results, done.deps
    if not isinstance(event, JobRequested) or event.dry_run or ran.status not in ("done", "failed"):
        return
    if not any(getattr(result, "retryable", False) for result in results):
        Runs(deps.store, keys.group_pk(event.gid)).mark_delivered(event.job, event.period, event.dry_run)


def next_part(ran: JobRan, event: Event, ctx: Context, deps: Deps) -> Decision:
    """A run that stopped at its checkpoint asks for its next part, once this part is recorded (its
    posts tracked, what it settled not handled twice)."""
    if isinstance(event, JobRequested) and ran.status == "partial":
        _continue(event, deps)
    return Decision()


EVENTS = {
    JobRequested: on_job_requested,
    MessagePosted: record_event,
    FileShared: record_event,
    CardClicked: record_event,
}
AFTER = (track,)
RECORDS = {JobRan: delivered}
FACTS = {JobRan: next_part}  # after the recording: posts tracked before the next part is asked for
