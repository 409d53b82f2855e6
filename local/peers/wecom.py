"""How WeCom sends: requests encrypted and signed with wechatpy's `WeChatCrypto`, an implementation
independent of `chalicelib.adapters.msgcrypt`, so that what these build and what qunguan accepts agree
only if both follow the protocol (PROTOCOLS.md 1.2-1.4, 4.1).

- `url_check_request`: the GET with `msg_signature`, `timestamp`, `nonce`, `echostr` (either route);
- `callback_request`: the self-built app's POST, `<xml><ToUserName/><Encrypt/><AgentID/></xml>`;
- `aibot_request`: the AI bot's POST, `{"encrypt": ...}`, receive id "";
- `text_message_xml`, `event_xml`: the plaintext XML of a message or an event.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Mapping
from typing import Any
from xml.sax.saxutils import escape

import xmltodict
from wechatpy.enterprise.crypto import PrpCrypto, WeChatCrypto
from wechatpy.utils import WeChatSigner

from local.peers import SignedRequest

CALLBACK_PATH = "/wecom/callback"
AIBOT_PATH = "/wecom/aibot"


def _now() -> str:
    return str(int(time.time()))


def _nonce() -> str:
    return str(secrets.randbelow(10**10))


def encrypt(
    plaintext: str, *, token: str, aes_key: str, receive_id: str, timestamp: str, nonce: str
) -> tuple[str, str]:
    """(Encrypt, MsgSignature) as wechatpy produces them for a passive reply: the same scheme WeCom uses."""
    envelope = WeChatCrypto(token, aes_key, receive_id).encrypt_message(plaintext, nonce, timestamp)
    fields = xmltodict.parse(envelope)["xml"]
    return str(fields["Encrypt"]), str(fields["MsgSignature"])


def url_check_request(
    echo: str,
    *,
    token: str,
    aes_key: str,
    corp_id: str,
    timestamp: str | None = None,
    nonce: str | None = None,
    path: str = CALLBACK_PATH,
) -> SignedRequest:
    """The URL check; `corp_id` is the receive id ("" for the AI bot)."""
    timestamp, nonce = timestamp or _now(), nonce or _nonce()
    key = WeChatCrypto(token, aes_key, corp_id).key
    echostr = PrpCrypto(key).encrypt(echo, corp_id).decode()
    signer = WeChatSigner()
    signer.add_data(token, timestamp, nonce, echostr)
    query = {
        "msg_signature": str(signer.signature),
        "timestamp": timestamp,
        "nonce": nonce,
        "echostr": echostr,
    }
    return SignedRequest("GET", path, query=query)


def callback_request(
    xml: str,
    *,
    token: str,
    aes_key: str,
    corp_id: str,
    timestamp: str | None = None,
    nonce: str | None = None,
    agent_id: str = "1000002",
    path: str = CALLBACK_PATH,
) -> SignedRequest:
    timestamp, nonce = timestamp or _now(), nonce or _nonce()
    encrypted, signature = encrypt(
        xml, token=token, aes_key=aes_key, receive_id=corp_id, timestamp=timestamp, nonce=nonce
    )
    body = (
        f"<xml><ToUserName><![CDATA[{corp_id}]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt>"
        f"<AgentID><![CDATA[{agent_id}]]></AgentID></xml>"
    )
    query = {"msg_signature": signature, "timestamp": timestamp, "nonce": nonce}
    return SignedRequest("POST", path, {"Content-Type": "text/xml"}, query, body.encode())


def aibot_request(
    payload: Mapping[str, Any],
    *,
    token: str,
    aes_key: str,
    timestamp: str | None = None,
    nonce: str | None = None,
    path: str = AIBOT_PATH,
) -> SignedRequest:
    timestamp, nonce = timestamp or _now(), nonce or _nonce()
    plaintext = json.dumps(payload, ensure_ascii=False)
    encrypted, signature = encrypt(
        plaintext, token=token, aes_key=aes_key, receive_id="", timestamp=timestamp, nonce=nonce
    )
    query = {"msg_signature": signature, "timestamp": timestamp, "nonce": nonce}
    body = json.dumps({"encrypt": encrypted}).encode()
    return SignedRequest("POST", path, {"Content-Type": "application/json"}, query, body)


def _cdata(value: str) -> str:
    return f"<![CDATA[{value}]]>" if "]]>" not in value else escape(value)


def text_message_xml(
    *, corp_id: str, user: str, content: str, msg_id: str, create_time: int, agent_id: str = "1000002"
) -> str:
    return (
        f"<xml><ToUserName>{_cdata(corp_id)}</ToUserName><FromUserName>{_cdata(user)}</FromUserName>"
        f"<CreateTime>{create_time}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content>{_cdata(content)}</Content><MsgId>{msg_id}</MsgId><AgentID>{agent_id}</AgentID></xml>"
    )


def event_xml(
    event: str,
    fields: Mapping[str, str | list[str]],
    *,
    corp_id: str,
    create_time: int,
    from_user: str = "sys",
    selected: Mapping[str, list[str]] | None = None,
) -> str:
    """An event's plaintext XML; a list value becomes `<Name><Item>..</Item>..</Name>` (MemChangeList).
    `selected` is a choice card's answers, as WeCom's sample for template_card_event shows them
    (path/90240): `<SelectedItems><SelectedItem><QuestionKey/><OptionIds><OptionId/>…`."""
    parts = [
        f"<ToUserName>{_cdata(corp_id)}</ToUserName><FromUserName>{_cdata(from_user)}</FromUserName>",
        f"<CreateTime>{create_time}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event>{_cdata(event)}</Event>",
    ]
    for name, value in fields.items():
        if isinstance(value, list):
            items = "".join(f"<Item>{_cdata(item)}</Item>" for item in value)
            parts.append(f"<{name}>{items}</{name}>")
        else:
            parts.append(f"<{name}>{_cdata(value)}</{name}>")
    if selected:
        items = "".join(
            f"<SelectedItem><QuestionKey>{_cdata(key)}</QuestionKey><OptionIds>"
            + "".join(f"<OptionId>{_cdata(option)}</OptionId>" for option in options)
            + "</OptionIds></SelectedItem>"
            for key, options in selected.items()
        )
        parts.append(f"<SelectedItems>{items}</SelectedItems>")
    return f"<xml>{''.join(parts)}</xml>"
