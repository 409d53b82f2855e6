"""DingTalk's robot signature signs a millisecond and the app's secret, nothing else: two genuine messages
of one app sent in the same millisecond carry the same `timestamp` and `sign`, and DingTalk does not send
again a robot message answered 401. So a signature binds up to `TWINS` distinct bodies while a twin is
plausible (it arrives within `TWIN_SECONDS` of its stamp, and the message was created within
`TWIN_SECONDS` of it), and its first body alone otherwise. A forged body under an observed signature is
refused once the window has passed, once the body's own time gives it away, or once the slots are taken.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.adapters.dingtalk.signature import TWIN_SECONDS, TWINS
from local.demo_settings import DEMO_SETTINGS as S
from local.fakes.server import FakeMessengers
from local.peers import SignedRequest
from local.peers import dingtalk as dingtalk_peer
from tests.functional import conversations as talk
from tests.functional.test_moderation import moderated
from tests.support.stack import Stack


@pytest.fixture
def stack(fake: FakeMessengers) -> Iterator[Stack]:
    with moderated(fake) as running:
        yield running


def message(
    fake: FakeMessengers, hook: str, *, stamp: int, created: int | None = None, user: str = "wangwu"
) -> SignedRequest:
    """A `help` from `user` answered on the hook `hook`, signed at `stamp` (ms), created at `created`."""
    payload: dict[str, Any] = json.loads(talk.dingtalk_robot("help", fake.hook_url(hook), user=user).body)
    payload["createAt"] = stamp if created is None else created
    return dingtalk_peer.robot_request(payload, app_secret=S["DINGTALK_APP_SECRET"], timestamp_ms=stamp)


def now_ms(stack: Stack) -> int:
    return int(stack.deps.clock.now() * 1000)


def test_two_genuine_messages_signed_in_the_same_millisecond_are_both_carried_out(
    stack: Stack, fake: FakeMessengers
) -> None:
    stamp = now_ms(stack)
    first, second = message(fake, "first", stamp=stamp), message(fake, "second", stamp=stamp, user="lisi")
    assert first.headers["sign"] == second.headers["sign"]
    assert [stack.send(first).status_code, stack.send(second).status_code] == [200, 200]
    assert len(fake.sent("/hooks/first")) == 1 and len(fake.sent("/hooks/second")) == 1


def test_each_twin_delivered_again_is_still_one_event(stack: Stack, fake: FakeMessengers) -> None:
    stamp = now_ms(stack)
    first, second = message(fake, "first", stamp=stamp), message(fake, "second", stamp=stamp, user="lisi")
    assert [stack.send(request).status_code for request in (first, second, first, second, first)] == [200] * 5
    assert len(fake.sent("/hooks/first")) == 1 and len(fake.sent("/hooks/second")) == 1


def test_one_signature_binds_at_most_twins_bodies_and_still_accepts_their_redelivery(
    stack: Stack, fake: FakeMessengers
) -> None:
    stamp = now_ms(stack)
    bodies = [message(fake, f"b{n}", stamp=stamp, user=f"user{n}") for n in range(TWINS + 2)]
    statuses = [stack.send(request).status_code for request in bodies]
    assert statuses == [200] * TWINS + [401] * 2
    assert [len(fake.sent(f"/hooks/b{n}")) for n in range(TWINS + 2)] == [1] * TWINS + [0, 0]
    assert stack.send(bodies[0]).status_code == 200 and len(fake.sent("/hooks/b0")) == 1


def test_a_forged_body_under_a_signature_older_than_the_twin_window_is_refused(
    stack: Stack, fake: FakeMessengers
) -> None:
    stamp = now_ms(stack) - (TWIN_SECONDS + 30) * 1000
    genuine, forged = message(fake, "genuine", stamp=stamp), message(fake, "forged", stamp=stamp, user="lisi")
    assert stack.send(genuine).status_code == 200
    answer = stack.send(forged)
    assert answer.status_code == 401 and "already used with another body" in answer.body.decode()
    assert fake.sent("/hooks/forged") == []
    # The genuine body delivered again is still DingTalk's redelivery, window or not.
    assert stack.send(genuine).status_code == 200 and len(fake.sent("/hooks/genuine")) == 1


def test_a_body_created_far_from_the_signed_stamp_is_no_twin(stack: Stack, fake: FakeMessengers) -> None:
    stamp = now_ms(stack)
    old = stamp - (TWIN_SECONDS + 30) * 1000  # a body captured earlier, replayed under a fresh signature
    genuine, replayed = message(fake, "genuine", stamp=stamp), message(fake, "old", stamp=stamp, created=old)
    assert stack.send(genuine).status_code == 200
    assert stack.send(replayed).status_code == 401 and fake.sent("/hooks/old") == []


def test_a_body_that_names_no_creation_time_is_no_twin(stack: Stack, fake: FakeMessengers) -> None:
    stamp = now_ms(stack)
    genuine = message(fake, "genuine", stamp=stamp)
    payload = json.loads(message(fake, "timeless", stamp=stamp, user="lisi").body)
    payload.pop("createAt")
    timeless = dingtalk_peer.robot_request(payload, app_secret=S["DINGTALK_APP_SECRET"], timestamp_ms=stamp)
    assert stack.send(genuine).status_code == 200
    assert stack.send(timeless).status_code == 401 and fake.sent("/hooks/timeless") == []


def test_two_card_clicks_in_the_same_millisecond_bind_the_first_alone(stack: Stack) -> None:
    """A click's signed body is who clicked, what a forger would vary; and the clicker is answered within
    2 s and can click again. So a card signature has no twins (docs/reliability.md)."""
    stamp = now_ms(stack)
    click = json.loads(talk.dingtalk_card_click().body)
    first, second = (
        dingtalk_peer.card_request(
            {**click, "userId": user}, card_secret=S["DINGTALK_CARD_SECRET"], timestamp_ms=stamp
        )
        for user in ("wangwu", "lisi")
    )
    assert stack.send(first).status_code == 200
    assert stack.send(second).status_code == 401
