"""The workflows' scheduled job (`workflows`, hourly): everything of one group's workflows that has fallen
due, found with one Query of the group's timers (`chalicelib.workflows.timers`, never a Scan).

- announcements: a reminder card to who has not acknowledged (by default at 4 h, 24 h and 48 h), the
  report to the poster (72 h), the withdrawal when one expires;
- publishing: the approvers reminded of a waiting submission, and the submission lapsed when nobody
  decided;
- polls: closed at their deadline, with the results posted;
- policy revisions: the pilot, rollout and rollback notices in the groups they concern;
- open admin cards (violations, reports, removal proposals, appeals): reminded until handled (R8.8,
  `chalicelib.moderation.followups`);
- scheduled discussions: reminders and the start, where the five-minute pass has not taken them already
  (R5.9, `chalicelib.workflows.discussions`).

Each timer, once handled, moves on to its item's next step or is deleted, so a second run in the same
period finds nothing to do again. A dry run counts what is due and changes nothing. The report to the
admins is quiet: the reminders are what people see; the counts are stored with the run.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime

from chalicelib.core.actions import Action
from chalicelib.core.events import JobRequested
from chalicelib.jobs.base import JobReport
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.where import Where, job_where
from chalicelib.moderation import followups
from chalicelib.workflows import announcements, discussions, polls, publishing, revisions
from chalicelib.workflows.timers import Timer, Timers

log = logging.getLogger("qunguan.workflows")

NAME = "workflows"
MAX_PER_RUN = 200  # timers handled per run; the rest are still due at the next run

Step = Callable[[Deps, Timer, Where[JobRequested], float], tuple[list[Action], Timer | None, str]]
STEPS: dict[str, Step] = {
    announcements.KIND: announcements.due,
    publishing.KIND: publishing.due,
    polls.KIND: polls.due,
    revisions.NOTICE: revisions.due,
    followups.KIND: followups.due,
    discussions.KIND: discussions.due,
}


class WorkflowReminders:
    """The `Job` protocol of `chalicelib.jobs.base`: one run per group and hour."""

    name = NAME

    def period(self, now: float) -> str:
        return datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%dT%H")

    def run(self, deps: Deps, gid: str, now: float, *, dry_run: bool = False) -> JobReport:
        period = self.period(now)
        timers = Timers(deps.store)
        found = list(timers.due(gid, now))[:MAX_PER_RUN]
        if dry_run or not found:
            due = dict(Counter(f"due_{timer.kind}" for timer in found))
            return JobReport(
                NAME, gid, period, dry_run, counts=due, items_read=len(found), details={"quiet": True}
            )
        place = job_where(deps, gid, job=NAME, key="")
        actions: list[Action] = []
        counts: dict[str, int] = {}
        for timer in found:
            current: Timer | None = timer
            while current is not None and current.at <= now:  # a next step already due runs now too
                step = STEPS.get(current.kind)
                if step is None:
                    break
                done, current, what = step(deps, current, place, now)
                actions += done
                counts[f"{timer.kind}_{what}"] = counts.get(f"{timer.kind}_{what}", 0) + 1
            if current is None or STEPS.get(current.kind) is None:
                timers.clear(gid, timer.kind, timer.ref)
            else:
                timers.set(current)
        log.info("workflows %s %s: %s", gid, period, counts)
        return JobReport(
            NAME,
            gid,
            period,
            dry_run,
            counts=counts,
            items_read=len(found),
            details={"quiet": True},
            actions=tuple(actions),
        )
