"""DingTalk's three inbound routes as `Endpoint`s: verify the raw request, parse it into events, ack.

- `dingtalk.robot`: the enterprise robot's HTTP callback. Groups deliver only messages that @ the robot;
  1:1 chats deliver everything. Signed with the `timestamp`/`sign` headers (PROTOCOLS.md 2.2).
- `dingtalk.events`: the event subscription (事件订阅), WXBizMsgCrypt-encrypted JSON with the app key as
  owner key (2.3). DingTalk expects the encrypted "success" within 1500 ms for the URL check and every
  event, or it retries, so `ack` is a single AES block and a SHA-1.
- `dingtalk.cards`: interactive card clicks, signed with `x-ddpaas-signature` (2.6); 2 s deadline.

Ingress path: the standard library and `cryptography` only (no requests, boto3 or pydantic here).
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chalicelib.adapters.base import Endpoint, Parsed, Verified
from chalicelib.adapters.dingtalk.signature import (
    check_fresh,
    single_use,
    verify_card_sign,
    verify_robot_sign,
)
from chalicelib.adapters.msgcrypt import MsgCrypt
from chalicelib.adapters.reply_urls import ReplyUrls, reply_urls
from chalicelib.core.events import (
    CardClicked,
    DirectoryChange,
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
    from chalicelib.clock import Clock
    from chalicelib.envsettings import IngressSettings, SecretValue

log = logging.getLogger(__name__)

JSON_ONLY = frozenset({"application/json"})
EVENT_ID_LENGTH = 32


# Robot @-messages ---------------------------------------------------------------------------------
class DingTalkRobot:
    """The robot callback. DingTalk signs the headers only, never the body, so verification is the
    headers first (before the body is read), then what the body claims that the signature cannot vouch
    for: the corp must be the app's own (`DINGTALK_CORP_ID`), and a `sessionWebhook` must be https on
    oapi.dingtalk.com (the bot POSTs to it later). The pair is then usable once (`Verified.once`, claimed
    by ingress with the body's digest). The payload is the raw body."""

    route = "dingtalk.robot"
    platform: Platform = "dingtalk"
    content_types = JSON_ONLY

    def __init__(self, app_secret: str, clock: Clock, *, corp_id: str, replies: ReplyUrls) -> None:
        self._app_secret = app_secret
        self._clock = clock
        self._corp_id = corp_id
        self._replies = replies

    def verify(self, request: InboundRequest) -> Verified:
        timestamp, sign = request.header("timestamp"), request.header("sign")
        stamp = verify_robot_sign(timestamp, sign, app_secret=self._app_secret, now=self._clock.now())
        data = _json_object(request.body)
        if _optional_str(data.get("chatbotCorpId") or data.get("senderCorpId")) != self._corp_id:
            raise VerificationFailed("chatbotCorpId is not this app's corp (DINGTALK_CORP_ID)")
        webhook = data.get("sessionWebhook")
        if webhook is not None and not (isinstance(webhook, str) and self._replies.allows(webhook)):
            raise VerificationFailed("sessionWebhook is not https on DingTalk's own host")
        once = single_use(
            self.route,
            timestamp or "",
            sign or "",
            request.body,
            stamp=stamp,
            now=self._clock.now(),
            created_ms=_millis(data.get("createAt")),
        )
        return Verified(request, request.body, {"timestamp": str(stamp)}, once=once)

    def parse(self, verified: Verified) -> Parsed:
        data = _json_object(verified.payload)
        parser = _ROBOT_PARSERS.get(str(data.get("msgtype")))
        if parser is None:
            log.debug("dingtalk robot: ignoring msgtype %r", data.get("msgtype"))
            return Parsed()
        message = _RobotMessage.read(data, fallback_ms=_signed_ms(verified, self._clock))
        return Parsed(tuple(parser(message)))

    def ack(self, verified: Verified, parsed: Parsed) -> Reply:
        return Reply.empty()


@dataclass(frozen=True)
class _RobotMessage:
    """The fields every robot message has, read once."""

    tenant: str
    chat: str
    user: str
    message_id: str
    occurred_at: float
    direct: bool
    data: Mapping[str, Any]

    @staticmethod
    def read(data: Mapping[str, Any], *, fallback_ms: int) -> _RobotMessage:
        direct = data.get("conversationType") == "1"
        return _RobotMessage(
            tenant=_first_str(data, "chatbotCorpId", "senderCorpId"),
            chat="" if direct else _first_str(data, "conversationId"),
            user=_first_str(data, "senderStaffId", "senderId"),
            message_id=_first_str(data, "msgId"),
            occurred_at=(_millis(data.get("createAt")) or fallback_ms) / 1000,
            direct=direct,
            data=data,
        )

    def posted(self, text: str, files: tuple[FileInfo, ...] = ()) -> MessagePosted:
        return MessagePosted(
            platform="dingtalk",
            tenant=self.tenant,
            event_id=self.message_id,
            occurred_at=self.occurred_at,
            chat=self.chat,
            user=self.user,
            message_id=self.message_id,
            text=text.strip(),
            mentions=self.mentions(),
            mentions_bot=self.data.get("isInAtList") is True,
            files=files,
            direct=self.direct,
            reply_url=_optional_str(self.data.get("sessionWebhook")),
            # The robot callback names the group and the sender, and marks a sender who is an admin of
            # the group (receive-message: conversationTitle, senderNick, isAdmin).
            chat_name="" if self.direct else _optional_str(self.data.get("conversationTitle")) or "",
            user_name=_optional_str(self.data.get("senderNick")) or "",
            sender_admin=self.data.get("isAdmin") is True and not self.direct,
        )

    def mentions(self) -> tuple[str, ...]:
        """The staff ids @-mentioned besides the robot (external users have no staff id)."""
        robot = self.data.get("chatbotUserId")
        found: list[str] = []
        for at in _list(self.data.get("atUsers")):
            if not isinstance(at, Mapping) or (robot and at.get("dingtalkId") == robot):
                continue
            staff = at.get("staffId")
            if isinstance(staff, str) and staff and staff not in found:
                found.append(staff)
        return tuple(found)

    def content(self) -> Mapping[str, Any]:
        content = self.data.get("content")
        if not isinstance(content, Mapping):
            raise MalformedRequest(f"{self.data.get('msgtype')} message without content")
        return content


def _robot_text(message: _RobotMessage) -> list[Event]:
    text = message.data.get("text")
    content = text.get("content") if isinstance(text, Mapping) else None
    if not isinstance(content, str):
        raise MalformedRequest("text message without text.content")
    return [message.posted(content)]


def _robot_rich_text(message: _RobotMessage) -> list[Event]:
    """Rich text is a list of text runs and inline pictures. A run may carry its own line breaks, but
    DingTalk's published sample (developerpedia, 接收的消息类型 > 富文本) has two sentences with only a
    picture between them: a picture between two runs stands for a line break, so the sentences do not
    run together."""
    parts = [part for part in _list(message.content().get("richText")) if isinstance(part, Mapping)]
    text, picture_since_text = "", False
    for part in parts:
        run = part.get("text")
        if isinstance(run, str):
            if picture_since_text and text and not text.endswith("\n") and not run.startswith("\n"):
                text += "\n"
            text, picture_since_text = text + run, False
        elif isinstance(part.get("downloadCode"), str):
            picture_since_text = True
    files = tuple(
        FileInfo(file_id=part["downloadCode"], name="")
        for part in parts
        if isinstance(part.get("downloadCode"), str)
    )
    return [message.posted(text, files)]


def _robot_file(message: _RobotMessage) -> list[Event]:
    """A file or picture. `downloadCode` is what the robot's file-download API takes."""
    content = message.content()
    code = content.get("downloadCode")
    if not isinstance(code, str) or not code:
        raise MalformedRequest(f"{message.data.get('msgtype')} message without downloadCode")
    return [
        FileShared(
            platform="dingtalk",
            tenant=message.tenant,
            event_id=message.message_id,
            occurred_at=message.occurred_at,
            chat=message.chat,
            user=message.user,
            file=FileInfo(file_id=code, name=_optional_str(content.get("fileName")) or ""),
            message_id=message.message_id,
        )
    ]


_ROBOT_PARSERS: dict[str, Callable[[_RobotMessage], list[Event]]] = {
    "text": _robot_text,
    "richText": _robot_rich_text,
    "file": _robot_file,
    "picture": _robot_file,
}


# Event subscription -------------------------------------------------------------------------------
class DingTalkEvents:
    """The event subscription. The query carries `msg_signature` (or `signature`), `timeStamp` (or
    `timestamp`, ms) and `nonce`; the body is `{"encrypt": ...}`. The signature covers the `encrypt`
    field, so that one field is read from the body before verification, and nothing else.

    DingTalk documents no freshness rule here; we apply the robot's one hour to `timeStamp` so that a
    captured push cannot be replayed later. This assumes DingTalk signs each retry with a fresh
    timestamp [UNVERIFIED: to check on a live tenant]; the event id does not depend on it."""

    route = "dingtalk.events"
    platform: Platform = "dingtalk"
    content_types = JSON_ONLY

    def __init__(self, token: str, aes_key: str, app_key: str, clock: Clock) -> None:
        self._crypt = MsgCrypt(token, aes_key, app_key)
        self._clock = clock

    def verify(self, request: InboundRequest) -> Verified:
        query = request.query
        signature = query.get("msg_signature") or query.get("signature")
        timestamp = query.get("timeStamp") or query.get("timestamp")
        nonce = query.get("nonce")
        if not signature or not timestamp or not nonce:
            raise VerificationFailed("missing msg_signature, timeStamp or nonce")
        check_fresh(timestamp, now=self._clock.now())
        encrypted = _encrypt_field(request.body)
        self._crypt.verify(signature, timestamp, nonce, encrypted)
        return Verified(request, self._crypt.decrypt(encrypted), {"timestamp": timestamp})

    def parse(self, verified: Verified) -> Parsed:
        data = _json_object(verified.payload)
        event_type = _optional_str(data.get("EventType")) or _optional_str(data.get("eventType"))
        parser = _EVENT_PARSERS.get(str(event_type))
        if parser is None:
            log.debug("dingtalk events: ignoring EventType %r", event_type)
            return Parsed()
        stamp = next(filter(None, (_millis(data.get(key)) for key in _TIME_KEYS)), None)
        change = _Change(
            data=data,
            base_id=_optional_str(data.get("eventId"))
            or hashlib.sha256(verified.payload).hexdigest()[:EVENT_ID_LENGTH],
            occurred_at=(stamp or _signed_ms(verified, self._clock)) / 1000,
        )
        return Parsed(tuple(parser(change)))

    def ack(self, verified: Verified, parsed: Parsed) -> Reply:
        """The encrypted "success", the same for the URL check and every event."""
        timestamp = str(int(self._clock.now() * 1000))
        nonce = secrets.token_hex(8)
        encrypted = self._crypt.encrypt(b"success")
        return Reply.json(
            {
                "msg_signature": self._crypt.signature(timestamp, nonce, encrypted),
                "timeStamp": timestamp,
                "nonce": nonce,
                "encrypt": encrypted,
            }
        )


# DingTalk has pushed two shapes over HTTP. The legacy one capitalises every key (`UserId`, `ChatId`,
# `OpenConversationId`, `Operator`, `TimeStamp`); the one documented since (pages "群会话添加人员",
# "通讯录用户离职", ... https://open.dingtalk.com/document/development/group-session-add-persons, updated
# 2025-08) keeps `EventType`, `EventTime` and `CorpId` capitalised and gives the event's own fields in
# lower camel case (`userId`, `chatId`, `openConversationId`, `operator`, `timeStamp`) with an `eventId`.
# Both are read; where both name a field, the capitalised one wins.
_TIME_KEYS = ("TimeStamp", "timeStamp", "EventTime")


@dataclass(frozen=True)
class _Change:
    """A decrypted subscription event. The event id is DingTalk's `eventId` where the push carries one,
    else a hash of the plaintext (legacy pushes have no id); a payload naming several users gives one
    event per user, each id suffixed ":{user}"."""

    data: Mapping[str, Any]
    base_id: str
    occurred_at: float

    @property
    def tenant(self) -> str:
        return _first_str(self.data, "CorpId", "corpId")

    @property
    def chat(self) -> str:
        # The open conversation id is what the robot calls `conversationId` and what the send APIs
        # take, so it is preferred; the legacy chat id is the fallback for pushes without it.
        return _first_str(self.data, "OpenConversationId", "openConversationId", "ChatId", "chatId")

    @property
    def operator(self) -> str | None:
        return _optional_str(self.data.get("Operator")) or _optional_str(self.data.get("operator"))

    def users(self) -> list[str]:
        raw = self.data.get("UserId", self.data.get("userId"))
        users = [raw] if isinstance(raw, str) else [u for u in _list(raw) if isinstance(u, str)]
        return list(dict.fromkeys(u for u in users if u))

    def new_name(self, user: str) -> str | None:
        """The name after a `user_modify_org`, where the push's `diffInfo` carries it for this user."""
        diff = self.data.get("diffInfo")
        if not isinstance(diff, Mapping) or diff.get("userid") != user:
            return None
        current = diff.get("curr")
        return _optional_str(current.get("name")) if isinstance(current, Mapping) else None

    def ids(self, users: list[str]) -> Iterator[tuple[str, str]]:
        """(user, event id) pairs."""
        for user in users:
            yield user, self.base_id if len(users) == 1 else f"{self.base_id}:{user}"


def _members_joined(change: _Change) -> list[Event]:
    tenant, chat = change.tenant, change.chat
    return [
        MemberJoined(
            platform="dingtalk",
            tenant=tenant,
            event_id=event_id,
            occurred_at=change.occurred_at,
            chat=chat,
            user=user,
            inviter=change.operator,
        )
        for user, event_id in change.ids(change.users())
    ]


def _members_removed(change: _Change) -> list[Event]:
    return _members_left(change, change.users(), removed_by=change.operator)


def _member_quit(change: _Change) -> list[Event]:
    """Whoever quit is in `UserId`; the documented push names only the `operator` (主动退群人员的userId),
    who is then the one leaving."""
    users = change.users() or [u for u in [change.operator] if u]
    return _members_left(change, users, removed_by=None)


def _members_left(change: _Change, users: list[str], *, removed_by: str | None) -> list[Event]:
    tenant, chat = change.tenant, change.chat
    return [
        MemberLeft(
            platform="dingtalk",
            tenant=tenant,
            event_id=event_id,
            occurred_at=change.occurred_at,
            chat=chat,
            user=user,
            removed_by=removed_by,
        )
        for user, event_id in change.ids(users)
    ]


def _directory(kind: DirectoryChange) -> Callable[[_Change], list[Event]]:
    def parse(change: _Change) -> list[Event]:
        tenant = change.tenant
        return [
            DirectoryChanged(
                platform="dingtalk",
                tenant=tenant,
                event_id=event_id,
                occurred_at=change.occurred_at,
                user=user,
                change=kind,
                name=change.new_name(user),
            )
            for user, event_id in change.ids(change.users())
        ]

    return parse


def _nothing(change: _Change) -> list[Event]:
    return []


# Department events (org_dept_create/modify/remove) name departments, not people, and are ignored.
_EVENT_PARSERS: dict[str, Callable[[_Change], list[Event]]] = {
    "check_url": _nothing,  # the URL check: answered by the ack alone
    "chat_add_member": _members_joined,
    "chat_remove_member": _members_removed,
    "chat_quit": _member_quit,
    "user_leave_org": _directory("left"),
    "user_modify_org": _directory("updated"),
    # DingTalk documents user_dept_change for third-party apps over Stream and SyncHTTP only (企业修改员工
    # 部门后员工信息事件: 企业内部应用 不支持, HTTP推送 不支持); read here should an HTTP push ever carry it.
    "user_dept_change": _directory("moved"),
}


# Card clicks --------------------------------------------------------------------------------------
class DingTalkCards:
    """Interactive card clicks. DingTalk signs only the timestamp header, `x-ddpaas-signature =
    base64(HMAC-SHA256(apiSecret, timestamp))` (open.dingtalk.com document/development/event-callback-card,
    回调签名验证), never the body: a valid signature proves the request came from DingTalk recently, not
    who clicked or which button. So the pair is usable once, bound to the body it came with (the clicker
    `userId` and `corpId` included; `Verified.once`), the corp must be the app's own, and whatever the
    button's value names must carry the bot's own seal (`chalicelib.cardsign`)."""

    route = "dingtalk.cards"
    platform: Platform = "dingtalk"
    content_types = JSON_ONLY

    def __init__(self, card_secret: str, clock: Clock, *, corp_id: str) -> None:
        self._card_secret = card_secret
        self._clock = clock
        self._corp_id = corp_id

    def verify(self, request: InboundRequest) -> Verified:
        timestamp, signature = (
            request.header("x-ddpaas-signature-timestamp"),
            request.header("x-ddpaas-signature"),
        )
        stamp = verify_card_sign(timestamp, signature, api_secret=self._card_secret, now=self._clock.now())
        if _optional_str(_json_object(request.body).get("corpId")) != self._corp_id:
            raise VerificationFailed("corpId is not this app's corp (DINGTALK_CORP_ID)")
        # Bound to its first body alone (no twins: `created_ms=None`). The signed body is the clicker's
        # identity, which a forger would vary; and a click is answered to the clicker within 2 s, so the
        # rare second click of the same millisecond is refused in front of someone who can click again,
        # not lost in silence like a robot message (docs/reliability.md, "Header-only signatures").
        once = single_use(
            self.route,
            timestamp or "",
            signature or "",
            request.body,
            stamp=stamp,
            now=self._clock.now(),
            created_ms=None,
        )
        return Verified(request, request.body, {"timestamp": timestamp or ""}, once=once)

    def parse(self, verified: Verified) -> Parsed:
        data = _json_object(verified.payload)
        if data.get("type") != "actionCallback":
            log.debug("dingtalk cards: ignoring callback type %r", data.get("type"))
            return Parsed()
        track, user, tenant = (_first_str(data, key) for key in ("outTrackId", "userId", "corpId"))
        content = data.get("content")
        if not isinstance(content, str):
            raise MalformedRequest("card callback without a content string")
        params = _card_params(content)
        action = params.get("action")
        if not isinstance(action, str) or not action:
            log.debug("dingtalk cards: a click without an action on %s", track)
            return Parsed()
        # A redelivery repeats the signature timestamp, a second click does not.
        timestamp = verified.context.get("timestamp", "")
        digest = hashlib.sha256(json.dumps([track, user, content, timestamp]).encode()).hexdigest()
        click = CardClicked(
            platform="dingtalk",
            tenant=tenant,
            event_id=digest[:EVENT_ID_LENGTH],
            occurred_at=_signed_ms(verified, self._clock) / 1000,
            chat=_param_text(params.get("chat")),
            user=user,
            action=action,
            value=_param_text(params.get("value")),
            card_id=track,
            choices=_choices(params.get("choices")),
        )
        return Parsed((click,))

    def ack(self, verified: Verified, parsed: Parsed) -> Reply:
        # An empty object leaves the card as it is; updates go through the update API later.
        return Reply.json({})


def _card_params(content: str) -> Mapping[str, Any]:
    """`content` is a JSON string: {"cardPrivateData": {"actionIds": [...], "params": {...}}}."""
    try:
        data = json.loads(content)
    except ValueError as exc:
        raise MalformedRequest("card callback content is not JSON") from exc
    private = data.get("cardPrivateData") if isinstance(data, Mapping) else None
    params = private.get("params") if isinstance(private, Mapping) else None
    return params if isinstance(params, Mapping) else {}


def _choices(chosen: Any) -> tuple[str, ...]:
    """The template's `choices` param (`chalicelib.adapters.dingtalk.cards`): select key -> value or
    values, as `key=value`; anything else is no choice."""
    if not isinstance(chosen, Mapping):
        return ()
    found: list[str] = []
    for key, value in chosen.items():
        values = value if isinstance(value, list) else [value]
        found += [f"{key}={v}" for v in values if isinstance(key, str) and isinstance(v, str) and v]
    return tuple(found)


def _param_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# The routes whose settings are present ------------------------------------------------------------
def endpoints(settings: IngressSettings, clock: Clock) -> dict[str, Endpoint]:
    found: dict[str, Endpoint] = {}
    corp = settings.dingtalk_corp_id or ""
    if settings.dingtalk_robot_enabled:
        found[DingTalkRobot.route] = DingTalkRobot(
            _plain(settings.dingtalk_app_secret),
            clock,
            corp_id=corp,
            replies=reply_urls("dingtalk", settings),
        )
    if settings.dingtalk_events_enabled:
        found[DingTalkEvents.route] = DingTalkEvents(
            _plain(settings.dingtalk_token),
            _plain(settings.dingtalk_aes_key),
            settings.dingtalk_app_key or "",
            clock,
        )
    if settings.dingtalk_cards_enabled:
        found[DingTalkCards.route] = DingTalkCards(_plain(settings.dingtalk_card_secret), clock, corp_id=corp)
    return found


# JSON helpers -------------------------------------------------------------------------------------
def _signed_ms(verified: Verified, clock: Clock) -> int:
    """The verified request's signed timestamp in ms (or now, for a request that carried none)."""
    return _millis(verified.context.get("timestamp")) or int(clock.now() * 1000)


def _plain(value: SecretValue | None) -> str:
    return value.get_secret_value() if value is not None else ""


def _json_object(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:  # also UnicodeDecodeError, and nesting past the limit
        raise MalformedRequest("body is not JSON") from exc
    if not isinstance(data, dict):
        raise MalformedRequest("body is not a JSON object")
    return data


def _encrypt_field(raw: bytes) -> str:
    encrypted = _json_object(raw).get("encrypt")
    if not isinstance(encrypted, str) or not encrypted:
        raise MalformedRequest('body has no "encrypt" string')
    return encrypted


def _first_str(data: Mapping[str, Any], *keys: str) -> str:
    """The first of `keys` holding a non-empty string; a body without any is malformed."""
    for key in keys:
        value = data.get(key)
        if isinstance(value, str) and value:
            return value
    raise MalformedRequest(f"missing {' or '.join(keys)}")


def _optional_str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _millis(value: Any) -> int | None:
    """A millisecond timestamp given as a number or a string of digits."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return None
