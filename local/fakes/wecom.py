"""A fake of WeCom's `cgi-bin` API, under `/wecom/cgi-bin/` on the recording server.

It is as strict as WeCom where a mistake would otherwise only show on a live tenant: every call but
`gettoken` needs a token that `gettoken` issued and that has not been revoked (42001 for a revoked one,
40014 for one never issued), `message/send` needs `touser`, a numeric `agentid` and `msgtype`, and a card
needs a `task_id` and unique button keys of at most 1024 bytes. Everything else answers errcode 0.

- `POST /wecom/_expire_tokens` (or `expire_tokens(fake)`) revokes every token issued so far, as WeCom
  does when it invalidates tokens early; the next call answers 42001.
- `appchat/create` makes a group the app owns and `appchat/get` lists its members; any other chat id is
  unknown to `appchat/get` (errcode 86003), as a group the app did not create is.
- `externalcontact/groupchat/get` describes customer groups, chat ids starting `wrCustomer` (owner
  `CUSTOMER_GROUP_OWNER`, admin `CUSTOMER_GROUP_ADMIN`); any other answers errcode 40050.
- `agent/get_admin_list` lists the app's admins, `APP_ADMINS`.
- `user/get`: any user id exists (name = the id, department [1], status 1) except ids starting with
  `unknown` (errcode 60111) or `left` (status 5, left the company).
"""

from __future__ import annotations

import threading
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from local.fakes.server import Answer, Call

if TYPE_CHECKING:
    from local.fakes.server import FakeMessengers

PREFIX = "/wecom/cgi-bin/"
CUSTOMER_GROUP_OWNER = "wecomowner"
CUSTOMER_GROUP_ADMIN = "wecomsubadmin"
APP_ADMINS = ("wecomappadmin",)
EXPIRE_PATH = "/wecom/_expire_tokens"


@dataclass
class _Tokens:
    issued: int = 0
    valid: set[str] = field(default_factory=set)
    revoked: set[str] = field(default_factory=set)
    sent: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def issue(self) -> str:
        with self.lock:
            self.issued += 1
            token = f"wecom-token-{self.issued}"
            self.valid.add(token)
            return token

    def expire(self) -> None:
        with self.lock:
            self.revoked |= self.valid
            self.valid.clear()

    def refusal(self, token: str | None) -> Answer | None:
        with self.lock:
            if token in self.valid:
                return None
            if token in self.revoked:
                return _error(42001, "access_token expired")
            return _error(40014, "invalid access_token")

    def next_message(self) -> int:
        with self.lock:
            self.sent += 1
            return self.sent


def _ok(**extra: Any) -> Answer:
    return Answer(body={"errcode": 0, "errmsg": "ok", **extra})


def _error(code: int, message: str) -> Answer:
    return Answer(body={"errcode": code, "errmsg": message})


def register(fake: FakeMessengers) -> None:
    tokens = _Tokens()

    def gettoken(call: Call) -> Answer:
        if not call.query.get("corpid") or not call.query.get("corpsecret"):
            return _error(41004, "corpsecret missing")
        return _ok(access_token=tokens.issue(), expires_in=7200)

    def authorised(handler: Callable[[Call], Answer]) -> Callable[[Call], Answer]:
        def answer(call: Call) -> Answer:
            return tokens.refusal(call.query.get("access_token")) or handler(call)

        return answer

    def message_send(call: Call) -> Answer:
        body = call.body if isinstance(call.body, dict) else {}
        if not body.get("touser") or not isinstance(body.get("agentid"), int) or not body.get("msgtype"):
            return _error(41011, "missing touser, agentid or msgtype")
        if body["msgtype"] == "template_card":
            refusal = _check_card(body.get("template_card"))
            if refusal is not None:
                return refusal
            n = tokens.next_message()
            return _ok(invaliduser="", msgid=f"wecom-msg-{n}", response_code=f"wecom-rc-{n}")
        return _ok(invaliduser="", msgid=f"wecom-msg-{tokens.next_message()}")

    def appchat_send(call: Call) -> Answer:
        body = call.body if isinstance(call.body, dict) else {}
        if not body.get("chatid") or not body.get("msgtype"):
            return _error(41001, "missing chatid or msgtype")
        if body["msgtype"] == "template_card":
            return _error(40008, "invalid message type")
        return _ok()

    def user_get(call: Call) -> Answer:
        user = call.query.get("userid", "")
        if not user or user.startswith("unknown"):
            return _error(60111, "userid not found")
        status = 5 if user.startswith("left") else 1
        return _ok(userid=user, name=user, department=[1], status=status, alias="", english_name="")

    chats: dict[str, list[str]] = {}

    def appchat_create(call: Call) -> Answer:
        body = call.body if isinstance(call.body, dict) else {}
        users = [str(user) for user in body.get("userlist") or []]
        if len(users) < 2 or not body.get("owner"):
            return _error(40050, "chat member count invalid or owner missing")
        chat = str(body.get("chatid") or f"wrapp{len(chats) + 1:04d}")
        chats[chat] = users
        return _ok(chatid=chat)

    def appchat_get(call: Call) -> Answer:
        chat = call.query.get("chatid", "")
        if chat not in chats:
            return _error(86003, "chatid not exist or not created by this app")
        return _ok(chat_info={"chatid": chat, "name": chat, "owner": chats[chat][0], "userlist": chats[chat]})

    def media_upload(call: Call) -> Answer:
        """media/upload: a multipart `media` part of a known type gets a media id."""
        if call.query.get("type") not in ("image", "voice", "video", "file"):
            return _error(40004, "invalid media type")
        if 'name="media"' not in str(call.body):
            return _error(41001, "media data missing")
        return _ok(type=call.query["type"], media_id=f"wecom-media-{tokens.next_message()}", created_at="0")

    def expire(call: Call) -> Answer:
        tokens.expire()
        return _ok()

    fake.route(f"{PREFIX}gettoken", gettoken)
    fake.route(f"{PREFIX}message/send", authorised(message_send))
    fake.route(f"{PREFIX}message/update_template_card", authorised(lambda call: _ok(invaliduser=[])))
    fake.route(f"{PREFIX}message/recall", authorised(lambda call: _ok()))
    fake.route(f"{PREFIX}appchat/send", authorised(appchat_send))
    fake.route(f"{PREFIX}appchat/update", authorised(lambda call: _ok()))
    fake.route(f"{PREFIX}appchat/create", authorised(appchat_create))
    fake.route(f"{PREFIX}appchat/get", authorised(appchat_get))
    fake.route(f"{PREFIX}user/get", authorised(user_get))
    fake.route(f"{PREFIX}externalcontact/groupchat/get", authorised(groupchat_get))
    fake.route(f"{PREFIX}agent/get_admin_list", authorised(admin_list))
    fake.route(f"{PREFIX}media/upload", authorised(media_upload))
    fake.route(EXPIRE_PATH, expire)


def groupchat_get(call: Call) -> Answer:
    """externalcontact/groupchat/get (doc path/92707): a customer group's details."""
    body = call.body if isinstance(call.body, dict) else {}
    chat = str(body.get("chat_id") or "")
    if not chat.startswith("wrCustomer"):
        return _error(40050, "chatid not exist")
    members = [
        {"userid": user, "type": 1, "join_time": 1700000000, "join_scene": 1}
        for user in (CUSTOMER_GROUP_OWNER, CUSTOMER_GROUP_ADMIN)
    ]
    group = {
        "chat_id": chat,
        "name": f"客户群{chat.removeprefix('wrCustomer')}",
        "owner": CUSTOMER_GROUP_OWNER,
        "create_time": 1700000000,
        "notice": "",
        "member_list": members,
        "admin_list": [{"userid": CUSTOMER_GROUP_ADMIN}],
        "member_version": "1",
    }
    return _ok(group_chat=group)


def admin_list(call: Call) -> Answer:
    """agent/get_admin_list: the app's admins, for a numeric `agentid`."""
    body = call.body if isinstance(call.body, dict) else {}
    if not isinstance(body.get("agentid"), int):
        return _error(40056, "invalid agentid")
    return _ok(admin=[{"userid": user, "open_userid": f"wo{user}", "auth_type": 1} for user in APP_ADMINS])


def _check_card(card: Any) -> Answer | None:
    if not isinstance(card, dict) or not card.get("task_id"):
        return _error(40058, "template_card.task_id missing")
    keys = [button.get("key", "") for button in card.get("button_list", []) if isinstance(button, dict)]
    if len(set(keys)) != len(keys) or any(len(str(key).encode()) > 1024 for key in keys):
        return _error(40058, "template_card button key invalid")
    return None


def expire_tokens(fake: FakeMessengers) -> None:
    """Revoke every token the fake issued, over HTTP (works for a fake in another process too)."""
    request = urllib.request.Request(f"{fake.url}{EXPIRE_PATH}", data=b"{}", method="POST")  # noqa: S310 - loopback
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback
        response.read()
