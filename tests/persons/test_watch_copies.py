"""Every admin's copy of a watched member's join card shows the first admin's decision, the way a case
card's copies do (`chalicelib.kernel.card_copies`): the copies' tokens and owners are kept with the join
when the cards go out; the decision updates each copy once through the outbox, by name (the decider and
the member, never their ids), in the group's language and time zone; a copy the platform refuses to
update (a WeCom response_code used already) is told to its admin by message and recorded; a join kept
before the copies were still decides, updating the copy clicked."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from chalicelib.bootstrap import Deps
from chalicelib.clock import FrozenClock
from chalicelib.core.actions import UpdateCard
from chalicelib.core.cards import Card
from chalicelib.errors import CardUpdateRefused
from chalicelib.store import keys
from chalicelib.store.memory import MemoryStore
from chalicelib.store.records import Item
from chalicelib.worker.pipeline import process
from tests.membership.conftest import apply_policy, make_deps, register_group
from tests.membership.factories import GID
from tests.persons.test_gate import UID, sanctioned
from tests.persons.test_watch import ADMINS, AT, click, copy_of, sent, watched_join
from tests.support.messenger import RecordingMessenger

NAMES = {"UADMIN": "Wang Fang", "UADMIN2": "Li Lei", "U9": "Mallory Chen"}


@dataclass
class RefusingSome(RecordingMessenger):
    """Refuses to update the cards `refused` names, as WeCom does a response_code used already."""

    refused: set[str] = field(default_factory=set)

    def update_card(
        self, tenant: str, card_ref: str, card: Card, *, response_token: str | None = None
    ) -> None:
        if card_ref in self.refused:
            raise CardUpdateRefused("wecom", "update_template_card", "errcode 42022 code has been used")
        super().update_card(tenant, card_ref, card, response_token=response_token)


def test_each_admins_copy_is_kept_with_the_join_and_whose_it_is(
    memory_deps: Deps, messenger: RecordingMessenger
) -> None:
    apply_policy(memory_deps, ADMINS)
    sanctioned(memory_deps, kind="watch")

    watched_join(memory_deps, messenger)

    join = memory_deps.store.get_item(keys.group_pk(GID), keys.watched_join_sk(UID))
    assert join is not None and sorted(join.data["owners"]) == ["UADMIN", "UADMIN2"]
    pairs = zip(join.data["cards"], join.data["owners"], strict=True)
    assert all(token.startswith(f"{owner}:") for token, owner in pairs)


@pytest.mark.parametrize(
    ("locale", "removed"),
    [
        ("en", f"Wang Fang removed Mallory Chen ({AT})."),
        ("zh-CN", f"Wang Fang 于 {AT} 将 Mallory Chen 移出。"),
        ("zh-TW", f"Wang Fang 於 {AT} 將 Mallory Chen 移出。"),
    ],
)
def test_the_decision_updates_every_admins_copy_once_naming_the_decider_and_the_member(
    memory_deps: Deps, messenger: RecordingMessenger, locale: str, removed: str
) -> None:
    messenger.names.update(NAMES)
    apply_policy(memory_deps, {**ADMINS, "locale": locale})
    sanctioned(memory_deps, kind="watch")
    card = watched_join(memory_deps, messenger)
    mine, theirs = copy_of(memory_deps, "UADMIN"), copy_of(memory_deps, "UADMIN2")
    messenger.calls.clear()

    process(click(card, "watch.remove", copy=mine), memory_deps)
    process(click(card, "watch.remove", copy=mine), memory_deps)  # redelivered: nothing again

    updates = sent(messenger, "update_card")
    assert sorted(update["card_ref"] for update in updates) == sorted([mine.rpartition(":")[2], theirs])
    for update in updates:
        shown = f"{update['card'].title}\n{update['card'].footer}"
        assert update["card"].footer == removed and not update["card"].buttons
        assert "Mallory Chen" in update["card"].title
        assert not any(user in shown for user in ("UADMIN", "U9"))  # names, never ids


def test_a_copy_whose_update_is_refused_is_told_to_its_admin_by_message_and_recorded(
    clock: FrozenClock,
) -> None:
    messenger = RefusingSome(names=dict(NAMES))
    memory_deps = make_deps(MemoryStore(clock=clock), clock, messenger)
    register_group(memory_deps)
    apply_policy(memory_deps, ADMINS)
    sanctioned(memory_deps, kind="watch")
    card = watched_join(memory_deps, messenger)
    theirs = copy_of(memory_deps, "UADMIN2")
    messenger.refused.add(theirs)  # its response_code was used already
    messenger.calls.clear()

    outcome = process(click(card, "watch.stay", copy=copy_of(memory_deps, "UADMIN")), memory_deps)

    pairs = zip(outcome.decision.actions, outcome.results, strict=True)
    (refused,) = [(a, r) for a, r in pairs if isinstance(a, UpdateCard) and a.card_ref == theirs]
    assert refused[0].user == "UADMIN2"
    assert refused[1].status == "substituted" and "UADMIN2" in refused[1].detail
    (told,) = [call["text"] for call in sent(messenger, "send_direct") if call["user"] == "UADMIN2"]
    assert f"Wang Fang let Mallory Chen stay ({AT})." in told and "Mallory Chen" in told
    (record,) = [r for r in memory_deps.store.list_audit(GID) if "UpdateCard:persons.watch.stay" in r.actions]
    assert record.outcome == "substituted"


def test_a_join_kept_before_the_copies_were_still_decides_and_updates_the_copy_clicked(
    memory_deps: Deps, messenger: RecordingMessenger
) -> None:
    apply_policy(memory_deps, ADMINS)
    sanctioned(memory_deps, kind="watch")
    card = watched_join(memory_deps, messenger)
    mine = copy_of(memory_deps, "UADMIN")
    pk, sk = keys.group_pk(GID), keys.watched_join_sk(UID)
    join = memory_deps.store.get_item(pk, sk)
    assert join is not None
    old = {name: value for name, value in join.data.items() if name not in ("cards", "owners")}
    memory_deps.store.put_item(Item(pk, sk, old))  # as stored before the copies were kept
    messenger.calls.clear()

    process(click(card, "watch.stay", copy=mine), memory_deps)

    (update,) = sent(messenger, "update_card")
    assert update["card_ref"] == mine.rpartition(":")[2]
    assert update["card"].footer == f"UADMIN let U9 stay ({AT})."
    decided = memory_deps.store.get_item(pk, sk)
    assert decided is not None and decided.data["state"] == "stay"
