"""R5.2, who is waiting for an answer: from the message log, the members asked something (an @-mention, or
a question in reply to their message) who have not posted in the group since, and which of them to remind
now. Pure; table-driven with hits and near misses."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import yaml
from pydantic import ValidationError

from chalicelib.store.message_log import Entry
from chalicelib.workflows.mention_settings import MentionSettings
from chalicelib.workflows.unanswered import (
    Plan,
    Waiting,
    in_quiet_hours,
    unanswered,
    who_is_waiting,
)

H = 3600.0
OFFSET = 8.0  # the default group time zone, UTC+8
NOW = datetime(2026, 12, 1, 4, 0, tzinfo=UTC).timestamp()  # 12:00 in UTC+8: not quiet
SETTINGS = MentionSettings()  # 4 h, within 24 h, quiet 22:00-08:00, 3 a day


def msg(
    user: str,
    hours_ago: float,
    mid: str,
    *,
    mentions: tuple[str, ...] = (),
    reply_to: str = "",
    question: bool = False,
) -> Entry:
    return Entry(
        kind="msg",
        user=user,
        at=NOW - hours_ago * H,
        message_id=mid,
        reply_to=reply_to,
        mentions=mentions,
        question=question,
    )


def reminded(plan: Plan) -> list[tuple[str, str, str]]:
    return [(w.user, w.asked_by, w.message_id) for w in plan.remind]


CASES = {
    "a mention unanswered for 5 h is reminded": (
        [msg("U1", 5, "m1", mentions=("U2",))],
        [("U2", "U1", "m1")],
    ),
    "answered in the thread": (
        [msg("U1", 5, "m1", mentions=("U2",)), msg("U2", 4.5, "m2", reply_to="m1")],
        [],
    ),
    "answered anywhere in the group": (
        [msg("U1", 5, "m1", mentions=("U2",)), msg("U2", 1, "m2")],
        [],
    ),
    "a message before the mention answers nothing": (
        [msg("U2", 6, "m0"), msg("U1", 5, "m1", mentions=("U2",))],
        [("U2", "U1", "m1")],
    ),
    "someone else's answer does not count": (
        [msg("U1", 5, "m1", mentions=("U2",)), msg("U3", 4, "m2", reply_to="m1")],
        [("U2", "U1", "m1")],
    ),
    "not yet due (3 h)": ([msg("U1", 3, "m1", mentions=("U2",))], []),
    "due exactly at 4 h": ([msg("U1", 4, "m1", mentions=("U2",))], [("U2", "U1", "m1")]),
    "too old (25 h): left alone": ([msg("U1", 25, "m1", mentions=("U2",))], []),
    "the author mentioning themselves": ([msg("U1", 5, "m1", mentions=("U1",))], []),
    "@here, @channel, @all": (
        [msg("U1", 5, "m1", mentions=("here", "channel", "@all", "everyone", "!subteam^S1"))],
        [],
    ),
    "two members in one message: each reminded": (
        [msg("U1", 5, "m1", mentions=("U2", "U3"))],
        [("U2", "U1", "m1"), ("U3", "U1", "m1")],
    ),
    "a question in reply to a member's message asks them": (
        [msg("U2", 8, "m0"), msg("U1", 5, "m1", reply_to="m0", question=True)],
        [("U2", "U1", "m1")],
    ),
    "a reply that asks nothing": (
        [msg("U2", 8, "m0"), msg("U1", 5, "m1", reply_to="m0")],
        [],
    ),
    "a question in reply to one's own message": (
        [msg("U1", 8, "m0"), msg("U1", 5, "m1", reply_to="m0", question=True)],
        [],
    ),
    "a question replying to a message older than the log read": (
        [msg("U1", 5, "m1", reply_to="m-older", question=True)],
        [],
    ),
    "mentioned and questioned by one message: one reminder": (
        [msg("U2", 8, "m0"), msg("U1", 5, "m1", mentions=("U2",), reply_to="m0", question=True)],
        [("U2", "U1", "m1")],
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_who_is_waiting_for_an_answer(name: str) -> None:
    entries, expected = CASES[name]
    assert reminded(who_is_waiting(entries, NOW, SETTINGS, offset_hours=OFFSET)) == expected


def test_a_question_by_reply_is_told_as_a_question_and_a_mention_as_a_mention() -> None:
    log = [msg("U2", 8, "m0"), msg("U1", 5, "m1", reply_to="m0", question=True)]
    log.append(msg("U3", 5, "m2", mentions=("U4",)))
    waiting = unanswered(log, NOW, SETTINGS)
    assert [(w.user, w.question) for w in waiting] == [("U2", True), ("U4", False)]


def test_questions_off_asks_only_by_mention() -> None:
    log = [msg("U2", 8, "m0"), msg("U1", 5, "m1", reply_to="m0", question=True)]
    assert unanswered(log, NOW, MentionSettings(questions=False)) == []


@pytest.mark.parametrize(
    ("why", "excluded"),
    [("bot", {"U2": "bot"}), ("away", {"U2": "away"}), ("off", {"U2": "off"}), ("left", {"U2": "left"})],
)
def test_an_excluded_member_is_not_reminded_and_the_reason_is_counted(
    why: str, excluded: dict[str, str]
) -> None:
    log = [msg("U1", 5, "m1", mentions=("U2", "U3"))]
    plan = who_is_waiting(log, NOW, SETTINGS, offset_hours=OFFSET, excluded=excluded)
    assert reminded(plan) == [("U3", "U1", "m1")]
    assert plan.skipped == {why: 1}


def test_a_mention_reminded_before_is_not_reminded_again() -> None:
    log = [msg("U1", 5, "m1", mentions=("U2",)), msg("U1", 4.5, "m2", mentions=("U2",))]
    plan = who_is_waiting(log, NOW, SETTINGS, offset_hours=OFFSET, reminded=frozenset({("m1", "U2")}))
    assert reminded(plan) == [("U2", "U1", "m2")]
    assert plan.skipped == {"reminded": 1}


@pytest.mark.parametrize(
    ("local_time", "quiet"),
    [("21:59", False), ("22:00", True), ("23:30", True), ("03:00", True), ("07:59", True), ("08:00", False)],
)
def test_quiet_hours_defer_reminders_to_the_morning(local_time: str, quiet: bool) -> None:
    hour, minute = (int(part) for part in local_time.split(":"))
    now = datetime(2026, 12, 1, hour, minute, tzinfo=UTC).timestamp() - OFFSET * H
    log = [Entry(kind="msg", user="U1", at=now - 5 * H, message_id="m1", mentions=("U2",))]
    plan = who_is_waiting(log, now, SETTINGS, offset_hours=OFFSET)
    assert in_quiet_hours(now, OFFSET, SETTINGS) is quiet
    assert (len(plan.remind), plan.skipped) == ((0, {"quiet": 1}) if quiet else (1, {}))


def test_quiet_hours_within_a_day_and_none() -> None:
    lunch = MentionSettings(quiet_from="12:00", quiet_until="13:30")
    assert in_quiet_hours(NOW, OFFSET, lunch)  # 12:00 local
    assert not in_quiet_hours(NOW + 1.5 * H, OFFSET, lunch)
    never = MentionSettings(quiet_from="00:00", quiet_until="00:00")
    assert not any(in_quiet_hours(NOW + n * H, OFFSET, never) for n in range(24))


def test_at_most_max_per_day_reminded_mentions_per_member_the_oldest_first() -> None:
    log = [msg(f"U{n}", 9 - n, f"m{n}", mentions=("U9",)) for n in range(1, 5)]
    plan = who_is_waiting(log, NOW, SETTINGS, offset_hours=OFFSET)
    assert [w.message_id for w in plan.remind] == ["m1", "m2", "m3"]
    assert plan.skipped == {"cap": 1}


def test_reminders_already_sent_today_count_toward_the_cap() -> None:
    log = [msg("U1", 5, "m1", mentions=("U9", "U8"))]
    plan = who_is_waiting(log, NOW, SETTINGS, offset_hours=OFFSET, sent_today={"U9": 3, "U8": 2})
    assert reminded(plan) == [("U8", "U1", "m1")]
    assert plan.skipped == {"cap": 1}


def test_waiting_is_keyed_by_message_and_member() -> None:
    assert Waiting("U2", "U1", "m1", NOW).key == ("m1", "U2")


# The policy section ----------------------------------------------------------------------------------------
def test_quiet_hours_written_without_quotes_read_as_written() -> None:
    document = yaml.safe_load("quiet_from: 22:00\nquiet_until: 8:30\n")  # YAML 1.1: 22:00 is 1320
    settings = MentionSettings(**document)
    assert (settings.quiet_from, settings.quiet_until) == ("22:00", "08:30")
    assert settings.quiet == (22 * 60, 8 * 60 + 30)


@pytest.mark.parametrize(
    "fields",
    [
        {"quiet_from": "24:00"},
        {"quiet_until": "noon"},
        {"remind_after_hours": 0},
        {"remind_after_hours": 6, "within_hours": 6},
        {"max_per_day": 0},
        {"nope": 1},
    ],
)
def test_bad_settings_are_refused(fields: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        MentionSettings(**fields)
