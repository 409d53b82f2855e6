"""SlackMessenger's group verbs against the fake Web API: `conversations.members` page by page, and a
private channel made with `conversations.create` and filled with `conversations.invite` (issue 4)."""

from __future__ import annotations

import re

import pytest

from chalicelib.adapters.slack.client import SlackMessenger, channel_name, messenger
from chalicelib.clock import FrozenClock
from chalicelib.errors import MessengerError
from local.fakes.server import FakeMessengers
from local.fakes.slack import DEFAULT_ROSTER
from tests.adapters.slack.test_slack_client import slack_settings


@pytest.fixture
def slack(fake: FakeMessengers) -> SlackMessenger:
    return messenger(slack_settings(fake), FrozenClock(0))


def test_a_channel_the_bot_did_not_make_lists_its_members(
    slack: SlackMessenger, fake: FakeMessengers
) -> None:
    assert slack.list_members("T0QG", "C0ANY") == DEFAULT_ROSTER
    (call,) = fake.sent("/slack/api/conversations.members")
    assert call.method == "GET" and call.query == {"channel": "C0ANY", "limit": "200"}


def test_members_are_listed_across_every_page(slack: SlackMessenger, fake: FakeMessengers) -> None:
    crowd = tuple(f"U{n:05d}" for n in range(450))
    chat = slack.create_group("T0QG", "all-hands", crowd[0], crowd[1:])

    assert slack.list_members("T0QG", chat) == ("UQGBOT", *crowd)

    pages = fake.sent("/slack/api/conversations.members")
    assert [call.query.get("cursor") for call in pages] == [None, "next:200", "next:400"]


def test_a_created_channel_is_private_and_has_the_owner_and_members(
    slack: SlackMessenger, fake: FakeMessengers
) -> None:
    chat = slack.create_group("T0QG", "Weekly Sync 2026.11", "U0OWNER", ("U0A", "U0B", "U0OWNER"))

    (created,) = fake.sent("/slack/api/conversations.create")
    assert created.body == {"name": "weekly-sync-2026-11", "is_private": True}
    (invited,) = fake.sent("/slack/api/conversations.invite")
    assert invited.body == {"channel": chat, "users": "U0OWNER,U0A,U0B"}
    assert slack.list_members("T0QG", chat) == ("UQGBOT", "U0OWNER", "U0A", "U0B")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Weekly Sync", "weekly-sync"),
        ("Ops/Oncall", "ops-oncall"),
        ("Team_A.Retro (Q4)", "team_a-retro-q4"),
        ("项目 A (2024)", "a-2024-7b758d"),
        ("项目 周会", "qg-8cbdf9"),
        ("  ", "qunguan-group"),
        ("a" * 90, "a" * 80),
    ],
)
def test_channel_names_are_what_conversations_create_accepts(name: str, expected: str) -> None:
    assert channel_name(name) == expected
    assert re.fullmatch(r"[a-z0-9_-]{1,80}", channel_name(name))


def test_two_chinese_names_give_two_channels_not_a_name_clash() -> None:
    assert channel_name("项目周会") != channel_name("项目例会")


@pytest.mark.parametrize("name", ["项目-a-(2024)", "ops/oncall", "Weekly", "a" * 81, ""])
def test_the_fake_refuses_a_name_slack_refuses(fake: FakeMessengers, name: str) -> None:
    import requests

    answer = requests.post(
        f"{fake.url}/slack/api/conversations.create",
        headers={"Authorization": "Bearer xoxb-test"},
        json={"name": name, "is_private": True},
        timeout=5,
    ).json()
    assert answer["ok"] is False
    assert answer["error"] in {"invalid_name_specials", "invalid_name_maxlength", "invalid_name_required"}


def test_a_chinese_group_name_becomes_a_private_channel(slack: SlackMessenger, fake: FakeMessengers) -> None:
    slack.create_group("T0QG", "项目 A (2024)", "U0OWNER", ("U0A",))
    (created,) = fake.sent("/slack/api/conversations.create")
    assert created.body == {"name": "a-2024-7b758d", "is_private": True}


def test_an_unknown_channel_is_an_error_with_slacks_code(slack: SlackMessenger) -> None:
    with pytest.raises(MessengerError, match="channel_not_found"):
        slack.list_members("T0QG", "")
