"""Events survive the queue: every event type goes to JSON and comes back equal."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.core import codec
from chalicelib.core.events import (
    CardClicked,
    CommandIssued,
    DirectoryChanged,
    Event,
    FileInfo,
    FileShared,
    MemberJoined,
    MemberLeft,
    MessagePosted,
)

BASE: dict[str, Any] = {
    "platform": "slack",
    "tenant": "T1",
    "event_id": "Ev1",
    "occurred_at": 1.5,
    "chat": "C1",
}
SAMPLES: list[Event] = [
    MessagePosted(
        **BASE,
        user="U1",
        message_id="1.1",
        text="你好 @bot",
        mentions=("U2",),
        mentions_bot=True,
        files=(FileInfo("F1", "a.pdf", 10, "application/pdf"),),
        reply_to="1.0",
        thread="1.0",
    ),
    MemberJoined(**BASE, user="U1", inviter="U2"),
    MemberLeft(**BASE, user="U1"),
    FileShared(**BASE, user="U1", file=FileInfo("F1", "plan-v2.docx"), caption="the plan"),
    CardClicked(**BASE, user="U1", action="approve", value="42", card_id="c1", response_token="tok"),
    CommandIssued(**BASE, user="U1", name="help", args=("me",), text="help me", reply_url="https://x"),
    DirectoryChanged(**{**BASE, "chat": ""}, user="U1", change="moved", departments=("2", "3")),
]


@pytest.mark.parametrize("event", SAMPLES, ids=lambda e: type(e).__name__)
def test_every_event_type_round_trips_through_json(event: Event) -> None:
    assert codec.loads(codec.dumps(event)) == event


@pytest.mark.parametrize("text", ["", "[]", '{"type": "Nope"}', '{"type": "MemberLeft", "bogus": 1}', "{"])
def test_anything_else_is_a_codec_error(text: str) -> None:
    with pytest.raises(codec.CodecError):
        codec.loads(text)


def test_ids_carry_platform_and_tenant() -> None:
    event = SAMPLES[1]
    assert event.gid == "slack:T1:C1"
    assert event.uid("U1") == "slack:T1:U1"
    assert event.claim_key == "T1#Ev1"
