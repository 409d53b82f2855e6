"""What the archive's functional tests share: the org policy with named admins, reading what the bot
sent through the recording fake, and following a link through the real route to S3."""

from __future__ import annotations

import json
import re
from typing import Any

import requests
import yaml

from chalicelib.core.policy import default_policy_text
from chalicelib.files.records import ArchivedFile, FileRepo
from chalicelib.kernel.policies import PolicyRepo
from chalicelib.store import keys
from local.fakes.server import Call, FakeMessengers
from tests.support.stack import Stack

LINK = re.compile(r"https://qunguan\.example\.com/api/files/(\S+)")


def apply_policy(stack: Stack, **changes: Any) -> None:
    policy = {**yaml.safe_load(default_policy_text()), **changes}
    PolicyRepo(stack.store).apply(
        keys.ORG_SCOPE, yaml.safe_dump(policy, allow_unicode=True), author="ops", now=0
    )


def archived(stack: Stack, gid: str) -> list[ArchivedFile]:
    return list(FileRepo(stack.store).newest(gid, 50))


def texts(calls: list[Call]) -> list[str]:
    found = []
    for call in calls:
        body = call.body if isinstance(call.body, dict) else {}
        for key in ("text", "markdown", "msgParam"):
            value = body.get(key)
            if key == "msgParam" and isinstance(value, str):  # DingTalk: a JSON string
                value = json.loads(value)
            if isinstance(value, dict):
                value = value.get("content")
            if isinstance(value, str):
                found.append(value)
    return found


def said(fake: FakeMessengers, path: str, needle: str) -> list[str]:
    return [text for text in texts(fake.sent(path)) if needle in text]


def token_in(text: str) -> str:
    match = LINK.search(text)
    assert match, text
    return match.group(1)


CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def open_link(stack: Stack, token: str, cookie: str | None = None) -> tuple[int, str, str | None]:
    """GET /files/{token} as a browser: the status, the page, and the cookie the page set (or `cookie`,
    the one the browser sent, when none was set)."""
    headers = {"Cookie": cookie} if cookie else {}
    response = stack.client.http.get(f"/files/{token}", headers=headers)
    set_cookie = response.headers.get("Set-Cookie")
    return response.status_code, response.body.decode(), set_cookie.split(";", 1)[0] if set_cookie else cookie


def confirm(stack: Stack, token: str, page: str, cookie: str | None) -> tuple[int, str]:
    """POST the confirmation form of `page` with `cookie`: the status and the Location (or the body)."""
    found = CSRF.search(page)
    headers = {"Content-Type": "application/x-www-form-urlencoded", **({"Cookie": cookie} if cookie else {})}
    body = f"csrf={found.group(1)}" if found else ""
    response = stack.client.http.post(f"/files/{token}", headers=headers, body=body)
    return response.status_code, response.headers.get("Location") or response.body.decode()


def follow(stack: Stack, token: str) -> tuple[int, bytes, str]:
    """A member's browser through the real route: GET the link (the confirmation page and its cookie),
    POST the confirmation, and on the redirect fetch what S3 serves there."""
    status, page, cookie = open_link(stack, token)
    if status != 200:
        return status, page.encode(), ""
    status, location = confirm(stack, token, page, cookie)
    if status != 303:
        return status, location.encode(), ""
    served = requests.get(location, timeout=5)
    return status, served.content, location
