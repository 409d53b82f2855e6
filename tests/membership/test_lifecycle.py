"""R2.9, R8.7: the inactivity lifecycle of one member: mark at 30 days, a final notice at 90, removal at
97 and never sooner than 7 days after the final notice, reinstatement when they speak again."""

from __future__ import annotations

import pytest

from chalicelib.membership.lifecycle import Silence, Stage, next_step
from chalicelib.membership.settings import InactivityExempt, InactivitySettings
from tests.membership.factories import DAY, NOW

SETTINGS = InactivitySettings()


def silent_for(days: float, role: str = "member", user: str = "U1") -> Silence:
    return Silence(uid=f"slack:T1:{user}", user=user, role=role, last_active=NOW - days * DAY)


def stage(name: str, days_ago: float, silent_days: float) -> Stage:
    return Stage(name, NOW - days_ago * DAY, NOW - silent_days * DAY)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("silent_days", "held", "kind"),
    [
        (10, None, "wait"),
        (30, None, "mark"),
        (45, stage("marked", 15, 45), "wait"),
        (90, stage("marked", 60, 90), "final"),
        (95, stage("final", 5, 95), "wait"),
        (97, stage("final", 7, 97), "remove"),
        (97, stage("final", 3, 97), "wait"),  # the notice came late: 7 days after it, not before
        (200, None, "final"),  # found long silent: a final notice first, never a removal on the spot
        (120, stage("escalated", 10, 120), "wait"),  # the admins have the card already
        (40, stage("final", 5, 200), "mark"),  # spoke since the old stage: starts over
    ],
    ids=[
        "ten silent days are nothing yet",
        "thirty days: marked with a nudge",
        "marked and waiting",
        "ninety days: the final notice",
        "the final notice runs",
        "97 days and a week after the notice: removal",
        "a late notice still gets its week",
        "found long silent: the final notice first",
        "escalated: no repeat",
        "spoke after the old stage: it no longer holds",
    ],
)
def test_the_next_step_of_a_silent_member(silent_days: float, held: Stage | None, kind: str) -> None:
    assert next_step(silent_for(silent_days), held, SETTINGS, NOW).kind == kind


def test_a_stage_reached_before_the_member_spoke_again_no_longer_holds() -> None:
    step = next_step(silent_for(40), stage("final", 5, 200), SETTINGS, NOW)
    assert step.stage is None


@pytest.mark.parametrize(
    ("member", "settings", "away_until", "admins"),
    [
        (silent_for(100, role="owner"), SETTINGS, None, frozenset()),
        (silent_for(100), SETTINGS, None, frozenset({"U1"})),
        (silent_for(100), InactivitySettings(exempt=InactivityExempt(members=("U1",))), None, frozenset()),
        (silent_for(100), SETTINGS, NOW + DAY, frozenset()),
    ],
    ids=["owner role", "a group admin", "a named member", "on leave"],
)
def test_exempt_members_are_never_acted_on(
    member: Silence, settings: InactivitySettings, away_until: float | None, admins: frozenset[str]
) -> None:
    step = next_step(member, stage("final", 10, 100), settings, NOW, away_until=away_until, admins=admins)
    assert (step.kind, step.stage) == ("exempt", None)


def test_leave_that_has_ended_exempts_no_more() -> None:
    assert next_step(silent_for(30), None, SETTINGS, NOW, away_until=NOW - 1).kind == "mark"


def test_the_thresholds_must_come_in_order() -> None:
    with pytest.raises(ValueError, match="mark_days < final_days < remove_days"):
        InactivitySettings(mark_days=30, final_days=20, remove_days=97)
