"""The daily cleanup (R3.9, R4.7, R4.8, R6.7), per group.

1. What the bot posted and registered with a lifetime (`chalicelib.jobs.posts`): expired announcements
   are withdrawn, stale cards closed (their buttons give way to a note), outdated notices recalled, each
   where the platform lets a bot recall its own messages (RECALL_OWN); where it cannot, the report says so.
2. One-time passes that lapsed are withdrawn. (Mutes end within minutes, not at the daily cleanup: the
   `end_mutes` schedule runs moderation's sweep, `chalicelib.moderation.sweep`.)
3. Records past the retention the policy sets now (`retention`), where TTL has not removed them yet: a
   retention shortened after the records were written, or TTL running late. Time-ordered keys are read
   only below their cutoff (audit records, message-log days); cases are read from the group's partition.
4. Archived files past `retention.files` (R6.7): every S3 version of each and its records
   (`chalicelib.files.expiry`), found on the group's files-by-age index below the cutoff.
5. The group's summary for the web console is recounted from its items (`chalicelib.store.summaries`):
   one Query of its members and of its open cards, so that drift heals within a day.

Every step reads an index or a key range, never the whole table. `max_items` bounds a run: when it is
reached, the run stops (status `partial`) and the worker asks for the next part, which resumes from the
records that are left (what was handled is gone from the index). A dry run only counts, up to the bound.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import cast

from chalicelib.adapters.base import Capability
from chalicelib.core.actions import Action, UpdateCard
from chalicelib.core.cards import Card
from chalicelib.core.events import JobRequested
from chalicelib.core.ids import Platform, split_id
from chalicelib.i18n import t
from chalicelib.jobs.activity import log_days
from chalicelib.jobs.base import JobReport
from chalicelib.jobs.periods import DAY, day_label
from chalicelib.jobs.posts import BotPost, BotPosts, Passes
from chalicelib.jobs.runs import RecordedJob, RunState
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.where import Where
from chalicelib.store import keys
from chalicelib.store.records import Item

log = logging.getLogger("qunguan.jobs.cleanup")

CATCH_UP_DAYS = 2  # message-log days past retention are looked at twice: a missed run is caught up
MAX_PARTS = 20  # a run that still has work after this many parts leaves the rest to tomorrow

COUNTS = (
    "withdrawn",
    "cards_closed",
    "recalled",
    "not_recallable",
    "passes_lapsed",
    "audit_deleted",
    "cases_deleted",
    "snapshots_deleted",
    "reports_deleted",
    "messages_deleted",
    "texts_removed",
    "files_deleted",
    "failed",
)


class _Budget(Exception):
    """The run used up `max_items`."""


@dataclass
class _Sweep:
    deps: Deps
    scope: Where[JobRequested]
    now: float
    dry_run: bool
    limit: int
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    actions: list[Action] = field(default_factory=list)
    items_read: int = 0
    handled: int = 0

    def room(self) -> None:
        """Raises `_Budget` when this run may handle nothing more: call it before acting on an item."""
        if self.handled >= self.limit:
            raise _Budget

    def take(self, count: str) -> None:
        self.room()
        self.handled += 1
        self.counts[count] += 1

    def read(self, items: Iterator[Item]) -> Iterator[Item]:
        for item in items:
            self.items_read += 1
            yield item


class CleanupJob(RecordedJob):
    name = "cleanup"

    def period(self, now: float) -> str:
        return day_label(now)

    def anchor(self, period: str) -> float:
        from chalicelib.jobs.periods import local_midnight

        return local_midnight(period, 0) + 12 * 3600

    def execute(self, deps: Deps, scope: Where[JobRequested], now: float, state: RunState) -> JobReport:
        settings = scope.policy.jobs.cleanup
        period = self.period(now)
        if not settings.enabled:
            return JobReport(
                self.name, scope.gid, period, state.dry_run, details={"quiet": True, "disabled": True}
            )
        sweep = _Sweep(deps, scope, now, state.dry_run, settings.max_items)
        for name, value in dict(state.checkpoint.get("counts", {})).items():  # the earlier parts' counts
            sweep.counts[name] = int(value)
        steps: tuple[Callable[[_Sweep], None], ...] = (
            _posts,
            _passes,
            _audit,
            _cases,
            _run_records,
            _message_log,
            _files,
        )
        stopped = False
        try:
            for step in steps:
                step(sweep)
        except _Budget:
            stopped = True
        more = stopped and not state.dry_run and state.parts + 1 < MAX_PARTS
        if not stopped and not state.dry_run:
            _recount_summary(deps, scope)
        counts = {name: value for name, value in sweep.counts.items() if value}
        state.checkpoint = {"counts": counts}
        lines = [t(scope.locale, f"jobs.cleanup.{name}", count=value) for name, value in counts.items()]
        if stopped:
            lines.append(t(scope.locale, "jobs.cleanup.more" if more else "jobs.cleanup.later"))
        return JobReport(
            self.name,
            scope.gid,
            period,
            state.dry_run,
            counts=counts,
            lines=tuple(lines),
            items_read=sweep.items_read,
            status="partial" if more else "done",
            details={"quiet": not counts},
            actions=tuple(sweep.actions),
        )


def _recount_summary(deps: Deps, scope: Where[JobRequested]) -> None:
    """5. The group's summary for the web console, rebuilt from its items, so that a figure that drifted
    (an open card gone by TTL, a member item written outside the member paths) heals within a day."""
    from chalicelib.store.summaries import recount_group

    group = deps.store.get_group(scope.gid)
    if group is not None:
        recount_group(deps.store, group)


# 1. The bot's own posts ---------------------------------------------------------------------------------
def _posts(sweep: _Sweep) -> None:
    """Due posts become actions: a stale card is closed; an announcement or notice is recalled (`Recall`:
    where the platform cannot, a card is marked withdrawn instead, and the result says so). A recall is
    settled once it went through (`chalicelib.jobs.posts.track`), so one that failed is tried again."""
    repo = BotPosts(sweep.deps.store)
    platform, _, _ = split_id(sweep.scope.gid)
    messenger = sweep.deps.messenger(cast(Platform, platform)) if not sweep.dry_run else None
    recallable = messenger is None or messenger.capabilities.allows(Capability.RECALL_OWN)
    for post in list(repo.due(sweep.scope.gid, sweep.now)):
        sweep.items_read += 1
        sweep.room()
        if post.kind == "card":
            sweep.take("cards_closed")
            if not sweep.dry_run:
                sweep.actions.append(_close_card(post, sweep))
                repo.settle(post, "closed")
            continue
        if not recallable:  # reported once (the card marked withdrawn where it can be), not every day
            sweep.take("not_recallable")
            if not sweep.dry_run:
                repo.settle(post, "not_recallable")
        else:
            sweep.take("withdrawn" if post.kind == "announcement" else "recalled")
        if not sweep.dry_run:
            sweep.actions.append(post.recall(fallback=_withdrawn_card(post, sweep), reason="jobs.cleanup"))


def _withdrawn_card(post: BotPost, sweep: _Sweep) -> Card | None:
    """What an announcement's card shows where it cannot be recalled; a text notice has no such card."""
    if post.kind != "announcement":
        return None
    note = t(sweep.scope.locale, "jobs.cleanup.post_withdrawn")
    return Card(card_id=post.message_id, title=post.title or note, body=note, footer=note)


def _close_card(post: BotPost, sweep: _Sweep) -> UpdateCard:
    note = (
        t(sweep.scope.locale, "jobs.cleanup.card_closed")
        if sweep.scope.policy.jobs.cleanup.closed_card_note
        else ""
    )
    card = Card(card_id=post.message_id, title=post.title or note, body=note, footer=note)
    # The token is what the platform needs to touch the card again (WeCom: the send's response_code,
    # which `update_card` reads as `response_token`; DingTalk: the outTrackId; Slack: "channel:ts").
    # Where the platform refuses the update for good (a WeCom response_code used or past its 72 h), the
    # executor tells whose card it was by message instead (`user`, kept when it was sent privately).
    ref = post.token or post.message_id
    return UpdateCard(
        card=card, card_ref=ref, response_token=post.token or None, user=post.user, reason="jobs.cleanup"
    )


# 2. Passes -----------------------------------------------------------------------------------
def _passes(sweep: _Sweep) -> None:
    repo = Passes(sweep.deps.store)
    for grant in list(repo.due(sweep.scope.gid, sweep.now)):
        sweep.items_read += 1
        sweep.take("passes_lapsed")
        if not sweep.dry_run:
            repo.lapse(grant)


# 3. Retention --------------------------------------------------------------------------------------------
def _days(sweep: _Sweep, kind: str) -> int | None:
    value = sweep.scope.policy.retention.get(kind)
    return None if value is None else int(value)


def _delete(sweep: _Sweep, item: Item, count: str) -> None:
    sweep.take(count)
    if not sweep.dry_run:
        sweep.deps.store.delete_item(item.pk, item.sk)


def _audit(sweep: _Sweep) -> None:
    keep = _days(sweep, "audit")
    if keep is None:
        return
    bound = keys.audit_sk(sweep.now - keep * DAY, "")
    store = sweep.deps.store
    for item in list(
        sweep.read(
            store.query_items(keys.group_pk(sweep.scope.gid), prefix=keys.AUDIT_SK_PREFIX, below=bound)
        )
    ):
        _delete(sweep, item, "audit_deleted")


def _cases(sweep: _Sweep) -> None:
    """A case (`CASE#{ref}`) sorts before its events (`#EV#`) and its snapshot (`#SNAP`), so one pass over
    the group's cases knows each item's case time."""
    keep_cases, keep_snapshots = _days(sweep, "cases"), _days(sweep, "snapshots")
    if keep_cases is None and keep_snapshots is None:
        return
    case_cutoff = sweep.now - keep_cases * DAY if keep_cases is not None else None
    snap_cutoff = sweep.now - keep_snapshots * DAY if keep_snapshots is not None else None
    at = 0.0
    store = sweep.deps.store
    for item in list(
        sweep.read(store.query_items(keys.group_pk(sweep.scope.gid), prefix=keys.CASE_SK_PREFIX))
    ):
        ref_part = item.sk.removeprefix(keys.CASE_SK_PREFIX)
        if "#" not in ref_part:
            at = float(item.data.get("at", 0.0))
            if case_cutoff is not None and at < case_cutoff:
                _delete(sweep, item, "cases_deleted")
            continue
        if case_cutoff is not None and at < case_cutoff:
            if not sweep.dry_run:  # the case's events and snapshot go with it
                store.delete_item(item.pk, item.sk)
        elif item.sk.endswith("#SNAP") and snap_cutoff is not None and at < snap_cutoff:
            _delete(sweep, item, "snapshots_deleted")


def _run_records(sweep: _Sweep) -> None:
    keep = _days(sweep, "reports")
    if keep is None:
        return
    cutoff = sweep.now - keep * DAY
    store = sweep.deps.store
    for prefix in (keys.JOB_RUN_SK_PREFIX, keys.ASSESSMENT_SK_PREFIX):
        for item in list(sweep.read(store.query_items(keys.group_pk(sweep.scope.gid), prefix=prefix))):
            if float(item.data.get("at", sweep.now)) < cutoff:
                _delete(sweep, item, "reports_deleted")


def _message_log(sweep: _Sweep) -> None:
    """Entries past `activity` are deleted; past `messages` (when it is shorter) only the text goes. The
    log's day partitions are UTC days (older items: the group's local days, `log_days`): each run looks at
    the partitions of the days just past a retention, and takes the entries older than its cutoff."""
    keep, keep_text = _days(sweep, "activity"), _days(sweep, "messages")
    store = sweep.deps.store
    if keep is not None:
        for item in _log_past(sweep, keep):
            _delete(sweep, item, "messages_deleted")
    if keep_text is not None and (keep is None or keep_text < keep):
        for item in _log_past(sweep, keep_text):
            if "x" in item.data:
                sweep.take("texts_removed")
                if not sweep.dry_run:
                    store.update_item(item.pk, item.sk, {"x": None})


def _log_past(sweep: _Sweep, keep: int) -> list[Item]:
    """The log entries older than `keep` days in the partitions of the `CATCH_UP_DAYS` days past it."""
    cutoff = sweep.now - keep * DAY
    labels: dict[str, None] = {}
    for back in range(keep + CATCH_UP_DAYS, keep, -1):
        then = sweep.now - back * DAY
        labels.update(dict.fromkeys(log_days(then, then + 1, sweep.scope.offset_hours)))
    store = sweep.deps.store
    return [
        item
        for day in labels
        for item in sweep.read(store.query_items(keys.message_log_pk(sweep.scope.gid, day)))
        if float(item.data.get("at", 0.0)) < cutoff
    ]


# 4. Archived files (R6.7) ---------------------------------------------------------------------------------
def _files(sweep: _Sweep) -> None:
    """Files archived longer ago than `retention.files`: every S3 version and their records go
    (`chalicelib.files.expiry`); a dry run only counts them."""
    keep = _days(sweep, "files")
    if keep is None:
        return
    from chalicelib.files import expiry

    for file in list(expiry.expired(sweep.deps, sweep.scope.gid, sweep.now - keep * DAY)):
        sweep.items_read += 1
        sweep.take("files_deleted")
        if not sweep.dry_run:
            expiry.delete(sweep.deps, file)
