"""Slack's three inbound routes (PROTOCOLS.md 3.1 to 3.3): verify the v0 signature over the raw body,
parse into normalised events, acknowledge with an empty 200 inside Slack's 3 s deadline.

- `/slack/events` (JSON): `url_verification` is answered with its challenge as text/plain, after the
  signature check; `event_callback` gives the events below; any other envelope type gives none.
- `/slack/interactions` (form `payload=<json>`): `block_actions` gives one `CardClicked` per action,
  `message_action` (a message shortcut) a `CommandIssued`; other types give none.
- `/slack/commands` (form): `/qg <name> <args...>` gives a `CommandIssued` (`help` when empty).

Event ids, on which the exactly-once claim is made:
- `message` and `app_mention`: `msg:{channel}:{ts}`. Slack delivers both for one post when both are
  subscribed, each with its own envelope `event_id`, and parse cannot know whether the other will come;
  giving both the same id (and the same event) lets the claim keep whichever arrives first. Retries
  keep channel and ts, so they collapse too.
- other events: the envelope's `event_id`, which Slack keeps across retries.
- clicks: `click:{trigger_id}:{action_ts}`; shortcuts: `shortcut:{trigger_id}`; commands:
  `cmd:{trigger_id}`. Interactivity is never retried, and `trigger_id` is unique per interaction.

Messages: only what a member wrote counts (no subtype, `file_share`, `thread_broadcast`, `me_message`);
edits, deletions, joins and other system subtypes, anything with a `bot_id`, and the bot's own posts are
ignored, so the bot never answers itself. The bot's user id comes from the envelope's `authorizations`
only where one says `is_bot: true`; otherwise nothing is guessed and the worker recognises the bot's
mentions and posts by `auth.test` (`chalicelib.adapters.slack.addressing`).
`text` is Slack's mrkdwn as sent (entities escaped, links as `<url|label>`) with the bot's mention
removed; `mentions` lists the other members mentioned. An authentic envelope whose event lacks a field
we need is ignored with a warning rather than refused: Slack would only retry the same bytes.

Ingress path: the standard library only (no requests, boto3 or pydantic at import).
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from chalicelib.adapters.base import Endpoint, Parsed, Verified
from chalicelib.adapters.slack.addressing import address
from chalicelib.adapters.slack.blocks import SELECT_PREFIX
from chalicelib.adapters.slack.signature import verify_signature
from chalicelib.clock import Clock
from chalicelib.core.events import (
    CardClicked,
    CommandIssued,
    DirectoryChanged,
    Event,
    FileInfo,
    FileShared,
    MemberJoined,
    MemberLeft,
    MessagePosted,
)
from chalicelib.core.ids import Platform
from chalicelib.errors import MalformedRequest
from chalicelib.http import InboundRequest, Reply

if TYPE_CHECKING:
    from chalicelib.envsettings import IngressSettings

log = logging.getLogger("qunguan.slack")

JSON_TYPE = "application/json"
FORM_TYPE = "application/x-www-form-urlencoded"

# Message subtypes that carry what a member wrote; every other subtype is a system notice or an edit.
MEMBER_SUBTYPES = frozenset({"", "file_share", "thread_broadcast", "me_message"})
# A label never holds < or > (Slack escapes them as &lt; &gt;), so a mention's match stops at the next
# one: `[^>]*` would rescan the rest of the text from every unclosed `<@U1|`.
MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>")
# Slack names a direct-message conversation "directmessage" in command and shortcut payloads; its id
# starts with "D" (docs.slack.dev, conversation object), which is what tells it apart when the name
# does not: the published message-shortcut sample is a DM ("D0LFFBKLZ") named "cats".
DM_CHANNEL_NAME = "directmessage"
DM_ID_PREFIX = "D"

JsonObject = dict[str, Any]


class _SlackEndpoint:
    platform: Platform = "slack"
    content_types: frozenset[str] = frozenset({FORM_TYPE})

    def __init__(self, signing_secret: str, clock: Clock) -> None:
        self._secret = signing_secret
        self._clock = clock

    def verify(self, request: InboundRequest) -> Verified:
        stamp = verify_signature(
            self._secret,
            request.header("x-slack-request-timestamp"),
            request.header("x-slack-signature"),
            request.body,
            self._clock.now(),
        )
        context = {"timestamp": str(stamp)}
        for header, key in (("x-slack-retry-num", "retry_num"), ("x-slack-retry-reason", "retry_reason")):
            value = request.header(header)
            if value:
                context[key] = value
        return Verified(request=request, payload=request.body, context=context)

    def ack(self, verified: Verified, parsed: Parsed) -> Reply:
        return Reply.empty()


class SlackEvents(_SlackEndpoint):
    content_types = frozenset({JSON_TYPE})

    def parse(self, verified: Verified) -> Parsed:
        envelope = _json_object(verified.payload, "the Events API body")
        kind = envelope.get("type")
        if kind == "url_verification":
            challenge = envelope.get("challenge")
            if not isinstance(challenge, str):
                raise MalformedRequest("url_verification without a challenge")
            return Parsed(challenge=challenge)
        if kind != "event_callback":
            log.debug("slack envelope type %r ignored", kind)
            return Parsed()
        event = envelope.get("event")
        if not isinstance(event, dict):
            raise MalformedRequest("event_callback without an event object")
        context = _envelope_context(envelope, _signed_at(verified))
        event_type = event.get("type")
        parser = EVENT_PARSERS.get(event_type) if isinstance(event_type, str) else None
        if parser is None:
            log.debug("slack event type %r ignored", event_type)
            return Parsed()
        try:
            parsed = parser(event, context)
        except _Incomplete as missing:
            log.warning("slack %s event ignored: no %s", event_type, missing)
            return Parsed()
        return Parsed(events=(parsed,) if parsed is not None else ())

    def ack(self, verified: Verified, parsed: Parsed) -> Reply:
        if parsed.challenge is not None:
            return Reply.text(parsed.challenge)
        return Reply.empty()


class SlackInteractions(_SlackEndpoint):
    def parse(self, verified: Verified) -> Parsed:
        form = _form(verified.payload)
        raw = form.get("payload")
        if raw is None:
            raise MalformedRequest("interaction without a payload field")
        payload = _json_object(raw.encode(), "the interaction payload")
        kind = payload.get("type")
        try:
            if kind == "block_actions":
                return Parsed(events=_block_actions(payload, _signed_at(verified)))
            if kind == "message_action":
                return Parsed(events=(_message_action(payload, _signed_at(verified)),))
        except _Incomplete as missing:
            raise MalformedRequest(f"{kind} payload without {missing}") from None
        log.debug("slack interaction type %r ignored", kind)
        return Parsed()


class SlackCommands(_SlackEndpoint):
    def parse(self, verified: Verified) -> Parsed:
        form = _form(verified.payload)
        try:
            tenant = _need(form, "team_id")
            user = _need(form, "user_id")
            trigger = _need(form, "trigger_id")
        except _Incomplete as missing:
            raise MalformedRequest(f"slash command without {missing}") from None
        text = form.get("text", "").strip()
        words = text.split()
        command = CommandIssued(
            platform="slack",
            tenant=tenant,
            event_id=f"cmd:{trigger}",
            occurred_at=_signed_at(verified),
            chat=form.get("channel_id", ""),
            user=user,
            name=words[0].lower() if words else "help",
            args=tuple(words[1:]),
            text=text,
            reply_url=form.get("response_url") or None,
            direct=_is_direct(form.get("channel_id", ""), form.get("channel_name", "")),
        )
        return Parsed(events=(command,))


def endpoints(settings: IngressSettings, clock: Clock) -> dict[str, Endpoint]:
    """The Slack routes, or none when `SLACK_SIGNING_SECRET` is unset (the routes then answer 404)."""
    signing_secret = settings.slack_signing_secret
    if not settings.slack_enabled or signing_secret is None:
        return {}
    value = signing_secret.get_secret_value()
    return {
        "slack.events": SlackEvents(value, clock),
        "slack.interactions": SlackInteractions(value, clock),
        "slack.commands": SlackCommands(value, clock),
    }


# Events API ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    """What the envelope says about every event in it."""

    tenant: str
    event_id: str
    at: float
    bot_user: str | None


class _Incomplete(Exception):
    """A field the parser needs is absent; the message names it."""


EventParser = Callable[[JsonObject, _Context], Event | None]


def _envelope_context(envelope: JsonObject, signed_at: float) -> _Context:
    tenant = envelope.get("team_id")
    if not isinstance(tenant, str) or not tenant:
        raise MalformedRequest("event_callback without a team_id")
    return _Context(
        tenant=tenant,
        event_id=_text(envelope, "event_id"),
        at=_seconds(envelope.get("event_time")) or signed_at,
        bot_user=_bot_user(envelope.get("authorizations")),
    )


def _bot_user(authorizations: Any) -> str | None:
    """The bot's user id, where an authorization says it is the bot's (`is_bot: true`). Another one (an
    admin's, `is_bot: false`) is not the bot: taking it for the bot would ignore that admin's messages
    and read mentions of the admin as mentions of the bot."""
    if not isinstance(authorizations, list):
        return None
    for entry in authorizations:
        if isinstance(entry, dict) and entry.get("is_bot") is True:
            user = entry.get("user_id")
            if isinstance(user, str) and user:
                return user
    return None


def _message(event: JsonObject, ctx: _Context, *, addressed: bool = False) -> MessagePosted | None:
    subtype = _text(event, "subtype")
    user = _text(event, "user")
    if subtype not in MEMBER_SUBTYPES or event.get("bot_id") or event.get("hidden") or not user:
        log.debug("slack message ignored: subtype=%r bot=%s", subtype, bool(event.get("bot_id")))
        return None
    channel, ts = _need(event, "channel"), _need(event, "ts")
    text = _text(event, "text")
    thread = _text(event, "thread_ts") or None
    posted = MessagePosted(
        platform="slack",
        tenant=ctx.tenant,
        event_id=f"msg:{channel}:{ts}",
        occurred_at=_seconds(ts) or ctx.at,
        chat=channel,
        user=user,
        message_id=ts,
        text=text,
        mentions=tuple(dict.fromkeys(MENTION.findall(text))),
        mentions_bot=addressed,
        files=tuple(_file_info(item) for item in _list(event, "files") if isinstance(item, dict)),
        reply_to=thread if thread != ts else None,
        thread=thread,
        direct=event.get("channel_type") == "im",
    )
    seen = address(posted, ctx.bot_user)
    if seen is None:
        log.debug("slack message ignored: the bot's own")
    return seen


def _app_mention(event: JsonObject, ctx: _Context) -> MessagePosted | None:
    # The same post also arrives as `message` in a channel the bot is in: same id, same event.
    return _message(event, ctx, addressed=True)


def _member_joined(event: JsonObject, ctx: _Context) -> MemberJoined:
    return MemberJoined(
        platform="slack",
        tenant=ctx.tenant,
        event_id=_event_id(ctx),
        occurred_at=_event_time(event, ctx),
        chat=_need(event, "channel"),
        user=_need(event, "user"),
        inviter=_text(event, "inviter") or None,
    )


def _member_left(event: JsonObject, ctx: _Context) -> MemberLeft:
    # Slack does not say who removed the member.
    return MemberLeft(
        platform="slack",
        tenant=ctx.tenant,
        event_id=_event_id(ctx),
        occurred_at=_event_time(event, ctx),
        chat=_need(event, "channel"),
        user=_need(event, "user"),
    )


def _file_shared(event: JsonObject, ctx: _Context) -> FileShared | None:
    user = _need(event, "user_id")
    if user == ctx.bot_user:
        return None
    file_id = _text(event, "file_id") or _text(_obj(event, "file"), "id")
    if not file_id:
        raise _Incomplete("file_id")
    return FileShared(
        platform="slack",
        tenant=ctx.tenant,
        event_id=_event_id(ctx),
        occurred_at=_event_time(event, ctx),
        chat=_text(event, "channel_id"),
        user=user,
        file=FileInfo(file_id=file_id, name=""),
    )


def _user_change(event: JsonObject, ctx: _Context) -> DirectoryChanged:
    person = _obj(event, "user")
    profile = _obj(person, "profile")
    name = person.get("real_name") or profile.get("real_name")
    display_name = profile.get("display_name")
    return DirectoryChanged(
        platform="slack",
        tenant=ctx.tenant,
        event_id=_event_id(ctx),
        occurred_at=_event_time(event, ctx),
        user=_need(person, "id"),
        change="left" if person.get("deleted") is True else "updated",
        name=name if isinstance(name, str) else None,
        display_name=display_name if isinstance(display_name, str) else None,
    )


EVENT_PARSERS: dict[str, EventParser] = {
    "message": _message,
    "app_mention": _app_mention,
    "member_joined_channel": _member_joined,
    "member_left_channel": _member_left,
    "file_shared": _file_shared,
    "user_change": _user_change,
}


def _event_id(ctx: _Context) -> str:
    if not ctx.event_id:
        raise _Incomplete("event_id")
    return ctx.event_id


def _event_time(event: JsonObject, ctx: _Context) -> float:
    return _seconds(event.get("event_ts")) or ctx.at


def _file_info(item: JsonObject) -> FileInfo:
    size = item.get("size")
    return FileInfo(
        file_id=_need(item, "id"),
        name=_text(item, "name") or _text(item, "title"),
        size=size if isinstance(size, int) and not isinstance(size, bool) else None,
        mime_type=_text(item, "mimetype") or None,
    )


# Interactivity ------------------------------------------------------------------------------------


def _block_actions(payload: JsonObject, signed_at: float) -> tuple[CardClicked, ...]:
    tenant, user, trigger = _interaction_origin(payload)
    container = _obj(payload, "container")
    chat = _text(_obj(payload, "channel"), "id") or _text(container, "channel_id")
    card = _text(container, "message_ts") or _text(_obj(payload, "message"), "ts")
    clicks = []
    choices = _choices(_obj(_obj(payload, "state"), "values"))
    for index, action in enumerate(item for item in _list(payload, "actions") if isinstance(item, dict)):
        if _text(action, "action_id").startswith(SELECT_PREFIX):
            continue  # a choice made on the card, read from `state` when its button is pressed
        action_ts = _text(action, "action_ts")
        clicks.append(
            CardClicked(
                platform="slack",
                tenant=tenant,
                event_id=f"click:{trigger}:{action_ts or index}",
                occurred_at=_seconds(action_ts) or signed_at,
                chat=chat,
                user=user,
                action=_need(action, "action_id"),
                value=_text(action, "value") or _text(_obj(action, "selected_option"), "value"),
                card_id=card,
                response_token=_text(payload, "response_url") or None,
                choices=choices,
            )
        )
    return tuple(clicks)


def _choices(values: JsonObject) -> tuple[str, ...]:
    """What the card's selects hold (`state.values`: block id -> action id -> state), as `key=value`."""
    found: list[str] = []
    for block in values.values():
        for action_id, state in block.items() if isinstance(block, dict) else ():
            if not action_id.startswith(SELECT_PREFIX) or not isinstance(state, dict):
                continue
            key = action_id.removeprefix(SELECT_PREFIX)
            options = [*_list(state, "selected_options"), _obj(state, "selected_option")]
            chosen = [_text(o, "value") for o in options if isinstance(o, dict)]
            chosen += [
                u for u in [*_list(state, "selected_users"), state.get("selected_user")] if isinstance(u, str)
            ]
            found += [f"{key}={value}" for value in chosen if value]
    return tuple(found)


def _is_direct(channel_id: str, channel_name: str) -> bool:
    return channel_name == DM_CHANNEL_NAME or channel_id.startswith(DM_ID_PREFIX)


def _message_action(payload: JsonObject, signed_at: float) -> CommandIssued:
    tenant, user, trigger = _interaction_origin(payload)
    channel = _obj(payload, "channel")
    message = _obj(payload, "message")
    return CommandIssued(
        platform="slack",
        tenant=tenant,
        event_id=f"shortcut:{trigger}",
        occurred_at=_seconds(payload.get("action_ts")) or signed_at,
        chat=_text(channel, "id"),
        user=user,
        name=_need(payload, "callback_id"),
        args=(_need(message, "ts"), _text(message, "user")),
        reply_url=_text(payload, "response_url") or None,
        direct=_is_direct(_text(channel, "id"), _text(channel, "name")),
    )


def _interaction_origin(payload: JsonObject) -> tuple[str, str, str]:
    """Tenant, user and trigger id of an interaction: who clicked is Slack's signed word."""
    person = _obj(payload, "user")
    tenant = _text(_obj(payload, "team"), "id") or _text(person, "team_id")
    if not tenant:
        raise _Incomplete("team.id")
    return tenant, _need(person, "id"), _need(payload, "trigger_id")


# Decoding -----------------------------------------------------------------------------------------


def _json_object(raw: bytes, what: str) -> JsonObject:
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise MalformedRequest(f"{what} is not JSON") from None
    if not isinstance(data, dict):
        raise MalformedRequest(f"{what} is not a JSON object")
    return data


def _form(raw: bytes) -> dict[str, str]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedRequest("the form body is not UTF-8") from None
    form: dict[str, str] = {}
    for name, value in parse_qsl(text, keep_blank_values=True):
        form.setdefault(name, value)
    return form


def _signed_at(verified: Verified) -> float:
    """The request's signed timestamp: when Slack sent it, for payloads that carry no time of their own."""
    stamp = verified.context.get("timestamp") or verified.request.header("x-slack-request-timestamp")
    return float(stamp or 0)


def _seconds(value: Any) -> float | None:
    """A Slack timestamp ("1355517523.000005", or an int) as seconds, or None."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    # 0 reads as absent; a negative time is passed on, for ingress to refuse (chalicelib.bounds)
    return seconds if math.isfinite(seconds) and seconds != 0 else None


def _need(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise _Incomplete(key)
    return value


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ""


def _obj(data: Mapping[str, Any], key: str) -> JsonObject:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _list(data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    return value if isinstance(value, list) else []
