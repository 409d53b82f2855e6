"""R3.7 escalation: decaying points and the ladder."""

from __future__ import annotations

import pytest

from chalicelib.core.actions import Mute, PostCard, Remove
from chalicelib.core.escalation import decayed, ladder_actions, standing, threshold_reached
from chalicelib.core.policy import Escalation, Threshold
from tests.core.factories import DAY, NOW, policy

DEFAULT = Escalation()


def test_points_halve_after_the_half_life() -> None:
    assert decayed(4.0, NOW - 30 * DAY, NOW, 30) == pytest.approx(2.0)
    assert decayed(4.0, NOW - 60 * DAY, NOW, 30) == pytest.approx(1.0)
    assert decayed(4.0, NOW - 10 * DAY, NOW, 10) == pytest.approx(2.0)


@pytest.mark.parametrize(("points", "since"), [(3.0, None), (3.0, NOW), (3.0, NOW + DAY), (0.0, NOW - DAY)])
def test_points_never_grow_or_go_negative(points: float, since: float | None) -> None:
    assert decayed(points, since, NOW, 30) == points


def test_three_points_in_a_few_days_reach_the_mute_threshold() -> None:
    # one point two days ago, one yesterday, one now: a little decay must not leave the member at 2.9x
    points = decayed(decayed(1.0, NOW - 2 * DAY, NOW - DAY, 30) + 1.0, NOW - DAY, NOW, 30)
    current = standing(points, NOW, NOW, 1.0, DEFAULT)
    assert current.threshold is not None
    assert (current.threshold.action, current.threshold.mute_seconds) == ("mute", 3600)


def test_points_spread_over_months_do_not_escalate() -> None:
    current = standing(2.0, NOW - 60 * DAY, NOW, 1.0, DEFAULT)
    assert current.total == pytest.approx(1.5)
    assert current.threshold is None


def test_five_points_propose_removal_and_decay_alone_triggers_nothing() -> None:
    assert threshold_reached(5.0, DEFAULT) == Threshold(points=5, action="propose_removal")
    assert standing(9.0, NOW, NOW, 0.0, DEFAULT).threshold is None


def test_ladder_mutes_for_the_thresholds_duration() -> None:
    current = standing(2.0, NOW, NOW, 1.0, DEFAULT)
    [mute] = ladder_actions(
        current,
        policy=policy(),
        chat="C1",
        member="U1",
        admins=("A1",),
        case_ref="c1",
        rule="flood",
        group="g",
    )
    assert isinstance(mute, Mute)
    assert (mute.seconds, mute.user, mute.reason) == (3600, "U1", "moderation.escalation.mute")


def test_ladder_proposes_removal_to_the_admins_on_a_card() -> None:
    current = standing(4.5, NOW, NOW, 1.0, DEFAULT)
    [post] = ladder_actions(
        current,
        policy=policy(),
        chat="C1",
        member="U1",
        admins=("A1", "A2"),
        case_ref="c1",
        rule="pii",
        group="g",
    )
    assert isinstance(post, PostCard)
    assert post.users == ("A1", "A2")
    assert [(b.action, b.value) for b in post.card.buttons] == [("confirm_remove", "c1"), ("dismiss", "c1")]
    assert "5.5" in post.card.body


def test_card_text_follows_the_group_locale() -> None:
    current = standing(5.0, NOW, NOW, 1.0, DEFAULT)
    [post] = ladder_actions(
        current,
        policy=policy({"locale": "en"}),
        chat="C",
        member="U",
        admins=("A1",),
        case_ref="c",
        rule="r",
        group="g",
    )
    assert isinstance(post, PostCard)
    assert post.card.title.startswith("Removal proposed")


def test_a_removal_is_never_proposed_to_no_one() -> None:
    current = standing(5.0, NOW, NOW, 1.0, DEFAULT)
    ladder = ladder_actions(
        current, policy=policy(), chat="C", member="U", admins=(), case_ref="c", rule="r", group="g"
    )
    assert ladder == []


def test_a_removal_proposal_names_the_member() -> None:
    current = standing(5.0, NOW, NOW, 1.0, DEFAULT)
    [post] = ladder_actions(
        current,
        policy=policy(),
        chat="C",
        member="U0BOB",
        member_label="Bob Li",
        admins=("A1",),
        case_ref="c",
        rule="r",
        group="#general",
    )
    assert isinstance(post, PostCard)
    assert "Bob Li" in post.card.body and "U0BOB" not in repr(post.card)
    assert "#general" in post.card.body


def test_a_remove_threshold_removes() -> None:
    escalation = Escalation(thresholds=(Threshold(points=2, action="remove"),))
    current = standing(1.0, NOW, NOW, 1.0, escalation)
    [remove] = ladder_actions(
        current, policy=policy(), chat="C", member="U", admins=(), case_ref="c", rule="r", group="g"
    )
    assert isinstance(remove, Remove)
