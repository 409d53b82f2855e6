"""A fake of DingTalk's external-group audit (专属钉钉), on the recording server, with the shapes of the
vendor's SDK (alibabacloud-dingtalk 2.2.65, `exclusive_1_0`):

- `POST /v1.0/exclusive/audits/outsideGroups/query {pageNumber, pageSize}` → the audited groups;
- `POST /v1.0/exclusive/audits/outsideGroups/messages/query {openConversationId, nextToken, maxResults}` →
  the group's messages after `nextToken` (here: the index of the next message), and the next token.

Both want the `x-acs-dingtalk-access-token` header. `add_audit_messages(fake, conversation, messages)`
(POST `/dingtalk/_audit`, so a fake in another process works too) adds messages to a group, in order.
"""

from __future__ import annotations

import json
import threading
import urllib.request
from typing import TYPE_CHECKING, Any

from local.fakes.server import Answer, Call

if TYPE_CHECKING:
    from local.fakes.server import FakeMessengers

PREFIX = "/dingtalk/v1.0/exclusive/audits/outsideGroups/"
ADD_PATH = "/dingtalk/_audit"


def register(fake: FakeMessengers) -> None:
    groups: dict[str, list[dict[str, Any]]] = {}
    lock = threading.Lock()

    def body_of(call: Call) -> dict[str, Any]:
        return call.body if isinstance(call.body, dict) else {}

    def refused(call: Call) -> Answer | None:
        if not call.headers.get("x-acs-dingtalk-access-token"):
            return Answer(status=401, body={"code": "InvalidAuthentication", "message": "no token"})
        return None

    def list_groups(call: Call) -> Answer:
        refusal = refused(call)
        if refusal:
            return refusal
        body = body_of(call)
        number, size = int(body.get("pageNumber") or 1), int(body.get("pageSize") or 20)
        with lock:
            names = sorted(groups)
        chosen = names[(number - 1) * size : number * size]
        listed = [{"openConversationId": name} for name in chosen]
        return Answer(body={"responseBody": {"groupList": listed, "total": len(names)}})

    def list_messages(call: Call) -> Answer:
        refusal = refused(call)
        if refusal:
            return refusal
        body = body_of(call)
        conversation = str(body.get("openConversationId", ""))
        if not conversation or "nextToken" not in body:
            return Answer(
                status=400, body={"code": "MissingParameter", "message": "openConversationId, nextToken"}
            )
        start, size = int(body.get("nextToken") or 0), int(body.get("maxResults") or 20)
        with lock:
            messages = list(groups.get(conversation, []))
        page = messages[start : start + size]
        token = str(start + len(page)) if page else str(start)
        return Answer(body={"responseBody": {"messageList": page, "nextToken": token}})

    def add(call: Call) -> Answer:
        body = body_of(call)
        conversation = str(body["conversation"])
        with lock:
            for message in body.get("messages", []):
                groups.setdefault(conversation, []).append({**message, "openConversationId": conversation})
        return Answer(body={"success": True})

    fake.route(f"{PREFIX}query", list_groups)
    fake.route(f"{PREFIX}messages/query", list_messages)
    fake.route(ADD_PATH, add)


def add_audit_messages(fake: FakeMessengers, conversation: str, messages: list[dict[str, Any]]) -> None:
    data = json.dumps({"conversation": conversation, "messages": messages}, ensure_ascii=False).encode()
    request = urllib.request.Request(f"{fake.url}{ADD_PATH}", data=data, method="POST")  # noqa: S310
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback
        response.read()
