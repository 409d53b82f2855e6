"""`SlackMessenger`: the outbound verbs over Slack's Web API (PROTOCOLS.md 3.4), with the bot token.

Every call goes through `ApiClient` (timeouts, retries, `429` with `Retry-After`). Slack answers most
failures with HTTP 200 and `{"ok": false, "error": "<code>"}`; those raise `MessengerError` carrying the
code. Methods that take blocks send JSON, as slack_sdk does; the others send a form.

What a bot token cannot do ([official] method pages for chat.delete and conversations.kick):
- delete a member's message: `chat.delete` with a bot token removes only the bot's own messages. With
  `SLACK_ADMIN_USER_TOKEN` (a workspace admin's or owner's user token) it deletes any message, and only
  then is `DELETE_MESSAGE` declared;
- mute: Slack has no per-member mute at all (see `MUTE_NOTE`).

`Sent.message_id` is the message `ts`; `Sent.token` is `"{channel}:{ts}"`, the `card_ref` that
`update_card` needs when no `response_url` is at hand (a direct message's channel is not the user id).
Worker only: this module pulls in `requests`.
"""

from __future__ import annotations

import hashlib
import logging
import re
from typing import TYPE_CHECKING, Any

from chalicelib.adapters.base import (
    Capabilities,
    Capability,
    CardChoices,
    DirectoryUser,
    GroupInfo,
    NotSupported,
    Sent,
    Target,
)
from chalicelib.adapters.http_client import ApiClient
from chalicelib.adapters.reply_urls import refuse_unless_allowed, reply_urls
from chalicelib.adapters.slack.addressing import address
from chalicelib.adapters.slack.blocks import fallback_text, render
from chalicelib.clock import Clock, SystemClock
from chalicelib.core.cards import Card
from chalicelib.core.events import Event, FileShared, MessagePosted
from chalicelib.core.ids import Platform
from chalicelib.errors import MessengerError
from chalicelib.settings import secret

if TYPE_CHECKING:
    import requests

    from chalicelib.settings import Settings

log = logging.getLogger("qunguan.slack")

# Error codes worth retrying later; every other `ok: false` is final (docs.slack.dev/apis/web-api).
RETRYABLE_ERRORS = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
# Refusals no retry fixes: the platform, not the call, is the limit, so the executor substitutes.
KICK_REFUSED = frozenset({"restricted_action", "cant_kick_from_general"})
DELETE_REFUSED = frozenset({"cant_delete_message"})
USER_MISSING = frozenset({"user_not_found", "user_not_visible"})

MUTE_NOTE = (
    "Slack has no per-member mute; the closest is Enterprise Grid's admin.conversations.setConversationPrefs "
    "(who_can_post), which restricts the whole channel and needs an org admin's user token"
)
DELETE_NOTE = (
    "a bot token deletes only the bot's own messages; set SLACK_ADMIN_USER_TOKEN (a workspace admin's user "
    "token) to delete members' messages"
)
REMOVE_NOTE = (
    "conversations.kick; a workspace preference may forbid it (restricted_action), and never from #general"
)
DM_CACHE_MAX = 1024
CHANNEL_NAME_MAX = 80
MEMBERS_PAGE = 200
MAX_MEMBER_PAGES = 100  # 20 000 members: far beyond any meeting group


def capabilities(*, admin_token: bool) -> Capabilities:
    always = {
        Capability.SEE_ALL_MESSAGES,
        Capability.POST_TO_GROUP,
        Capability.SEND_DIRECT,
        Capability.POST_CARD,
        Capability.REMOVE_MEMBER,
        Capability.RECALL_OWN,
    }
    notes = {Capability.MUTE_MEMBER: MUTE_NOTE, Capability.REMOVE_MEMBER: REMOVE_NOTE}
    if admin_token:
        always.add(Capability.DELETE_MESSAGE)
    else:
        notes[Capability.DELETE_MESSAGE] = DELETE_NOTE
    # Block Kit: selects, multi-selects and the user picker (`multi_users_select`).
    return Capabilities(always=frozenset(always), notes=notes, choices=CardChoices(people=True))


class SlackMessenger:
    platform: Platform = "slack"

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        api: ApiClient | None = None,
        admin_api: ApiClient | None = None,
    ) -> None:
        self._bot_token = secret(settings.slack_bot_token)
        self._admin_token = secret(settings.slack_admin_user_token)
        self._api = api or ApiClient("slack", settings.slack_api_base)
        self._admin_api = admin_api or self._api
        self._reply_urls = reply_urls("slack", settings)  # response_url on hooks.slack.com only
        self._clock = clock or SystemClock()
        self._bot_users: dict[str, str] = {}
        self._dm_channels: dict[str, str] = {}
        self.capabilities = capabilities(admin_token=bool(self._admin_token))

    # Sending -------------------------------------------------------------------------------------

    def post_text(self, target: Target, text: str) -> Sent:
        return self._post(target, {"text": text})

    def send_direct(self, tenant: str, user: str, text: str) -> Sent:
        return self._post(Target(tenant=tenant, user=user), {"text": text})

    def post_card(self, target: Target, card: Card) -> Sent:
        return self._post(target, {"text": fallback_text(card), "blocks": render(card)})

    def update_card(
        self, tenant: str, card_ref: str, card: Card, *, response_token: str | None = None
    ) -> None:
        """By the click's `response_url` (`response_token`), or by `chat.update` of "channel:ts" (the card's
        `Sent.token`, given as `card_ref` or as `response_token`)."""
        content = {"text": fallback_text(card), "blocks": render(card)}
        if response_token and "://" in response_token:
            self._hook(response_token, {**content, "replace_original": True})
            return
        if response_token:
            card_ref = response_token
        channel, _, ts = card_ref.partition(":")
        if not channel or not ts:
            raise MessengerError(
                "slack", "chat.update", "card_ref must be 'channel:ts' when no response_url is given"
            )
        self._call("chat.update", json={"channel": channel, "ts": ts, **content})

    def _post(self, target: Target, content: dict[str, Any]) -> Sent:
        """A reply URL first (ephemeral, as Slack's response_url allows), then an ephemeral message to
        one member of a chat, then the chat (in the thread, if any), then a direct message."""
        if target.reply_url and self._reply_urls.allows(target.reply_url):
            self._hook(target.reply_url, {**content, "response_type": "ephemeral"})
            return Sent()
        if target.reply_url:
            log.warning("slack response_url refused: not https on hooks.slack.com; sending without it")
        thread = {"thread_ts": target.thread} if target.thread else {}
        if target.chat and target.user:
            # An ephemeral message cannot be updated or deleted later, so there is nothing to return.
            self._call(
                "chat.postEphemeral", json={"channel": target.chat, "user": target.user, **thread, **content}
            )
            return Sent()
        if target.chat:
            channel = target.chat
        elif target.user:
            channel = self._dm_channel(target.user)
        else:
            raise MessengerError("slack", "chat.postMessage", "the target names no chat, user or reply_url")
        reply = self._call("chat.postMessage", json={"channel": channel, **thread, **content})
        ts = str(reply.get("ts") or "")
        posted_in = str(reply.get("channel") or channel)
        return Sent(message_id=ts or None, token=f"{posted_in}:{ts}" if ts else None)

    def _dm_channel(self, user: str) -> str:
        if user not in self._dm_channels:
            reply = self._call("conversations.open", data={"users": user})
            channel = reply.get("channel")
            channel_id = channel.get("id") if isinstance(channel, dict) else None
            if not isinstance(channel_id, str) or not channel_id:
                raise MessengerError("slack", "conversations.open", "no channel id in the reply")
            if len(self._dm_channels) >= DM_CACHE_MAX:
                self._dm_channels.clear()
            self._dm_channels[user] = channel_id
        return self._dm_channels[user]

    # Moderating ----------------------------------------------------------------------------------

    def delete_message(self, tenant: str, chat: str, message_id: str) -> None:
        form = {"channel": chat, "ts": message_id}
        if self._admin_token:
            self._call("chat.delete", data=form, admin=True)
            return
        try:  # the bot token suffices for the bot's own messages (RECALL_OWN)
            self._call("chat.delete", data=form)
        except MessengerError as exc:
            if exc.detail in DELETE_REFUSED:
                raise NotSupported(DELETE_NOTE) from exc
            raise

    def remove_member(self, tenant: str, chat: str, user: str) -> None:
        try:
            self._call("conversations.kick", data={"channel": chat, "user": user})
        except MessengerError as exc:
            if exc.detail in KICK_REFUSED:
                raise NotSupported(f"conversations.kick refused: {exc.detail}") from exc
            raise

    def mute_member(self, tenant: str, chat: str, user: str, seconds: int) -> None:
        raise NotSupported(MUTE_NOTE)

    # Directory -----------------------------------------------------------------------------------

    def get_user(self, tenant: str, user: str) -> DirectoryUser | None:
        try:
            reply = self._call("users.info", params={"user": user, "include_locale": "true"}, method="GET")
        except MessengerError as exc:
            if exc.detail in USER_MISSING:
                return None
            raise
        person = reply.get("user")
        if not isinstance(person, dict):
            return None
        profile = person.get("profile")
        if not isinstance(profile, dict):
            profile = {}
        name = person.get("real_name") or profile.get("real_name") or person.get("name") or user
        locale = person.get("locale")
        return DirectoryUser(
            user=str(person.get("id") or user),
            name=str(name),
            display_name=str(profile.get("display_name") or ""),
            active=person.get("deleted") is not True,
            is_bot=person.get("is_bot") is True,
            is_admin=any(person.get(flag) is True for flag in ("is_admin", "is_owner", "is_primary_owner")),
            is_guest=any(
                person.get(flag) is True for flag in ("is_restricted", "is_ultra_restricted", "is_stranger")
            ),
            locale=locale if isinstance(locale, str) and locale else None,
            # `profile.email` needs the `users:read.email` scope; `profile.phone` is whatever the member
            # typed (api.slack.com/methods/users.info).
            email=str(profile.get("email") or ""),
            mobile=str(profile.get("phone") or ""),
        )

    def bot_user_id(self, tenant: str) -> str | None:
        """`auth.test`'s `user_id`: for a bot token, the bot user's id. Asked once per team."""
        if tenant not in self._bot_users:
            user = self._call("auth.test").get("user_id")
            if not isinstance(user, str) or not user:
                return None
            self._bot_users[tenant] = user
        return self._bot_users[tenant]

    def addressed(self, event: Event) -> Event | None:
        """An envelope whose authorization is not the bot's (`is_bot: false`) leaves the bot unknown at
        ingress; here it is known from `auth.test`. If Slack cannot say, the event stays as it is: the
        bot's own posts carry a `bot_id` and were already dropped at ingress."""
        if not isinstance(event, MessagePosted | FileShared):
            return event
        try:
            bot = self.bot_user_id(event.tenant)
        except MessengerError as exc:
            log.warning("slack auth.test failed, the bot's mentions stay unmarked: %s", exc.detail)
            return event
        if isinstance(event, FileShared):
            return None if bot and event.user == bot else event
        return address(event, bot)

    # Groups --------------------------------------------------------------------------------------

    def group_info(self, tenant: str, chat: str) -> GroupInfo | None:
        """`conversations.info`: the channel's name and its creator (Slack has no channel admins of its
        own; the workspace's admins are `org_admins`). None for a channel Slack will not show the bot."""
        try:
            reply = self._call("conversations.info", params={"channel": chat}, method="GET")
        except MessengerError as exc:
            if exc.retryable:
                raise
            log.info("no conversations.info for %s: %s", chat, exc.detail)
            return None
        channel = reply.get("channel")
        if not isinstance(channel, dict):
            return None
        creator = str(channel.get("creator") or "") or None
        return GroupInfo(
            chat=chat,
            name=str(channel.get("name") or ""),
            owner=creator,
            admins=(creator,) if creator else (),
        )

    def org_admins(self, tenant: str) -> tuple[str, ...]:
        """The workspace's admins and owners, from `users.list` page after page (cursor pagination),
        without deactivated accounts and bots."""
        admins: list[str] = []
        cursor = ""
        for _ in range(MAX_MEMBER_PAGES):
            params = {"limit": str(MEMBERS_PAGE)}
            if cursor:
                params["cursor"] = cursor
            reply = self._call("users.list", params=params, method="GET")
            for person in reply.get("members") or []:
                if not isinstance(person, dict) or person.get("deleted") or person.get("is_bot"):
                    continue
                if any(person.get(flag) is True for flag in ("is_admin", "is_owner", "is_primary_owner")):
                    admins.append(str(person.get("id") or ""))
            metadata = reply.get("response_metadata")
            cursor = str(metadata.get("next_cursor") or "") if isinstance(metadata, dict) else ""
            if not cursor:
                break
        return tuple(dict.fromkeys(admin for admin in admins if admin))

    def list_members(self, tenant: str, chat: str) -> tuple[str, ...]:
        """`conversations.members`, page after page (cursor pagination, 200 a page as Slack advises)."""
        members: list[str] = []
        cursor = ""
        for _ in range(MAX_MEMBER_PAGES):
            params = {"channel": chat, "limit": str(MEMBERS_PAGE)}
            if cursor:
                params["cursor"] = cursor
            reply = self._call("conversations.members", params=params, method="GET")
            members.extend(str(member) for member in reply.get("members") or [] if member)
            metadata = reply.get("response_metadata")
            cursor = str(metadata.get("next_cursor") or "") if isinstance(metadata, dict) else ""
            if not cursor:
                break
        return tuple(dict.fromkeys(members))

    def create_group(self, tenant: str, name: str, owner: str, members: tuple[str, ...]) -> str:
        """A private channel (`conversations.create`), then `conversations.invite` for the owner and the
        members. The group's name becomes a channel name Slack accepts (`channel_name`)."""
        reply = self._call("conversations.create", json={"name": channel_name(name), "is_private": True})
        channel = reply.get("channel")
        chat = channel.get("id") if isinstance(channel, dict) else None
        if not isinstance(chat, str) or not chat:
            raise MessengerError("slack", "conversations.create", "no channel id in the reply")
        invitees = [user for user in dict.fromkeys((owner, *members)) if user]
        if invitees:
            self._call("conversations.invite", json={"channel": chat, "users": ",".join(invitees)})
        return chat

    # Images and recalls --------------------------------------------------------------------------

    def post_image(self, target: Target, png: bytes, name: str, caption: str = "") -> Sent:
        """Slack's upload in three steps (files.upload is retired): `files.getUploadURLExternal` for a
        one-off upload URL, the bytes posted there, then `files.completeUploadExternal` shares the file
        in the channel (a user's DM channel for a direct target) with the caption as its comment."""
        channel = target.chat or (self._dm_channel(target.user) if target.user else "")
        if not channel:
            raise MessengerError("slack", "files.completeUploadExternal", "the target names no chat or user")
        ticket = self._call("files.getUploadURLExternal", data={"filename": name, "length": str(len(png))})
        upload_url, file_id = ticket.get("upload_url"), ticket.get("file_id")
        if not isinstance(upload_url, str) or not isinstance(file_id, str):
            raise MessengerError(
                "slack", "files.getUploadURLExternal", "no upload_url or file_id in the reply"
            )
        response = self._api.request("POST", upload_url, files={"file": (name, png, "image/png")})
        if response.status_code != 200:
            raise MessengerError(
                "slack", "file upload", f"HTTP {response.status_code}", retryable=response.status_code >= 500
            )
        shared: dict[str, Any] = {"files": [{"id": file_id, "title": caption or name}], "channel_id": channel}
        if caption:
            shared["initial_comment"] = caption
        if target.thread:
            shared["thread_ts"] = target.thread
        self._call("files.completeUploadExternal", json=shared)
        return Sent(message_id=file_id)

    def permalink(self, tenant: str, chat: str, message_id: str) -> str | None:
        """`chat.getPermalink` (bot token): the message's link, or None if Slack will not give one."""
        try:
            reply = self._call("chat.getPermalink", data={"channel": chat, "message_ts": message_id})
        except MessengerError as exc:
            log.info("no permalink for a message in %s: %s", chat, exc.detail)
            return None
        link = reply.get("permalink")
        return str(link) if isinstance(link, str) and link.startswith("https://") else None

    def recall_own(self, tenant: str, chat: str, message_id: str, *, token: str | None = None) -> None:
        """`chat.delete` with the bot token, which deletes the bot's own messages (`token` is the
        "channel:ts" of `Sent.token`, which also covers a DM)."""
        channel, _, ts = (token or "").partition(":")
        form = {"channel": channel or chat, "ts": ts or message_id}
        try:
            self._call("chat.delete", data=form)
        except MessengerError as exc:
            if exc.detail in DELETE_REFUSED:
                raise NotSupported("Slack refused to delete the bot's message") from exc
            raise

    # Wire ----------------------------------------------------------------------------------------

    def _call(
        self,
        name: str,
        *,
        json: dict[str, Any] | None = None,
        data: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
        method: str = "POST",
        admin: bool = False,
    ) -> dict[str, Any]:
        """Call a Web API method; return its reply, or raise `MessengerError` with Slack's error code."""
        api, token = (self._admin_api, self._admin_token) if admin else (self._api, self._bot_token)
        headers = {"Authorization": f"Bearer {token}"}
        if json is not None:
            headers["Content-Type"] = "application/json; charset=utf-8"
        response = api.request(method, name, json=json, data=data, params=params, headers=headers)
        return _judge(name, response)

    def _hook(self, url: str, body: dict[str, Any]) -> None:
        """POST to a response_url: it needs no token, and being a URL from a payload, must not get one;
        only to hooks.slack.com (`chalicelib.adapters.reply_urls`)."""
        refuse_unless_allowed(self._reply_urls, url, method="response_url")
        response = self._api.request("POST", url, json=body)
        if response.status_code != 200:
            raise MessengerError("slack", "response_url", f"HTTP {response.status_code}", retryable=False)
        try:
            reply = response.json()
        except ValueError:  # Slack may answer a plain "ok"
            return
        if isinstance(reply, dict) and reply.get("ok") is False:
            raise MessengerError("slack", "response_url", str(reply.get("error") or "unknown_error"))


def _judge(name: str, response: requests.Response) -> dict[str, Any]:
    if response.status_code != 200:
        raise MessengerError(
            "slack", name, f"HTTP {response.status_code}", retryable=response.status_code >= 500
        )
    try:
        reply = response.json()
    except ValueError:
        raise MessengerError("slack", name, "the reply is not JSON") from None
    if not isinstance(reply, dict):
        raise MessengerError("slack", name, "the reply is not a JSON object")
    if reply.get("ok") is not True:
        error = str(reply.get("error") or "unknown_error")
        raise MessengerError("slack", name, error, retryable=error in RETRYABLE_ERRORS)
    return reply


def channel_name(name: str) -> str:
    """A name `conversations.create` accepts: lower-case letters, digits, `-` and `_` only, at most 80
    characters (docs.slack.dev/reference/methods/conversations.create: "Channel names may only contain
    lowercase letters, numbers, hyphens, and underscores, and must be 80 characters or less").

    Any run of other characters becomes one `-`. Slack has no room for Chinese in a channel name, so a
    name that loses letters of another script gets a short digest of the whole name: `项目周会` and
    `项目例会` stay two channels instead of colliding on `name_taken`."""
    cleaned = re.sub(r"[^a-z0-9_-]+", "-", name.strip().lower()).strip("-_")
    cleaned = re.sub(r"-{2,}", "-", cleaned)
    if not any(char.isalnum() and not char.isascii() for char in name):
        return cleaned[:CHANNEL_NAME_MAX].rstrip("-_") or "qunguan-group"
    digest = hashlib.sha256(name.strip().encode()).hexdigest()[:6]
    head = cleaned[: CHANNEL_NAME_MAX - len(digest) - 1].rstrip("-_")
    return f"{head}-{digest}" if head else f"qg-{digest}"


def messenger(settings: Settings, clock: Clock) -> SlackMessenger:
    return SlackMessenger(settings, clock=clock)
