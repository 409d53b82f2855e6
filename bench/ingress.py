"""Rows 1 and 2: a webhook from arrival to acknowledgement, qunguan against what a bot would otherwise
be built on, on the same signed bytes.

1. Slack: a signed `event_callback` with a channel message (local.peers.slack, signed by slack_sdk).
   qunguan: `chalicelib.ingress.handle("slack.events", ...)` (size and type checks, verify the v0
   signature over the raw body, parse into a `MessagePosted`, claim its id in the in-memory store, ack).
   slack_bolt: `App.dispatch(BoltRequest(...))` with `process_before_response=True`, request verification
   on, and a no-op `message` listener. Bolt's single-team mode would call `auth.test` on the first event
   when `token_verification_enabled=False`, so the app authorises through an `authorize` function
   instead (what a multi-workspace Bolt app does), and its Web API client points at a closed loopback
   port: the row checks that the listener ran for every dispatch, so no call to Slack happened.
2. WeCom: the self-built app's encrypted callback with a Chinese text message (local.peers.wecom,
   encrypted by wechatpy). qunguan: `handle("wecom.callback", ...)` (freshness, SHA-1 signature,
   AES-CBC decryption with padding, length and corp-id checks, both XML documents checked for a DTD and
   parsed by the standard library's C parser, a `MessagePosted`, claim, ack). wechatpy:
   `WeChatCrypto(...).decrypt_message(...)` then `wechatpy.enterprise.parse_message`.

Both sides build their request object from the same headers and body inside the timed call. qunguan's
figure includes the exactly-once claim against the in-memory store (in production a DynamoDB PutItem,
left out of both sides); the peers do no such claim.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from bench import Row, compare_ns
from chalicelib.bootstrap import Deps
from chalicelib.clock import FrozenClock
from chalicelib.http import InboundRequest
from chalicelib.ingress import handle
from chalicelib.settings import Settings
from chalicelib.store.memory import MemoryStore
from local.demo_settings import DEMO_SETTINGS
from local.peers import SignedRequest
from local.peers import slack as slack_peer
from local.peers import wecom as wecom_peer

SLACK_TEXT = "明天上午 10 点的评审会改到 3 号会议室，请 <@U0QGB2> 带上 Q3 的数据。Thanks!"
WECOM_TEXT = "各位同事：本周五下午三点在 5 楼大会议室开季度复盘会，请提前准备好各自的材料，谢谢配合。"


def _deps(clock: FrozenClock) -> Deps:
    values: dict[str, Any] = {key.lower(): value for key, value in DEMO_SETTINGS.items()}
    settings = Settings(_env_file=None, **values)
    # No dispatcher: the handoff to the queue is a no-op here, as the peer's listener is.
    return Deps(settings=settings, clock=clock, store=MemoryStore(clock=clock))


def _inbound(request: SignedRequest) -> InboundRequest:
    return InboundRequest.build(request.method, request.path, request.headers, request.query, request.body)


def slack_request(now: int) -> SignedRequest:
    event = {
        "type": "message",
        "channel": "C0QGGENERAL",
        "channel_type": "channel",
        "user": "U0QGA1",
        "text": SLACK_TEXT,
        "ts": f"{now}.000100",
        "event_ts": f"{now}.000100",
        "team": slack_peer.TEAM,
        "client_msg_id": "7f0c2d1e-7d4f-4b4e-9f57-2a7f3d0b1c11",
        "blocks": [],
    }
    envelope = slack_peer.envelope(event, event_time=now)
    return slack_peer.event_request(envelope, DEMO_SETTINGS["SLACK_SIGNING_SECRET"], timestamp=now)


def _bolt_app(listened: list[int]) -> Any:
    from slack_bolt import App
    from slack_bolt.authorization import AuthorizeResult
    from slack_sdk import WebClient

    def authorize(enterprise_id: str | None, team_id: str | None, **_: Any) -> AuthorizeResult:
        return AuthorizeResult(
            enterprise_id=enterprise_id,
            team_id=team_id,
            bot_token=DEMO_SETTINGS["SLACK_BOT_TOKEN"],
            bot_id="B0QGBOT",
            bot_user_id=slack_peer.BOT_USER,
        )

    app = App(
        signing_secret=DEMO_SETTINGS["SLACK_SIGNING_SECRET"],
        authorize=authorize,
        client=WebClient(base_url="http://127.0.0.1:9/api/"),  # closed: a call would fail the row
        process_before_response=True,
        request_verification_enabled=True,
        token_verification_enabled=False,
        url_verification_enabled=True,
    )

    @app.event("message")
    def on_message() -> None:
        listened[0] += 1

    return app


def slack_row(*, repeat: int, target_ns: float) -> Row:
    from slack_bolt import BoltRequest

    now = int(time.time())
    request = slack_request(now)
    deps = _deps(FrozenClock(float(now)))
    body = request.body.decode()
    headers: dict[str, str | Sequence[str]] = dict(request.headers)

    def ours() -> object:
        reply = handle("slack.events", _inbound(request), deps)
        assert reply.status == 200, reply.body
        return reply

    listened = [0]
    dispatched = [0]
    app = _bolt_app(listened)

    def peer() -> object:
        response = app.dispatch(BoltRequest(body=body, headers=headers))
        dispatched[0] += 1
        assert response.status == 200, response.body
        return response

    ours_ns, peer_ns = compare_ns(ours, peer, repeat=repeat, target_ns=target_ns)
    assert listened[0] == dispatched[0], "bolt's listener did not run for every event"
    return Row(
        "Slack ingress: verify + parse a signed event, vs slack_bolt App.dispatch",
        "µs/event",
        ours_ns / 1000,
        peer_ns / 1000,
    )


def wecom_request(now: int) -> SignedRequest:
    corp = DEMO_SETTINGS["WECOM_CORP_ID"]
    xml = wecom_peer.text_message_xml(
        corp_id=corp, user="zhangsan", content=WECOM_TEXT, msg_id="7389123456789012345", create_time=now
    )
    return wecom_peer.callback_request(
        xml,
        token=DEMO_SETTINGS["WECOM_TOKEN"],
        aes_key=DEMO_SETTINGS["WECOM_AES_KEY"],
        corp_id=corp,
        timestamp=str(now),
        nonce="1372623149",
    )


def wecom_row(*, repeat: int, target_ns: float) -> Row:
    from wechatpy.enterprise import parse_message
    from wechatpy.enterprise.crypto import WeChatCrypto

    now = int(time.time())
    request = wecom_request(now)
    deps = _deps(FrozenClock(float(now)))
    crypto = WeChatCrypto(
        DEMO_SETTINGS["WECOM_TOKEN"], DEMO_SETTINGS["WECOM_AES_KEY"], DEMO_SETTINGS["WECOM_CORP_ID"]
    )

    def ours() -> object:
        reply = handle("wecom.callback", _inbound(request), deps)
        assert reply.status == 200, reply.body
        return reply

    def peer() -> object:
        query = request.query
        xml = crypto.decrypt_message(request.body, query["msg_signature"], query["timestamp"], query["nonce"])
        message = parse_message(xml)
        assert message.type == "text"
        return message

    ours_ns, peer_ns = compare_ns(ours, peer, repeat=repeat, target_ns=target_ns)
    return Row(
        "WeCom ingress: verify + decrypt + parse a callback, vs wechatpy",
        "µs/event",
        ours_ns / 1000,
        peer_ns / 1000,
    )


def main(*, quick: bool = False) -> list[Row]:
    repeat, target_ns = (3, 2e6) if quick else (31, 20e6)
    return [slack_row(repeat=repeat, target_ns=target_ns), wecom_row(repeat=repeat, target_ns=target_ns)]
