"""A fake of WeCom's `cgi-bin` API, under `/wecom/cgi-bin/` on the recording server.

It refuses what WeCom refuses, in WeCom's shape (HTTP 200, `errcode` != 0), where a mistake would
otherwise only show on a live tenant:

- every call but `gettoken` needs a token that `gettoken` issued and that has not been revoked (42001 for
  a revoked one, 40014 for one never issued); `message/send` needs `touser`, a numeric `agentid` and
  `msgtype`, and a card needs a `task_id` and unique button keys of at most 1024 bytes;
- `message/update_template_card` takes a `response_code` this fake issued (to a card `message/send`, or
  to a click through `click_response_code`), once, within 72 hours (doc path/94888);
- the AI bot's `response_url` (`aibot_response_url`, served at `/wecom/cgi-bin/aibot/response`) takes one
  call, within an hour (doc path/101138);
- `appchat/send`, `appchat/update` and `appchat/get` know only the groups `appchat/create` made (or that a
  test declared made earlier with `add_appchat`): any other chat id is 86003, as WeCom answers for a
  group the app did not create.

A response code used already is refused with 42022, WeCom's "code已经被使用过。只能使用一次" (the global
errcode list, doc path/90313); for one past its 72 hours, or never issued, WeCom documents no errcode of
its own, and the fake answers 40058 (an invalid parameter). Each message says which rule was broken.

- `POST /wecom/_click_response_code` (or `click_response_code(fake.url)`) issues a click's ResponseCode
  for a test that sends the click from another process.
- `POST /wecom/_expire_tokens` (or `expire_tokens(fake)`) revokes every token issued so far, as WeCom
  does when it invalidates tokens early; the next call answers 42001.
- `externalcontact/groupchat/get` (customer groups) is served by `local.fakes.wecom_archive` (`set_room`).
- `agent/get_admin_list` lists the app's admins, `APP_ADMINS`.
- `user/get`: any user id exists (name = the id, department [1], status 1) except ids starting with
  `unknown` (errcode 60111) or `left` (status 5, left the company); `biz_mail` and `mobile` where
  `fake.contacts["wecom:<id>"]` gives them.

`FakeWeCom.methods` maps each `cgi-bin` path to its handler, so a feature that calls a new API adds one
line and one handler. `now` is the fake's clock (`time.time` unless a test sets it).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from local.fakes.server import Answer, Call
from local.fakes.wecom_cards import template_card_errors

if TYPE_CHECKING:
    from local.fakes.server import FakeMessengers

PREFIX = "/wecom/cgi-bin/"
APP_ADMINS = ("wecomappadmin",)
EXPIRE_PATH = "/wecom/_expire_tokens"
CLICK_CODE_PATH = "/wecom/_click_response_code"
RESPONSE_CODE_LIFETIME = 72 * 3600  # message/update_template_card: "只能在72小时内调用"
RESPONSE_URL_LIFETIME = 3600  # the AI bot's response_url: "有效期为 1 个小时"
INVALID_PARAMETER = 40058
CODE_USED = 42022  # "code已经被使用过。只能使用一次"
NOT_APP_CHAT = 86003

ALREADY_USED = "was already used"

Body = dict[str, Any]
Handler = Callable[[Call], Answer]


def _ok(**extra: Any) -> Answer:
    return Answer(body={"errcode": 0, "errmsg": "ok", **extra})


def _error(code: int, message: str) -> Answer:
    return Answer(body={"errcode": code, "errmsg": message})


def _body(call: Call) -> Body:
    return call.body if isinstance(call.body, dict) else {}


@dataclass
class _OneShot:
    """Codes that may be used once, before they expire."""

    lifetime: float
    issued: dict[str, float] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)

    def issue(self, code: str, at: float) -> str:
        self.issued[code] = at
        return code

    def refusal(self, code: str, now: float) -> str | None:
        """Why `code` cannot be used now (and marks it used when it can)."""
        if code not in self.issued:
            return "was never issued"
        if code in self.used:
            return ALREADY_USED
        if now - self.issued[code] > self.lifetime:
            return f"expired {self.lifetime / 3600:g} h after it was issued"
        self.used.add(code)
        return None


class FakeWeCom:
    def __init__(self, base_url: Callable[[], str]) -> None:
        # Work contacts by `wecom:<userid>` (the server's shared `contacts`): `biz_mail` and `mobile`.
        self.contacts: dict[str, dict[str, str]] = {}
        self.now: Callable[[], float] = time.time
        self._base_url = base_url
        self._lock = threading.Lock()
        self._seq = itertools.count(1)
        self._tokens: set[str] = set()
        self._revoked: set[str] = set()
        self._response_codes = _OneShot(RESPONSE_CODE_LIFETIME)
        self._response_urls = _OneShot(RESPONSE_URL_LIFETIME)
        self.appchats: dict[str, list[str]] = {}
        self.appchat_names: dict[str, str] = {}  # "" for one nobody named (appchat/create: name optional)
        self.methods: dict[str, Handler] = {
            "message/send": self.message_send,
            "message/update_template_card": self.update_template_card,
            "message/recall": lambda call: _ok(),
            "appchat/create": self.appchat_create,
            "appchat/send": self.appchat_send,
            "appchat/update": self.appchat_update,
            "appchat/get": self.appchat_get,
            "user/get": self.user_get,
            "media/upload": self.media_upload,
            "agent/get_admin_list": admin_list,
        }

    # What a test or the demo sets up --------------------------------------------------------------
    def click_response_code(self) -> str:
        """The ResponseCode WeCom puts in a card click callback (self-built app), issued now."""
        with self._lock:
            return self._response_codes.issue(f"wecom-click-rc-{next(self._seq)}", self.now())

    def aibot_response_url(self) -> str:
        """A response_url as the AI bot puts in a message or click callback, issued now."""
        with self._lock:
            code = self._response_urls.issue(f"aibot-rc-{next(self._seq)}", self.now())
        return f"{self._base_url()}{PREFIX}aibot/response?response_code={code}"

    def add_appchat(self, chat: str, users: list[str], name: str = "") -> None:
        """A group this app created before the test began (nobody named it unless `name`)."""
        with self._lock:
            self.appchats[chat] = list(users)
            self.appchat_names[chat] = name

    def expire(self) -> None:
        with self._lock:
            self._revoked |= self._tokens
            self._tokens.clear()

    # Serving --------------------------------------------------------------------------------------
    def answer(self, call: Call) -> Answer:
        path = call.path.removeprefix(PREFIX)
        if path == "gettoken":
            return self.gettoken(call)
        if path == "aibot/response":  # the response_url carries its own code, no token
            return self.aibot_response(call)
        handler = self.methods.get(path)
        if handler is None:  # a path WeCom does not serve, or one this fake does not know yet
            return Answer(404, {"errcode": 404, "errmsg": f"no fake for {path}"})
        return self._token_refusal(call.query.get("access_token")) or handler(call)

    def gettoken(self, call: Call) -> Answer:
        if not call.query.get("corpid") or not call.query.get("corpsecret"):
            return _error(41004, "corpsecret missing")
        with self._lock:
            token = f"wecom-token-{next(self._seq)}"
            self._tokens.add(token)
        return _ok(access_token=token, expires_in=7200)

    def _token_refusal(self, token: str | None) -> Answer | None:
        with self._lock:
            if token in self._tokens:
                return None
            if token in self._revoked:
                return _error(42001, "access_token expired")
        return _error(40014, "invalid access_token")

    def message_send(self, call: Call) -> Answer:
        body = _body(call)
        if not body.get("touser") or not isinstance(body.get("agentid"), int) or not body.get("msgtype"):
            return _error(41011, "missing touser, agentid or msgtype")
        n = next(self._seq)
        if body["msgtype"] == "template_card":
            refusal = _check_card(body.get("template_card"))
            if refusal is not None:
                return refusal
            with self._lock:
                code = self._response_codes.issue(f"wecom-rc-{n}", self.now())
            return _ok(invaliduser="", msgid=f"wecom-msg-{n}", response_code=code)
        return _ok(invaliduser="", msgid=f"wecom-msg-{n}")

    def update_template_card(self, call: Call) -> Answer:
        body = _body(call)
        code = str(body.get("response_code") or "")
        if not code or not isinstance(body.get("agentid"), int):
            return _error(41011, "missing response_code or agentid")
        with self._lock:
            why = self._response_codes.refusal(code, self.now())
        if why:
            errcode = CODE_USED if why == ALREADY_USED else INVALID_PARAMETER
            return _error(errcode, f"invalid response_code: it {why}")
        if "template_card" in body:
            refusal = _check_card(body["template_card"])
            if refusal is not None:
                return refusal
        elif not isinstance(body.get("button"), dict) or not body["button"].get("replace_name"):
            return _error(INVALID_PARAMETER, "template_card or button.replace_name required")
        return _ok(invaliduser=[])

    def aibot_response(self, call: Call) -> Answer:
        code = call.query.get("response_code", "")
        with self._lock:
            why = self._response_urls.refusal(code, self.now())
        if why:
            return _error(INVALID_PARAMETER, f"invalid response_url: it {why}")
        body = _body(call)
        kind = body.get("msgtype")
        if kind not in ("markdown", "template_card") or not isinstance(body.get(kind), dict):
            return _error(40008, "invalid message type: markdown or template_card")
        if kind == "template_card":
            return _check_card(body["template_card"]) or _ok()
        return _ok()

    def appchat_create(self, call: Call) -> Answer:
        body = _body(call)
        users = [str(user) for user in body.get("userlist") or []]
        if len(users) < 2 or not body.get("owner"):
            return _error(40050, "chat member count invalid or owner missing")
        with self._lock:
            chat = str(body.get("chatid") or f"wrapp{len(self.appchats) + 1:04d}")
            self.appchats[chat] = users
            self.appchat_names[chat] = str(body.get("name") or "")
        return _ok(chatid=chat)

    def _unknown_chat(self, chat: str) -> Answer | None:
        with self._lock:
            known = chat in self.appchats
        return None if known else _error(NOT_APP_CHAT, "chatid not exist or not created by this app")

    def appchat_send(self, call: Call) -> Answer:
        body = _body(call)
        if not body.get("chatid") or not body.get("msgtype"):
            return _error(41001, "missing chatid or msgtype")
        if body["msgtype"] == "template_card":
            return _error(40008, "invalid message type")
        return self._unknown_chat(str(body["chatid"])) or _ok()

    def appchat_update(self, call: Call) -> Answer:
        body = _body(call)
        chat = str(body.get("chatid") or "")
        refusal = self._unknown_chat(chat)
        if refusal:
            return refusal
        gone = {str(user) for user in body.get("del_user_list") or []}
        with self._lock:
            self.appchats[chat] = [user for user in self.appchats[chat] if user not in gone]
        return _ok()

    def appchat_get(self, call: Call) -> Answer:
        chat = call.query.get("chatid", "")
        refusal = self._unknown_chat(chat)
        if refusal:
            return refusal
        with self._lock:
            users, name = list(self.appchats[chat]), self.appchat_names.get(chat, "")
        return _ok(chat_info={"chatid": chat, "name": name, "owner": users[0], "userlist": users})

    def user_get(self, call: Call) -> Answer:
        user = call.query.get("userid", "")
        if not user or user.startswith("unknown"):
            return _error(60111, "userid not found")
        status = 5 if user.startswith("left") else 1
        contact = self.contacts.get(f"wecom:{user}", {})
        return _ok(
            userid=user,
            name=user,
            department=[1],
            status=status,
            alias="",
            english_name="",
            **({"biz_mail": contact["email"]} if contact.get("email") else {}),
            **({"mobile": contact["mobile"]} if contact.get("mobile") else {}),
        )

    def media_upload(self, call: Call) -> Answer:
        """media/upload: a multipart `media` part of a known type gets a media id."""
        if call.query.get("type") not in ("image", "voice", "video", "file"):
            return _error(40004, "invalid media type")
        if 'name="media"' not in str(call.body):
            return _error(41001, "media data missing")
        return _ok(type=call.query["type"], media_id=f"wecom-media-{next(self._seq)}", created_at="0")


def register(fake: FakeMessengers) -> FakeWeCom:
    wecom = FakeWeCom(lambda: fake.url)
    wecom.contacts = fake.contacts

    def expire(call: Call) -> Answer:
        wecom.expire()
        return _ok()

    fake.route(PREFIX, wecom.answer)
    fake.route(EXPIRE_PATH, expire)
    fake.route(CLICK_CODE_PATH, lambda call: _ok(response_code=wecom.click_response_code()))
    return wecom


def admin_list(call: Call) -> Answer:
    """agent/get_admin_list: the app's admins, for a numeric `agentid`."""
    body = call.body if isinstance(call.body, dict) else {}
    if not isinstance(body.get("agentid"), int):
        return _error(40056, "invalid agentid")
    return _ok(admin=[{"userid": user, "open_userid": f"wo{user}", "auth_type": 1} for user in APP_ADMINS])


def _check_card(card: Any) -> Answer | None:
    """The card as WeCom documents it (`local.fakes.wecom_cards`), else errcode 40058 with the reasons."""
    errors = template_card_errors(card)
    return _error(40058, "template_card invalid: " + "; ".join(errors)) if errors else None


def click_response_code(fake_url: str) -> str:
    """A ResponseCode for a click, issued by the fake at `fake_url` (which may run in another process)."""
    request = urllib.request.Request(f"{fake_url}{CLICK_CODE_PATH}", data=b"{}", method="POST")  # noqa: S310 - loopback
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback
        return str(json.loads(response.read())["response_code"])


def expire_tokens(fake: FakeMessengers) -> None:
    """Revoke every token the fake issued, over HTTP (works for a fake in another process too)."""
    request = urllib.request.Request(f"{fake.url}{EXPIRE_PATH}", data=b"{}", method="POST")  # noqa: S310 - loopback
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback
        response.read()
