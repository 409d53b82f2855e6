"""The two WeCom callback routes: verify (signature, freshness, decryption), parse, ack.

- `WeComCallback`, route "wecom.callback": the self-built app (自建应用). GET is the URL check; POST carries
  `<xml><ToUserName/><Encrypt/><AgentID/></xml>` whose `Encrypt` decrypts to the message or event XML
  (doc path/90930, 90238, 90240). The receive id inside the ciphertext is the corp id.
- `WeComAIBot`, route "wecom.aibot": the AI bot (智能机器人). GET is the URL check; POST carries
  `{"encrypt": ...}` whose plaintext is JSON (doc path/100719, 101027, 101033). The receive id is "".

Verification comes before parsing. The one thing read from an unverified body is the ciphertext the
signature covers (`sha1(sorted(token, timestamp, nonce, Encrypt))`), taken from the outer envelope. The
inner message is parsed only after the signature, padding, length and receive id have all been checked.

Both XML documents go through `_xml`: read as UTF-8 only, and any document type declaration refused
before a parser has read it, so an entity bomb or an external entity is never expanded or fetched; a
document without one is parsed once by the standard library's C parser (expat), which cannot expand
what was never declared. That is how the envelope and the message stay safe without defusedxml, whose
pure-Python tree builder cost about 30 µs a callback.

Event ids, the key the exactly-once claim is made on (PROTOCOLS.md 1.5):
- messages: `MsgId` (self-built app) or `msgid` (AI bot, for messages and events alike);
- self-built app events, which carry no id: `FromUserName:CreateTime:Event` plus what tells two events of
  the same second apart: `TaskId:sha256(EventKey)[:16]` for a click, `ChangeType:UserID` for a directory
  change, `ChatId:ChangeType:UpdateDetail:member` for each member of a customer-group change;
  `msgaudit_notify` (the message archive's "new data" notice) claims on `sys:CreateTime:msgaudit_notify`
  and becomes `ArchiveNotified`: ingress only enqueues it, the worker pulls.

No `requests`, `boto3` or `pydantic` here: this module is on the ingress path.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, NoReturn
from xml.etree.ElementTree import Element, ParseError, XMLParser

from chalicelib.adapters.base import Endpoint, Parsed, Verified
from chalicelib.adapters.msgcrypt import MsgCrypt
from chalicelib.adapters.wecom.cards import split_button_key
from chalicelib.clock import Clock
from chalicelib.core.events import (
    ArchiveNotified,
    CardClicked,
    DirectoryChanged,
    Event,
    FileInfo,
    FileShared,
    MemberJoined,
    MemberLeft,
    MessagePosted,
)
from chalicelib.core.ids import Platform
from chalicelib.errors import MalformedRequest, VerificationFailed
from chalicelib.http import InboundRequest, Reply

if TYPE_CHECKING:
    from chalicelib.envsettings import IngressSettings, SecretValue

log = logging.getLogger(__name__)

# WeCom signs a timestamp but sets no freshness window (wechatpy checks none). Ours is Slack's 5 minutes:
# a genuine delivery is at most about 20 s old (the 5 s deadline, then 3 retries) plus clock skew, so
# 300 s never refuses one, while a captured request stops being replayable after 5 minutes; inside the
# window a replay carries an already-claimed event id (claims live 24 h) and is dropped there.
MAX_AGE_SECONDS = 300.0

_TIMESTAMP = re.compile(r"[0-9]{1,12}")
# The AI bot only hears @-mentions; the text starts with "@BotName" and a space (often U+2005).
_LEADING_MENTION = re.compile(r"^\s*@\S+\s*")

Fields = Mapping[str, str]


class _WeComEndpoint:
    """Verify and ack, common to both routes; the subclasses read the envelope and the plaintext."""

    platform: Platform = "wecom"
    content_types: frozenset[str] = frozenset()

    def __init__(
        self, token: str, aes_key: str, receive_id: str, tenant: str, clock: Clock, *, max_age: float
    ) -> None:
        self._crypt = MsgCrypt(token, aes_key, receive_id)
        self._tenant = tenant
        self._clock = clock
        self._max_age = max_age

    def verify(self, request: InboundRequest) -> Verified:
        signature = request.query.get("msg_signature", "")
        timestamp = request.query.get("timestamp", "")
        nonce = request.query.get("nonce", "")
        if not (signature and timestamp and nonce):
            raise VerificationFailed("missing msg_signature, timestamp or nonce")
        self._check_fresh(timestamp)
        if request.method == "GET":
            # echostr is base64; a '+' that was not percent-encoded arrives as a space (PROTOCOLS 1.2).
            encrypted = request.query.get("echostr", "").replace(" ", "+")
            if not encrypted:
                raise VerificationFailed("missing echostr")
        elif request.method == "POST":
            encrypted = self._ciphertext(request.body)
        else:
            raise MalformedRequest(f"method {request.method} is not part of the protocol")
        self._crypt.verify(signature, timestamp, nonce, encrypted)
        plaintext = self._crypt.decrypt(encrypted)
        return Verified(request=request, payload=plaintext, context={"timestamp": timestamp})

    def parse(self, verified: Verified) -> Parsed:
        if verified.request.method == "GET":
            return Parsed(challenge=_text(verified.payload))
        return Parsed(events=tuple(self._events(verified.payload, float(verified.context["timestamp"]))))

    def ack(self, verified: Verified, parsed: Parsed) -> Reply:
        # The URL check wants the bare plaintext (no quotes, BOM or newline) within 1 s; messages and
        # events want an empty 200 within 5 s (doc path/90930).
        if parsed.challenge is not None:
            return Reply.text(parsed.challenge)
        return Reply.empty()

    def _check_fresh(self, timestamp: str) -> None:
        if not _TIMESTAMP.fullmatch(timestamp):
            raise VerificationFailed("timestamp is not a number of seconds")
        if abs(self._clock.now() - int(timestamp)) > self._max_age:
            raise VerificationFailed("timestamp outside the freshness window")

    def _ciphertext(self, body: bytes) -> str:
        raise NotImplementedError

    def _events(self, plaintext: bytes, received_at: float) -> list[Event]:
        raise NotImplementedError


# Self-built app ------------------------------------------------------------------------------------


class WeComCallback(_WeComEndpoint):
    """Route "wecom.callback": the self-built app's URL check and encrypted XML messages and events."""

    content_types = frozenset({"application/xml", "text/xml"})

    def __init__(
        self, token: str, aes_key: str, corp_id: str, clock: Clock, *, max_age: float = MAX_AGE_SECONDS
    ) -> None:
        super().__init__(token, aes_key, corp_id, corp_id, clock, max_age=max_age)

    def _ciphertext(self, body: bytes) -> str:
        encrypted = _xml(body).findtext("Encrypt")
        if not encrypted:
            raise MalformedRequest("no Encrypt element in the envelope")
        return encrypted.strip()

    def _events(self, plaintext: bytes, received_at: float) -> list[Event]:
        root = _xml(plaintext)
        fields = _leaves(root)
        msg_type = fields.get("MsgType", "")
        if msg_type == "event":
            kind = fields.get("Event", "")
            parse = _XML_EVENTS.get(kind)
        else:
            kind = msg_type
            parse = _XML_MESSAGES.get(kind)
        if parse is None:
            log.debug("wecom callback: ignoring %s %r", msg_type or "message", kind)
            return []
        return parse(_XmlMessage(self._tenant, root, fields))


class _XmlMessage:
    """A decrypted self-built-app message or event, with what every parser needs from it."""

    def __init__(self, tenant: str, root: Element, fields: Fields) -> None:
        self.tenant = tenant
        self.root = root
        self.fields = fields

    def require(self, name: str) -> str:
        value = self.fields.get(name, "")
        if not value:
            raise MalformedRequest(f"the message has no {name}")
        return value

    @property
    def occurred_at(self) -> float:
        try:
            seconds = float(self.require("CreateTime"))
        except ValueError as exc:
            raise MalformedRequest("CreateTime is not a number") from exc
        if not math.isfinite(seconds):  # float() also reads "NaN" and "inf"
            raise MalformedRequest("CreateTime is not a number")
        return seconds

    def event_id(self, *extra: str) -> str:
        """Events carry no id: FromUserName + CreateTime + Event, plus what separates same-second events."""
        parts = (
            self.fields.get("FromUserName", ""),
            self.require("CreateTime"),
            self.require("Event"),
            *extra,
        )
        return ":".join(parts)


def _text_message(msg: _XmlMessage) -> list[Event]:
    msg_id = msg.require("MsgId")
    return [
        MessagePosted(
            platform="wecom",
            tenant=msg.tenant,
            event_id=msg_id,
            occurred_at=msg.occurred_at,
            user=msg.require("FromUserName"),
            message_id=msg_id,
            text=msg.fields.get("Content", ""),
            direct=True,
        )
    ]


def _media_message(msg: _XmlMessage) -> list[Event]:
    msg_id = msg.require("MsgId")
    file = FileInfo(file_id=msg.require("MediaId"), name=msg.fields.get("FileName", ""))
    return [
        FileShared(
            platform="wecom",
            tenant=msg.tenant,
            event_id=msg_id,
            occurred_at=msg.occurred_at,
            user=msg.require("FromUserName"),
            file=file,
            message_id=msg_id,
        )
    ]


def _card_event(msg: _XmlMessage) -> list[Event]:
    key, task = msg.require("EventKey"), msg.fields.get("TaskId", "")
    action, value = split_button_key(key)
    choices = _xml_choices(msg.root)
    # The key may run to 1024 bytes; a digest keeps the claim key short and still tells buttons apart.
    key_digest = hashlib.sha256("\n".join((key, *choices)).encode()).hexdigest()[:16]
    return [
        CardClicked(
            platform="wecom",
            tenant=msg.tenant,
            event_id=msg.event_id(task, key_digest),
            occurred_at=msg.occurred_at,
            user=msg.require("FromUserName"),
            action=action,
            value=value,
            card_id=task,
            response_token=msg.fields.get("ResponseCode") or None,
            choices=choices,
        )
    ]


def _xml_choices(root: Element) -> tuple[str, ...]:
    """A choice card's `SelectedItems` (path/90240): `<SelectedItem><QuestionKey/><OptionIds><OptionId/>…`,
    as `key=value`."""
    found: list[str] = []
    for item in root.iter("SelectedItem"):
        key = (item.findtext("QuestionKey") or "").strip()
        found += [f"{key}={(o.text or '').strip()}" for o in item.iter("OptionId") if key and o.text]
    return tuple(found)


def _json_choices(detail: dict[str, Any]) -> tuple[str, ...]:
    """The AI bot's `selected_items` (path/101027, 多项选择模版卡片的事件), as `key=value`:
    `{"selected_item": [{"question_key", "option_ids": {"option_id": [...]}}]}`."""
    items = detail.get("selected_items")
    items = items.get("selected_item") if isinstance(items, dict) else items
    found: list[str] = []
    for item in items if isinstance(items, list) else []:
        key = _string(item, "question_key")
        ids = item.get("option_ids") if isinstance(item, dict) else None
        ids = ids.get("option_id") if isinstance(ids, dict) else ids
        found += [f"{key}={i}" for i in (ids if isinstance(ids, list) else []) if key and isinstance(i, str)]
    return tuple(found)


def _contact_event(msg: _XmlMessage) -> list[Event]:
    change_type, user = msg.fields.get("ChangeType", ""), msg.fields.get("UserID", "")
    if change_type not in ("delete_user", "update_user") or not user:
        log.debug("wecom callback: ignoring change_contact %r", change_type)
        return []
    common: dict[str, Any] = {
        "platform": "wecom",
        "tenant": msg.tenant,
        "event_id": msg.event_id(change_type, user),
        "occurred_at": msg.occurred_at,
        "user": user,
    }
    if change_type == "delete_user":
        return [DirectoryChanged(change="left", **common)]
    # update_user carries only what changed besides UserID (doc path/90970): Department means a move,
    # NewUserID ("变更后的UserID, 仅当UserID被修改时返回") a new id for the same person.
    common["new_user"] = msg.fields.get("NewUserID") or None
    departments = tuple(d for d in msg.fields.get("Department", "").split(",") if d)
    name = msg.fields.get("Name") or None
    display_name = msg.fields.get("Alias") or None
    if departments:
        return [
            DirectoryChanged(
                change="moved", departments=departments, name=name, display_name=display_name, **common
            )
        ]
    return [DirectoryChanged(change="updated", name=name, display_name=display_name, **common)]


def _external_chat_event(msg: _XmlMessage) -> list[Event]:
    detail = msg.fields.get("UpdateDetail", "")
    if msg.fields.get("ChangeType") != "update" or detail not in ("add_member", "del_member"):
        log.debug("wecom callback: ignoring change_external_chat %r", detail)
        return []
    chat = msg.require("ChatId")
    base = msg.event_id(chat, "update", detail)
    # Members come as <MemChangeList><Item>id</Item>...</MemChangeList> (doc path/96361); older payloads
    # quoted by SDK tests put a comma-separated list in the element's text.
    holder = msg.root.find("MemChangeList")
    members: list[str] = []
    if holder is not None:
        members = [(item.text or "").strip() for item in holder.iter("Item")]
        if not members:
            members = (holder.text or "").split(",")
    members = [m.strip() for m in members if m.strip()]
    occurred_at = msg.occurred_at
    events: list[Event] = []
    for member in dict.fromkeys(members):
        common: dict[str, Any] = {
            "platform": "wecom",
            "tenant": msg.tenant,
            "event_id": f"{base}:{member}",
            "occurred_at": occurred_at,
            "chat": chat,
            "user": member,
        }
        events.append(MemberJoined(**common) if detail == "add_member" else MemberLeft(**common))
    return events


def _archive_notice(msg: _XmlMessage) -> list[Event]:
    """`msgaudit_notify` (doc path/95039): new archived messages are ready; the worker pulls them. Sent
    at most every 15 s, from "sys"; the notice carries nothing else, so the claim is on its time."""
    return [
        ArchiveNotified(
            platform="wecom", tenant=msg.tenant, event_id=msg.event_id(), occurred_at=msg.occurred_at
        )
    ]


_XML_MESSAGES: dict[str, Callable[[_XmlMessage], list[Event]]] = {
    "text": _text_message,
    "image": _media_message,
    "voice": _media_message,
    "video": _media_message,
    "file": _media_message,
}
_XML_EVENTS: dict[str, Callable[[_XmlMessage], list[Event]]] = {
    "template_card_event": _card_event,
    "change_contact": _contact_event,
    "change_external_chat": _external_chat_event,
    "msgaudit_notify": _archive_notice,
}


# AI bot --------------------------------------------------------------------------------------------


class WeComAIBot(_WeComEndpoint):
    """Route "wecom.aibot": the AI bot's URL check and encrypted JSON @-messages and card clicks."""

    # The JSON envelope sometimes arrives labelled text/plain; the ciphertext check is what matters.
    content_types = frozenset({"application/json", "text/plain"})

    def __init__(
        self, token: str, aes_key: str, corp_id: str, clock: Clock, *, max_age: float = MAX_AGE_SECONDS
    ) -> None:
        super().__init__(token, aes_key, "", corp_id, clock, max_age=max_age)

    def _ciphertext(self, body: bytes) -> str:
        envelope = _json(body)
        encrypted = envelope.get("encrypt")
        if not isinstance(encrypted, str) or not encrypted:
            raise MalformedRequest("no encrypt field in the envelope")
        return encrypted

    def _events(self, plaintext: bytes, received_at: float) -> list[Event]:
        data = _json(plaintext)
        msg = _JsonMessage(self._tenant, data, received_at)
        kind = msg.string("msgtype")
        if kind == "event":
            event = data.get("event")
            kind = _string(event, "eventtype") if isinstance(event, dict) else ""
            parse = _JSON_EVENTS.get(kind)
        else:
            parse = _JSON_MESSAGES.get(kind)
        if parse is None:
            log.debug("wecom aibot: ignoring %r", kind)
            return []
        return parse(msg)


class _JsonMessage:
    def __init__(self, tenant: str, data: dict[str, Any], received_at: float) -> None:
        self.tenant = tenant
        self.data = data
        self.received_at = received_at

    def string(self, name: str) -> str:
        return _string(self.data, name)

    def common(self) -> dict[str, Any]:
        msg_id = self.string("msgid")
        sender = self.data.get("from")
        user = _string(sender, "userid") if isinstance(sender, dict) else ""
        if not msg_id or not user:
            raise MalformedRequest("the message has no msgid or from.userid")
        created = self.data.get("create_time")
        return {
            "platform": "wecom",
            "tenant": self.tenant,
            "event_id": msg_id,
            # Messages carry no time of their own; the signed request timestamp stands in for it.
            "occurred_at": float(created)
            if isinstance(created, int | float) and math.isfinite(created)  # JSON may say NaN
            else self.received_at,
            "chat": self.string("chatid") if self.in_group else "",
            "user": user,
        }

    @property
    def in_group(self) -> bool:
        return self.string("chattype") == "group"

    def section(self, name: str) -> dict[str, Any]:
        value = self.data.get(name)
        return value if isinstance(value, dict) else {}


def _json_text_message(msg: _JsonMessage) -> list[Event]:
    kind = msg.string("msgtype")
    files: tuple[FileInfo, ...] = ()
    if kind == "mixed":  # text and pictures interleaved: {"msg_item": [{"msgtype": "text"|"image", ...}]}
        raw_items = msg.section("mixed").get("msg_item")
        items = [item for item in raw_items if isinstance(item, dict)] if isinstance(raw_items, list) else []
        text = "\n".join(
            part
            for item in items
            if item.get("msgtype") == "text"
            if (part := _string(item.get("text"), "content"))
        )
        files = tuple(
            FileInfo(file_id=url, name="")
            for item in items
            if item.get("msgtype") == "image"
            if (url := _download_url(item.get("image")))
        )
    else:  # text, or voice (the AI bot delivers voice already transcribed)
        text = _string(msg.section(kind), "content")
    if msg.in_group:
        text = _LEADING_MENTION.sub("", text, count=1)
    common = msg.common()
    return [
        MessagePosted(
            message_id=common["event_id"],
            text=text,
            mentions_bot=msg.in_group,
            files=files,
            direct=not msg.in_group,
            reply_url=msg.string("response_url") or None,
            **common,
        )
    ]


def _json_file_message(msg: _JsonMessage) -> list[Event]:
    kind = msg.string("msgtype")
    url = _download_url(msg.section(kind))
    if not url:
        raise MalformedRequest(f"the {kind} message has no url")
    common = msg.common()
    # The AI bot gives no media id, only a download URL (encrypted with the bot's key); it names the file.
    return [FileShared(file=FileInfo(file_id=url, name=""), message_id=common["event_id"], **common)]


def _json_card_event(msg: _JsonMessage) -> list[Event]:
    event = msg.section("event")
    detail = event.get("template_card_event")
    detail = detail if isinstance(detail, dict) else event
    key = _string(detail, "event_key")
    if not key:
        raise MalformedRequest("the card event has no event_key")
    action, value = split_button_key(key)
    # The click's response_url (path/101027, 按钮交互模版卡片的事件) is how the worker answers it later:
    # one call, within an hour (path/101138).
    return [
        CardClicked(
            action=action,
            value=value,
            card_id=_string(detail, "task_id"),
            response_token=msg.string("response_url") or None,
            choices=_json_choices(detail),
            **msg.common(),
        )
    ]


def _download_url(section: Any) -> str:
    """An image's or file's download URL. WeCom's published samples (path/100719, 图片消息, 图文混排消息,
    文件消息) end the URL with a space inside its quotes; no URL ends with whitespace, and a request
    made with it would not be the URL WeCom signed, so it is trimmed."""
    return _string(section, "url").strip()


_JSON_MESSAGES: dict[str, Callable[[_JsonMessage], list[Event]]] = {
    "text": _json_text_message,
    "mixed": _json_text_message,
    "voice": _json_text_message,
    "file": _json_file_message,
    "image": _json_file_message,
}
_JSON_EVENTS: dict[str, Callable[[_JsonMessage], list[Event]]] = {
    "template_card_event": _json_card_event,
}


# Helpers -------------------------------------------------------------------------------------------


# Byte order marks through which expat would read UTF-16 in spite of the encoding it is given.
_UTF16_BOMS = (b"\xfe\xff", b"\xff\xfe")
# Entities can only be declared in a DTD, and a DTD only through a document type declaration.
_DTD_MARKS = (b"<!DOCTYPE", b"<!ENTITY")


def _xml(data: bytes) -> Element:
    """Parse one WeCom XML document (the envelope or the decrypted message); a DTD is refused before
    anything in it is read, let alone expanded or fetched.

    - The document is read as UTF-8, whatever its XML declaration says (`XMLParser(encoding=...)`
      overrides the declaration). Expat still switches to UTF-16 on a byte order mark or on the
      zero bytes of an undeclared UTF-16 document, so those are refused first: a NUL byte is never
      allowed in XML, and 0xFE and 0xFF never occur in UTF-8. What is left is parsed as UTF-8, in which a
      declaration is the ASCII bytes `<!DOCTYPE`: if they are not there, the document has no DTD, hence
      no entity but the five predefined ones (expat refuses any other reference as undefined), and the
      C parser reads it once.
    - If the bytes are there, they may be text (a member who pastes HTML sends `<!DOCTYPE html>` in a
      CDATA section): `_refuse_dtd` lets expat find out, and refuses at the declaration's first token.
    """
    if b"\x00" in data or data.startswith(_UTF16_BOMS):
        raise MalformedRequest("the body is not UTF-8 XML")
    if any(mark in data for mark in _DTD_MARKS):
        _refuse_dtd(data)
    parser = XMLParser(encoding="utf-8")  # noqa: S314 - no DTD can reach it: see above
    try:
        parser.feed(data)
        root: Element = parser.close()
    except ParseError as exc:
        raise MalformedRequest("the body is not well-formed XML") from exc
    return root


class _DtdFound(Exception):
    pass


def _refuse_dtd(data: bytes) -> None:
    """Refuse `data` if it has a document type declaration, before its internal subset (where entities
    are declared) or the external DTD it names is read: expat reports the declaration's start as soon
    as it has read `<!DOCTYPE name`. This pass builds no tree; it runs only when the bytes say
    `<!DOCTYPE` or `<!ENTITY` somewhere."""
    from xml.parsers import expat

    def refuse(*_: object) -> NoReturn:
        raise _DtdFound

    parser = expat.ParserCreate("utf-8")
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    try:
        parser.Parse(data, True)
    except _DtdFound:
        raise MalformedRequest("XML with a DTD or entities is refused") from None
    except expat.ExpatError as exc:
        raise MalformedRequest("the body is not well-formed XML") from exc


def _leaves(root: Element) -> dict[str, str]:
    """The text of the root's childless children, by tag."""
    return {child.tag: child.text or "" for child in root if len(child) == 0}


def _json(data: bytes) -> dict[str, Any]:
    try:
        value = json.loads(data)
    except (ValueError, RecursionError) as exc:  # not JSON, not UTF-8, or nested past the recursion limit
        raise MalformedRequest("the body is not JSON") from exc
    if not isinstance(value, dict):
        raise MalformedRequest("the body is not a JSON object")
    return value


def _string(data: Any, name: str) -> str:
    value = data.get(name) if isinstance(data, dict) else None
    return value if isinstance(value, str) else ""


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedRequest("the decrypted text is not UTF-8") from exc


def _plain(value: SecretValue | None) -> str:
    return value.get_secret_value() if value is not None else ""


def endpoints(settings: IngressSettings, clock: Clock) -> dict[str, Endpoint]:
    """The WeCom routes whose settings are present; an absent one stays switched off (404)."""
    found: dict[str, Endpoint] = {}
    corp_id = settings.wecom_corp_id or ""
    if settings.wecom_enabled:
        found["wecom.callback"] = WeComCallback(
            _plain(settings.wecom_token), _plain(settings.wecom_aes_key), corp_id, clock
        )
    if settings.wecom_aibot_enabled:
        found["wecom.aibot"] = WeComAIBot(
            _plain(settings.wecom_aibot_token), _plain(settings.wecom_aibot_aes_key), corp_id, clock
        )
    return found
