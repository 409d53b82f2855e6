"""Signed requests for each route, as each messenger sends them, for the functional tests."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from local.demo_settings import DEMO_SETTINGS as S
from local.peers import SignedRequest
from local.peers import dingtalk as dingtalk_peer
from local.peers import slack as slack_peer
from local.peers import wecom as wecom_peer

SLACK_TEAM = "T0FUNC"
DINGTALK_CORP = S["DINGTALK_CORP_ID"]  # the stack pins DingTalk to this corp
WECOM_APP = {"token": S["WECOM_TOKEN"], "aes_key": S["WECOM_AES_KEY"], "corp_id": S["WECOM_CORP_ID"]}
WECOM_BOT = {"token": S["WECOM_AIBOT_TOKEN"], "aes_key": S["WECOM_AIBOT_AES_KEY"]}
DINGTALK_EVENTS = {
    "token": S["DINGTALK_TOKEN"],
    "aes_key": S["DINGTALK_AES_KEY"],
    "app_key": S["DINGTALK_APP_KEY"],
}


def directory_name(platform: str, user: str) -> str:
    """How the fakes' directories name a person, as the bot then shows them (users.info, user/get)."""
    if platform == "slack":
        return f"Member {user[-4:]}"
    return f"用户{user}" if platform == "dingtalk" else user


def slack_mention(
    text: str,
    *,
    channel: str = "C0FUNC",
    event_id: str | None = None,
    ts: str | None = None,
    retry_num: int | None = None,
) -> SignedRequest:
    event = {
        "type": "app_mention",
        "user": "U0ALICE",
        "channel": channel,
        "text": f"<@UQGBOT> {text}",
        "ts": ts or f"{time.time():.6f}",
    }
    envelope = slack_peer.envelope(event, team=SLACK_TEAM, event_id=event_id)
    return slack_peer.event_request(envelope, S["SLACK_SIGNING_SECRET"], retry_num=retry_num)


def slack_message(text: str, *, user: str = "U0ALICE", channel: str = "C0FUNC") -> SignedRequest:
    event = {
        "type": "message",
        "user": user,
        "channel": channel,
        "text": text,
        "ts": f"{time.time():.6f}",
        "channel_type": "channel",
    }
    envelope = slack_peer.envelope(event, team=SLACK_TEAM, event_id=f"Ev{uuid.uuid4().hex[:12].upper()}")
    return slack_peer.event_request(envelope, S["SLACK_SIGNING_SECRET"])


def slack_bot_joined(channel: str, *, inviter: str | None) -> SignedRequest:
    """`member_joined_channel` for the bot itself: someone added it to a channel."""
    event: dict[str, Any] = {
        "type": "member_joined_channel",
        "user": "UQGBOT",
        "channel": channel,
        "channel_type": "C",
        "team": SLACK_TEAM,
        "event_ts": f"{time.time():.6f}",
    }
    if inviter:
        event["inviter"] = inviter
    envelope = slack_peer.envelope(event, team=SLACK_TEAM, event_id=f"Ev{uuid.uuid4().hex[:12].upper()}")
    return slack_peer.event_request(envelope, S["SLACK_SIGNING_SECRET"])


def slack_command(
    text: str, response_url: str, *, user: str = "U0ALICE", channel: str = "C0FUNC"
) -> SignedRequest:
    form = {
        "command": "/qg",
        "text": text,
        "team_id": SLACK_TEAM,
        "channel_id": channel,
        "channel_name": "func",
        "user_id": user,
        "response_url": response_url,
        "trigger_id": uuid.uuid4().hex,
    }
    return slack_peer.command_request(form, S["SLACK_SIGNING_SECRET"])


def slack_click(
    response_url: str,
    *,
    action: str = "dismiss",
    value: str = "x",
    user: str = "U0ALICE",
    channel: str = "C0FUNC",
    state: dict[str, Any] | None = None,
) -> SignedRequest:
    """A button pressed on a card; `state` is `state.values`, what the card's selects held then."""
    payload = {
        "type": "block_actions",
        "user": {"id": user},
        "team": {"id": SLACK_TEAM},
        "channel": {"id": channel},
        "container": {"type": "message", "message_ts": "1.2"},
        "trigger_id": uuid.uuid4().hex,
        "response_url": response_url,
        "actions": [
            {"action_id": action, "value": value, "type": "button", "action_ts": f"{time.time():.6f}"}
        ],
        "state": {"values": state or {}},
    }
    return slack_peer.interaction_request(payload, S["SLACK_SIGNING_SECRET"])


def wecom_aibot_mention(
    text: str, response_url: str, *, user: str = "zhangsan", chat: str = "wrFUNC"
) -> SignedRequest:
    payload = {
        "msgid": uuid.uuid4().hex,
        "aibotid": "AIBOT",
        "chatid": chat,
        "chattype": "group",
        "from": {"userid": user},
        "response_url": response_url,
        "msgtype": "text",
        "text": {"content": f"@qunguan {text}"},
    }
    return wecom_peer.aibot_request(payload, **WECOM_BOT)


def wecom_direct(text: str, *, user: str = "lisi") -> SignedRequest:
    now = int(time.time())
    xml = wecom_peer.text_message_xml(
        corp_id=S["WECOM_CORP_ID"],
        user=user,
        content=text,
        msg_id=str(uuid.uuid4().int % 10**19),
        create_time=now,
    )
    return wecom_peer.callback_request(xml, **WECOM_APP)


def wecom_card_click(
    key: str,
    *,
    user: str,
    task_id: str = "task1",
    response_code: str = "rc1",
    selected: dict[str, list[str]] | None = None,
) -> SignedRequest:
    """A button pressed on a card; `selected` makes it a choice card's submit (question key -> options)."""
    fields = {
        "EventKey": key,
        "TaskId": task_id,
        "CardType": "multiple_interaction" if selected else "button_interaction",
        "ResponseCode": response_code,
        "AgentID": "1000002",
    }
    xml = wecom_peer.event_xml(
        "template_card_event",
        fields,
        corp_id=S["WECOM_CORP_ID"],
        create_time=int(time.time()),
        from_user=user,
        selected=selected,
    )
    return wecom_peer.callback_request(xml, **WECOM_APP)


def wecom_url_check(echo: str, *, aibot: bool = False) -> SignedRequest:
    if aibot:
        return wecom_peer.url_check_request(echo, corp_id="", path="/wecom/aibot", **WECOM_BOT)
    return wecom_peer.url_check_request(echo, **WECOM_APP)


def dingtalk_robot(
    text: str,
    session_webhook: str,
    *,
    user: str = "wangwu",
    at: tuple[str, ...] = (),
    chat: str = "cidFUNC",
    title: str | None = None,
    nick: str = "王五",
    is_admin: bool = False,
) -> SignedRequest:
    payload: dict[str, Any] = {
        "conversationId": chat,
        "chatbotCorpId": DINGTALK_CORP,
        "chatbotUserId": "$:LWCP_v1:$bot",
        "msgId": f"msg{uuid.uuid4().hex[:12]}",
        "senderNick": nick,
        "isAdmin": is_admin,
        "senderStaffId": user,
        "atUsers": [{"dingtalkId": f"$:{staff}", "staffId": staff} for staff in at],
        "conversationType": "2",
        "isInAtList": True,
        "sessionWebhook": session_webhook,
        "createAt": int(time.time() * 1000),
        "text": {"content": f" {text}"},
        "msgtype": "text",
    }
    if title is not None:
        payload["conversationTitle"] = title
    return dingtalk_peer.robot_request(payload, app_secret=S["DINGTALK_APP_SECRET"])


def dingtalk_event(payload: dict[str, Any]) -> SignedRequest:
    return dingtalk_peer.event_request(payload, **DINGTALK_EVENTS)


def dingtalk_card_click(
    action: str = "dismiss",
    value: str = "",
    *,
    user: str = "wangwu",
    chat: str = "cidFUNC",
    choices: dict[str, Any] | None = None,
) -> SignedRequest:
    """A button pressed on an interactive card; `choices` is what its selects held (the template's
    `choices` param, `chalicelib.adapters.dingtalk.cards`)."""
    params: dict[str, Any] = {"action": action, "value": value, "chat": chat}
    if choices is not None:
        params["choices"] = choices
    payload = {
        "type": "actionCallback",
        "outTrackId": uuid.uuid4().hex,
        "corpId": DINGTALK_CORP,
        "userId": user,
        "content": json.dumps({"cardPrivateData": {"actionIds": ["1"], "params": params}}),
    }
    return dingtalk_peer.card_request(payload, card_secret=S["DINGTALK_CARD_SECRET"])


def one_valid_request_per_route(hook: str) -> dict[str, SignedRequest]:
    """A genuine, correctly signed POST for each of the eight webhook routes."""
    return {
        "slack.events": slack_mention("hi"),
        "slack.interactions": slack_click(hook),
        "slack.commands": slack_command("help", hook),
        "wecom.callback": wecom_direct("hi"),
        "wecom.aibot": wecom_aibot_mention("hi", hook),
        "dingtalk.robot": dingtalk_robot("hi", hook),
        "dingtalk.events": dingtalk_event({"EventType": "check_url"}),
        "dingtalk.cards": dingtalk_card_click(),
    }
