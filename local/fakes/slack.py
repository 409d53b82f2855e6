"""Slack's Web API as the recording fake serves it, under `/slack/api/{method}`.

Plausible answers for the methods qunguan calls, shaped as Slack's (HTTP 200, `ok` true or false);
any other method answers `{"ok": false, "error": "unknown_method"}`, and a call without a bearer token
`not_authed`. The bot is `UQGBOT` in team `T0QG`.

Like Slack, a bot token (`xoxb-…`) deletes or updates only the messages this fake posted for it; another
token (an admin's `xoxp-…`) deletes anything. Conventions for edge cases: user ids starting `UGUEST` are
guests, `UGONE` deactivated, `UNOBODY` unknown; `conversations.kick` refuses `CGENERAL` (#general) and
`CLOCKED` (a workspace that forbids kicks) and the bot itself.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from local.fakes.server import Answer, Call

if TYPE_CHECKING:
    from local.fakes.server import FakeMessengers

TEAM = "T0QG"
BOT_USER = "UQGBOT"
BOT_ID = "BQGBOT"

Args = dict[str, Any]
Reply = dict[str, Any]


def register(fake: FakeMessengers) -> None:
    fake.route("/slack/api/", FakeSlack().answer)


class FakeSlack:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seq = 0
        self._posted: set[tuple[str, str]] = set()
        self._methods: dict[str, Callable[[Args, str], Reply]] = {
            "auth.test": self.auth_test,
            "chat.postMessage": self.post_message,
            "chat.postEphemeral": self.post_ephemeral,
            "chat.update": self.update,
            "chat.delete": self.delete,
            "conversations.open": self.open_dm,
            "conversations.kick": self.kick,
            "users.info": self.users_info,
        }

    def answer(self, call: Call) -> Answer:
        method = call.path.rsplit("/", 1)[-1]
        token = call.headers.get("authorization", "").removeprefix("Bearer ").strip()
        handler = self._methods.get(method)
        if handler is None:
            return Answer(body={"ok": False, "error": "unknown_method"})
        if not token:
            return Answer(body={"ok": False, "error": "not_authed"})
        args: Args = {**call.query, **(call.body if isinstance(call.body, dict) else {})}
        return Answer(body=handler(args, token))

    # Methods -------------------------------------------------------------------------------------

    def auth_test(self, args: Args, token: str) -> Reply:
        return {
            "ok": True,
            "url": "https://qunguan.slack.com/",
            "team": "qunguan",
            "user": "qunguan",
            "team_id": TEAM,
            "user_id": BOT_USER,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def post_message(self, args: Args, token: str) -> Reply:
        channel = str(args.get("channel") or "")
        if not channel:
            return _error("channel_not_found")
        if not args.get("text") and not args.get("blocks"):
            return _error("no_text")
        if channel.startswith(("U", "W")):  # posting to a user id lands in the app's DM with them
            channel = _dm_of(channel)
        ts = self._next_ts()
        with self._lock:
            self._posted.add((channel, ts))
        message = {
            "type": "message",
            "user": BOT_USER,
            "bot_id": BOT_ID,
            "text": args.get("text", ""),
            "ts": ts,
        }
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def post_ephemeral(self, args: Args, token: str) -> Reply:
        if not args.get("channel"):
            return _error("channel_not_found")
        if not args.get("user"):
            return _error("user_not_in_channel")
        return {"ok": True, "message_ts": self._next_ts()}

    def update(self, args: Args, token: str) -> Reply:
        channel, ts = str(args.get("channel") or ""), str(args.get("ts") or "")
        with self._lock:
            if (channel, ts) not in self._posted:
                return _error("message_not_found")
        return {"ok": True, "channel": channel, "ts": ts, "text": args.get("text", "")}

    def delete(self, args: Args, token: str) -> Reply:
        channel, ts = str(args.get("channel") or ""), str(args.get("ts") or "")
        with self._lock:
            own = (channel, ts) in self._posted
            if token.startswith("xoxb-") and not own:
                return _error("cant_delete_message")
            self._posted.discard((channel, ts))
        return {"ok": True, "channel": channel, "ts": ts}

    def open_dm(self, args: Args, token: str) -> Reply:
        users = str(args.get("users") or "")
        if not users:
            return _error("users_list_not_supplied")
        return {"ok": True, "channel": {"id": _dm_of(users.split(",", maxsplit=1)[0])}}

    def kick(self, args: Args, token: str) -> Reply:
        channel, user = str(args.get("channel") or ""), str(args.get("user") or "")
        if user == BOT_USER:
            return _error("cant_kick_self")
        if channel.startswith("CGENERAL"):
            return _error("cant_kick_from_general")
        if channel.startswith("CLOCKED"):
            return _error("restricted_action")
        if not channel or not user:
            return _error("channel_not_found" if not channel else "user_not_found")
        return {"ok": True}

    def users_info(self, args: Args, token: str) -> Reply:
        user = str(args.get("user") or "")
        if not user or user.startswith("UNOBODY"):
            return _error("user_not_found")
        guest = user.startswith("UGUEST")
        name = f"Member {user[-4:]}"
        person: dict[str, Any] = {
            "id": user,
            "team_id": TEAM,
            "name": user.lower(),
            "deleted": user.startswith("UGONE"),
            "real_name": name,
            "is_bot": user == BOT_USER,
            "is_admin": False,
            "is_restricted": guest,
            "is_ultra_restricted": False,
            "tz": "Asia/Shanghai",
            "profile": {
                "real_name": name,
                "display_name": name.rsplit(maxsplit=1)[-1],
                "email": f"{user.lower()}@example.com",
            },
        }
        if args.get("include_locale") in ("true", "1", True):
            person["locale"] = "zh-CN"
        return {"ok": True, "user": person}

    def _next_ts(self) -> str:
        with self._lock:
            self._seq += 1
            return f"1700000000.{self._seq:06d}"


def _dm_of(user: str) -> str:
    return "D" + user[1:]


def _error(code: str) -> Reply:
    return {"ok": False, "error": code}
