"""The workflows' conversations on each platform: signed commands and card clicks as each messenger sends
them, and what the bot sent, read back from the recording fake in the same terms on every platform
(texts into the group, texts and cards to a person, buttons by action).

- Slack: `/qg <command>` in C0FUNC, answers on the response URL; the bot posts into the channel and into
  direct messages (`D` + the user id without its `U`); a click carries the channel.
- WeCom: `@qunguan <command>` to the AI bot in wrFUNC, a group the app did not create, so the bot cannot
  post there: what is for the group goes to each member it knows, and cards go to people (message/send);
  a click comes from the app's callback, without a chat.
- DingTalk: `@qunguan <command>` to the robot in cidFUNC; texts and cards go into the group, direct
  messages through oToMessages/batchSend; a click carries the chat the card was posted to.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalicelib.core.ids import Platform
from chalicelib.kernel.people import names_of_ids
from local.demo_settings import DEMO_SETTINGS as S
from local.fakes.server import Call, FakeMessengers
from local.peers import SignedRequest
from local.peers import wecom as wecom_peer
from tests.functional import conversations as talk
from tests.support.stack import Stack

WECOM_CORP = S["WECOM_CORP_ID"]


@dataclass(frozen=True)
class Seen:
    """A card as one recipient got it: its text and its buttons (action -> sealed value)."""

    text: str
    buttons: dict[str, str]


def _text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class Side:
    platform: Platform
    tenant: str
    chat: str
    admin: str
    admin2: str
    member: str
    member2: str
    command_builder: Callable[[str, str, str], SignedRequest]
    click_builder: Callable[[FakeMessengers, str, str, str], SignedRequest]
    group_reader: Callable[[FakeMessengers, str], list[str]]
    direct_reader: Callable[[FakeMessengers, str], list[str]]
    card_reader: Callable[[FakeMessengers, str], list[Seen]]

    @property
    def gid(self) -> str:
        return f"{self.platform}:{self.tenant}:{self.chat}"

    def uid(self, user: str) -> str:
        return f"{self.platform}:{self.tenant}:{user}"

    @property
    def admins(self) -> list[str]:
        return [self.uid(self.admin), self.uid(self.admin2)]

    def command(self, text: str, user: str, hook: str) -> SignedRequest:
        return self.command_builder(text, user, hook)

    def click(self, fake: FakeMessengers, action: str, value: str, user: str) -> SignedRequest:
        """`user` presses the button `action` carrying `value` (the card's reply URL or response code
        is the fake's, so that the card's update is recorded)."""
        return self.click_builder(fake, action, value, user)

    def in_group(self, fake: FakeMessengers) -> list[str]:
        """What the bot posted into the group (on WeCom, where it cannot: nothing)."""
        return self.group_reader(fake, self.chat)

    def to(self, fake: FakeMessengers, user: str) -> list[str]:
        """Texts the bot sent `user` directly."""
        return self.direct_reader(fake, user)

    def cards(self, fake: FakeMessengers, where: str) -> list[Seen]:
        """Cards delivered to a person (a user id) or into the group (the chat id)."""
        return self.card_reader(fake, where)


def card_updates(fake: FakeMessengers) -> str:
    """What the clicked cards were updated to, on any platform, as one text."""
    calls = [
        *fake.sent("/hooks/card"),  # Slack: the click's response_url
        *fake.sent("update_template_card"),  # WeCom
        *(call for call in fake.sent("/v1.0/card/instances") if call.method == "PUT"),  # DingTalk
    ]
    return " ".join(_text(call.body) for call in calls)


def directory_name(stack: Stack, side: Side, user: str) -> str:
    """How the bot names `user` from the platform's directory (through the real adapter, from the fake's
    directory): what members read instead of the id (a WeCom app is told no names: there it is the id)."""
    uid = side.uid(user)
    return names_of_ids([uid], stack.deps)[uid]


def named(text: str, phrase: str, name: str, user: str) -> bool:
    """Whether `text` says `phrase` of `name` ("{name}{phrase}", e.g. " 已处理"), never of the raw `user`."""
    return f"{name}{phrase}" in text and (name == user or f"{user}{phrase}" not in text.replace(name, ""))


def replies(fake: FakeMessengers, hook: str) -> str:
    """Everything the bot answered on a reply URL, as one text."""
    return " ".join(_text(call.body) for call in fake.sent(f"/hooks/{hook}"))


# Slack -------------------------------------------------------------------------------------------------


def _slack_command(text: str, user: str, hook: str) -> SignedRequest:
    return talk.slack_command(text, hook, user=user)


def _slack_click(fake: FakeMessengers, action: str, value: str, user: str) -> SignedRequest:
    return talk.slack_click(fake.hook_url("card"), action=action, value=value, user=user)


def _slack_posts(fake: FakeMessengers, channel: str) -> list[Call]:
    return [call for call in fake.sent("chat.postMessage") if call.body.get("channel") == channel]


def _slack_group(fake: FakeMessengers, chat: str) -> list[str]:
    return [str(call.body.get("text", "")) for call in _slack_posts(fake, chat)]


def _slack_dm(user: str) -> str:
    return "D" + user[1:]


def _slack_direct(fake: FakeMessengers, user: str) -> list[str]:
    return [str(call.body.get("text", "")) for call in _slack_posts(fake, _slack_dm(user))]


def _slack_cards(fake: FakeMessengers, where: str) -> list[Seen]:
    channel = where if where.startswith("C") else _slack_dm(where)
    found = []
    for call in _slack_posts(fake, channel):
        blocks = call.body.get("blocks")
        if not blocks:
            continue
        blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
        buttons = {
            element["action_id"]: element.get("value", "")
            for block in blocks
            for element in block.get("elements", [])
            if element.get("type") == "button"
        }
        found.append(Seen(_text(blocks), buttons))
    return found


SLACK = Side(
    platform="slack",
    tenant=talk.SLACK_TEAM,
    chat="C0FUNC",
    admin="UADMIN1",
    admin2="UADMIN2",
    member="U0BOB",
    member2="U0CAROL",
    command_builder=_slack_command,
    click_builder=_slack_click,
    group_reader=_slack_group,
    direct_reader=_slack_direct,
    card_reader=_slack_cards,
)


# WeCom -------------------------------------------------------------------------------------------------


def _wecom_command(text: str, user: str, hook: str) -> SignedRequest:
    return talk.wecom_aibot_mention(text, hook, user=user)


def _wecom_click(fake: FakeMessengers, action: str, value: str, user: str) -> SignedRequest:
    code = fake.wecom.click_response_code()  # what WeCom puts in the click callback
    return talk.wecom_card_click(f"{action}|{value}", user=user, response_code=code)


def _wecom_sends(fake: FakeMessengers, user: str) -> list[dict[str, Any]]:
    return [call.body for call in fake.sent("message/send") if call.body.get("touser") == user]


def _wecom_group(fake: FakeMessengers, chat: str) -> list[str]:
    return [_text(call.body) for call in fake.sent("appchat/send") if call.body.get("chatid") == chat]


def _wecom_direct(fake: FakeMessengers, user: str) -> list[str]:
    return [body["text"]["content"] for body in _wecom_sends(fake, user) if body.get("msgtype") == "text"]


def _wecom_cards(fake: FakeMessengers, where: str) -> list[Seen]:
    found = []
    for body in _wecom_sends(fake, where):
        if body.get("msgtype") != "template_card":
            continue
        card = body["template_card"]
        buttons = dict(str(button["key"]).split("|", 1) for button in card.get("button_list", []))
        found.append(Seen(_text(card), buttons))
    return found


WECOM = Side(
    platform="wecom",
    tenant=WECOM_CORP,
    chat="wrFUNC",
    admin="wecomadmin1",
    admin2="wecomadmin2",
    member="zhangsan",
    member2="lisi",
    command_builder=_wecom_command,
    click_builder=_wecom_click,
    group_reader=_wecom_group,
    direct_reader=_wecom_direct,
    card_reader=_wecom_cards,
)


# DingTalk ----------------------------------------------------------------------------------------------


def _dingtalk_command(text: str, user: str, hook: str) -> SignedRequest:
    return talk.dingtalk_robot(text, hook, user=user)


def _dingtalk_click(fake: FakeMessengers, action: str, value: str, user: str) -> SignedRequest:
    return talk.dingtalk_card_click(action, value, user=user)


def _dingtalk_group(fake: FakeMessengers, chat: str) -> list[str]:
    return [
        json.loads(call.body["msgParam"]).get("content", "")
        for call in fake.sent("groupMessages/send")
        if call.body.get("openConversationId") == chat
    ]


def _dingtalk_direct(fake: FakeMessengers, user: str) -> list[str]:
    return [
        json.loads(call.body["msgParam"]).get("content", "")
        for call in fake.sent("oToMessages/batchSend")
        if call.body.get("userIds") == [user]
    ]


def _dingtalk_cards(fake: FakeMessengers, where: str) -> list[Seen]:
    space = f"dtv1.card//IM_GROUP.{where}" if where.startswith("cid") else f"dtv1.card//IM_ROBOT.{where}"
    found = []
    for call in fake.sent("createAndDeliver"):
        if call.body.get("openSpaceId") != space:
            continue
        params = call.body["cardData"]["cardParamMap"]
        buttons = {button["action"]: button["value"] for button in json.loads(params["buttons"])}
        found.append(Seen(_text(params), buttons))
    return found


DINGTALK = Side(
    platform="dingtalk",
    tenant=talk.DINGTALK_CORP,
    chat="cidFUNC",
    admin="dingadmin1",
    admin2="dingadmin2",
    member="wangwu",
    member2="zhaoliu",
    command_builder=_dingtalk_command,
    click_builder=_dingtalk_click,
    group_reader=_dingtalk_group,
    direct_reader=_dingtalk_direct,
    card_reader=_dingtalk_cards,
)

SIDES = (SLACK, WECOM, DINGTALK)


def wecom_direct_command(text: str, user: str) -> SignedRequest:
    """A command sent to the WeCom app in a direct message (no group, no reply URL)."""
    xml = wecom_peer.text_message_xml(
        corp_id=WECOM_CORP,
        user=user,
        content=text,
        msg_id=str(uuid.uuid4().int % 10**19),
        create_time=int(time.time()),
    )
    return wecom_peer.callback_request(xml, **talk.WECOM_APP)
