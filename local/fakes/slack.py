"""Slack's Web API as the recording fake serves it, under `/slack/api/{method}`.

Plausible answers for the methods qunguan calls, shaped as Slack's (HTTP 200, `ok` true or false);
any other method answers `{"ok": false, "error": "unknown_method"}`, and a call without a bearer token
`not_authed`. The bot is `UQGBOT` in team `T0QG`.

Scopes are checked as Slack checks them: `REQUIRED_SCOPES` is what each method's page says it needs
(for the conversation kinds qunguan works in), and the token holds what the app manifest grants
(`granted_bot` / `granted_user`, by default the manifest the deploy guide shows). A method whose scope
the manifest lacks answers `missing_scope` with `needed` and `provided`, as Slack does. Blocks are
checked by slack_sdk's models (`local.fakes.blockkit`); what it refuses answers `invalid_blocks`, here
and on a response_url (`local.fakes.server`).

Like Slack, a bot token (`xoxb-…`) deletes or updates only the messages this fake posted for it; another
token (an admin's `xoxp-…`) deletes anything. Conventions for edge cases: user ids starting `UGUEST` are
guests, `UGONE` deactivated, `UNOBODY` unknown; `conversations.kick` refuses `CGENERAL` (#general) and
`CLOCKED` (a workspace that forbids kicks) and the bot itself. `conversations.members` lists the members
of channels made with `conversations.create`/`invite`, and `DEFAULT_ROSTER` for any other channel.
`conversations.info` names a channel it did not create after its id (`C0FUNC` → `func`), created by
`DEFAULT_CREATOR`; `CNOCREATOR…` channels have no creator, `CHIDDEN…` answer `channel_not_found`.
`users.list` lists the default roster and the workspace's admin `UWSADMIN` and owner `UWSOWNER`, whom
`users.info` reports as such.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chalicelib.adapters.slack.scopes import bot_scopes, user_scopes
from local.fakes.blockkit import block_kit_errors
from local.fakes.server import Answer, Call

if TYPE_CHECKING:
    from local.fakes.server import FakeMessengers

TEAM = "T0QG"
BOT_USER = "UQGBOT"
BOT_ID = "BQGBOT"
UPLOAD_PREFIX = "/slack/upload/"
# Who `conversations.members` lists for a channel the fake did not create itself.
DEFAULT_ROSTER = ("UQGBOT", "U0ALICE", "U0BOB", "U0CAROL")
DEFAULT_CREATOR = "U0CREATOR"
WORKSPACE_ADMINS = {"UWSADMIN": "is_admin", "UWSOWNER": "is_owner"}

CHANNEL_NAME = re.compile(r"[a-z0-9_-]+")
CHANNEL_NAME_MAX = 80

# docs.slack.dev/reference/methods/<method>, "Required scopes" (bot token; chat.delete also user token).
REQUIRED_SCOPES: dict[str, tuple[str, ...]] = {
    "auth.test": (),
    "chat.postMessage": ("chat:write",),
    "chat.postEphemeral": ("chat:write",),
    "chat.update": ("chat:write",),
    "chat.delete": ("chat:write",),
    "chat.getPermalink": (),
    "conversations.open": ("im:write",),
    "conversations.kick": ("channels:manage", "groups:write"),
    "conversations.members": ("channels:read", "groups:read"),
    "conversations.create": ("groups:write",),
    "conversations.invite": ("channels:manage", "groups:write"),
    "users.info": ("users:read",),
    "users.list": ("users:read",),
    "conversations.info": ("channels:read", "groups:read"),
    "files.getUploadURLExternal": ("files:write",),
    "files.completeUploadExternal": ("files:write",),
}

Args = dict[str, Any]
Reply = dict[str, Any]


def register(fake: FakeMessengers) -> FakeSlack:
    slack = FakeSlack(fake.contacts)
    fake.route("/slack/api/", slack.answer)
    fake.route(UPLOAD_PREFIX, slack.receive_upload)
    return slack


class FakeSlack:
    def __init__(self, contacts: dict[str, dict[str, str]] | None = None) -> None:
        self._contacts = contacts if contacts is not None else {}
        self._lock = threading.Lock()
        self._seq = 0
        self._posted: set[tuple[str, str]] = set()
        self._rosters: dict[str, list[str]] = {}
        self._channels: dict[str, dict[str, Any]] = {}  # made with conversations.create
        self._channel_names: set[str] = set()
        self._methods: dict[str, Callable[[Args, str], Reply]] = {
            "auth.test": self.auth_test,
            "chat.postMessage": self.post_message,
            "chat.postEphemeral": self.post_ephemeral,
            "chat.update": self.update,
            "chat.delete": self.delete,
            "chat.getPermalink": self.permalink,
            "conversations.open": self.open_dm,
            "conversations.kick": self.kick,
            "conversations.members": self.members,
            "conversations.info": self.info,
            "users.list": self.users_list,
            "conversations.create": self.create,
            "conversations.invite": self.invite,
            "users.info": self.users_info,
            "files.getUploadURLExternal": self.upload_url,
            "files.completeUploadExternal": self.complete_upload,
        }
        self._uploads: dict[str, int] = {}  # file id -> bytes received (-1: announced, not yet sent)
        # What the installed app was granted: the manifest in the deploy guide, unless a test says less.
        self.granted_bot: frozenset[str] = frozenset(bot_scopes())
        self.granted_user: frozenset[str] = frozenset(user_scopes())
        self.refused_blocks: list[list[str]] = []
        self._host = "127.0.0.1"  # where the upload URLs point: the host the last call came to

    def answer(self, call: Call) -> Answer:
        self._host = call.headers.get("host", "127.0.0.1")
        method = call.path.rsplit("/", 1)[-1]
        token = call.headers.get("authorization", "").removeprefix("Bearer ").strip()
        handler = self._methods.get(method)
        if handler is None:
            return Answer(body={"ok": False, "error": "unknown_method"})
        if not token:
            return Answer(body={"ok": False, "error": "not_authed"})
        granted = self.granted_bot if token.startswith("xoxb-") else self.granted_user
        needed = [scope for scope in REQUIRED_SCOPES.get(method, ()) if scope not in granted]
        if needed:
            provided = ",".join(sorted(granted))
            return Answer(
                body={"ok": False, "error": "missing_scope", "needed": ",".join(needed), "provided": provided}
            )
        args: Args = {**call.query, **(call.body if isinstance(call.body, dict) else {})}
        return Answer(body=handler(args, token))

    # Methods -------------------------------------------------------------------------------------

    def upload_url(self, args: Args, token: str) -> Reply:
        """files.getUploadURLExternal: a one-off URL on this fake, and the file's id."""
        if not args.get("filename") or not str(args.get("length") or "").isdigit():
            return _error("invalid_arguments")
        with self._lock:
            self._seq += 1
            file_id = f"F{self._seq:08d}"
            self._uploads[file_id] = -1
        return {"ok": True, "upload_url": f"http://{self._host}{UPLOAD_PREFIX}{file_id}", "file_id": file_id}

    def receive_upload(self, call: Call) -> Answer:
        file_id = call.path.removeprefix(UPLOAD_PREFIX)
        with self._lock:
            if self._uploads.get(file_id) != -1:
                return Answer(404, "not found")
            self._uploads[file_id] = len(str(call.body))
        return Answer(body=f"OK - {file_id}")

    def complete_upload(self, args: Args, token: str) -> Reply:
        listed = args.get("files")
        files: list[Any] = listed if isinstance(listed, list) else []
        ids = [str(f.get("id")) for f in files if isinstance(f, dict)]
        with self._lock:
            if not ids or any(self._uploads.get(i, -1) < 0 for i in ids):
                return _error("file_not_found")
        if not args.get("channel_id"):
            return _error("channel_not_found")
        return {
            "ok": True,
            "files": [{"id": i, "title": f.get("title", "")} for i, f in zip(ids, files, strict=False)],
        }

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
        refusal = self.invalid_blocks(args)
        if refusal:
            return refusal
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
        refusal = self.invalid_blocks(args)
        if refusal:
            return refusal
        if not args.get("user"):
            return _error("user_not_in_channel")
        return {"ok": True, "message_ts": self._next_ts()}

    def update(self, args: Args, token: str) -> Reply:
        refusal = self.invalid_blocks(args)
        if refusal:
            return refusal
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

    def permalink(self, args: Args, token: str) -> Reply:
        channel, ts = str(args.get("channel") or ""), str(args.get("message_ts") or "")
        if not channel or not ts:
            return _error("channel_not_found" if not channel else "message_not_found")
        link = f"https://qunguan-demo.slack.com/archives/{channel}/p{ts.replace('.', '')}"
        return {"ok": True, "channel": channel, "permalink": link}

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

    def members(self, args: Args, token: str) -> Reply:
        channel = str(args.get("channel") or "")
        if not channel:
            return _error("channel_not_found")
        with self._lock:
            roster = list(self._rosters.get(channel, DEFAULT_ROSTER))
        start = int(str(args.get("cursor") or "0").removeprefix("next:") or 0)
        limit = max(1, int(str(args.get("limit") or "100")))
        page, rest = roster[start : start + limit], roster[start + limit :]
        metadata = {"next_cursor": f"next:{start + limit}" if rest else ""}
        return {"ok": True, "members": page, "response_metadata": metadata}

    def create(self, args: Args, token: str) -> Reply:
        """conversations.create: a name of lower-case letters, digits, `-` and `_`, at most 80 characters,
        not taken (docs.slack.dev/reference/methods/conversations.create, its errors)."""
        name = str(args.get("name") or "")
        if not name:
            return _error("invalid_name_required")
        if len(name) > CHANNEL_NAME_MAX:
            return _error("invalid_name_maxlength")
        if not CHANNEL_NAME.fullmatch(name):
            return _error("invalid_name_specials")
        with self._lock:
            if name in self._channel_names:
                return _error("name_taken")
            self._channel_names.add(name)
            self._seq += 1
            channel = f"CNEW{self._seq:05d}"
            self._rosters[channel] = [BOT_USER]
            self._channels[channel] = {"name": name, "creator": BOT_USER}
        return {
            "ok": True,
            "channel": {"id": channel, "name": name, "is_private": bool(args.get("is_private"))},
        }

    def info(self, args: Args, token: str) -> Reply:
        """conversations.info: the channel object (id, name, is_channel, is_private, created, creator)."""
        channel = str(args.get("channel") or "")
        if not channel or channel.startswith("CHIDDEN"):
            return _error("channel_not_found")
        with self._lock:
            made = self._channels.get(channel)
        creator = "" if channel.startswith("CNOCREATOR") else DEFAULT_CREATOR
        found = made or {"name": channel.removeprefix("C0").lower(), "creator": creator}
        return {
            "ok": True,
            "channel": {
                "id": channel,
                "name": found["name"],
                "is_channel": True,
                "is_private": channel.startswith("G"),
                "created": 1700000000,
                "creator": found["creator"],
            },
        }

    def users_list(self, args: Args, token: str) -> Reply:
        """users.list: the workspace's people, one page per `limit`, with their admin flags."""
        people = [self._person(user) for user in (*DEFAULT_ROSTER, *WORKSPACE_ADMINS)]
        start = int(str(args.get("cursor") or "0").removeprefix("next:") or 0)
        limit = max(1, int(str(args.get("limit") or "100")))
        page, rest = people[start : start + limit], people[start + limit :]
        metadata = {"next_cursor": f"next:{start + limit}" if rest else ""}
        return {"ok": True, "members": page, "cache_ts": 1700000000, "response_metadata": metadata}

    def invite(self, args: Args, token: str) -> Reply:
        channel, users = str(args.get("channel") or ""), str(args.get("users") or "")
        if not channel or not users:
            return _error("channel_not_found" if not channel else "no_user")
        with self._lock:
            roster = self._rosters.setdefault(channel, [BOT_USER])
            roster.extend(user for user in users.split(",") if user not in roster)
        return {"ok": True, "channel": {"id": channel}}

    def users_info(self, args: Args, token: str) -> Reply:
        user = str(args.get("user") or "")
        if not user or user.startswith("UNOBODY"):
            return _error("user_not_found")
        person = self._person(user)
        if args.get("include_locale") in ("true", "1", True):
            person["locale"] = "zh-CN"
        return {"ok": True, "user": person}

    def _person(self, user: str) -> dict[str, Any]:
        guest = user.startswith("UGUEST")
        name = f"Member {user[-4:]}"
        person: dict[str, Any] = {
            "id": user,
            "team_id": TEAM,
            "name": user.lower(),
            "deleted": user.startswith("UGONE"),
            "real_name": name,
            "is_bot": user == BOT_USER,
            "is_admin": WORKSPACE_ADMINS.get(user) in ("is_admin", "is_owner"),
            "is_owner": WORKSPACE_ADMINS.get(user) == "is_owner",
            "is_restricted": guest,
            "is_ultra_restricted": False,
            "tz": "Asia/Shanghai",
            "profile": {
                "real_name": name,
                "display_name": name.rsplit(maxsplit=1)[-1],
                "email": f"{user.lower()}@example.com",
            },
        }
        contact = self._contacts.get(f"slack:{user}", {})
        if contact.get("email"):
            person["profile"]["email"] = contact["email"]
        if contact.get("mobile"):
            person["profile"]["phone"] = contact["mobile"]
        return person

    def invalid_blocks(self, args: Args) -> Reply | None:
        """Slack's answer to blocks it cannot render (checked by slack_sdk's models); each refusal is kept
        in `refused_blocks`, which the test suite's `fake` fixture requires to be empty after a test."""
        if "blocks" not in args:
            return None
        errors = block_kit_errors(args["blocks"])
        if not errors:
            return None
        with self._lock:
            self.refused_blocks.append(errors)
        return {"ok": False, "error": "invalid_blocks", "errors": errors}

    def _next_ts(self) -> str:
        with self._lock:
            self._seq += 1
            return f"1700000000.{self._seq:06d}"


def _dm_of(user: str) -> str:
    return "D" + user[1:]


def _error(code: str) -> Reply:
    return {"ok": False, "error": code}
