"""Who is waiting for an answer (R5.2): from a group's message log, the members asked something (an
@-mention, or a question in reply to their message) who have not answered, and which of them to remind
now. Pure: the job (`chalicelib.workflows.mentions`) reads the log and the facts about the members, and
this decides.

"Answered" is the assessment's definition (`chalicelib.jobs.answers`): the member posted in the group after
the ask, anywhere. An ask is due `remind_after_hours` after it was posted, and stays due until
`within_hours`; it is not reminded when:

- it is a mass mention (`@here`, `@channel`, `@all`, ...), or the author asked themselves;
- it was reminded before (`reminded`: each ask is reminded once);
- the member is excluded, with the reason (`excluded`: a bot, on leave, opted out, gone);
- it is the group's quiet hours (`quiet_from`-`quiet_until`, local time): deferred to the next run after;
- the member had `max_per_day` reminded asks in the group today (local day) already: the oldest first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass, field
from datetime import datetime

from chalicelib.jobs.answers import asks
from chalicelib.store.message_log import Entry
from chalicelib.workflows.mention_settings import MentionSettings
from chalicelib.workflows.moments import zone

HOUR = 3600.0
# What messengers write for "everyone": Slack's special mentions (`<!here>` and the like never reach
# `mentions`, these are for logs written otherwise), WeCom's and DingTalk's @all.
MASS_MENTIONS = frozenset({"here", "channel", "everyone", "all", "@all", "所有人", "全体成员", "全體成員"})


@dataclass(frozen=True)
class Waiting:
    """An ask still unanswered: `user` was asked by `asked_by` in message `message_id` at `at`."""

    user: str
    asked_by: str
    message_id: str
    at: float
    question: bool = False  # by a question in reply to the member's message, not an @-mention

    @property
    def key(self) -> tuple[str, str]:
        """What a reminder is recorded by: the message and the member."""
        return self.message_id, self.user


@dataclass(frozen=True)
class Plan:
    """Whom to remind now, oldest ask first, and how many due asks were not reminded, by reason."""

    remind: tuple[Waiting, ...] = ()
    skipped: Mapping[str, int] = field(default_factory=dict)


def is_mass_mention(user: str) -> bool:
    return user.lower().lstrip("!@") in MASS_MENTIONS or user.startswith("!")


def unanswered(entries: Iterable[Entry], now: float, settings: MentionSettings) -> list[Waiting]:
    """The asks among `entries` (the log, oldest first, up to `now`) still unanswered at `now` that are due:
    at least `remind_after_hours` old and not older than `within_hours`. Mass mentions are left out."""
    due_by = now - settings.remind_after_hours * HOUR
    oldest = now - settings.within_hours * HOUR
    return [
        Waiting(ask.user, ask.entry.user, ask.entry.message_id, ask.entry.at, ask.by_question)
        for ask in asks(entries, questions=settings.questions)
        if ask.answer is None and oldest <= ask.entry.at <= due_by and not is_mass_mention(ask.user)
    ]


def in_quiet_hours(now: float, offset_hours: float, settings: MentionSettings) -> bool:
    start, end = settings.quiet
    if start == end:
        return False
    local = datetime.fromtimestamp(now, zone(offset_hours))
    minute = local.hour * 60 + local.minute
    return start <= minute < end if start < end else minute >= start or minute < end


def plan(
    waiting: Iterable[Waiting],
    now: float,
    settings: MentionSettings,
    *,
    offset_hours: float,
    excluded: Mapping[str, str] | None = None,
    reminded: Set[tuple[str, str]] = frozenset(),
    sent_today: Mapping[str, int] | None = None,
) -> Plan:
    """Which of the `waiting` asks to remind now. `excluded` maps a member to why they are never
    reminded; `reminded` holds the asks reminded before (`Waiting.key`); `sent_today` the member's
    reminded asks in the group on the local day of `now`."""
    excluded = excluded or {}
    quiet = in_quiet_hours(now, offset_hours, settings)
    counted = Counter(sent_today or {})
    skipped: Counter[str] = Counter()
    chosen: list[Waiting] = []
    for ask in sorted(waiting, key=lambda w: (w.at, w.message_id, w.user)):
        reason: str | None
        if ask.key in reminded:
            reason = "reminded"
        elif ask.user in excluded:
            reason = excluded[ask.user]
        elif quiet:
            reason = "quiet"
        elif counted[ask.user] >= settings.max_per_day:
            reason = "cap"
        else:
            reason = None
        if reason is not None:
            skipped[reason] += 1
            continue
        counted[ask.user] += 1
        chosen.append(ask)
    return Plan(tuple(chosen), dict(skipped))


def who_is_waiting(
    entries: Iterable[Entry],
    now: float,
    settings: MentionSettings,
    *,
    offset_hours: float,
    excluded: Mapping[str, str] | None = None,
    reminded: Set[tuple[str, str]] = frozenset(),
    sent_today: Mapping[str, int] | None = None,
) -> Plan:
    """`plan(unanswered(...))`: from the log to whom to remind now."""
    return plan(
        unanswered(entries, now, settings),
        now,
        settings,
        offset_hours=offset_hours,
        excluded=excluded,
        reminded=reminded,
        sent_today=sent_today,
    )
