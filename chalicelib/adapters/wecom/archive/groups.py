"""What WeCom says of a group seen in the archive: its name, owner, admins and members.

- Internal groups: `POST msgaudit/groupchat/get {"roomid"}` with the archive secret's access token
  (doc path/92951, 获取会话内容存档内部群信息) → `roomname`, `creator`, `members[{memberid, jointime}]`.
- Customer groups (外部群), which that call does not know: `POST externalcontact/groupchat/get
  {"chat_id", "need_name": 1}` with the self-built app's token, the app being one of those allowed to call
  客户联系's API (doc path/92707) → `group_chat{name, owner, admin_list[{userid}],
  member_list[{userid, name, group_nickname}]}`.

Both answer an empty name for a group nobody named; its members, in WeCom's order, let the bot call it as
WeCom's clients do (`chalicelib.kernel.group_info.named`).

The worker asks once per group it has not named yet (the group's record keeps the answer; the worker's
group cache keeps the record). A group neither call knows is governed all the same, unnamed. Worker only:
this module pulls in `requests`.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chalicelib.adapters.http_client import ApiClient, TokenCache
from chalicelib.errors import MessengerError
from chalicelib.settings import secret

if TYPE_CHECKING:
    from chalicelib.clock import Clock
    from chalicelib.settings import Settings

log = logging.getLogger("qunguan.archive")

TOKEN_ERRORS = frozenset({40001, 40014, 42001})
TOKEN_LIFETIME = 7200.0


@dataclass(frozen=True)
class GroupFacts:
    name: str
    owner: str
    admins: tuple[str, ...]
    members: tuple[tuple[str, str], ...]  # (member id, the name WeCom gives them, else "")
    customer_group: bool


class ArchiveGroups:
    def __init__(
        self, settings: Settings, *, clock: Clock | None = None, api: ApiClient | None = None
    ) -> None:
        self._api = api or ApiClient("wecom", settings.wecom_api_base)
        self._corp_id = settings.wecom_corp_id or ""
        self._archive = TokenCache(lambda: self._token(secret(settings.wecom_archive_secret)), clock=clock)
        self._app = TokenCache(lambda: self._token(secret(settings.wecom_secret)), clock=clock)

    def facts(self, room: str) -> GroupFacts | None:
        internal = self._call(self._archive, "msgaudit/groupchat/get", {"roomid": room})
        if internal is not None:
            ids = (str(m["memberid"]) for m in _dicts(internal.get("members")) if m.get("memberid"))
            members = tuple((member, "") for member in dict.fromkeys(ids))
            creator = _string(internal, "creator")
            return GroupFacts(
                name=_string(internal, "roomname"),
                owner=creator,
                admins=(creator,) if creator else (),
                members=members,
                customer_group=False,
            )
        external = self._call(self._app, "externalcontact/groupchat/get", {"chat_id": room, "need_name": 1})
        chat = external.get("group_chat") if external is not None else None
        if not isinstance(chat, dict):
            log.info("wecom archive: no facts for group %s", room)
            return None
        owner = _string(chat, "owner")
        admins = [str(a["userid"]) for a in _dicts(chat.get("admin_list")) if a.get("userid")]
        return GroupFacts(
            name=_string(chat, "name"),
            owner=owner,
            admins=tuple(dict.fromkeys([owner, *admins] if owner else admins)),
            members=tuple(
                (str(m["userid"]), _string(m, "name") or _string(m, "group_nickname"))
                for m in _dicts(chat.get("member_list"))
                if m.get("userid")
            ),
            customer_group=True,
        )

    def _call(self, tokens: TokenCache, method: str, body: dict[str, Any]) -> dict[str, Any] | None:
        """The answer, or None when WeCom answers an errcode (not this kind of group, no permission)."""
        for attempt in (1, 2):
            response = self._api.request("POST", method, params={"access_token": tokens.get()}, json=body)
            data = _json(response.content)
            code = data.get("errcode", 0 if response.status_code == 200 else -1)
            if code in TOKEN_ERRORS and attempt == 1:
                tokens.invalidate()
                continue
            if code == 0:
                return data
            log.info("wecom archive: %s answered errcode %s", method, code)
            return None
        return None

    def _token(self, corp_secret: str) -> tuple[str, float]:
        if not (self._corp_id and corp_secret):
            raise MessengerError("wecom", "gettoken", "WECOM_CORP_ID or the secret is not set")
        response = self._api.request(
            "GET", "gettoken", params={"corpid": self._corp_id, "corpsecret": corp_secret}
        )
        data = _json(response.content)
        token = data.get("access_token")
        if data.get("errcode", 0) != 0 or not isinstance(token, str) or not token:
            raise MessengerError("wecom", "gettoken", f"errcode {data.get('errcode')}")
        lifetime = data.get("expires_in")
        return token, float(lifetime) if isinstance(lifetime, int | float) else TOKEN_LIFETIME


def _json(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _dicts(value: object) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _string(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    return value if isinstance(value, str) else ""
