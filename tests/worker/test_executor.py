"""Where a platform cannot do what the policy asks, the executor takes the next best action and says
so in the result; nothing is dropped silently. A card update the platform refuses for good (a WeCom
response_code used or past its 72 h) is told to whose copy it is by a private message instead."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from chalicelib.adapters.base import Capabilities, Capability
from chalicelib.core.actions import Action, DeleteMessage, Mute, Remove, SendDirect, UpdateCard
from chalicelib.core.cards import Card
from chalicelib.core.events import CardClicked, MessagePosted
from chalicelib.core.policy import DEFAULT_ORG_POLICY
from chalicelib.errors import CardUpdateRefused, MessengerError
from chalicelib.kernel.context import Context
from chalicelib.kernel.executor import execute
from chalicelib.store.records import GroupRecord
from tests.support.messenger import RecordingMessenger

EVENT = MessagePosted(
    platform="wecom",
    tenant="corp",
    event_id="m",
    occurred_at=0,
    chat="G1",
    user="u1",
    message_id="m",
    text="x",
)
CTX = Context(
    now=0,
    group=GroupRecord(gid="wecom:corp:G1", platform="wecom", tenant="corp", chat="G1"),
    member=None,
    locale="en",
    policy=DEFAULT_ORG_POLICY,
)
SEND_ONLY = Capabilities(always=frozenset({Capability.SEND_DIRECT, Capability.POST_TO_GROUP}))


@pytest.mark.parametrize(
    "action",
    [
        DeleteMessage(chat="G1", message_id="m", user="u1", text="bad words", reason="lexicon"),
        Mute(chat="G1", user="u1", seconds=3600),
        Remove(chat="G1", user="u1"),
    ],
    ids=["delete", "mute", "remove"],
)
def test_an_impossible_action_becomes_a_private_message_and_is_recorded_as_substituted(
    action: Action,
) -> None:
    messenger = RecordingMessenger(platform="wecom", capabilities=SEND_ONLY)
    (result,) = execute((action,), EVENT, CTX, messenger)
    assert result.status == "substituted" and result.detail
    assert messenger.verbs() == ["send_direct"]
    assert messenger.calls[0][1]["user"] == "u1"


def test_the_withdraw_request_does_not_repeat_the_text_the_explanation_already_returns() -> None:
    messenger = RecordingMessenger(platform="wecom", capabilities=SEND_ONLY)
    execute((DeleteMessage(chat="G1", message_id="m", user="u1", text="bad words"),), EVENT, CTX, messenger)
    assert "bad words" not in messenger.calls[0][1]["text"]
    assert "withdraw" in messenger.calls[0][1]["text"]


def test_removal_works_only_in_groups_the_app_created_where_the_platform_says_so() -> None:
    caps = Capabilities(
        always=frozenset({Capability.SEND_DIRECT}), in_app_groups=frozenset({Capability.REMOVE_MEMBER})
    )
    messenger = RecordingMessenger(platform="wecom", capabilities=caps)
    app_ctx = Context(
        now=0,
        group=GroupRecord(gid="g", platform="wecom", tenant="corp", chat="G1", app_created=True),
        member=None,
        locale="en",
        policy=DEFAULT_ORG_POLICY,
    )
    (result,) = execute((Remove(chat="G1", user="u1"),), EVENT, app_ctx, messenger)
    assert result.status == "done" and messenger.verbs() == ["remove_member"]


def test_a_capable_platform_does_the_action_itself() -> None:
    messenger = RecordingMessenger()
    results = execute(
        (Mute(chat="G1", user="u1", seconds=60), SendDirect(user="u1", text="hi")), EVENT, CTX, messenger
    )
    assert [r.status for r in results] == ["done", "done"]
    assert messenger.verbs() == ["mute_member", "send_direct"]


# A card update the platform refuses for good ---------------------------------------------------------------

LAPSED = Card(card_id="join-x", title="Join request: Nora Li", body="", footer="Nobody decided in time.")
USED = CardUpdateRefused("wecom", "update_template_card", "errcode 42022 code has been used")


@dataclass
class RefusingCardUpdates(RecordingMessenger):
    """WeCom refusing every response code it is given (used already, or past its 72 h)."""

    refusal: MessengerError = USED

    def update_card(
        self, tenant: str, card_ref: str, card: Card, *, response_token: str | None = None
    ) -> None:
        raise self.refusal


def test_a_card_whose_response_code_is_refused_is_told_to_its_recipient_and_recorded_as_substituted() -> None:
    messenger = RefusingCardUpdates(platform="wecom")
    update = UpdateCard(card=LAPSED, card_ref="t1|rc1", response_token="t1|rc1", user="UADA", reason="r")
    (result,) = execute((update,), EVENT, CTX, messenger)
    assert result.status == "substituted" and "42022" in result.detail
    assert messenger.calls == [
        (
            "send_direct",
            {"tenant": "corp", "user": "UADA", "text": "Join request: Nora Li\nNobody decided in time."},
        )
    ]


def test_the_clicked_cards_own_answer_refused_is_told_to_who_clicked() -> None:
    click = CardClicked(
        platform="wecom",
        tenant="corp",
        event_id="c",
        occurred_at=0,
        chat="",
        user="UADA",
        action="join.approve",
        card_id="t1",
        response_token="rc-click",
    )
    messenger = RefusingCardUpdates(platform="wecom")
    answer = UpdateCard(card=LAPSED, card_ref="t1", response_token="rc-click", reason="r")
    (result,) = execute((answer,), click, CTX, messenger)
    assert result.status == "substituted"
    assert [kwargs["user"] for _, kwargs in messenger.calls] == ["UADA"]


def test_a_refused_update_with_nobody_to_tell_fails_visibly_and_a_transient_failure_is_retried() -> None:
    nobody = UpdateCard(card=LAPSED, card_ref="t1|rc1", response_token="t1|rc1", reason="r")
    (result,) = execute((nobody,), EVENT, CTX, RefusingCardUpdates(platform="wecom"))
    assert (result.status, result.retryable) == ("failed", False) and "42022" in result.detail

    busy = MessengerError("wecom", "update_template_card", "errcode -1 system busy", retryable=True)
    messenger = RefusingCardUpdates(platform="wecom", refusal=busy)
    update = UpdateCard(card=LAPSED, card_ref="t1|rc1", response_token="t1|rc1", user="UADA", reason="r")
    (result,) = execute((update,), EVENT, CTX, messenger)
    assert (result.status, result.retryable) == ("failed", True) and messenger.calls == []
