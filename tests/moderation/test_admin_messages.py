"""Fewer, better admin messages (issue 16, item 6): one open removal proposal per member, whatever more
they do while it waits (their further points go on its case)."""

from __future__ import annotations

import pytest

from chalicelib.core.actions import PostCard, UpdateCard
from chalicelib.core.facts import CaseDecided
from chalicelib.errors import MessengerError
from chalicelib.kernel.executor import DeliveryFailed
from chalicelib.moderation.cases import CaseRepo
from chalicelib.moderation.followups import FollowUps
from chalicelib.worker.pipeline import process
from tests.moderation.test_followups import ABUSE, GID, make
from tests.support.messenger import RecordingMessenger


def test_a_member_past_the_removal_threshold_has_one_open_proposal_updated_not_repeated() -> None:
    group = make()
    proposals = 0
    for _ in range(8):
        outcome = group.say("U1", ABUSE)
        proposals += sum(
            1
            for a in outcome.decision.actions
            if isinstance(a, PostCard) and a.card.card_id.startswith("removal:")
        )
        group.clock.at += 60
    assert proposals == 1
    (waiting,) = [f for f in FollowUps(group.deps.store).of_group(GID) if f.card == "removal"]
    updates = [e for e in CaseRepo(group.deps.store).events(GID, waiting.ref) if e["what"] == "points"]
    assert updates and updates[-1]["total"] > updates[0]["total"] > 5  # its case has the latest total


def test_the_open_proposals_cards_are_edited_in_place_with_each_further_violation() -> None:
    group = make()
    for _ in range(6):  # the sixth point brings the proposal
        group.say("U1", ABUSE)
        group.clock.at += 60
    (waiting,) = [f for f in FollowUps(group.deps.store).of_group(GID) if f.card == "removal"]
    assert len(waiting.cards) == 2  # one card to each admin, each with the token that edits it

    outcome = group.say("U1", ABUSE)
    updates = [a for a in outcome.decision.actions if isinstance(a, UpdateCard)]
    assert sorted(u.card_ref for u in updates) == sorted(waiting.cards)
    assert sorted(u.user for u in updates) == ["UADMIN", "UADMIN2"]  # told by message where one is refused
    card = updates[0].card
    assert card.card_id == f"removal:{waiting.ref}" and waiting.ref in card.footer
    case = outcome.decision.fact(CaseDecided)
    assert case is not None and case.points is not None and case.removal_open == waiting.ref
    assert dict(card.fields)["违规积分"] == f"{case.points.total:.1f}"
    assert {b.action for b in card.buttons} == {"mod.confirm_remove", "mod.dismiss"}  # sealed again
    assert all(r.status == "done" for r in outcome.results if r.action == "UpdateCard")


def test_a_failed_edit_is_retried_with_the_decision_and_never_becomes_a_new_card() -> None:
    group = make()
    for _ in range(6):
        group.say("U1", ABUSE)
        group.clock.at += 60
    messenger = group.deps.messenger("slack")
    assert isinstance(messenger, RecordingMessenger)
    messenger.calls.clear()
    messenger.fail_with = MessengerError("slack", "chat.update", "ratelimited", retryable=True)
    event = group.message("U1", ABUSE)
    with pytest.raises(DeliveryFailed):  # the delivery fails: SQS brings it again
        process(event, group.deps)

    messenger.fail_with = None
    process(event, group.deps)  # the redelivery carries out what is left, decides nothing again
    process(event, group.deps)  # and a further one finds nothing left to do
    assert messenger.verbs().count("update_card") == 2  # once on each admin's card
    assert messenger.verbs().count("post_card") == 2  # the violation's own cards, no second proposal
    assert all(
        call["card"].card_id.startswith("case:") for verb, call in messenger.calls if verb == "post_card"
    )
