"""Where a platform cannot do what the policy asks, the executor takes the next best action and says
so in the result; nothing is dropped silently."""

from __future__ import annotations

import pytest

from chalicelib.adapters.base import Capabilities, Capability
from chalicelib.core.actions import Action, DeleteMessage, Mute, Remove, SendDirect
from chalicelib.core.events import MessagePosted
from chalicelib.core.policy import DEFAULT_ORG_POLICY
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
