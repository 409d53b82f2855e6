"""Every admin's copy of a case card is kept with whose copy it is (`FollowUp.owners`), so that an update
the platform refuses for good (a WeCom response_code used already or past its 72 h) becomes a private
message to that admin, recorded as a substitution, instead of a failed action nobody sees; a follow-up
kept before the owners were still reads, its updates naming nobody."""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from chalicelib.bootstrap import Deps
from chalicelib.cardsign import seal
from chalicelib.clock import FrozenClock
from chalicelib.core.actions import UpdateCard
from chalicelib.core.cards import Card
from chalicelib.core.events import CardClicked
from chalicelib.core.policy import default_policy_text
from chalicelib.errors import CardUpdateRefused
from chalicelib.kernel.policies import PolicyRepo
from chalicelib.moderation.case_cards import copies, other_cards
from chalicelib.moderation.followups import FollowUp, FollowUps
from chalicelib.settings import Settings
from chalicelib.store import keys
from chalicelib.store.memory import MemoryStore
from chalicelib.store.records import GroupRecord
from chalicelib.worker.pipeline import process
from tests.moderation.test_followups import GID, T0, Group, violation
from tests.support.messenger import RecordingMessenger


@dataclass
class RefusingLater(RecordingMessenger):
    """Shows cards, then (once `refusing`) refuses to update them, as WeCom does a used response code."""

    refusing: bool = False

    def update_card(
        self, tenant: str, card_ref: str, card: Card, *, response_token: str | None = None
    ) -> None:
        if self.refusing:
            raise CardUpdateRefused("wecom", "update_template_card", "errcode 42022 code has been used")
        super().update_card(tenant, card_ref, card, response_token=response_token)


def group_of(messenger: RecordingMessenger) -> Group:
    clock = FrozenClock(T0)
    store = MemoryStore(clock=clock)
    deps = Deps(
        settings=Settings(_env_file=None, qg_card_signing_key="k"),
        clock=clock,
        store=store,
        messenger_factory=lambda platform: messenger,
    )
    store.put_group(
        GroupRecord(gid=GID, platform="slack", tenant="T1", chat="C1", admins=("UADMIN", "UADMIN2"))
    )
    document = yaml.safe_load(default_policy_text())
    PolicyRepo(store).apply(keys.ORG_SCOPE, yaml.safe_dump(document, allow_unicode=True), author="ops", now=0)
    return Group(deps, clock)


def followup_of(group: Group, ref: str) -> FollowUp:
    followup = FollowUps(group.deps.store).get(GID, "case", ref)
    assert followup is not None
    return followup


def test_each_admins_copy_of_a_case_card_is_kept_with_whose_it_is() -> None:
    group = group_of(RecordingMessenger())
    ref = violation(group)

    followup = followup_of(group, ref)

    assert len(followup.cards) == 2
    assert sorted(followup.owner_of(token) for token in followup.cards) == ["UADMIN", "UADMIN2"]
    assert all(token.startswith(f"{followup.owner_of(token)}:") for token in followup.cards)


def test_a_refused_update_of_another_admins_copy_is_told_to_that_admin_and_recorded() -> None:
    messenger = RefusingLater()
    group = group_of(messenger)
    ref = violation(group)
    followup = followup_of(group, ref)
    mine = next(token for token in followup.cards if followup.owner_of(token) == "UADMIN")
    messenger.refusing = True
    messenger.calls.clear()

    value = seal(group.deps.settings, platform="slack", tenant="T1", chat="C1", ref=ref, action="mod.warn")
    click = CardClicked(
        platform="slack",
        tenant="T1",
        event_id="k-refused",
        occurred_at=group.clock.now(),
        chat="",
        user="UADMIN",
        action="mod.warn",
        value=value,
        card_id=mine.rpartition(":")[2],
        response_token=mine,
    )
    outcome = process(click, group.deps)

    others = [
        (action, result)
        for action, result in zip(outcome.decision.actions, outcome.results, strict=True)
        if isinstance(action, UpdateCard) and action.response_token != mine  # not the click's own answer
    ]
    assert [action.user for action, _ in others] == ["UADMIN2"]
    ((_, result),) = others
    assert result.status == "substituted" and "UADMIN2" in result.detail and "42022" in result.detail
    told = [call for verb, call in messenger.calls if verb == "send_direct" and call["user"] == "UADMIN2"]
    assert len(told) == 1 and others[0][0].card.title in told[0]["text"]


def test_the_owners_follow_their_tokens_when_used_ones_are_dropped() -> None:
    store = MemoryStore(clock=FrozenClock(T0))
    repo = FollowUps(store)
    repo.open(
        FollowUp(
            gid=GID,
            chat="C1",
            ref="c1",
            kind="case",
            card="removal",
            opened_at=T0,
            member="U1",
            rule="abuse",
            recipients=("UADMIN", "UADMIN2"),
            plan=(),
            cards=("t1|rc1", "t2|rc2"),
            owners=("UADMIN", "UADMIN2"),
        )
    )

    repo.drop_cards(GID, "case", "c1", {"t1|rc1"})

    left = repo.get(GID, "case", "c1")
    assert left is not None and (left.cards, left.owners) == (("t2|rc2",), ("UADMIN2",))


def test_a_follow_up_kept_before_owners_were_still_updates_its_cards_naming_nobody() -> None:
    store = MemoryStore(clock=FrozenClock(T0))
    old = FollowUp(
        gid=GID,
        chat="C1",
        ref="c1",
        kind="case",
        card="violation",
        opened_at=T0,
        member="U1",
        rule="abuse",
        recipients=("UADMIN",),
        plan=(),
        cards=("DADMIN:1700000000.000200",),
    ).data()
    del old["owners"]  # as stored before
    assert FollowUp.of(old).owners == ()
    FollowUps(store).open(FollowUp.of(old))
    click = CardClicked(
        platform="slack",
        tenant="T1",
        event_id="k",
        occurred_at=T0,
        chat="",
        user="UADMIN2",
        action="mod.warn",
        card_id="1700000000.000999",
    )
    card = Card(card_id="case:c1", title="Violation", body="")

    (update,) = other_cards(store, GID, "case", "c1", card=card, click=click, reason="admin.handled")

    assert (update.card_ref, update.user) == ("DADMIN:1700000000.000200", "")


def test_a_console_press_answers_another_admins_copy_and_names_that_admin_not_who_pressed() -> None:
    store = MemoryStore(clock=FrozenClock(T0))
    FollowUps(store).open(
        FollowUp(
            gid=GID,
            chat="C1",
            ref="c1",
            kind="case",
            card="violation",
            opened_at=T0,
            member="U1",
            rule="abuse",
            recipients=("UADMIN2", "UADMIN"),
            plan=(),
            cards=("t2|rc2", "t1|rc1"),
            owners=("UADMIN2", "UADMIN"),
        )
    )
    card = Card(card_id="case:c1", title="Violation", body="")

    def pressed(card_id: str, token: str) -> CardClicked:
        return CardClicked(
            platform="wecom",
            tenant="T1",
            event_id="k",
            occurred_at=T0,
            chat="",
            user="UADMIN",
            action="mod.warn",
            card_id=card_id,
            response_token=token,
        )

    # The console presses with the first stored token: UADMIN2's copy, pressed by UADMIN.
    whose, others = copies(store, GID, "case", "c1", card=card, click=pressed("t2|rc2", "t2|rc2"), reason="r")
    assert whose == "UADMIN2" and [(u.card_ref, u.user) for u in others] == [("t1|rc1", "UADMIN")]
    # In the chat, the copy clicked is the clicker's own.
    whose, others = copies(store, GID, "case", "c1", card=card, click=pressed("t1", "rc-click"), reason="r")
    assert whose == "UADMIN" and [(u.card_ref, u.user) for u in others] == [("t2|rc2", "UADMIN2")]
