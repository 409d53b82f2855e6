"""Signed requests that share or send files, as each messenger sends them (beside
`tests.functional.conversations`, whose helpers the tests use for commands and clicks)."""

from __future__ import annotations

import time
import uuid
from typing import Any

from local.demo_settings import DEMO_SETTINGS as S
from local.peers import SignedRequest
from local.peers import dingtalk as dingtalk_peer
from local.peers import slack as slack_peer
from local.peers import wecom as wecom_peer
from tests.functional.conversations import DINGTALK_CORP, SLACK_TEAM, WECOM_APP


def slack_file_message(
    file_id: str, *, name: str, size: int, mimetype: str, user: str = "U0ALICE", channel: str = "C0FUNC"
) -> SignedRequest:
    """The `message` (subtype `file_share`) that carries an upload, with the file's name, size and type."""
    event = {
        "type": "message",
        "subtype": "file_share",
        "user": user,
        "channel": channel,
        "text": "本周例会纪要，请大家查阅",
        "ts": f"{time.time():.6f}",
        "channel_type": "channel",
        "files": [{"id": file_id, "name": name, "title": name, "size": size, "mimetype": mimetype}],
    }
    envelope = slack_peer.envelope(event, team=SLACK_TEAM, event_id=f"Ev{uuid.uuid4().hex[:12].upper()}")
    return slack_peer.event_request(envelope, S["SLACK_SIGNING_SECRET"])


def slack_file_shared(file_id: str, *, user: str = "U0ALICE", channel: str = "C0FUNC") -> SignedRequest:
    """`file_shared`: only the file's id (its twin, the message, has the rest)."""
    event = {
        "type": "file_shared",
        "channel_id": channel,
        "file_id": file_id,
        "user_id": user,
        "file": {"id": file_id},
        "event_ts": f"{time.time():.6f}",
    }
    envelope = slack_peer.envelope(event, team=SLACK_TEAM, event_id=f"Ev{uuid.uuid4().hex[:12].upper()}")
    return slack_peer.event_request(envelope, S["SLACK_SIGNING_SECRET"])


def wecom_app_file(media_id: str, *, name: str, user: str = "zhangsan") -> SignedRequest:
    """A file sent privately to the self-built app (XML, MsgType file, MediaId)."""
    now = int(time.time())
    xml = (
        f"<xml><ToUserName><![CDATA[{S['WECOM_CORP_ID']}]]></ToUserName>"
        f"<FromUserName><![CDATA[{user}]]></FromUserName><CreateTime>{now}</CreateTime>"
        f"<MsgType><![CDATA[file]]></MsgType><MediaId><![CDATA[{media_id}]]></MediaId>"
        f"<FileName><![CDATA[{name}]]></FileName><MsgId>{uuid.uuid4().int % 10**19}</MsgId>"
        f"<AgentID>1000002</AgentID></xml>"
    )
    return wecom_peer.callback_request(xml, **WECOM_APP)


def wecom_aibot_file(url: str, *, user: str = "zhangsan") -> SignedRequest:
    """A file sent to the AI bot in a one-to-one chat: only an (encrypted) download URL."""
    payload = {
        "msgid": uuid.uuid4().hex,
        "aibotid": "AIBOT",
        "chattype": "single",
        "from": {"userid": user},
        "msgtype": "file",
        "file": {"url": url},
    }
    return wecom_peer.aibot_request(payload, token=S["WECOM_AIBOT_TOKEN"], aes_key=S["WECOM_AIBOT_AES_KEY"])


def _robot(payload: dict[str, Any]) -> SignedRequest:
    return dingtalk_peer.robot_request(payload, app_secret=S["DINGTALK_APP_SECRET"])


def dingtalk_direct_file(
    code: str, *, name: str, session_webhook: str, user: str = "wangwu"
) -> SignedRequest:
    """A file sent to the robot in a one-to-one chat (the only place DingTalk delivers files)."""
    return _robot(
        {
            "chatbotCorpId": DINGTALK_CORP,
            "chatbotUserId": "$:LWCP_v1:$bot",
            "msgId": f"msg{uuid.uuid4().hex[:12]}",
            "senderStaffId": user,
            "conversationType": "1",
            "sessionWebhook": session_webhook,
            "createAt": int(time.time() * 1000),
            "content": {"downloadCode": code, "fileName": name},
            "msgtype": "file",
        }
    )


def dingtalk_group_picture(code: str, *, session_webhook: str, user: str = "wangwu") -> SignedRequest:
    """An @-message to the robot in a group with a picture in it (rich text)."""
    return _robot(
        {
            "conversationId": "cidFUNC",
            "chatbotCorpId": DINGTALK_CORP,
            "chatbotUserId": "$:LWCP_v1:$bot",
            "msgId": f"msg{uuid.uuid4().hex[:12]}",
            "senderStaffId": user,
            "conversationType": "2",
            "isInAtList": True,
            "sessionWebhook": session_webhook,
            "createAt": int(time.time() * 1000),
            "content": {"richText": [{"text": "白板照片"}, {"downloadCode": code, "type": "picture"}]},
            "msgtype": "richText",
        }
    )
