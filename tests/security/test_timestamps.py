"""Issue 19, finding 7: a time (or a size) out of range is refused with 400 on every route, never a 500.

A Slack `ts` of `1e12` or a DingTalk `createAt` of `1e20` overflowed `datetime` in the message log at
ingress. Each route that takes a time from its body gets, correctly signed, a far-future, an absurd and
a negative time in every field it reads one from, and answers 400 with the reason; nothing is claimed or
queued. The signed request timestamp itself (every route has one) out of range is a failed verification:
401. The checks are `chalicelib.bounds`, applied by `chalicelib.ingress` whatever the route.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from local.demo_settings import DEMO_SETTINGS
from local.fakes.server import FakeMessengers
from tests.reliability import strategies
from tests.reliability.strategies import ROUTES, signed_request
from tests.reliability.support import CheckedStack, checked_stack

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

# In seconds: a year past 33 000, past every calendar, and before the epoch.
ATTACKS = {"1e12": 1e12, "1e20": 1e20, "negative": -1.0}


@pytest.fixture(scope="module")
def checked(fake_messengers: FakeMessengers) -> Iterator[CheckedStack]:
    with checked_stack(fake_messengers) as running:
        yield running


def _fixture(name: str) -> Any:
    data = json.loads((FIXTURES / name).read_text())
    return data.get("payload", data.get("plaintext"))


def _slack_ts(seconds: float) -> str:
    return f"{seconds:.6f}" if abs(seconds) < 1e16 else f"{seconds:e}"


def _slack_message(seconds: float) -> bytes:
    payload = _fixture("slack/message.json")
    ts = _slack_ts(seconds)
    payload["event"] |= {"ts": ts, "event_ts": ts}
    payload["event_time"] = seconds
    return json.dumps(payload).encode()


def _slack_click(seconds: float) -> bytes:
    payload = _fixture("slack/block_actions.json")
    for action in payload["actions"]:
        action["action_ts"] = _slack_ts(seconds)
    return urlencode({"payload": json.dumps(payload)}).encode()


def _wecom_message(seconds: float) -> bytes:
    number = str(int(seconds)) if abs(seconds) < 1e16 else f"{seconds:e}"
    xml = re.sub(
        r"<CreateTime>\d+</CreateTime>",
        f"<CreateTime>{number}</CreateTime>",
        _fixture("wecom/text_message.json"),
    )
    return xml.encode()


def _wecom_aibot(seconds: float) -> bytes:
    return json.dumps(_fixture("wecom/aibot_group_text.json") | {"create_time": seconds}).encode()


def _dingtalk_robot(seconds: float) -> bytes:
    corp = DEMO_SETTINGS["DINGTALK_CORP_ID"]  # the robot's tenant is pinned to the configured corp
    payload = _fixture("dingtalk/robot_group_text.json")
    payload |= {"createAt": int(seconds * 1000), "chatbotCorpId": corp, "senderCorpId": corp}
    return json.dumps(payload).encode()


def _dingtalk_event(seconds: float) -> bytes:
    return json.dumps(
        _fixture("dingtalk/events_chat_add_member.json") | {"TimeStamp": int(seconds * 1000)}
    ).encode()


# The routes whose body carries a time; slack.commands and dingtalk.cards carry none (their events take
# the signed request time, covered below).
BODY_TIMES: dict[str, Callable[[float], bytes]] = {
    "slack.events": _slack_message,
    "slack.interactions": _slack_click,
    "wecom.callback": _wecom_message,
    "wecom.aibot": _wecom_aibot,
    "dingtalk.robot": _dingtalk_robot,
    "dingtalk.events": _dingtalk_event,
}


@pytest.mark.parametrize("route", sorted(BODY_TIMES))
def test_the_body_of_each_route_is_accepted_with_an_ordinary_time(checked: CheckedStack, route: str) -> None:
    """The control: the same payloads with a time of now are acked, so a 400 below is the time's doing."""
    response = checked.stack.send(signed_request(route, BODY_TIMES[route](time.time())))
    assert response.status_code == 200, response.body


@pytest.mark.parametrize("attack", sorted(ATTACKS))
@pytest.mark.parametrize("route", sorted(BODY_TIMES))
def test_a_time_out_of_range_in_the_body_is_refused_with_400(
    checked: CheckedStack, route: str, attack: str
) -> None:
    queued = len(checked.worker.dispatched)
    response = checked.stack.send(signed_request(route, BODY_TIMES[route](ATTACKS[attack])))
    assert response.status_code == 400, response.body
    assert b"out of range" in response.body
    assert len(checked.worker.dispatched) == queued
    assert checked.worker.crashes == []


@pytest.mark.parametrize("stamp", [1e12, 1e20, -1.0])
@pytest.mark.parametrize("route", ROUTES)
def test_a_signed_request_time_out_of_range_fails_verification(
    checked: CheckedStack, route: str, stamp: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The platform's signature timestamp (Slack's header, DingTalk's headers, the WeCom and DingTalk
    query) out of range is stale: 401, as for any replay."""
    monkeypatch.setattr(strategies, "_now", lambda: str(int(stamp)) if stamp < 1e16 else f"{stamp:e}")
    monkeypatch.setattr(
        strategies, "_now_ms", lambda: str(int(stamp * 1000)) if stamp < 1e16 else f"{stamp:e}"
    )
    body = BODY_TIMES.get(route)
    plaintext = body(1_700_000_000.0) if body else b"{}"
    response = checked.stack.send(signed_request(route, plaintext))
    assert response.status_code == 401, response.body


@pytest.mark.parametrize("size", [-1, 2**62, 10**400])
def test_a_file_size_out_of_range_is_refused_with_400(checked: CheckedStack, size: int) -> None:
    """The other number a parser passes on from a body: Slack's file `size` (a JSON integer of any size)."""
    payload = _fixture("slack/message_file_share.json")
    payload["event"]["ts"] = payload["event"]["event_ts"] = _slack_ts(time.time())
    payload["event"]["files"][0]["size"] = size
    body = json.dumps(payload).encode()
    response = checked.stack.send(signed_request("slack.events", body))
    assert response.status_code == 400, response.body
    assert b"out of range" in response.body
