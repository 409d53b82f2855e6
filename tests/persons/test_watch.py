"""A watched member's join, through the worker's pipeline: the admins get one sealed card (let stay /
remove / open the history); the first admin's decision is the one carried out, once, and every admin's
copy then says who decided what about whom and when (by name, in the group's time zone and language;
a copy the platform refuses to update is told to its admin by message, recorded); where the platform
cannot remove, the admins are asked to and it is recorded; nobody decides about their own join; the
history goes privately to whoever may see it."""

from __future__ import annotations

from typing import Any

from chalicelib.adapters.base import Capabilities, Capability
from chalicelib.bootstrap import Deps
from chalicelib.core.cards import Card
from chalicelib.core.events import CardClicked, MemberJoined
from chalicelib.membership.repository import MembershipRepo
from chalicelib.store import keys
from chalicelib.worker.pipeline import process
from tests.membership.conftest import apply_policy
from tests.membership.factories import GID, NOW
from tests.persons.test_gate import UID, sanctioned
from tests.support.messenger import RecordingMessenger

BASE: dict[str, Any] = {"platform": "slack", "tenant": "T1", "occurred_at": NOW}
ADMINS = {"admins": ["slack:T1:UADMIN", "slack:T1:UADMIN2"]}
AT = "2025-06-15 23:06 (UTC+8)"  # NOW, as the group reads it (the default policy's UTC+8)


def watched_join(deps: Deps, messenger: RecordingMessenger, *, event_id: str = "j1") -> Card:
    process(MemberJoined(**BASE, chat="C1", event_id=event_id, user="U9"), deps)
    cards = [
        kwargs["card"]
        for verb, kwargs in messenger.calls
        if verb == "post_card" and kwargs["card"].card_id.startswith("watch-")
    ]
    assert cards, "the admins got a card"
    card: Card = cards[-1]
    return card


def copy_of(deps: Deps, user: str) -> str:
    """The token of `user`'s copy of the card, as kept with the join ("" where none is)."""
    item = deps.store.get_item(keys.group_pk(GID), keys.watched_join_sk(UID))
    assert item is not None
    pairs = zip(item.data.get("cards", ()), item.data.get("owners", ()), strict=True)
    return next((token for token, owner in pairs if owner == user), "")


def click(card: Card, action: str, user: str = "UADMIN", *, copy: str = "") -> CardClicked:
    """A click on the copy `copy` (a token "channel:ts": Slack names the message's ts), else on some
    message nobody kept."""
    (value,) = [button.value for button in card.buttons if button.action == action]
    return CardClicked(
        **BASE, chat=f"D{user}", event_id=f"click-{action}-{user}-{value[-8:]}", user=user, action=action,
        value=value, card_id=copy.rpartition(":")[2] or "1.2", response_token="https://hooks.example/1",
    )  # fmt: skip


def sent(messenger: RecordingMessenger, verb: str) -> list[dict[str, Any]]:
    return [kwargs for name, kwargs in messenger.calls if name == verb]


def test_a_watched_member_is_let_in_and_each_admin_gets_one_card_with_three_actions(
    memory_deps: Deps, messenger: RecordingMessenger
) -> None:
    apply_policy(memory_deps, ADMINS)
    sanctioned(memory_deps, kind="watch")

    card = watched_join(memory_deps, messenger)
    process(MemberJoined(**BASE, chat="C1", event_id="j1", user="U9"), memory_deps)  # redelivered

    assert memory_deps.store.get_member(GID, UID) is not None
    assert [button.action for button in card.buttons] == ["watch.stay", "watch.remove", "watch.history"]
    assert "watched" in card.body and "leaked numbers" in card.body
    watch_cards = [
        kwargs for kwargs in sent(messenger, "post_card") if kwargs["card"].card_id == card.card_id
    ]
    assert sorted(kwargs["target"].user for kwargs in watch_cards) == ["UADMIN", "UADMIN2"]  # once each
    assert not any(kwargs["user"] == "UADMIN" for kwargs in sent(messenger, "send_direct"))


def test_the_first_admins_removal_is_carried_out_once_and_a_later_click_hears_who_decided(
    memory_deps: Deps, messenger: RecordingMessenger
) -> None:
    apply_policy(memory_deps, ADMINS)
    sanctioned(memory_deps, kind="watch")
    card = watched_join(memory_deps, messenger)
    messenger.calls.clear()

    process(click(card, "watch.remove", copy=copy_of(memory_deps, "UADMIN")), memory_deps)
    process(click(card, "watch.stay", user="UADMIN2"), memory_deps)
    process(click(card, "watch.remove", user="UADMIN2"), memory_deps)

    assert sent(messenger, "remove_member") == [{"chat": "C1", "user": "U9"}]
    updates = sent(messenger, "update_card")  # the copy clicked, and UADMIN2's
    assert len(updates) == 2 and {u["card"].footer for u in updates} == {"UADMIN removed U9 (" + AT + ")."}
    assert not any(update["card"].buttons for update in updates)
    answers = [kwargs["text"] for kwargs in sent(messenger, "send_direct") if kwargs["user"] == "UADMIN2"]
    assert answers == ["UADMIN already decided this join (removed)."] * 2
    assert MembershipRepo(memory_deps.store).is_member(GID, UID) is None  # gone from the rosters
    decided = memory_deps.store.get_item(keys.group_pk(GID), keys.watched_join_sk(UID))
    assert decided is not None and (decided.data["state"], decided.data["by"]) == ("remove", "UADMIN")


def test_let_stay_is_recorded_in_the_membership_history_and_removes_nobody(
    memory_deps: Deps, messenger: RecordingMessenger
) -> None:
    apply_policy(memory_deps, ADMINS)
    sanctioned(memory_deps, kind="watch")
    card = watched_join(memory_deps, messenger)

    process(click(card, "watch.stay", copy=copy_of(memory_deps, "UADMIN")), memory_deps)

    assert not sent(messenger, "remove_member")
    assert {update["card"].footer for update in sent(messenger, "update_card")} == {
        f"UADMIN let U9 stay ({AT})."
    }
    history = MembershipRepo(memory_deps.store).history_of(GID, UID)
    assert [(h["what"], h.get("by")) for h in history][-1] == ("watched: let stay", "UADMIN")


def test_where_the_platform_cannot_remove_the_admins_are_asked_to_and_the_substitution_is_recorded(
    memory_deps: Deps, messenger: RecordingMessenger
) -> None:
    apply_policy(memory_deps, ADMINS)
    sanctioned(memory_deps, kind="watch")
    card = watched_join(memory_deps, messenger)
    messenger.capabilities = Capabilities(always=frozenset(Capability) - {Capability.REMOVE_MEMBER})
    messenger.calls.clear()

    process(click(card, "watch.remove"), memory_deps)

    assert not sent(messenger, "remove_member")
    escalations = [kwargs["card"] for kwargs in sent(messenger, "post_card")]
    assert escalations and all(
        [b.action for b in escalation.buttons] == ["escalation.done"] for escalation in escalations
    )
    assert "A watched member an admin decided to remove: leaked numbers" in escalations[0].body
    audit = memory_deps.store.list_audit(GID)
    assert any("PostCard:persons.watch.remove.escalated" in r.actions for r in audit)  # recorded
    assert memory_deps.store.get_member(GID, UID) is not None  # in the group until an admin removes them


def test_a_watched_admin_does_not_decide_about_their_own_join_and_the_refusal_is_audited(
    memory_deps: Deps, messenger: RecordingMessenger
) -> None:
    apply_policy(memory_deps, {"admins": ["slack:T1:UADMIN", "slack:T1:U9"]})
    sanctioned(memory_deps, kind="watch")
    card = watched_join(memory_deps, messenger)
    messenger.calls.clear()

    process(click(card, "watch.stay", user="U9"), memory_deps)

    assert not sent(messenger, "update_card")
    (answer,) = sent(messenger, "send_direct")
    assert answer["user"] == "U9" and "another admin decides" in answer["text"]
    decided = memory_deps.store.get_item(keys.group_pk(GID), keys.watched_join_sk(UID))
    assert decided is not None and decided.data["state"] == "open"
    refused = [r for r in memory_deps.store.list_audit("slack:T1:DU9") if r.detail.get("refused")]
    assert refused and "its member" in refused[0].detail["refused"]


def test_the_history_goes_privately_to_an_admin_and_is_refused_to_a_member(
    memory_deps: Deps, messenger: RecordingMessenger
) -> None:
    apply_policy(memory_deps, ADMINS)
    sanctioned(memory_deps, kind="watch")
    card = watched_join(memory_deps, messenger)
    messenger.calls.clear()

    process(click(card, "watch.history", user="UMALLORY"), memory_deps)
    process(click(card, "watch.history"), memory_deps)

    (refused, shown) = sent(messenger, "send_direct")
    assert refused["user"] == "UMALLORY" and "Only this group's admins" in refused["text"]
    assert shown["user"] == "UADMIN" and "· U9 (Slack)" in shown["text"] and "leaked numbers" in shown["text"]
    decided = memory_deps.store.get_item(keys.group_pk(GID), keys.watched_join_sk(UID))
    assert decided is not None and decided.data["state"] == "open"  # looking is not deciding


def test_the_card_of_an_earlier_join_no_longer_decides(
    memory_deps: Deps, messenger: RecordingMessenger
) -> None:
    apply_policy(memory_deps, ADMINS)
    sanctioned(memory_deps, kind="watch")
    first = watched_join(memory_deps, messenger)
    process(click(first, "watch.stay"), memory_deps)
    watched_join(memory_deps, messenger, event_id="j2")  # they left and joined again
    messenger.calls.clear()

    process(click(first, "watch.remove", user="UADMIN2"), memory_deps)

    assert not sent(messenger, "remove_member")
    (answer,) = sent(messenger, "send_direct")
    assert "no longer valid" in answer["text"]
