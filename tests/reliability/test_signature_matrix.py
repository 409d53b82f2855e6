"""The signature matrix, through the real routes, for every route: a tampered body, a wrong secret, a
wrong AES key, stale and future timestamps, each signature header or query parameter missing, and a
wrong receive id (WeCom app and AI bot, DingTalk events) are all refused with 401; a timestamp just
inside the window is accepted; a replayed delivery is acked and does nothing the second time.

Requests are built by the messengers' side of the wire (`local.peers`: slack_sdk, wechatpy and
dingtalk-sdk), then changed one thing at a time.
"""

from __future__ import annotations

import base64
import json
import os
import re
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import pytest

from local.demo_settings import DEMO_SETTINGS as S
from local.fakes.server import FakeMessengers
from local.peers import SignedRequest
from local.peers import dingtalk as dingtalk_peer
from local.peers import slack as slack_peer
from local.peers import wecom as wecom_peer
from tests.reliability.support import CheckedStack, checked_stack

WRONG = "not-the-right-secret"
WRONG_KEY = base64.b64encode(os.urandom(32)).decode().rstrip("=")


@dataclass(frozen=True)
class Keys:
    """What signs a request; a test changes one field to make it wrong."""

    secret: str | None = None  # the signing secret, token or app secret
    aes_key: str | None = None
    receive_id: str | None = None


@dataclass(frozen=True)
class RouteCase:
    name: str
    window: int  # seconds, either way
    build: Callable[[Keys, float], SignedRequest]  # (keys, unix time of signing) -> request
    required: tuple[str, ...]  # header or query names; "?name" is a query parameter
    body_signed: bool = True
    encrypted: bool = False

    def genuine(self, at: float | None = None) -> SignedRequest:
        return self.build(Keys(), time.time() if at is None else at)


def _slack_events(keys: Keys, at: float) -> SignedRequest:
    event = {
        "type": "app_mention",
        "user": "U0ALICE",
        "channel": "C0SIG",
        "text": "<@UQGBOT> help",
        "ts": f"{at:.6f}",
    }
    envelope = slack_peer.envelope(event, team="T0SIG", event_id=f"Ev{uuid.uuid4().hex[:10]}")
    return slack_peer.event_request(envelope, keys.secret or S["SLACK_SIGNING_SECRET"], timestamp=int(at))


def _slack_interactions(keys: Keys, at: float) -> SignedRequest:
    payload = {
        "type": "block_actions",
        "user": {"id": "U0ALICE"},
        "team": {"id": "T0SIG"},
        "channel": {"id": "C0SIG"},
        "container": {"type": "message", "message_ts": "1.2"},
        "trigger_id": uuid.uuid4().hex,
        "actions": [{"action_id": "mod.dismiss", "value": "x", "type": "button", "action_ts": f"{at:.6f}"}],
    }
    return slack_peer.interaction_request(
        payload, keys.secret or S["SLACK_SIGNING_SECRET"], timestamp=int(at)
    )


def _slack_commands(keys: Keys, at: float) -> SignedRequest:
    form = {
        "command": "/qg",
        "text": "help",
        "team_id": "T0SIG",
        "channel_id": "C0SIG",
        "user_id": "U0ALICE",
        "response_url": "http://127.0.0.1:9/hooks/sig",
        "trigger_id": uuid.uuid4().hex,
    }
    return slack_peer.command_request(form, keys.secret or S["SLACK_SIGNING_SECRET"], timestamp=int(at))


def _wecom_app(keys: Keys) -> dict[str, str]:
    return {
        "token": keys.secret or S["WECOM_TOKEN"],
        "aes_key": keys.aes_key or S["WECOM_AES_KEY"],
        "corp_id": S["WECOM_CORP_ID"] if keys.receive_id is None else keys.receive_id,
    }


def _wecom_callback(keys: Keys, at: float) -> SignedRequest:
    xml = wecom_peer.text_message_xml(
        corp_id=S["WECOM_CORP_ID"],
        user="lisi",
        content="help",
        msg_id=str(uuid.uuid4().int % 10**19),
        create_time=int(at),
    )
    return wecom_peer.callback_request(xml, timestamp=str(int(at)), **_wecom_app(keys))


def _wecom_url_check(keys: Keys, at: float) -> SignedRequest:
    return wecom_peer.url_check_request("1616140317555161061", timestamp=str(int(at)), **_wecom_app(keys))


def _aibot_keys(keys: Keys) -> dict[str, str]:
    return {
        "token": keys.secret or S["WECOM_AIBOT_TOKEN"],
        "aes_key": keys.aes_key or S["WECOM_AIBOT_AES_KEY"],
    }


def _wecom_aibot(keys: Keys, at: float) -> SignedRequest:
    payload = {
        "msgid": uuid.uuid4().hex,
        "aibotid": "AIBOT",
        "chatid": "wrSIG",
        "chattype": "group",
        "from": {"userid": "zhangsan"},
        "response_url": "http://127.0.0.1:9/hooks/sig",
        "msgtype": "text",
        "text": {"content": "@qunguan help"},
    }
    if keys.receive_id is None:
        return wecom_peer.aibot_request(payload, timestamp=str(int(at)), **_aibot_keys(keys))
    # The AI bot's receive id is ""; wechatpy's aibot helper cannot seal another, so build it here.
    stamp, nonce = str(int(at)), "20240301"
    encrypted, signature = wecom_peer.encrypt(
        json.dumps(payload), receive_id=keys.receive_id, timestamp=stamp, nonce=nonce, **_aibot_keys(keys)
    )
    query = {"msg_signature": signature, "timestamp": stamp, "nonce": nonce}
    body = json.dumps({"encrypt": encrypted}).encode()
    return SignedRequest("POST", "/wecom/aibot", {"Content-Type": "application/json"}, query, body)


def _aibot_url_check(keys: Keys, at: float) -> SignedRequest:
    return wecom_peer.url_check_request(
        "1616140317555161061",
        corp_id=keys.receive_id or "",
        timestamp=str(int(at)),
        path="/wecom/aibot",
        **_aibot_keys(keys),
    )


def _dingtalk_robot(keys: Keys, at: float) -> SignedRequest:
    payload = {
        "conversationId": "cidSIG",
        "chatbotCorpId": S["DINGTALK_CORP_ID"],
        "msgId": uuid.uuid4().hex,
        "senderStaffId": "wangwu",
        "conversationType": "2",
        "isInAtList": True,
        # On DingTalk's host, as a genuine one is (the messengers here only record, nothing is sent).
        "sessionWebhook": "https://oapi.dingtalk.com/robot/sendBySession?session=sig",
        "text": {"content": " help"},
        "msgtype": "text",
    }
    return dingtalk_peer.robot_request(
        payload, app_secret=keys.secret or S["DINGTALK_APP_SECRET"], timestamp_ms=int(at * 1000)
    )


def _dingtalk_events(keys: Keys, at: float) -> SignedRequest:
    payload = {
        "EventType": "chat_add_member",
        "CorpId": "dingsig",
        "ChatId": "cidSIG",
        "UserId": [uuid.uuid4().hex[:8]],
        "Operator": "wangwu",
        "TimeStamp": int(at * 1000),
    }
    return dingtalk_peer.event_request(
        payload,
        token=keys.secret or S["DINGTALK_TOKEN"],
        aes_key=keys.aes_key or S["DINGTALK_AES_KEY"],
        app_key=S["DINGTALK_APP_KEY"] if keys.receive_id is None else keys.receive_id,
        timestamp_ms=int(at * 1000),
    )


def _dingtalk_cards(keys: Keys, at: float) -> SignedRequest:
    params = {"action": "mod.dismiss", "value": "x", "chat": "cidSIG"}
    payload = {
        "type": "actionCallback",
        "outTrackId": uuid.uuid4().hex,
        "corpId": S["DINGTALK_CORP_ID"],
        "userId": "wangwu",
        "content": json.dumps({"cardPrivateData": {"actionIds": ["1"], "params": params}}),
    }
    return dingtalk_peer.card_request(
        payload, card_secret=keys.secret or S["DINGTALK_CARD_SECRET"], timestamp_ms=int(at * 1000)
    )


SLACK_HEADERS = ("X-Slack-Signature", "X-Slack-Request-Timestamp")
WECOM_QUERY = ("?msg_signature", "?timestamp", "?nonce")
CASES = {
    case.name: case
    for case in (
        RouteCase("slack.events", 300, _slack_events, SLACK_HEADERS),
        RouteCase("slack.interactions", 300, _slack_interactions, SLACK_HEADERS),
        RouteCase("slack.commands", 300, _slack_commands, SLACK_HEADERS),
        RouteCase("wecom.callback", 300, _wecom_callback, WECOM_QUERY, encrypted=True),
        RouteCase("wecom.callback GET", 300, _wecom_url_check, (*WECOM_QUERY, "?echostr"), encrypted=True),
        RouteCase("wecom.aibot", 300, _wecom_aibot, WECOM_QUERY, encrypted=True),
        RouteCase("wecom.aibot GET", 300, _aibot_url_check, (*WECOM_QUERY, "?echostr"), encrypted=True),
        # DingTalk signs the robot's and the cards' headers only, never their bodies (PROTOCOLS.md 2.2, 2.6).
        RouteCase("dingtalk.robot", 3600, _dingtalk_robot, ("timestamp", "sign"), body_signed=False),
        RouteCase(
            "dingtalk.events",
            3600,
            _dingtalk_events,
            ("?msg_signature", "?timeStamp", "?nonce"),
            encrypted=True,
        ),
        RouteCase(
            "dingtalk.cards",
            3600,
            _dingtalk_cards,
            ("x-ddpaas-signature", "x-ddpaas-signature-timestamp"),
            body_signed=False,
        ),
    )
}
ENCRYPTED = [name for name, case in CASES.items() if case.encrypted]
RECEIVE_IDS = {
    "wecom.callback": "wwanothercorp",
    "wecom.callback GET": "wwanothercorp",
    "wecom.aibot": "wwdemocorp0001",
    "wecom.aibot GET": "wwdemocorp0001",
    "dingtalk.events": "dinganotherapp",
}


@pytest.fixture(scope="module")
def checked(fake_messengers: FakeMessengers) -> Iterator[CheckedStack]:
    with checked_stack(fake_messengers) as running:
        yield running


def status(checked: CheckedStack, request: SignedRequest) -> int:
    return checked.stack.send(request).status_code


def tampered(case: RouteCase, request: SignedRequest) -> SignedRequest:
    """One byte changed in what the signature covers: the body, or (where only headers are signed, or
    the signed part is the ciphertext in the query) the signed value itself."""
    if case.name.endswith("GET"):
        echostr = request.query["echostr"]
        return replace(
            request, query={**request.query, "echostr": ("B" if echostr[0] == "A" else "A") + echostr[1:]}
        )
    if not case.body_signed:
        name = case.required[-1] if case.name == "dingtalk.robot" else case.required[0]
        value = request.headers[name]
        return replace(
            request, headers={**request.headers, name: ("B" if value[0] == "A" else "A") + value[1:]}
        )
    body = bytearray(request.body)
    if case.encrypted:  # a character well inside the ciphertext, which the signature covers
        found = re.search(rb'<Encrypt><!\[CDATA\[|"encrypt": ?"', body)
        assert found is not None
        index = found.end() + 12
    else:
        index = body.index(b"U0ALICE")
    body[index] = ord("B") if body[index] != ord("B") else ord("C")
    return replace(request, body=bytes(body))


def without(request: SignedRequest, name: str) -> SignedRequest:
    if name.startswith("?"):
        return replace(request, query={k: v for k, v in request.query.items() if k != name[1:]})
    return replace(request, headers={k: v for k, v in request.headers.items() if k.lower() != name.lower()})


@pytest.mark.parametrize("route", CASES)
def test_the_genuine_request_is_accepted(checked: CheckedStack, route: str) -> None:
    assert status(checked, CASES[route].genuine()) == 200


@pytest.mark.parametrize("route", CASES)
def test_a_tampered_request_is_refused(checked: CheckedStack, route: str) -> None:
    case = CASES[route]
    assert status(checked, tampered(case, case.genuine())) == 401


@pytest.mark.parametrize("route", CASES)
def test_a_request_signed_with_a_wrong_secret_is_refused(checked: CheckedStack, route: str) -> None:
    assert status(checked, CASES[route].build(Keys(secret=WRONG), time.time())) == 401


@pytest.mark.parametrize("route", ENCRYPTED)
def test_a_request_encrypted_with_a_wrong_aes_key_is_refused(checked: CheckedStack, route: str) -> None:
    assert status(checked, CASES[route].build(Keys(aes_key=WRONG_KEY), time.time())) == 401


@pytest.mark.parametrize("route", list(RECEIVE_IDS))
def test_a_message_sealed_for_another_receive_id_is_refused(checked: CheckedStack, route: str) -> None:
    request = CASES[route].build(Keys(receive_id=RECEIVE_IDS[route]), time.time())
    assert status(checked, request) == 401


def signed_at(moment: str, window: int) -> float:
    now = time.time()
    return {
        "stale": now - window - 60,  # a minute too old
        "future": now + window + 60,  # a minute too far ahead
        "just-inside": now - window + 30,  # half a minute inside the window
    }[moment]


@pytest.mark.parametrize("route", CASES)
@pytest.mark.parametrize(("moment", "expected"), [("stale", 401), ("future", 401), ("just-inside", 200)])
def test_timestamps_outside_the_window_are_refused_and_inside_accepted(
    checked: CheckedStack, route: str, moment: str, expected: int
) -> None:
    case = CASES[route]
    assert status(checked, case.build(Keys(), signed_at(moment, case.window))) == expected


@pytest.mark.parametrize(
    ("route", "name"), [(route, name) for route, case in CASES.items() for name in case.required]
)
def test_a_request_missing_a_signature_header_or_parameter_is_refused(
    checked: CheckedStack, route: str, name: str
) -> None:
    assert status(checked, without(CASES[route].genuine(), name)) == 401


@pytest.mark.parametrize("route", [name for name in CASES if not name.endswith("GET")])
def test_a_replayed_delivery_is_acked_and_does_nothing_the_second_time(
    checked: CheckedStack, route: str
) -> None:
    request = CASES[route].genuine()
    worker, messenger = checked.worker, checked.messengers[route.split(".", 1)[0]]
    assert status(checked, request) == 200
    dispatched, sent = len(worker.dispatched), len(messenger.calls)
    assert dispatched >= 1, "the genuine delivery carried no event: the replay would prove nothing"
    assert status(checked, request) == 200
    assert (len(worker.dispatched), len(messenger.calls)) == (dispatched, sent)
