"""The Slack app manifest is data: every Web API method the code calls has its scopes in
`chalicelib.adapters.slack.scopes`, the manifest is generated from that table, and the deploy guide shows
exactly the generated manifest. A method added without its scope fails here, not on a live workspace."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests
import yaml

from chalicelib.adapters.slack.manifest import manifest
from chalicelib.adapters.slack.scopes import BOT_METHOD_SCOPES, EVENT_SCOPES, bot_scopes, user_scopes
from chalicelib.errors import MessengerError
from local.fakes.server import FakeMessengers

ROOT = Path(__file__).resolve().parents[3]
SLACK_CODE = ROOT / "chalicelib" / "adapters" / "slack"
# Web API method families (docs.slack.dev/reference/methods); a quoted "family.name" in the Slack adapter
# is a method call.
METHOD = re.compile(
    r"""["']((?:admin|apps|auth|bookmarks|bots|canvases|chat|conversations|dnd|emoji|files|pins|reactions"""
    r"""|reminders|search|stars|team|usergroups|users|views|workflows)\.[a-zA-Z]+(?:\.[a-zA-Z]+)*)["']"""
)
NOT_METHODS = frozenset({"team.id"})  # a field named in an error message


def methods_called() -> set[str]:
    found: set[str] = set()
    for path in SLACK_CODE.glob("*.py"):
        if path.name in ("scopes.py", "manifest.py"):
            continue
        found |= set(METHOD.findall(path.read_text(encoding="utf-8")))
    return found - NOT_METHODS


def guide_manifest() -> str:
    text = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(display_information:.*?)```", text, re.S)
    assert block, "docs/deploy.md has no Slack manifest block"
    return block.group(1)


def test_every_method_the_code_calls_has_its_scopes_in_the_table() -> None:
    called = methods_called()
    assert {
        "chat.postMessage",
        "files.getUploadURLExternal",
        "conversations.kick",
    } <= called  # the scan works
    assert called - set(BOT_METHOD_SCOPES) == set()


def test_the_generated_manifest_asks_for_every_scope_the_code_needs() -> None:
    data = yaml.safe_load(manifest())
    granted = set(data["oauth_config"]["scopes"]["bot"])
    assert granted == set(bot_scopes())
    for method in methods_called():
        assert set(BOT_METHOD_SCOPES[method]) <= granted, method
    assert "files:write" in granted  # files.getUploadURLExternal: the chart images
    assert data["oauth_config"]["scopes"]["user"] == list(user_scopes())
    assert data["settings"]["event_subscriptions"]["bot_events"] == list(EVENT_SCOPES)


def test_the_deploy_guide_shows_the_generated_manifest() -> None:
    assert guide_manifest() == manifest()


# The fake grants what the manifest grants, and refuses the rest as Slack does --------------------------


def test_a_method_whose_scope_the_manifest_lacks_is_refused_with_missing_scope(fake: FakeMessengers) -> None:
    from chalicelib.adapters.base import Target
    from chalicelib.adapters.slack.client import messenger
    from chalicelib.clock import FrozenClock
    from tests.adapters.slack.test_slack_client import slack_settings

    slack = messenger(slack_settings(fake), FrozenClock(0))
    without = fake.slack.granted_bot - {"files:write"}
    saved, fake.slack.granted_bot = fake.slack.granted_bot, without
    try:
        with pytest.raises(MessengerError, match="missing_scope"):
            slack.post_image(Target(tenant="T0QG", chat="C0MEETING"), b"\x89PNG", "chart.png")
    finally:
        fake.slack.granted_bot = saved
    assert fake.sent("/slack/api/files.completeUploadExternal") == []  # refused at the first step


def test_the_fake_answers_missing_scope_in_slacks_shape(fake: FakeMessengers) -> None:
    saved, fake.slack.granted_bot = fake.slack.granted_bot, frozenset({"chat:write"})
    try:
        reply = requests.post(
            f"{fake.url}/slack/api/users.info",
            headers={"Authorization": "Bearer xoxb-test"},
            data={"user": "U0ALICE"},
            timeout=5,
        ).json()
    finally:
        fake.slack.granted_bot = saved
    assert reply == {"ok": False, "error": "missing_scope", "needed": "users:read", "provided": "chat:write"}


def test_a_method_slack_does_not_have_is_unknown(fake: FakeMessengers) -> None:
    reply = requests.post(
        f"{fake.url}/slack/api/chat.postMesage", headers={"Authorization": "Bearer xoxb-test"}, timeout=5
    ).json()
    assert reply == {"ok": False, "error": "unknown_method"}


def test_the_admins_user_token_holds_only_the_user_scope(fake: FakeMessengers) -> None:
    reply = requests.post(
        f"{fake.url}/slack/api/users.info",
        headers={"Authorization": "Bearer xoxp-admin"},
        data={"user": "U0ALICE"},
        timeout=5,
    ).json()
    assert (reply["ok"], reply["error"], reply["needed"]) == (False, "missing_scope", "users:read")
