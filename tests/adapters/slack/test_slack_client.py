"""SlackMessenger against the recording fake of Slack's Web API (`local.fakes.slack`): what reaches
Slack, with which token, and how Slack's answers become results, NotSupported or MessengerError."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.adapters.base import Capability, DirectoryUser, NotSupported, Sent, Target
from chalicelib.adapters.http_client import ApiClient
from chalicelib.adapters.slack.blocks import fallback_text, render
from chalicelib.adapters.slack.client import SlackMessenger, messenger
from chalicelib.clock import FrozenClock
from chalicelib.core.cards import Button, Card
from chalicelib.core.events import FileInfo, FileShared, MessagePosted
from chalicelib.errors import MessengerError
from chalicelib.settings import Settings
from local.fakes.server import Call, FakeMessengers, Fault

BOT_TOKEN = "xoxb-qg-bot"
ADMIN_TOKEN = "xoxp-qg-admin"
TENANT = "T0QG"
CARD = Card(
    "join-42", "Join request", "Dave asks to join", (Button("Approve", "join.approve", "W0DAVE", "primary"),)
)


def slack_settings(fake: FakeMessengers, *, admin_token: str | None = None) -> Settings:
    values: dict[str, Any] = {
        "slack_signing_secret": "qg-secret",
        "slack_bot_token": BOT_TOKEN,
        "slack_admin_user_token": admin_token,
        **fake.settings(),
    }
    return Settings(_env_file=None, **values)


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def slack(fake: FakeMessengers, waits: list[float]) -> SlackMessenger:
    settings = slack_settings(fake)
    return SlackMessenger(
        settings, api=ApiClient("slack", settings.slack_api_base, sleep=waits.append, timeout=2)
    )


@pytest.fixture
def slack_admin(fake: FakeMessengers) -> SlackMessenger:
    return messenger(slack_settings(fake, admin_token=ADMIN_TOKEN), FrozenClock(0))


def only_call(fake: FakeMessengers, method: str) -> Call:
    (call,) = fake.sent(f"/slack/api/{method}")
    return call


def bearer(call: Call) -> str:
    return call.headers["authorization"]


def body(call: Call) -> dict[str, Any]:
    assert isinstance(call.body, dict)
    return call.body


# Sending ----------------------------------------------------------------------------------------


def test_post_text_to_a_channel_posts_as_the_bot_in_its_thread(
    fake: FakeMessengers, slack: SlackMessenger
) -> None:
    sent = slack.post_text(
        Target(TENANT, chat="C0MEETING", thread="1700000000.000100"), "Please keep on topic"
    )
    call = only_call(fake, "chat.postMessage")
    assert bearer(call) == f"Bearer {BOT_TOKEN}"
    assert body(call) == {
        "channel": "C0MEETING",
        "thread_ts": "1700000000.000100",
        "text": "Please keep on topic",
    }
    assert sent.message_id is not None and sent.token == f"C0MEETING:{sent.message_id}"


def test_a_reply_url_gets_an_ephemeral_answer_and_no_token(
    fake: FakeMessengers, slack: SlackMessenger
) -> None:
    sent = slack.post_text(
        Target(TENANT, chat="C0MEETING", user="U0CAROL", reply_url=fake.hook_url("x")), "Done"
    )
    (call,) = fake.sent("/hooks/x")
    assert body(call) == {"text": "Done", "response_type": "ephemeral"}
    assert "authorization" not in call.headers
    assert fake.sent("/slack/api/") == []
    assert sent == Sent()


def test_a_member_in_a_chat_gets_an_ephemeral_message(fake: FakeMessengers, slack: SlackMessenger) -> None:
    assert slack.post_text(Target(TENANT, chat="C0MEETING", user="U0BOB"), "Only you can see this") == Sent()
    assert body(only_call(fake, "chat.postEphemeral")) == {
        "channel": "C0MEETING",
        "user": "U0BOB",
        "text": "Only you can see this",
    }


def test_a_direct_message_opens_the_dm_once_then_posts_there(
    fake: FakeMessengers, slack: SlackMessenger
) -> None:
    first = slack.send_direct(TENANT, "U0BOB", "Your message was removed")
    second = slack.post_text(Target(TENANT, user="U0BOB"), "You may appeal with /qg appeal")
    assert body(only_call(fake, "conversations.open")) == {"users": "U0BOB"}
    posts = fake.sent("/slack/api/chat.postMessage")
    assert [body(call)["channel"] for call in posts] == ["D0BOB", "D0BOB"]
    assert first.token == f"D0BOB:{first.message_id}" and second.message_id != first.message_id


def test_a_target_naming_nobody_is_refused(slack: SlackMessenger) -> None:
    with pytest.raises(MessengerError, match="no chat, user or reply_url"):
        slack.post_text(Target(TENANT), "lost")


def test_a_card_is_posted_as_blocks_with_a_fallback_text(fake: FakeMessengers, slack: SlackMessenger) -> None:
    sent = slack.post_card(Target(TENANT, chat="C0ADMINS"), CARD)
    assert body(only_call(fake, "chat.postMessage")) == {
        "channel": "C0ADMINS",
        "text": fallback_text(CARD),
        "blocks": render(CARD),
    }
    assert sent.message_id


def test_a_card_is_updated_through_the_response_url_of_the_click(
    fake: FakeMessengers, slack: SlackMessenger
) -> None:
    slack.update_card(TENANT, "1700000000.000900", CARD, response_token=fake.hook_url("click"))
    (call,) = fake.sent("/hooks/click")
    assert body(call) == {"text": fallback_text(CARD), "blocks": render(CARD), "replace_original": True}


def test_a_card_is_updated_with_chat_update_from_its_sent_token(
    fake: FakeMessengers, slack: SlackMessenger
) -> None:
    sent = slack.post_card(Target(TENANT, chat="C0ADMINS"), CARD)
    assert sent.token is not None
    decided = Card("join-42", "Join request: approved", "Approved by Alice")
    slack.update_card(TENANT, sent.token, decided)
    assert body(only_call(fake, "chat.update")) == {
        "channel": "C0ADMINS",
        "ts": sent.message_id,
        "text": fallback_text(decided),
        "blocks": render(decided),
    }


def test_updating_a_card_needs_its_channel_without_a_response_url(slack: SlackMessenger) -> None:
    with pytest.raises(MessengerError, match="channel:ts"):
        slack.update_card(TENANT, "1700000000.000900", CARD)


# Moderating -------------------------------------------------------------------------------------


def test_without_an_admin_token_members_messages_cannot_be_deleted(
    fake: FakeMessengers, slack: SlackMessenger
) -> None:
    assert not slack.capabilities.allows(Capability.DELETE_MESSAGE)
    assert "SLACK_ADMIN_USER_TOKEN" in slack.capabilities.notes[Capability.DELETE_MESSAGE]
    with pytest.raises(NotSupported, match="SLACK_ADMIN_USER_TOKEN"):
        slack.delete_message(TENANT, "C0MEETING", "1700000000.000100")
    assert bearer(only_call(fake, "chat.delete")) == f"Bearer {BOT_TOKEN}"


def test_the_bot_can_always_recall_its_own_message(fake: FakeMessengers, slack: SlackMessenger) -> None:
    assert slack.capabilities.allows(Capability.RECALL_OWN)
    sent = slack.post_text(Target(TENANT, chat="C0MEETING"), "oops")
    assert sent.message_id is not None
    slack.delete_message(TENANT, "C0MEETING", sent.message_id)
    assert body(only_call(fake, "chat.delete")) == {"channel": "C0MEETING", "ts": sent.message_id}


def test_a_message_has_a_permalink_and_a_refusal_gives_none(
    fake: FakeMessengers, slack: SlackMessenger
) -> None:
    link = slack.permalink(TENANT, "C0MEETING", "1700000000.000100")
    assert link == "https://qunguan-demo.slack.com/archives/C0MEETING/p1700000000000100"
    assert body(only_call(fake, "chat.getPermalink")) == {
        "channel": "C0MEETING",
        "message_ts": "1700000000.000100",
    }
    assert slack.permalink(TENANT, "", "1700000000.000100") is None  # Slack's error: no link, no failure


def test_with_an_admin_token_any_message_is_deleted_with_that_token(
    fake: FakeMessengers, slack_admin: SlackMessenger
) -> None:
    assert slack_admin.capabilities.allows(Capability.DELETE_MESSAGE)
    slack_admin.delete_message(TENANT, "C0MEETING", "1700000000.000100")
    call = only_call(fake, "chat.delete")
    assert bearer(call) == f"Bearer {ADMIN_TOKEN}"
    assert body(call) == {"channel": "C0MEETING", "ts": "1700000000.000100"}


def test_remove_member_kicks_from_the_channel(fake: FakeMessengers, slack: SlackMessenger) -> None:
    assert slack.capabilities.allows(Capability.REMOVE_MEMBER)
    slack.remove_member(TENANT, "C0MEETING", "U0BOB")
    assert body(only_call(fake, "conversations.kick")) == {"channel": "C0MEETING", "user": "U0BOB"}


@pytest.mark.parametrize("chat", ["CLOCKED", "CGENERAL"])
def test_a_kick_the_workspace_forbids_is_not_supported(slack: SlackMessenger, chat: str) -> None:
    with pytest.raises(NotSupported, match=r"restricted_action|cant_kick_from_general"):
        slack.remove_member(TENANT, chat, "U0BOB")


def test_muting_is_never_possible_and_says_why(fake: FakeMessengers, slack_admin: SlackMessenger) -> None:
    assert not slack_admin.capabilities.allows(Capability.MUTE_MEMBER, app_group=True)
    assert "no per-member mute" in slack_admin.capabilities.notes[Capability.MUTE_MEMBER]
    with pytest.raises(NotSupported, match="no per-member mute"):
        slack_admin.mute_member(TENANT, "C0MEETING", "U0BOB", 600)
    assert fake.sent("/slack/api/") == []


def test_the_declared_capabilities(slack: SlackMessenger) -> None:
    assert slack.capabilities.always == {
        Capability.SEE_ALL_MESSAGES,
        Capability.POST_TO_GROUP,
        Capability.SEND_DIRECT,
        Capability.POST_CARD,
        Capability.REMOVE_MEMBER,
        Capability.RECALL_OWN,
    }
    assert slack.capabilities.in_app_groups == frozenset()


# Directory --------------------------------------------------------------------------------------


def test_get_user_reads_the_directory(fake: FakeMessengers, slack: SlackMessenger) -> None:
    assert slack.get_user(TENANT, "U0BOB") == DirectoryUser(
        user="U0BOB",
        name="Member 0BOB",
        display_name="0BOB",
        active=True,
        is_guest=False,
        locale="zh-CN",
        email="u0bob@example.com",
    )
    call = only_call(fake, "users.info")
    assert (call.method, call.query) == ("GET", {"user": "U0BOB", "include_locale": "true"})


def test_get_user_reads_the_profile_phone_as_the_mobile(fake: FakeMessengers, slack: SlackMessenger) -> None:
    fake.contacts["slack:U0BOB"] = {"email": "Bob@Corp.example", "mobile": "+86 138 0000 0000"}
    found = slack.get_user(TENANT, "U0BOB")
    assert found is not None and (found.email, found.mobile) == ("Bob@Corp.example", "+86 138 0000 0000")


@pytest.mark.parametrize(
    ("user", "active", "guest"),
    [("UGONE1", False, False), ("UGUEST1", True, True)],
    ids=["deactivated", "guest"],
)
def test_get_user_maps_deactivated_and_guest_accounts(
    slack: SlackMessenger, user: str, active: bool, guest: bool
) -> None:
    found = slack.get_user(TENANT, user)
    assert found is not None and (found.active, found.is_guest) == (active, guest)


def test_an_unknown_user_is_none(slack: SlackMessenger) -> None:
    assert slack.get_user(TENANT, "UNOBODY") is None


def test_the_bot_user_id_is_asked_once_per_tenant(fake: FakeMessengers, slack: SlackMessenger) -> None:
    assert slack.bot_user_id(TENANT) == "UQGBOT"
    assert slack.bot_user_id(TENANT) == "UQGBOT"
    assert len(fake.sent("/slack/api/auth.test")) == 1


# Failures ---------------------------------------------------------------------------------------


def test_429_waits_as_long_as_retry_after_says_then_posts(
    fake: FakeMessengers, slack: SlackMessenger, waits: list[float]
) -> None:
    fake.inject(Fault("/slack/api/chat.postMessage", status=429, retry_after=3))
    sent = slack.post_text(Target(TENANT, chat="C0MEETING"), "after the limit")
    assert waits == [3.0]
    assert sent.message_id and len(fake.sent("/slack/api/chat.postMessage")) == 1


def test_ok_false_raises_with_slacks_error_code(slack: SlackMessenger) -> None:
    with pytest.raises(MessengerError) as raised:
        slack.update_card(TENANT, "C0ADMINS:1600000000.000001", CARD)
    assert (raised.value.platform, raised.value.method, raised.value.detail) == (
        "slack",
        "chat.update",
        "message_not_found",
    )
    assert not raised.value.retryable


def test_a_server_error_that_outlasts_the_retries_is_retryable(
    fake: FakeMessengers, slack: SlackMessenger, waits: list[float]
) -> None:
    fake.inject(Fault("/slack/api/chat.postMessage", status=503, times=4))
    with pytest.raises(MessengerError) as raised:
        slack.post_text(Target(TENANT, chat="C0MEETING"), "down")
    assert raised.value.retryable and len(waits) == 3


# The bot's own id: auth.test, never a guess from `authorizations` -------------------------------------


def posted(user: str, text: str, mentions: tuple[str, ...] = ()) -> MessagePosted:
    return MessagePosted(
        platform="slack",
        tenant=TENANT,
        event_id="msg:C0MEETING:1700000000.000100",
        occurred_at=1_700_000_000.0,
        chat="C0MEETING",
        user=user,
        message_id="1700000000.000100",
        text=text,
        mentions=mentions,
    )


def test_a_mention_of_the_bot_is_recognised_by_auth_test_s_user_id(
    fake: FakeMessengers, slack: SlackMessenger
) -> None:
    seen = slack.addressed(posted("U0ALICE", "<@UQGBOT> help", ("UQGBOT", "U0BOB")))
    assert isinstance(seen, MessagePosted)
    assert (seen.mentions_bot, seen.text, seen.mentions) == (True, "help", ("U0BOB",))
    assert len(fake.sent("/slack/api/auth.test")) == 1


def test_the_bots_own_message_and_file_are_ignored_once_auth_test_names_it(slack: SlackMessenger) -> None:
    assert slack.addressed(posted("UQGBOT", "a reminder")) is None
    own_file = FileShared(
        platform="slack",
        tenant=TENANT,
        event_id="Ev1",
        occurred_at=1.0,
        chat="C0MEETING",
        user="UQGBOT",
        file=FileInfo(file_id="F1", name="chart.png"),
    )
    assert slack.addressed(own_file) is None


def test_an_admins_message_is_the_admins_even_with_the_admin_in_authorizations(
    slack: SlackMessenger,
) -> None:
    message = posted("U0ADMIN", "<@U0ADMIN> note to self", ("U0ADMIN",))
    assert slack.addressed(message) == message


def test_when_auth_test_fails_the_event_goes_on_unmarked(fake: FakeMessengers, slack: SlackMessenger) -> None:
    fake.inject(Fault("/slack/api/auth.test", status=404))
    message = posted("U0ALICE", "<@UQGBOT> help", ("UQGBOT",))
    assert slack.addressed(message) == message
