"""The cards sent for a pending request, kept with the platform's tokens (`chalicelib.kernel.request_cards`):
which recipient got which token, what is kept when the platform showed no card or failed some recipients,
and how a decision reaches each card (in place, or a private note where the card cannot be updated: no
token, or a WeCom response_code past the 72 hours it serves, doc path/94888)."""

from __future__ import annotations

import pytest

from chalicelib.adapters.base import Capabilities, Sent
from chalicelib.cardsign import seal
from chalicelib.clock import FrozenClock
from chalicelib.core.actions import Decision, PostCard, PostText, SendDirect, UpdateCard
from chalicelib.core.cards import Button, Card
from chalicelib.core.events import CardClicked
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.executor import ActionResult
from chalicelib.kernel.request_cards import ONCE_FOR, SentCard, SentCards, sent_cards, updates
from chalicelib.store.memory import MemoryStore
from tests.membership.conftest import make_deps
from tests.membership.factories import NOW
from tests.support.messenger import EVERYTHING, RecordingMessenger

GID = "wecom:T1:wrCHAT"
REF = "abcdef012345UNORA"
DECIDED = Card(card_id="join-x", title="Join request", body="", footer="UADA approved UNORA.")


@pytest.fixture
def deps(clock: FrozenClock) -> Deps:
    wecom = RecordingMessenger(platform="wecom", capabilities=Capabilities(EVERYTHING, card_updates="once"))
    return make_deps(MemoryStore(clock=clock), clock, wecom)


def join_card(deps: Deps) -> Card:
    def button(action: str) -> Button:
        value = seal(deps.settings, platform="wecom", tenant="T1", chat="wrCHAT", ref=REF, action=action)
        return Button(action, action, value)

    return Card(
        card_id="join-abcdef012345",
        title="Join request",
        body="",
        buttons=(button("join.approve"), button("join.reject")),
    )


def kept(deps: Deps, card: PostCard, result: ActionResult) -> list[tuple[str, str]]:
    found = sent_cards(
        Decision.of(card), (result,), deps.settings, platform="wecom", tenant="T1", now=NOW, kind="join"
    )
    return [(sent.user or sent.chat, sent.token) for sent in found]


def test_each_recipient_is_kept_with_the_token_of_the_card_they_got(deps: Deps) -> None:
    post = PostCard(card=join_card(deps), users=("UADA", "UCARL"), reason="membership.join.request")
    result = ActionResult("PostCard", "done", sent=(Sent("m1", "t1|rc1"), Sent("m2", "t2|rc2")))
    assert kept(deps, post, result) == [("UADA", "t1|rc1"), ("UCARL", "t2|rc2")]


def test_a_card_sent_as_text_or_failed_for_some_is_kept_without_a_token(deps: Deps) -> None:
    post = PostCard(card=join_card(deps), users=("UADA", "UCARL"), reason="membership.join.request")
    as_text = ActionResult(
        "PostCard", "substituted", "sent as text", sent=(Sent("m1", "q1"), Sent("m2", "q2"))
    )
    assert kept(deps, post, as_text) == [("UADA", ""), ("UCARL", "")]
    partly = ActionResult("PostCard", "failed", "503", retryable=True, sent=(Sent("m2", "t2|rc2"),))
    assert kept(deps, post, partly) == [("UADA", ""), ("UCARL", "")]  # whose is "t2|rc2" cannot be told
    nobody = ActionResult("PostCard", "failed", "403")
    assert kept(deps, post, nobody) == []


def test_a_card_of_another_kind_or_with_a_forged_seal_is_not_kept(deps: Deps) -> None:
    other = Card(card_id="c", title="t", body="", buttons=(Button("Ack", "welcome.ack", "x"),))
    forged = Card(card_id="c", title="t", body="", buttons=(Button("Approve", "join.approve", "forged"),))
    result = ActionResult("PostCard", "done", sent=(Sent("m1", "t1|rc1"),))
    for card in (other, forged):
        assert kept(deps, PostCard(card=card, users=("UADA",), reason="r"), result) == []


def test_a_decision_updates_each_card_in_place_but_the_clicked_one(deps: Deps) -> None:
    repo = SentCards(deps.store)
    for user, token in (("UADA", "t1|rc1"), ("UCARL", "t2|rc2")):
        repo.keep(SentCard(GID, "join", REF, user, "", token, NOW))
    click = CardClicked(
        platform="wecom",
        tenant="T1",
        event_id="e",
        occurred_at=0.0,
        chat="",
        user="UADA",
        action="join.approve",
        card_id="t1",
    )
    shown = updates(
        deps,
        platform="wecom",
        gid=GID,
        kind="join",
        ref=REF,
        card=DECIDED,
        told="approved",
        reason="r",
        now=NOW + 60,
        clicked=click,
    )
    assert shown == (  # naming whose copy it is, told instead if WeCom refuses the code when it is sent
        UpdateCard(card=DECIDED, card_ref="t2|rc2", response_token="t2|rc2", user="UCARL", reason="r"),
    )


def test_a_wecom_card_past_its_response_codes_72_hours_is_told_privately(deps: Deps) -> None:
    repo = SentCards(deps.store)
    repo.keep(SentCard(GID, "join", REF, "UADA", "", "t1|rc1", NOW))
    repo.keep(SentCard(GID, "join", REF, "", "wrCHAT", "", NOW))
    shown = updates(
        deps,
        platform="wecom",
        gid=GID,
        kind="join",
        ref=REF,
        card=DECIDED,
        told="approved",
        reason="r",
        now=NOW + ONCE_FOR,
    )
    assert shown == (
        SendDirect(user="UADA", text="approved", reason="r.told"),
        PostText(chat="wrCHAT", text="approved", reason="r.told"),
    )
