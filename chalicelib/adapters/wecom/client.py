"""The WeCom self-built app's API (`https://qyapi.weixin.qq.com/cgi-bin`, PROTOCOLS.md 1.7) as a `Messenger`.

- Token: `GET gettoken?corpid&corpsecret`, cached for its 7200 s (doc path/91039: calling gettoken too
  often is throttled). WeCom may revoke a token early, so errcode 40014/42001/40001 drops it and the call
  is retried once with a fresh one. Any other errcode but 0 is a `MessengerError`.
- Where things go: a group only if this app created it (`appchat/send`, doc path/90248); a person through
  `message/send` with the agent id (path/90236); the AI bot's reply through its one-shot `response_url`
  (markdown or template_card, path/101138). Cards go to people, never to `appchat` (no template_card there).
- What WeCom cannot do is declared in `CAPABILITIES` and raises `NotSupported`: deleting others' messages,
  muting, and seeing group messages at all (the AI bot hears only @-mentions).

Single-tenant: one corp per deployment, so the `tenant` arguments are the configured corp id and unused.
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import replace
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
from chalicelib.adapters.http_client import ApiClient, TokenCache
from chalicelib.adapters.reply_urls import refuse_unless_allowed, reply_urls
from chalicelib.adapters.wecom.cards import MAX_SELECTS, TASK_ID, template_card
from chalicelib.clock import Clock, SystemClock
from chalicelib.core.cards import Card
from chalicelib.core.events import Event
from chalicelib.core.ids import Platform
from chalicelib.errors import CardUpdateRefused, MessengerError

if TYPE_CHECKING:
    import requests

    from chalicelib.settings import Settings

# Covers the queue's redeliveries (visibility 720 s, infra/data.py); a later replay relies on the outbox.
DUPLICATE_CHECK_SECONDS = 1800

log = logging.getLogger(__name__)

TOKEN_LIFETIME = 7200.0
# 40001 invalid credential, 40014 invalid access_token, 42001 access_token expired (doc path/90313).
TOKEN_ERRORS = frozenset({40001, 40014, 42001})
# -1 system busy, 45009 API rate limit, 45033 too many concurrent calls: worth a later retry.
RETRYABLE_ERRORS = frozenset({-1, 45009, 45033})
# 46004 user does not exist, 60111 userid not found.
NO_SUCH_USER = frozenset({46004, 60111})
# Not a group this call can describe: 86003 not created by this app (appchat/get), 40050 no such customer
# group, 48002 API forbidden, 60011 no privilege, 701008 not a customer-contact member (groupchat/get).
NOT_DESCRIBED = frozenset({86003, 40050, 48002, 60011, 701008})
APPCHAT_MIN_MEMBERS = 2  # appchat/create: userlist of 2 to 2000
# message/update_template_card refuses a response_code it will not take (doc path/94888: one call, within
# 72 h): 42022 "code已经被使用过。只能使用一次" for a used one (the global errcode list, path/90313); the doc
# names no errcode of its own for an expired or unknown code, so 40058 "不合法的参数" counts too: the code is
# the one parameter of that call that changes from call to call. Either way the card cannot be updated.
RESPONSE_CODE_REFUSED = frozenset({42022, 40058})
USER_ACTIVE = 1  # user/get status: 1 active, 2 disabled, 4 not yet activated, 5 left the company

CAPABILITIES = Capabilities(
    always=frozenset({Capability.SEND_DIRECT, Capability.POST_CARD, Capability.RECALL_OWN}),
    in_app_groups=frozenset({Capability.POST_TO_GROUP, Capability.REMOVE_MEMBER}),
    notes={
        Capability.SEE_ALL_MESSAGES: (
            "The self-built app receives no group messages and the AI bot only @-mentions; every message "
            "is available only through the paid message archive (会话内容存档): set WECOM_ARCHIVE_SECRET, "
            "WECOM_ARCHIVE_PRIVATE_KEYS and WECOM_FINANCE_SDK_PATH."
        ),
        Capability.POST_TO_GROUP: "appchat/send reaches only groups this app created.",
        Capability.REMOVE_MEMBER: "appchat/update del_user_list works only in groups this app created.",
        Capability.DELETE_MESSAGE: (
            "No API deletes another member's message; message/recall withdraws only the app's own "
            "message/send messages, within 24 h."
        ),
        Capability.MUTE_MEMBER: "WeCom has no API to mute a member.",
        Capability.POST_CARD: (
            "template_card goes to people (message/send) or to the AI bot's reply URL, never to a group."
        ),
        Capability.RECALL_OWN: "message/recall: the app's own message/send messages, within 24 h.",
    },
    # multiple_interaction (path/90236): at most 3 single-choice selects, no user picker.
    choices=CardChoices(max_selects=MAX_SELECTS, multiple=False, people=False),
    # update_template_card: "一个code只能调用一次该接口" (path/94945).
    card_updates="once",
)


# With the message archive switched on, every message of the members in scope is pulled and moderated.
ARCHIVE_CAPABILITIES = replace(
    CAPABILITIES,
    always=CAPABILITIES.always | {Capability.SEE_ALL_MESSAGES},
    notes={
        **CAPABILITIES.notes,
        Capability.SEE_ALL_MESSAGES: (
            "Through the message archive (会话内容存档, the company's licence): every message of the "
            "members in its scope, pulled after each msgaudit_notify and every few minutes."
        ),
    },
)


class WeComMessenger:
    platform: Platform = "wecom"
    capabilities: Capabilities = CAPABILITIES

    def __init__(
        self, settings: Settings, *, clock: Clock | None = None, api: ApiClient | None = None
    ) -> None:
        self._api = api or ApiClient("wecom", settings.wecom_api_base)
        self._corp_id = settings.wecom_corp_id or ""
        self._secret = settings.wecom_secret
        self._agent_id = settings.wecom_agent_id or ""
        self._reply_urls = reply_urls("wecom", settings)  # the AI bot's response_url on qyapi only
        self.tokens = TokenCache(self._fetch_token, clock=clock or SystemClock())
        if settings.wecom_archive_enabled:
            self.capabilities = ARCHIVE_CAPABILITIES

    # Messenger verbs -----------------------------------------------------------------------------
    def post_text(self, target: Target, text: str) -> Sent:
        if target.reply_url and self._usable(target.reply_url):
            self._post_reply_url(target.reply_url, {"msgtype": "markdown", "markdown": {"content": text}})
            return Sent()
        if target.chat:
            self._call(
                "POST", "appchat/send", {"chatid": target.chat, "msgtype": "text", "text": {"content": text}}
            )
            return Sent()
        if target.user:
            return self.send_direct(target.tenant, target.user, text)
        raise ValueError("a WeCom target needs a reply_url, a chat or a user")

    def send_direct(self, tenant: str, user: str, text: str) -> Sent:
        return self._send_to_user(user, {"msgtype": "text", "text": {"content": text}})

    def post_card(self, target: Target, card: Card) -> Sent:
        if not card.buttons:  # button_list is required (path/90236): the executor sends its text instead
            raise NotSupported("A WeCom template card needs 1 to 6 buttons; this card has none.")
        # WeCom wants a task id unique per app and send, of [A-Za-z0-9_@-]: derive one from the card's.
        rendered = template_card(card, task_id=task_id_for(card.card_id))
        if target.reply_url and self._usable(target.reply_url):
            self._post_reply_url(target.reply_url, {"msgtype": "template_card", "template_card": rendered})
            return Sent()
        if target.user:
            sent = self._send_to_user(target.user, {"msgtype": "template_card", "template_card": rendered})
            # The token names the card's task id with its response_code: an update by the code alone
            # replaces the card under the task id it was sent with.
            token = f"{rendered['task_id']}{TASK_SEPARATOR}{sent.token}" if sent.token else None
            return replace(sent, token=token)
        raise NotSupported("WeCom cannot post a template card to a group; send it to a person")

    def update_card(
        self, tenant: str, card_ref: str, card: Card, *, response_token: str | None = None
    ) -> None:
        """Answer a clicked card. `response_token` is what the click (or the send) gave:

        - a self-built app card: the ResponseCode of the click, or the send's token (`task_id|code`:
          the card is replaced under the task id it was sent with); each code is good for one call of
          `message/update_template_card` within 72 h (doc path/94888). With buttons, the whole card is
          replaced; without, the buttons give way to a label (`replace_name`: the footer, else the title).
          A code WeCom refuses (`RESPONSE_CODE_REFUSED`) raises `CardUpdateRefused`: the card cannot be
          updated any more, and the executor tells its recipient by message instead.
        - an AI bot card: the click's `response_url` (path/101138: one call, within an hour). The AI bot
          replaces a card in place only through the passive `update_template_card` reply, which must be
          the callback's own answer (path/101031), given before the worker has decided anything; so the
          decision is posted through the response_url instead: the new card, or for a card that has no
          buttons left, its text as markdown. The doc names no errcode for a response_url used already or
          past its hour; its response_code is the one parameter that changes, so a `RESPONSE_CODE_REFUSED`
          answer raises `CardUpdateRefused` too: the URL serves no retry, and the executor tells who
          clicked by the app's own message instead (a failure of its own where the app cannot send).
        """
        if not response_token:
            raise MessengerError("wecom", "update_template_card", "a response code is required")
        if "://" in response_token:
            answer = self._post_reply_url(response_token, _reply_for(card), tolerate=RESPONSE_CODE_REFUSED)
            _refuse_card_update(answer, "response_url")
            return
        sent_task, separator, code = response_token.partition(TASK_SEPARATOR)
        if not separator:  # a click's ResponseCode, or a token stored before tokens named the task
            sent_task, code = "", response_token
        body: dict[str, Any] = {"atall": 1, "agentid": self._agent(), "response_code": code}
        if card.buttons:
            # The card's task id: the one it was sent with, else the one a click names (`card_ref`).
            named = card_ref if card_ref != response_token and TASK_ID.fullmatch(card_ref or "") else ""
            task = sent_task or named or task_id_for(card.card_id)
            body["template_card"] = template_card(card, task_id=task)
        else:
            body["button"] = {"replace_name": card.footer or card.title}
        data = self._call("POST", "message/update_template_card", body, tolerate=RESPONSE_CODE_REFUSED)
        _refuse_card_update(data, "update_template_card")

    def delete_message(self, tenant: str, chat: str, message_id: str) -> None:
        raise NotSupported(CAPABILITIES.notes[Capability.DELETE_MESSAGE])

    def remove_member(self, tenant: str, chat: str, user: str) -> None:
        self._call("POST", "appchat/update", {"chatid": chat, "del_user_list": [user]})

    def mute_member(self, tenant: str, chat: str, user: str, seconds: int) -> None:
        raise NotSupported(CAPABILITIES.notes[Capability.MUTE_MEMBER])

    def get_user(self, tenant: str, user: str) -> DirectoryUser | None:
        data = self._call("GET", "user/get", params={"userid": user}, tolerate=NO_SUCH_USER)
        if data.get("errcode", 0) in NO_SUCH_USER:
            return None
        # Apps created after 2022-06-20 no longer get `name`; the user id stands in for it.
        departments = data.get("department")
        return DirectoryUser(
            user=str(data.get("userid") or user),
            name=str(data.get("name") or user),
            display_name=str(data.get("alias") or data.get("english_name") or ""),
            active=data.get("status", USER_ACTIVE) == USER_ACTIVE,
            departments=tuple(str(d) for d in departments) if isinstance(departments, list) else (),
            # `biz_mail` is the company mailbox, `email` the one on the profile; since 2022-06-20 WeCom
            # gives both, and `mobile`, only to apps the company allows to read them (doc path/90196).
            email=str(data.get("biz_mail") or data.get("email") or ""),
            mobile=str(data.get("mobile") or ""),
        )

    def bot_user_id(self, tenant: str) -> str | None:
        return None  # the app has no member id of its own in WeCom chats

    def addressed(self, event: Event) -> Event | None:
        return event  # callbacks say whether the bot was @-mentioned, and never carry its own posts

    def list_members(self, tenant: str, chat: str) -> tuple[str, ...]:
        """`appchat/get` (doc path/98914): only groups this app created list their members."""
        data = self._call("GET", "appchat/get", params={"chatid": chat})
        info = data.get("chat_info")
        users = info.get("userlist") if isinstance(info, dict) else None
        return tuple(dict.fromkeys(str(user) for user in users or [] if user))

    def group_info(self, tenant: str, chat: str) -> GroupInfo | None:
        """A group this app created: `appchat/get` (doc path/98914: name, owner, userlist). Else a customer
        group: `externalcontact/groupchat/get` with `need_name` (doc path/92707: name, owner, admin_list,
        member_list with each member's `name`). None for any other. Both give an empty name for a group
        nobody named (`appchat/create` takes no name, path/90245): its members are listed with it."""
        data = self._call("GET", "appchat/get", params={"chatid": chat}, tolerate=NOT_DESCRIBED)
        info = data.get("chat_info")
        if data.get("errcode", 0) == 0 and isinstance(info, dict):
            owner = str(info.get("owner") or "") or None
            users = tuple(dict.fromkeys(str(user) for user in info.get("userlist") or [] if user))
            members = tuple((user, "") for user in users)
            return GroupInfo(chat, str(info.get("name") or ""), owner, (owner,) if owner else (), members)
        data = self._call(
            "POST",
            "externalcontact/groupchat/get",
            {"chat_id": chat, "need_name": 1},
            tolerate=NOT_DESCRIBED,
        )
        found = data.get("group_chat")
        if data.get("errcode", 0) != 0 or not isinstance(found, dict):
            return None
        owner = str(found.get("owner") or "") or None
        listed = found.get("admin_list")
        admins = [str(a.get("userid") or "") for a in listed or [] if isinstance(a, dict)]
        every = tuple(dict.fromkeys(a for a in (owner or "", *admins) if a))
        return GroupInfo(chat, str(found.get("name") or ""), owner, every, _named(found.get("member_list")))

    def org_admins(self, tenant: str) -> tuple[str, ...]:
        """`agent/get_admin_list` (doc path/101054): the members who administer this app in the admin
        console, the nearest WeCom has to "the company's admins" for a self-built app."""
        data = self._call("POST", "agent/get_admin_list", {"agentid": self._agent()})
        listed = data.get("admin")
        return tuple(
            dict.fromkeys(
                str(a.get("userid")) for a in listed or [] if isinstance(a, dict) and a.get("userid")
            )
        )

    def create_group(self, tenant: str, name: str, owner: str, members: tuple[str, ...]) -> str:
        """`appchat/create` (doc path/90245): 2 to 2000 members including the owner; the app may then
        post to and remove members from it. Changes made through the API raise no callbacks."""
        users = list(dict.fromkeys((owner, *members)))
        if len(users) < APPCHAT_MIN_MEMBERS:
            raise MessengerError("wecom", "appchat/create", "a WeCom group needs at least 2 members")
        data = self._call("POST", "appchat/create", {"name": name[:50], "owner": owner, "userlist": users})
        chat = data.get("chatid")
        if not isinstance(chat, str) or not chat:
            raise MessengerError("wecom", "appchat/create", "no chatid in the answer")
        return chat

    # Beyond the protocol -------------------------------------------------------------------------
    def recall(self, message_id: str) -> None:
        """Withdraw one of the app's own message/send messages (within 24 h; doc path/94867)."""
        self._call("POST", "message/recall", {"msgid": message_id})

    def post_image(self, target: Target, png: bytes, name: str, caption: str = "") -> Sent:
        """`media/upload` (type image, doc path/90253) for a media id, then an image message: to a person
        through `message/send`, or to a group this app created through `appchat/send`. WeCom shows no
        caption on an image, so a caption follows as text. The AI bot's reply URL takes no images."""
        media_id = self._upload_image(name, png)
        message = {"msgtype": "image", "image": {"media_id": media_id}}
        if target.user:
            sent = self._send_to_user(target.user, message)
        elif target.chat:
            self._call("POST", "appchat/send", {"chatid": target.chat, **message})
            sent = Sent()
        else:
            raise NotSupported("WeCom cannot send an image through the AI bot's reply URL")
        if caption:
            self.post_text(Target(tenant=target.tenant, chat=target.chat, user=target.user), caption)
        return sent

    def permalink(self, tenant: str, chat: str, message_id: str) -> str | None:
        return None  # the platform has no link to a group message

    def recall_own(self, tenant: str, chat: str, message_id: str, *, token: str | None = None) -> None:
        """`message/recall`: the app's own `message/send` messages of the last 24 h. Group messages sent
        through `appchat/send` get no message id and cannot be recalled."""
        if not message_id:
            raise NotSupported("WeCom recalls only message/send messages, which carry a msgid")
        self.recall(message_id)

    def _upload_image(self, name: str, png: bytes) -> str:
        for attempt in (1, 2):
            params = {"access_token": self.tokens.get(), "type": "image"}
            response = self._api.request(
                "POST", "media/upload", params=params, files={"media": (name, png, "image/png")}
            )
            data = _answer(response, "media/upload")
            if data.get("errcode", 0) in TOKEN_ERRORS and attempt == 1:
                self.tokens.invalidate()
                continue
            _check(data, "media/upload")
            media_id = data.get("media_id")
            if not isinstance(media_id, str) or not media_id:
                raise MessengerError("wecom", "media/upload", "no media_id in the answer")
            return media_id
        raise AssertionError("unreachable")  # pragma: no cover

    # Plumbing ------------------------------------------------------------------------------------
    def _send_to_user(self, user: str, message: dict[str, Any]) -> Sent:
        # WeCom's own dedupe as a second guard behind the outbox (doc path/90236: `enable_duplicate_check`,
        # `duplicate_check_interval` in seconds, 1800 by default, at most 4 h): the same message to the same
        # person within the interval is not shown twice, e.g. after a send whose answer was lost.
        body = {
            "touser": user,
            "agentid": self._agent(),
            **message,
            "enable_duplicate_check": 1,
            "duplicate_check_interval": DUPLICATE_CHECK_SECONDS,
        }
        data = self._call("POST", "message/send", body)
        return Sent(message_id=_optional(data.get("msgid")), token=_optional(data.get("response_code")))

    def _agent(self) -> int:
        try:
            return int(self._agent_id)
        except ValueError:
            raise MessengerError("wecom", "agentid", "WECOM_AGENT_ID is not set to a number") from None

    def _call(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        params: dict[str, str] | None = None,
        tolerate: frozenset[int] = frozenset(),
    ) -> dict[str, Any]:
        """Call with the cached token; a revoked token is refetched and the call retried once. An errcode
        in `tolerate` is returned for the caller to judge; any other but 0 raises `MessengerError`."""
        for attempt in (1, 2):
            token = self.tokens.get()
            response = self._api.request(
                method, path, params={**(params or {}), "access_token": token}, json=body
            )
            data = _answer(response, path)
            code = data.get("errcode", 0)
            if code in TOKEN_ERRORS and attempt == 1:
                log.info("wecom %s: token refused (errcode %s), refetching", path, code)
                self.tokens.invalidate()
                continue
            if code not in tolerate:
                _check(data, path)
            return data
        raise AssertionError("unreachable")  # pragma: no cover

    def _fetch_token(self) -> tuple[str, float]:
        if not (self._corp_id and self._secret):
            raise MessengerError("wecom", "gettoken", "WECOM_CORP_ID and WECOM_SECRET are not set")
        params = {"corpid": self._corp_id, "corpsecret": self._secret.get_secret_value()}
        data = _answer(self._api.request("GET", "gettoken", params=params), "gettoken")
        _check(data, "gettoken")
        token = data.get("access_token")
        if not isinstance(token, str) or not token:
            raise MessengerError("wecom", "gettoken", "no access_token in the answer")
        lifetime = data.get("expires_in")
        return token, float(lifetime) if isinstance(lifetime, int | float) else TOKEN_LIFETIME

    def _usable(self, url: str) -> bool:
        if self._reply_urls.allows(url):
            return True
        log.warning("wecom response_url refused: not https on qyapi.weixin.qq.com; sending without it")
        return False

    def _post_reply_url(
        self, url: str, message: dict[str, Any], *, tolerate: frozenset[int] = frozenset()
    ) -> dict[str, Any]:
        # The AI bot's response_url is usable once and for 1 h; it needs no token.
        refuse_unless_allowed(self._reply_urls, url, method="response_url")
        data = _answer(self._api.request("POST", url, json=message), "response_url")
        if data.get("errcode", 0) not in tolerate:
            _check(data, "response_url")
        return data


def _answer(response: requests.Response, method: str) -> dict[str, Any]:
    if response.status_code != 200:
        raise MessengerError("wecom", method, f"HTTP {response.status_code}")
    try:
        data = response.json()
    except ValueError:
        raise MessengerError("wecom", method, "the answer is not JSON") from None
    if not isinstance(data, dict):
        raise MessengerError("wecom", method, "the answer is not a JSON object")
    return data


def _check(data: dict[str, Any], method: str) -> None:
    code = data.get("errcode", 0)
    if code != 0:
        detail = f"errcode {code} {str(data.get('errmsg', ''))[:200]}"
        raise MessengerError("wecom", method, detail, retryable=code in RETRYABLE_ERRORS)


def _refuse_card_update(data: dict[str, Any], method: str) -> None:
    """A response code WeCom would not take (`RESPONSE_CODE_REFUSED`, tolerated by the call) is a card
    that cannot be updated any more."""
    code = data.get("errcode", 0)
    if code:
        detail = f"errcode {code} {str(data.get('errmsg', ''))[:200]}"
        raise CardUpdateRefused("wecom", method, detail)


def _optional(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def _reply_for(card: Card) -> dict[str, Any]:
    """What an AI bot response_url carries for a card: the card while it has buttons, else its text."""
    if card.buttons:
        return {
            "msgtype": "template_card",
            "template_card": template_card(card, task_id=task_id_for(card.card_id)),
        }
    lines = [
        f"**{card.title}**",
        card.body,
        *(f"{name}: {value}" for name, value in card.fields),
        card.footer,
    ]
    return {"msgtype": "markdown", "markdown": {"content": "\n".join(line for line in lines if line)}}


TASK_SEPARATOR = "|"  # never in a task id ([A-Za-z0-9_@-]); a card's token is "task_id|response_code"


def task_id_for(card_id: str) -> str:
    """A WeCom task id for one send of a card: its id made safe, and a suffix that keeps each send unique
    (the same card goes to several admins, each as its own task)."""
    safe = re.sub(r"[^A-Za-z0-9_@-]", "_", card_id)[:100] or "card"
    return f"{safe}-{secrets.token_hex(4)}"


def messenger(settings: Settings, clock: Clock) -> WeComMessenger:
    return WeComMessenger(settings, clock=clock)


def _userids(listed: Any) -> tuple[str, ...]:
    """The `userid`s of a list of objects, once each, in order."""
    found = [str(a["userid"]) for a in listed or [] if isinstance(a, dict) and a.get("userid")]
    return tuple(dict.fromkeys(found))


def _named(listed: Any) -> tuple[tuple[str, str], ...]:
    """(userid, name) of a customer group's `member_list`: the name WeCom gives with `need_name` (a WeChat
    user's own name, a member's alias or real name), else their nickname in the group, else ""."""
    found = {
        str(m["userid"]): str(m.get("name") or m.get("group_nickname") or "")
        for m in listed or []
        if isinstance(m, dict) and m.get("userid")
    }
    return tuple(found.items())
