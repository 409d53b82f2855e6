"""The assessment's arithmetic (R9.2), table-driven: each dimension from the facts, the weighted total over
the dimensions that apply, and the facts a month's message log gives."""

from __future__ import annotations

import pytest

from chalicelib.jobs.activity import Entry
from chalicelib.jobs.scoring import Facts, gather, score, summarise
from chalicelib.jobs.settings import AssessmentSettings, Weights

SETTINGS = AssessmentSettings()
MINUTE = 60.0


def facts(**fields: object) -> Facts:
    member = Facts("U1")
    for name, value in fields.items():
        setattr(member, name, value)
    return member


@pytest.mark.parametrize(("points", "expected"), [(0.0, 100.0), (2.5, 50.0), (5.0, 0.0), (7.0, 0.0)])
def test_compliance_falls_with_the_periods_points_to_nothing_at_the_cap(
    points: float, expected: float
) -> None:
    assert score(facts(points=points), SETTINGS, 30).scores["compliance"] == expected


@pytest.mark.parametrize(
    ("active_days", "messages", "replies", "period_days", "expected"),
    [
        (8, 20, 0, 30, 100.0),  # both targets met
        (4, 10, 0, 30, 50.0),  # half of each
        (4, 5, 5, 30, 50.0),  # replies count twice
        (4, 10, 0, 15, 100.0),  # a half-length period halves the targets
        (20, 100, 10, 30, 100.0),  # no more than full marks
        (0, 0, 0, 30, 0.0),
    ],
)
def test_participation_is_half_active_days_half_messages_against_targets(
    active_days: int, messages: int, replies: int, period_days: float, expected: float
) -> None:
    member = facts(days={f"d{n}" for n in range(active_days)}, messages=messages, replies=replies)
    assert score(member, SETTINGS, period_days).scores["participation"] == expected


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        ([30.0], 100.0),  # within the target
        ([60.0], 100.0),
        ([750.0], 50.0),  # halfway from the hour to the day: (750 - 60) / (1440 - 60) = 0.5
        ([1440.0], 0.0),
        ([None], 0.0),  # never answered
        ([30.0, None], 50.0),
        ([], None),  # nobody mentioned the member: not applicable
    ],
)
def test_responsiveness_credits_each_mention_by_how_fast_it_was_answered(
    minutes: list[float | None], expected: float | None
) -> None:
    assert score(facts(response_minutes=minutes), SETTINGS, 30).scores["responsiveness"] == expected


def test_a_dimension_with_nothing_to_measure_leaves_the_total_to_the_others() -> None:
    member = facts(days={f"d{n}" for n in range(8)}, messages=20, points=5.0)  # 100 and 0
    result = score(member, SETTINGS, 30)
    assert result.scores["acknowledgements"] is None and result.scores["files"] is None
    assert result.total == 50.0  # (30 * 0 + 30 * 100) / 60: responsiveness, acks and files left out


def test_the_total_weighs_the_dimensions_by_the_policy() -> None:
    settings = AssessmentSettings(weights=Weights(compliance=1, participation=3, responsiveness=0))
    member = facts(points=0.0, acks=1, acks_required=2, files=4, bad_files=1)
    result = score(member, settings, 30)
    # compliance 100, participation 0, acknowledgements 50, files 75, responsiveness not applicable
    assert result.total == round((1 * 100 + 3 * 0 + 10 * 50 + 10 * 75) / 24, 1)


def entry(kind: str, user: str, minute: float, mid: str, **fields: object) -> Entry:
    return Entry(kind=kind, user=user, at=minute * MINUTE, message_id=mid, **fields)  # type: ignore[arg-type]


def test_a_mention_is_answered_by_the_mentioned_members_next_message() -> None:
    log = [
        entry("msg", "U1", 0, "a", mentions=("U2", "U3")),
        entry("msg", "U1", 5, "b"),
        entry("msg", "U2", 30, "c"),
        entry("msg", "U2", 40, "d"),
    ]
    members: dict[str, Facts] = {}
    convo = gather(log, day_of=lambda ts: "day", window_minutes=1440, announcements={}, facts=members)
    assert members["U2"].response_minutes == [30.0]
    assert members["U3"].response_minutes == [None]  # never spoke: unanswered
    assert (convo.mentions, convo.mentions_answered) == (2, 1)


def test_a_question_is_answered_by_a_reply_to_it_or_else_by_someone_elses_next_message() -> None:
    log = [
        entry("msg", "U1", 0, "q1", question=True),
        entry("msg", "U1", 1, "self"),  # the asker's own follow-up answers nothing
        entry("msg", "U2", 10, "other"),
        entry("msg", "U3", 12, "reply", reply_to="q2"),
        entry("msg", "U2", 11, "q2", question=True),
    ]
    convo = gather(
        sorted(log, key=lambda e: e.at),
        day_of=lambda ts: "d",
        window_minutes=1440,
        announcements={},
        facts={},
    )
    assert (convo.questions, convo.questions_answered) == (2, 2)
    assert sorted(convo.answer_minutes) == [1.0, 10.0]


def test_acknowledgements_count_once_per_announcement_by_the_buttons_value() -> None:
    log = [
        entry("ack", "U1", 1, "k1", ref="sealed-a"),
        entry("ack", "U1", 2, "k2", ref="sealed-a"),  # a second click
        entry("ack", "U1", 3, "k3", ref="unknown"),  # not an announcement of the period
        entry("ack", "U2", 4, "k4", ref="ann-b"),
    ]
    members: dict[str, Facts] = {}
    gather(
        log,
        day_of=lambda ts: "d",
        window_minutes=1440,
        announcements={"sealed-a": "A", "ann-b": "B"},
        facts=members,
    )
    assert (members["U1"].acks, members["U2"].acks) == (1, 1)


def test_the_group_scores_the_mean_of_its_members_and_recognises_the_top_contributors() -> None:
    quiet = score(facts(), SETTINGS, 30)  # compliance 100, participation 0: 50
    busy = score(Facts("U2", days={f"d{n}" for n in range(8)}, messages=30), SETTINGS, 30)  # 100
    some = score(Facts("U3", days={"d1"}, messages=6), SETTINGS, 30)
    convo = gather([], day_of=lambda ts: "d", window_minutes=1440, announcements={}, facts={})
    result = summarise("2026-11", [quiet, busy, some], convo, SETTINGS, cases=0, points=0.0, announcements=0)
    assert result.score == round((quiet.total + busy.total + some.total) / 3, 1)
    assert [m.user for m in result.top] == ["U2", "U3"]  # the quiet one posted fewer than 5 messages
    assert result.distribution[5] == 1 and result.distribution[9] == 1
