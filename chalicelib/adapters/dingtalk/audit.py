"""DingTalk's external-group audit (专属钉钉 edition): the messages of the company's external groups, pulled,
a second source for the archive's batch path (`chalicelib.worker.batch`).

The calls, as the vendor's SDK defines them (alibabacloud-dingtalk 2.2.65, `exclusive_1_0`), with the app
token in `x-acs-dingtalk-access-token`:

- `POST /v1.0/exclusive/audits/outsideGroups/query {pageNumber, pageSize}` (GetOutGroupsByPage)
  → `{"responseBody": {"groupList": [{"openConversationId"}], "total"}}`: the audited groups;
- `POST /v1.0/exclusive/audits/outsideGroups/messages/query {openConversationId, nextToken, maxResults}`
  (GetOutsideAuditGroupMessageByPage) → `{"responseBody": {"messageList": [{"content", "contentType",
  "createAt", "openConversationId", "sender": {"id", "idType", "type"}}], "nextToken"}}`.

The messages carry no id of their own, so a message's id (the claim key) is a digest of its group,
time, sender and content: the same message pulled twice is claimed once. Text content becomes a
`MessagePosted`; a content type qunguan does not read is counted and ignored. Worker only.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chalicelib.adapters.http_client import ApiClient, TokenCache
from chalicelib.core.events import Event, MessagePosted
from chalicelib.errors import MessengerError
from chalicelib.settings import secret

if TYPE_CHECKING:
    from chalicelib.clock import Clock
    from chalicelib.settings import Settings

log = logging.getLogger("qunguan.archive")

GROUPS_PATH = "/v1.0/exclusive/audits/outsideGroups/query"
MESSAGES_PATH = "/v1.0/exclusive/audits/outsideGroups/messages/query"
GROUPS_PAGE = 100
MESSAGES_PAGE = 100
TEXT_TYPES = frozenset({"text", "markdown", "richText"})


@dataclass(frozen=True)
class MessagePage:
    messages: tuple[dict[str, Any], ...]
    next_token: str


class DingTalkAudit:
    def __init__(
        self, settings: Settings, *, clock: Clock | None = None, api: ApiClient | None = None
    ) -> None:
        self._api = api or ApiClient("dingtalk", settings.dingtalk_api_base)
        self._app_key = settings.dingtalk_app_key or ""
        self._app_secret = secret(settings.dingtalk_app_secret)
        self._token = TokenCache(self._fetch_token, clock=clock)

    def groups(self) -> Iterator[str]:
        """Every audited external group's openConversationId, page by page."""
        page = 1
        while True:
            body = self._call(GROUPS_PATH, {"pageNumber": page, "pageSize": GROUPS_PAGE})
            found = [
                str(g["openConversationId"])
                for g in _dicts(_section(body, "responseBody").get("groupList"))
                if g.get("openConversationId")
            ]
            yield from found
            if len(found) < GROUPS_PAGE:
                return
            page += 1

    def messages(self, conversation: str, next_token: str) -> MessagePage:
        token = int(next_token) if next_token.isdigit() else 0
        body = self._call(
            MESSAGES_PATH,
            {"openConversationId": conversation, "nextToken": token, "maxResults": MESSAGES_PAGE},
        )
        response = _section(body, "responseBody")
        following = response.get("nextToken")
        return MessagePage(
            messages=tuple(_dicts(response.get("messageList"))),
            next_token=str(following) if following not in (None, "") else "",
        )

    def _call(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        for attempt in (1, 2):
            headers = {"x-acs-dingtalk-access-token": self._token.get()}
            response = self._api.request("POST", path, json=body, headers=headers)
            data = _json(response.content)
            if response.status_code == 401 and attempt == 1:
                self._token.invalidate()
                continue
            if response.status_code >= 400:
                code = str(data.get("code") or response.status_code)
                retryable = "Throttling" in code or "QpsLimit" in code or response.status_code >= 500
                raise MessengerError("dingtalk", path.rsplit("/", 2)[-2], code, retryable=retryable)
            return data
        raise MessengerError("dingtalk", path.rsplit("/", 2)[-2], "token refused twice")

    def _fetch_token(self) -> tuple[str, float]:
        response = self._api.request(
            "POST", "/v1.0/oauth2/accessToken", json={"appKey": self._app_key, "appSecret": self._app_secret}
        )
        data = _json(response.content)
        token = data.get("accessToken")
        if response.status_code >= 400 or not isinstance(token, str) or not token:
            raise MessengerError("dingtalk", "accessToken", str(data.get("code") or response.status_code))
        return token, float(data.get("expireIn") or 7200)


def to_events(message: dict[str, Any], tenant: str, conversation: str) -> tuple[tuple[Event, ...], str]:
    """A pulled message's events, and the content type it was ignored as ("" if it mapped)."""
    kind = str(message.get("contentType") or "")
    sender = message.get("sender")
    user = str(sender.get("id") or "") if isinstance(sender, dict) else ""
    chat = str(message.get("openConversationId") or conversation)
    text = _text(message.get("content")) if kind in TEXT_TYPES else ""
    if not user or not text:
        return (), kind or "untyped"
    at = _seconds(message.get("createAt"))
    digest = hashlib.sha256(
        json.dumps([chat, message.get("createAt"), user, message.get("content")], ensure_ascii=False).encode()
    ).hexdigest()[:32]
    event_id = f"audit-{digest}"
    posted = MessagePosted(
        platform="dingtalk",
        tenant=tenant,
        event_id=event_id,
        occurred_at=at,
        chat=chat,
        user=user,
        message_id=event_id,
        text=text,
    )
    return (posted,), ""


def _text(content: object) -> str:
    """Text content as the audit gives it: the text itself, or a JSON object holding it."""
    if not isinstance(content, str):
        return ""
    stripped = content.strip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except ValueError:
            return content
        if isinstance(data, dict):
            for name in ("content", "text", "title"):
                value = data.get(name)
                if isinstance(value, str) and value:
                    return value
            return ""
    return content


def _seconds(value: object) -> float:
    """`createAt` is milliseconds since the epoch (a number or its digits)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value) / 1000.0
    if isinstance(value, str) and value.isdigit():
        return int(value) / 1000.0
    return 0.0


def _json(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _section(data: dict[str, Any], name: str) -> dict[str, Any]:
    value = data.get(name)
    return value if isinstance(value, dict) else {}


def _dicts(value: object) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
