"""R2.1, R2.2, R2.4: the join gate's pure decisions, and what the approvers, the newcomer and the admins
receive for each outcome."""

from __future__ import annotations

import pytest

from chalicelib.core.actions import PostCard, Remove, SendDirect
from chalicelib.membership import joins
from chalicelib.membership.qualification import Verdict
from chalicelib.membership.settings import JoinSettings
from tests.membership.factories import group, person


@pytest.mark.parametrize(
    ("standing", "settings", "outcome"),
    [
        ("employee", JoinSettings(), "admit"),
        ("guest", JoinSettings(), "admit"),
        ("outsider", JoinSettings(), "approve"),
        ("unlisted_guest", JoinSettings(), "approve"),
        ("inactive", JoinSettings(unqualified="remove"), "remove"),
        ("outsider", JoinSettings(unqualified="admit"), "admit"),
        ("employee", JoinSettings(review_all=True), "approve"),
        ("outsider", JoinSettings(check=False), "admit"),
        ("bot", JoinSettings(review_all=True), "admit"),
    ],
    ids=[
        "an employee is admitted",
        "a rostered guest is admitted",
        "an outsider waits for approval",
        "a guest off the roster waits for approval",
        "the unqualified are removed when the policy says so",
        "or admitted when it says so",
        "review_all sends everyone to approval (R2.4)",
        "no check admits everyone",
        "bots are never held",
    ],
)
def test_what_happens_to_a_newcomer(standing: str, settings: JoinSettings, outcome: str) -> None:
    assert joins.join_outcome(Verdict(standing), settings) == outcome  # type: ignore[arg-type]


def test_nobody_to_approve_is_a_policy_error() -> None:
    with pytest.raises(ValueError, match="approvers"):
        JoinSettings(approval="none", unqualified="approve")


def test_an_outsider_who_joins_gets_an_approval_card_for_the_approvers() -> None:
    card = joins.approval_card(person(), "outsider", group(), "abcdef123456U1", JoinSettings())
    card_action, told = joins.pending_actions(person(), group(), card)

    assert isinstance(card_action, PostCard) and card_action.users == ("UAPPROVER",)
    assert [b.action for b in card_action.card.buttons] == ["join.approve", "join.reject"]
    assert {b.value for b in card_action.card.buttons} == {"abcdef123456U1"}
    assert "not in the company directory" in card_action.card.body and "72" in card_action.card.body
    assert isinstance(told, SendDirect) and told.user == "U1"


def test_without_named_approvers_or_admins_the_card_goes_to_the_group() -> None:
    nobody = group(admins=(), approvers=())
    card = joins.approval_card(person(), "outsider", nobody, "abcdef123456U1", JoinSettings())
    posted, _ = joins.pending_actions(person(), nobody, card)
    assert isinstance(posted, PostCard) and posted.chat == "C1" and posted.users == ()


def test_a_rejected_newcomer_is_removed_and_told_privately_how_to_come_back() -> None:
    remove, told = joins.rejection(person(), group())
    assert isinstance(remove, Remove) and (remove.chat, remove.user) == ("C1", "U1")
    assert isinstance(told, SendDirect) and "admins" in told.text


def test_where_the_platform_cannot_remove_the_admins_get_a_card_and_the_member_hears_nothing_yet() -> None:
    (card,) = joins.rejection(person(), group(can_remove=False))
    assert isinstance(card, PostCard) and card.users == ("UADMIN",)
    assert card.reason == "membership.join.rejected.escalated"
    assert "remove" in card.card.title.lower() and "recorded" in card.card.body


def test_admins_hear_of_an_unqualified_newcomer_the_policy_lets_in() -> None:
    (notice,) = joins.admitted_unqualified_notice(person(), group(), "outsider")
    assert isinstance(notice, SendDirect) and notice.user == "UADMIN"
