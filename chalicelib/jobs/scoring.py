"""The assessment's arithmetic (R9.2): per member and per group, from the period's facts. Pure: no I/O.

Each dimension scores 0-100, or is not applicable (None) when there is nothing to measure for the member:

- compliance: `100 * (1 - points / points_cap)`, floored at 0: the violation points of the period's cases;
- participation: half for active days (days with a message) against `target_active_days`, half for
  messages (replies count twice) against `target_messages`; both targets are per 30 days and scale with
  the period, and neither half goes above full marks;
- responsiveness: for each @-mention the member received, full marks for an answer (their next message,
  `chalicelib.jobs.answers`) within `reply_target_minutes`, falling linearly to nothing at
  `reply_window_hours` (or no answer); not applicable without mentions;
- acknowledgements: the share of the period's must-acknowledge announcements the member acknowledged;
  not applicable without such announcements;
- files: the share of the member's files whose names follow the group's convention; not applicable
  without files.

The total is the weighted mean of the applicable dimensions (`jobs.assessment.weights`). The group's score
is the mean of its members' totals, each dimension the mean over the members it applies to.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from chalicelib.jobs.activity import Entry
from chalicelib.jobs.answers import asks
from chalicelib.jobs.settings import DIMENSIONS, AssessmentSettings

BUCKETS = 10


@dataclass
class Facts:
    """What happened for one member in the period."""

    user: str
    name: str = ""
    role: str = "member"
    days: set[str] = field(default_factory=set)
    messages: int = 0
    replies: int = 0
    response_minutes: list[float | None] = field(default_factory=list)  # per mention; None: no answer
    cases: int = 0
    points: float = 0.0
    acks: int = 0
    acks_required: int = 0
    files: int = 0
    bad_files: int = 0

    @property
    def active_days(self) -> int:
        return len(self.days)


@dataclass(frozen=True)
class MemberScore:
    user: str
    name: str
    scores: Mapping[str, float | None]
    total: float
    facts: Facts

    def to_data(self) -> dict[str, Any]:
        f = self.facts
        return {
            "user": self.user,
            "name": self.name,
            "scores": dict(self.scores),
            "total": self.total,
            "active_days": f.active_days,
            "messages": f.messages,
            "replies": f.replies,
            "mentions": len(f.response_minutes),
            "answered": sum(1 for m in f.response_minutes if m is not None),
            "cases": f.cases,
            "points": round(f.points, 2),
            "acks": f.acks,
            "acks_required": f.acks_required,
            "files": f.files,
            "bad_files": f.bad_files,
        }


def _clip(value: float) -> float:
    return max(0.0, min(1.0, value))


def score(facts: Facts, settings: AssessmentSettings, period_days: float) -> MemberScore:
    scale = period_days / 30.0
    scores: dict[str, float | None] = {
        "compliance": 100.0 * _clip(1.0 - facts.points / settings.points_cap),
        "participation": 100.0
        * (
            0.5 * _clip(facts.active_days / (settings.target_active_days * scale))
            + 0.5 * _clip((facts.messages + facts.replies) / (settings.target_messages * scale))
        ),
        "responsiveness": _responsiveness(facts.response_minutes, settings),
        "acknowledgements": (
            100.0 * _clip(facts.acks / facts.acks_required) if facts.acks_required else None
        ),
        "files": (100.0 * (facts.files - facts.bad_files) / facts.files if facts.files else None),
    }
    weights = settings.weights
    weighted = [
        (weights.of(d), value) for d, value in scores.items() if value is not None and weights.of(d) > 0
    ]
    total_weight = sum(w for w, _ in weighted)
    total = sum(w * value for w, value in weighted) / total_weight if total_weight else 0.0
    rounded = {d: (None if v is None else round(v, 1)) for d, v in scores.items()}
    return MemberScore(facts.user, facts.name, rounded, round(total, 1), facts)


def _responsiveness(minutes: Sequence[float | None], settings: AssessmentSettings) -> float | None:
    if not minutes:
        return None
    target, window = settings.reply_target_minutes, settings.reply_window_hours * 60
    credits = []
    for value in minutes:
        if value is None or value > window:
            credits.append(0.0)
        elif value <= target:
            credits.append(1.0)
        else:
            credits.append(1.0 - (value - target) / (window - target) if window > target else 0.0)
    return 100.0 * sum(credits) / len(credits)


# Facts from the message log ---------------------------------------------------------------------------
@dataclass
class Conversation:
    """Group-level facts of the period, besides the members' own."""

    messages: int = 0
    questions: int = 0
    questions_answered: int = 0
    answer_minutes: list[float] = field(default_factory=list)
    mentions: int = 0
    mentions_answered: int = 0
    daily: dict[str, int] = field(default_factory=dict)
    files: int = 0
    bad_files: int = 0


def gather(
    entries: Iterable[Entry],
    *,
    day_of: Any,
    window_minutes: float,
    announcements: Mapping[str, str],
    facts: dict[str, Facts],
) -> Conversation:
    """Fill `facts` (by native user id, created as needed) and return the group's conversation facts.

    `entries` must be in time order. `day_of(ts)` names the local day; `announcements` maps each
    acknowledgement ref of the period's must-acknowledge announcements to its announcement."""
    convo = Conversation()
    messages = [e for e in entries if e.kind in ("msg", "file", "ack")]
    questions: list[Entry] = []
    acked: dict[str, set[str]] = defaultdict(set)
    for entry in messages:
        member = facts.setdefault(entry.user, Facts(entry.user))
        if entry.kind == "ack":
            if entry.ref in announcements:
                acked[entry.user].add(announcements[entry.ref])
            continue
        member.files += entry.files
        member.bad_files += entry.bad_files
        convo.files += entry.files
        convo.bad_files += entry.bad_files
        if entry.kind != "msg":
            continue
        day = day_of(entry.at)
        member.days.add(day)
        member.messages += 1
        convo.messages += 1
        convo.daily[day] = convo.daily.get(day, 0) + 1
        if entry.reply_to:
            member.replies += 1
        if entry.question:
            questions.append(entry)
    for ask in asks(messages):  # a member's next message answers every mention of them before it
        facts.setdefault(ask.user, Facts(ask.user)).response_minutes.append(ask.minutes)
        convo.mentions += 1
    convo.mentions_answered = sum(
        1 for f in facts.values() for m in f.response_minutes if m is not None and m <= window_minutes
    )
    _answer_questions(questions, [e for e in messages if e.kind == "msg"], window_minutes, convo)
    for user, done in acked.items():
        facts[user].acks = len(done)
    return convo


def _answer_questions(
    questions: list[Entry], messages: list[Entry], window_minutes: float, convo: Conversation
) -> None:
    """A question is answered by the first reply to it, or else by the first message from someone else.
    `messages` are in time order; an answer is usually a message or two away, so the walk is short."""
    convo.questions = len(questions)
    first_reply: dict[str, Entry] = {}
    position = {id(m): n for n, m in enumerate(messages)}
    for message in messages:
        if message.reply_to and message.reply_to not in first_reply:
            first_reply[message.reply_to] = message
    for question in questions:
        answer = first_reply.get(question.message_id)
        if answer is None or answer.user == question.user:
            answer = None
            for later in messages[position[id(question)] + 1 :]:
                if (later.at - question.at) / 60.0 > window_minutes:
                    break
                if later.user != question.user:
                    answer = later
                    break
        if answer is not None and (answer.at - question.at) / 60.0 <= window_minutes:
            convo.questions_answered += 1
            convo.answer_minutes.append((answer.at - question.at) / 60.0)


# The group ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GroupResult:
    period: str
    score: float
    dimensions: Mapping[str, float | None]
    members: int
    active_members: int
    distribution: tuple[int, ...]
    top: tuple[MemberScore, ...]
    figures: Mapping[str, Any]

    def to_data(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "score": self.score,
            "dimensions": dict(self.dimensions),
            "members": self.members,
            "active_members": self.active_members,
            "distribution": list(self.distribution),
            "top": [{"user": m.user, "name": m.name, "total": m.total} for m in self.top],
            "figures": dict(self.figures),
        }


def summarise(
    period: str,
    members: Sequence[MemberScore],
    convo: Conversation,
    settings: AssessmentSettings,
    *,
    cases: int,
    points: float,
    announcements: int,
    days: Sequence[str] = (),
) -> GroupResult:
    """The group's result; `days` are the period's local days (the daily figures list each, with zeros)."""
    totals = [m.total for m in members]
    dimensions: dict[str, float | None] = {}
    for dimension in DIMENSIONS:
        values = [m.scores[dimension] for m in members if m.scores.get(dimension) is not None]
        dimensions[dimension] = (
            round(statistics.fmean(v for v in values if v is not None), 1) if values else None
        )
    distribution = [0] * BUCKETS
    for total in totals:
        distribution[min(int(total // (100 / BUCKETS)), BUCKETS - 1)] += 1
    eligible = [m for m in members if m.facts.messages >= settings.min_messages_for_recognition]
    top = sorted(eligible, key=lambda m: (-m.total, -m.facts.messages, m.user))[: settings.top_contributors]
    figures = {
        "messages": convo.messages,
        "questions": convo.questions,
        "questions_answered": convo.questions_answered,
        "median_answer_minutes": round(statistics.median(convo.answer_minutes), 1)
        if convo.answer_minutes
        else None,
        "mentions": convo.mentions,
        "mentions_answered": convo.mentions_answered,
        "cases": cases,
        "points": round(points, 2),
        "announcements": announcements,
        "files": convo.files,
        "tidy_files": convo.files - convo.bad_files,
        "daily": {day: convo.daily.get(day, 0) for day in days}
        if days
        else dict(sorted(convo.daily.items())),
    }
    return GroupResult(
        period=period,
        score=round(statistics.fmean(totals), 1) if totals else 0.0,
        dimensions=dimensions,
        members=len(members),
        active_members=sum(1 for m in members if m.facts.messages > 0),
        distribution=tuple(distribution),
        top=tuple(top),
        figures=figures,
    )
