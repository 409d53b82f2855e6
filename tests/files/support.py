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
from chalicelib.store import keys
from chalicelib.worker.policies import PolicyRepo
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


def follow(stack: Stack, token: str) -> tuple[int, bytes, str]:
    """GET /files/{token} through the real route; on a redirect, fetch what S3 serves there."""
    response = stack.client.http.get(f"/files/{token}")
    if response.status_code != 302:
        return response.status_code, response.body, ""
    location = response.headers["Location"]
    served = requests.get(location, timeout=5)
    return response.status_code, served.content, location
