"""Membership events as each messenger sends them, signed, for the functional tests: someone joins a
group, leaves the company, changes their profile or department, clicks a card's button, or types a
command. One `Talk` per platform speaks the same verbs, and reads back what the bot sent through the
recording fake (the cards it posted, with their buttons).
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from typing import Any, Protocol

from local.demo_settings import DEMO_SETTINGS as S
from local.fakes.server import Call, FakeMessengers
from local.fakes.wecom import click_response_code
from local.peers import SignedRequest
from local.peers import dingtalk as dingtalk_peer
from local.peers import slack as slack_peer
from local.peers import wecom as wecom_peer
from tests.functional.conversations import DINGTALK_EVENTS, WECOM_APP, WECOM_BOT

SLACK_TEAM = "T0MEMB"
WECOM_CORP = S["WECOM_CORP_ID"]
DINGTALK_CORP = S["DINGTALK_CORP_ID"]  # the stack pins DingTalk to this corp


@dataclass(frozen=True)
class SentCard:
    """A card the bot sent: to whom (a user, or a chat), its id, and its buttons as (action, value)."""

    to: str
    card_id: str
    text: str
    buttons: tuple[tuple[str, str], ...]

    def value_of(self, action: str) -> str:
        return next(value for name, value in self.buttons if name == action)


class Talk(Protocol):
    platform: str
    tenant: str

    def join(self, chat: str, user: str) -> SignedRequest: ...
    def left_company(self, user: str) -> SignedRequest: ...
    def renamed(self, user: str, *, display_name: str, name: str) -> SignedRequest: ...
    def click(self, card: SentCard, action: str, user: str, hook: str) -> SignedRequest: ...
    def command(self, chat: str, user: str, text: str, hook: str) -> SignedRequest: ...
    def cards(self, fake: FakeMessengers) -> list[SentCard]: ...
    def direct_texts(self, fake: FakeMessengers, user: str) -> list[str]: ...
    def group_texts(self, fake: FakeMessengers, chat: str) -> list[str]: ...
    def removals(self, fake: FakeMessengers) -> list[tuple[str, str]]: ...
    def card_updates(self, fake: FakeMessengers) -> list[Call]: ...


# --- Slack ------------------------------------------------------------------------------------------


def slack_dm(user: str) -> str:
    """The fake's direct-message channel with `user` (D + the id without its first letter)."""
    return "D" + user[1:]


class SlackTalk:
    platform = "slack"
    tenant = SLACK_TEAM

    def _event(self, event: dict[str, Any]) -> SignedRequest:
        envelope = slack_peer.envelope(event, team=SLACK_TEAM, event_id=f"Ev{uuid.uuid4().hex[:10].upper()}")
        return slack_peer.event_request(envelope, S["SLACK_SIGNING_SECRET"])

    def join(self, chat: str, user: str) -> SignedRequest:
        return self._event(
            {
                "type": "member_joined_channel",
                "user": user,
                "channel": chat,
                "channel_type": "C",
                "team": SLACK_TEAM,
            }
        )

    def _user_change(self, user: str, *, deleted: bool, display_name: str, name: str) -> SignedRequest:
        person = {
            "id": user,
            "team_id": SLACK_TEAM,
            "deleted": deleted,
            "real_name": name,
            "profile": {"real_name": name, "display_name": display_name},
        }
        return self._event({"type": "user_change", "user": person, "event_ts": f"{time.time():.6f}"})

    def left_company(self, user: str) -> SignedRequest:
        return self._user_change(user, deleted=True, display_name="", name="")

    def renamed(self, user: str, *, display_name: str, name: str) -> SignedRequest:
        return self._user_change(user, deleted=False, display_name=display_name, name=name)

    def click(self, card: SentCard, action: str, user: str, hook: str) -> SignedRequest:
        payload = {
            "type": "block_actions",
            "user": {"id": user, "team_id": SLACK_TEAM},
            "team": {"id": SLACK_TEAM},
            "channel": {"id": f"D{user[1:]}", "name": "directmessage"},
            "container": {"type": "message", "message_ts": card.card_id},
            "trigger_id": uuid.uuid4().hex,
            "response_url": hook,
            "actions": [
                {
                    "action_id": action,
                    "value": card.value_of(action),
                    "type": "button",
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }
        return slack_peer.interaction_request(payload, S["SLACK_SIGNING_SECRET"])

    def command(self, chat: str, user: str, text: str, hook: str) -> SignedRequest:
        form = {
            "command": "/qg",
            "text": text,
            "team_id": SLACK_TEAM,
            "channel_id": chat,
            "channel_name": "group",
            "user_id": user,
            "response_url": hook,
            "trigger_id": uuid.uuid4().hex,
        }
        return slack_peer.command_request(form, S["SLACK_SIGNING_SECRET"])

    def cards(self, fake: FakeMessengers) -> list[SentCard]:
        found = []
        for call in fake.sent("/slack/api/chat.postMessage"):
            blocks = call.body.get("blocks") or []
            buttons = tuple(
                (element["action_id"], element.get("value", ""))
                for block in blocks
                if block.get("type") == "actions"
                for element in block["elements"]
            )
            if blocks:
                to = str(call.body["channel"])
                to = "U" + to[1:] if to.startswith("D") else to  # the fake's DM with U123 is D123
                found.append(SentCard(to, "1.1", json.dumps(blocks, ensure_ascii=False), buttons))
        return found

    def direct_texts(self, fake: FakeMessengers, user: str) -> list[str]:
        return [
            call.body.get("text", "")
            for call in fake.sent("/slack/api/chat.postMessage")
            if call.body.get("channel") == slack_dm(user) and not call.body.get("blocks")
        ]

    def group_texts(self, fake: FakeMessengers, chat: str) -> list[str]:
        return [
            call.body.get("text", "")
            for call in fake.sent("/slack/api/chat.postMessage")
            if call.body.get("channel") == chat and not call.body.get("blocks")
        ]

    def removals(self, fake: FakeMessengers) -> list[tuple[str, str]]:
        return [
            (call.body["channel"], call.body["user"]) for call in fake.sent("/slack/api/conversations.kick")
        ]

    def card_updates(self, fake: FakeMessengers) -> list[Call]:
        return [
            call
            for call in fake.sent("/hooks/")
            if isinstance(call.body, dict) and call.body.get("replace_original")
        ]


# --- WeCom ------------------------------------------------------------------------------------------


class WeComTalk:
    platform = "wecom"
    tenant = WECOM_CORP

    def _event(self, event: str, fields: dict[str, Any]) -> SignedRequest:
        xml = wecom_peer.event_xml(event, fields, corp_id=WECOM_CORP, create_time=int(time.time()))
        return wecom_peer.callback_request(xml, **WECOM_APP)

    def join(self, chat: str, user: str) -> SignedRequest:
        fields = {
            "ChatId": chat,
            "ChangeType": "update",
            "UpdateDetail": "add_member",
            "JoinScene": "1",
            "MemChangeCnt": "1",
            "MemChangeList": [user],
        }
        return self._event("change_external_chat", fields)

    def left_company(self, user: str) -> SignedRequest:
        return self._event("change_contact", {"ChangeType": "delete_user", "UserID": user})

    def renamed(self, user: str, *, display_name: str, name: str) -> SignedRequest:
        return self._event(
            "change_contact",
            {"ChangeType": "update_user", "UserID": user, "Name": name, "Alias": display_name},
        )

    def click(self, card: SentCard, action: str, user: str, hook: str) -> SignedRequest:
        fields = {
            "EventKey": f"{action}|{card.value_of(action)}",
            "TaskId": card.card_id,
            "CardType": "button_interaction",
            # A code the fake WeCom issued, as WeCom issues one with each click (the hook is the fake's).
            "ResponseCode": click_response_code(hook.split("/hooks/", 1)[0]),
        }
        xml = wecom_peer.event_xml(
            "template_card_event", fields, corp_id=WECOM_CORP, create_time=int(time.time()), from_user=user
        )
        return wecom_peer.callback_request(xml, **WECOM_APP)

    def command(self, chat: str, user: str, text: str, hook: str) -> SignedRequest:
        payload = {
            "msgid": uuid.uuid4().hex,
            "aibotid": "AIBOT",
            "chatid": chat,
            "chattype": "group",
            "from": {"userid": user},
            "response_url": hook,
            "msgtype": "text",
            "text": {"content": f"@qunguan {text}"},
        }
        return wecom_peer.aibot_request(payload, **WECOM_BOT)

    def cards(self, fake: FakeMessengers) -> list[SentCard]:
        found = []
        for call in fake.sent("/wecom/cgi-bin/message/send"):
            card = call.body.get("template_card")
            if call.body.get("msgtype") != "template_card" or not isinstance(card, dict):
                continue
            buttons = tuple(tuple(button["key"].split("|", 1)) for button in card.get("button_list", []))
            text = json.dumps(card, ensure_ascii=False)
            found.append(SentCard(call.body["touser"], card["task_id"], text, buttons))
        return found

    def direct_texts(self, fake: FakeMessengers, user: str) -> list[str]:
        return [
            call.body["text"]["content"]
            for call in fake.sent("/wecom/cgi-bin/message/send")
            if call.body.get("touser") == user and call.body.get("msgtype") == "text"
        ]

    def group_texts(self, fake: FakeMessengers, chat: str) -> list[str]:
        return [
            call.body["text"]["content"]
            for call in fake.sent("/wecom/cgi-bin/appchat/send")
            if call.body.get("chatid") == chat
        ]

    def removals(self, fake: FakeMessengers) -> list[tuple[str, str]]:
        return [
            (call.body["chatid"], user)
            for call in fake.sent("/wecom/cgi-bin/appchat/update")
            for user in call.body.get("del_user_list", [])
        ]

    def card_updates(self, fake: FakeMessengers) -> list[Call]:
        return fake.sent("/wecom/cgi-bin/message/update_template_card")


# --- DingTalk ---------------------------------------------------------------------------------------


class DingTalkTalk:
    platform = "dingtalk"
    tenant = DINGTALK_CORP

    def _event(self, payload: dict[str, Any]) -> SignedRequest:
        base = {"TimeStamp": int(time.time() * 1000), "CorpId": DINGTALK_CORP}
        return dingtalk_peer.event_request({**base, **payload}, **DINGTALK_EVENTS)

    def join(self, chat: str, user: str) -> SignedRequest:
        return self._event({"EventType": "chat_add_member", "OpenConversationId": chat, "UserId": [user]})

    def left_company(self, user: str) -> SignedRequest:
        return self._event({"EventType": "user_leave_org", "UserId": [user]})

    def renamed(self, user: str, *, display_name: str, name: str) -> SignedRequest:
        return self._event({"EventType": "user_modify_org", "UserId": [user]})

    def click(self, card: SentCard, action: str, user: str, hook: str) -> SignedRequest:
        params = {"action": action, "value": card.value_of(action), "chat": ""}
        content = json.dumps({"cardPrivateData": {"actionIds": [action], "params": params}})
        payload = {
            "type": "actionCallback",
            "outTrackId": card.card_id,
            "corpId": DINGTALK_CORP,
            "userId": user,
            "content": content,
        }
        return dingtalk_peer.card_request(payload, card_secret=S["DINGTALK_CARD_SECRET"])

    def command(self, chat: str, user: str, text: str, hook: str) -> SignedRequest:
        payload = {
            "conversationId": chat,
            "chatbotCorpId": DINGTALK_CORP,
            "chatbotUserId": "$:LWCP_v1:$bot",
            "msgId": f"msg{uuid.uuid4().hex[:12]}",
            "senderNick": user,
            "senderStaffId": user,
            "conversationType": "2",
            "isInAtList": True,
            "sessionWebhook": hook,
            "createAt": int(time.time() * 1000),
            "text": {"content": f" {text}"},
            "msgtype": "text",
        }
        return dingtalk_peer.robot_request(payload, app_secret=S["DINGTALK_APP_SECRET"])

    def cards(self, fake: FakeMessengers) -> list[SentCard]:
        found = []
        for call in fake.sent("/dingtalk/v1.0/card/instances/createAndDeliver"):
            params = call.body["cardData"]["cardParamMap"]
            buttons = tuple((b["action"], b["value"]) for b in json.loads(params["buttons"]))
            to = str(call.body["openSpaceId"]).rsplit(".", 1)[-1]
            found.append(
                SentCard(to, call.body["outTrackId"], json.dumps(params, ensure_ascii=False), buttons)
            )
        return found

    def direct_texts(self, fake: FakeMessengers, user: str) -> list[str]:
        return [
            json.loads(call.body["msgParam"])["content"]
            for call in fake.sent("/dingtalk/v1.0/robot/oToMessages/batchSend")
            if user in call.body.get("userIds", [])
        ]

    def group_texts(self, fake: FakeMessengers, chat: str) -> list[str]:
        return [
            json.loads(call.body["msgParam"])["content"]
            for call in fake.sent("/dingtalk/v1.0/robot/groupMessages/send")
            if call.body.get("openConversationId") == chat
        ]

    def removals(self, fake: FakeMessengers) -> list[tuple[str, str]]:
        return [
            (call.body["open_conversation_id"], user)
            for call in fake.sent("/dingtalk/v1.0/im/sceneGroup/member/delete")
            for user in call.body["user_ids"]
        ]

    def card_updates(self, fake: FakeMessengers) -> list[Call]:
        return [call for call in fake.sent("/dingtalk/v1.0/card/instances") if call.method == "PUT"]


TALKS: dict[str, Talk] = {"slack": SlackTalk(), "wecom": WeComTalk(), "dingtalk": DingTalkTalk()}
