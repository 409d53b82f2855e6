"""The Slack endpoints beyond the golden payloads: what is verified first, what is refused as malformed,
what is ignored, how the ack looks, and which events share an id so the exactly-once claim collapses
them."""

from __future__ import annotations

import hashlib
import hmac
import subprocess
import sys
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest

from chalicelib.adapters.base import Endpoint, Parsed
from chalicelib.adapters.slack.endpoints import SlackCommands, SlackEvents, SlackInteractions, endpoints
from chalicelib.clock import Clock, FrozenClock
from chalicelib.core.events import CardClicked, CommandIssued, Event, MessagePosted
from chalicelib.errors import MalformedRequest, VerificationFailed
from chalicelib.http import InboundRequest
from chalicelib.routes import ROUTES
from chalicelib.settings import Settings
from local.peers import SignedRequest
from local.peers.slack import (
    command_request,
    envelope,
    event_request,
    interaction_request,
    signed,
    url_verification,
)

SECRET = "qg-endpoint-secret"
NOW = 1_700_000_000
CLOCK = FrozenClock(NOW)
ENDPOINTS: dict[str, Callable[[str, Clock], Endpoint]] = {
    "slack.events": SlackEvents,
    "slack.interactions": SlackInteractions,
    "slack.commands": SlackCommands,
}


def events_endpoint() -> SlackEvents:
    return SlackEvents(SECRET, CLOCK)


def parse_event(event: dict[str, Any], **envelope_args: Any) -> Parsed:
    endpoint = events_endpoint()
    request = event_request(envelope(event, **envelope_args), SECRET, timestamp=NOW).to_inbound()
    return endpoint.parse(endpoint.verify(request))


def message(text: str = "hello", **fields: Any) -> dict[str, Any]:
    return {
        "type": "message",
        "user": "U0ALICE",
        "text": text,
        "ts": "1700000000.000100",
        "channel": "C0MEETING",
        "event_ts": "1700000000.000100",
        "channel_type": "channel",
        **fields,
    }


def only(parsed: Parsed) -> Event:
    (event,) = parsed.events
    return event


# Set-up -----------------------------------------------------------------------------------------


def settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)


def test_slack_is_switched_off_without_a_signing_secret() -> None:
    assert endpoints(settings(slack_signing_secret=None), CLOCK) == {}


def test_the_three_routes_and_their_content_types() -> None:
    found = endpoints(settings(slack_signing_secret=SECRET), CLOCK)
    assert sorted(found) == ["slack.commands", "slack.events", "slack.interactions"]
    assert {endpoint.platform for endpoint in found.values()} == {"slack"}
    assert found["slack.events"].content_types == frozenset({"application/json"})
    assert found["slack.interactions"].content_types == frozenset({"application/x-www-form-urlencoded"})
    assert found["slack.commands"].content_types == frozenset({"application/x-www-form-urlencoded"})


def test_the_endpoints_verify_with_the_configured_secret() -> None:
    endpoint = endpoints(settings(slack_signing_secret=SECRET), CLOCK)["slack.events"]
    endpoint.verify(event_request(url_verification("c"), SECRET, timestamp=NOW).to_inbound())
    with pytest.raises(VerificationFailed):
        endpoint.verify(event_request(url_verification("c"), "other", timestamp=NOW).to_inbound())


def test_the_ingress_modules_import_neither_requests_nor_boto3_nor_pydantic() -> None:
    code = (
        "import sys\n"
        "import chalicelib.adapters.slack.endpoints, chalicelib.adapters.slack.signature\n"
        "print(sorted(m for m in ('requests', 'boto3', 'pydantic', 'slack_sdk') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


# Verify -----------------------------------------------------------------------------------------


def test_the_signature_is_checked_before_the_body_is_read() -> None:
    request = signed("slack.events", b"not json at all", "application/json", "wrong-secret", timestamp=NOW)
    with pytest.raises(VerificationFailed):
        events_endpoint().verify(request.to_inbound())


def test_a_request_without_signature_headers_is_refused() -> None:
    request = InboundRequest.build("POST", "/slack/events", {"Content-Type": "application/json"}, {}, b"{}")
    with pytest.raises(VerificationFailed, match="missing"):
        events_endpoint().verify(request)


def test_a_replayed_request_is_refused_after_five_minutes() -> None:
    request = event_request(url_verification("c"), SECRET, timestamp=NOW - 301).to_inbound()
    with pytest.raises(VerificationFailed, match="window"):
        events_endpoint().verify(request)


def test_verified_payload_is_the_raw_body_and_a_retry_is_noted() -> None:
    request = event_request(envelope(message()), SECRET, timestamp=NOW, retry_num=2).to_inbound()
    verified = events_endpoint().verify(request)
    assert verified.payload == request.body
    assert verified.context == {"timestamp": str(NOW), "retry_num": "2", "retry_reason": "http_timeout"}


def test_a_retried_delivery_gives_the_same_event_id() -> None:
    endpoint = events_endpoint()
    body = envelope({"type": "member_joined_channel", "user": "U0BOB", "channel": "C0MEETING"})
    first = endpoint.parse(endpoint.verify(event_request(body, SECRET, timestamp=NOW).to_inbound()))
    retry = endpoint.parse(
        endpoint.verify(event_request(body, SECRET, timestamp=NOW + 60, retry_num=1).to_inbound())
    )
    assert only(first).event_id == only(retry).event_id == body["event_id"]


# Ack --------------------------------------------------------------------------------------------


def test_url_verification_is_answered_with_the_challenge_as_plain_text() -> None:
    endpoint = events_endpoint()
    verified = endpoint.verify(
        event_request(url_verification("3eZbrw1aBm2rZg"), SECRET, timestamp=NOW).to_inbound()
    )
    reply = endpoint.ack(verified, endpoint.parse(verified))
    assert (reply.status, reply.body) == (200, "3eZbrw1aBm2rZg")
    assert reply.headers["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize(
    "request_",
    [
        event_request(envelope(message()), SECRET, timestamp=NOW),
        interaction_request({"type": "view_closed", "user": {"id": "U1"}}, SECRET, timestamp=NOW),
        command_request({"team_id": "T0QG", "user_id": "U1", "trigger_id": "t1"}, SECRET, timestamp=NOW),
    ],
    ids=["event", "interaction", "command"],
)
def test_everything_else_is_acknowledged_with_an_empty_200(request_: SignedRequest) -> None:
    endpoint = ENDPOINTS[next(name for name, route in ROUTES.items() if route.path == request_.path)](
        SECRET, CLOCK
    )
    verified = endpoint.verify(request_.to_inbound())
    reply = endpoint.ack(verified, endpoint.parse(verified))
    assert (reply.status, reply.body) == (200, "")


# Malformed --------------------------------------------------------------------------------------


def hand_signed(route: str, body: bytes, content_type: str) -> InboundRequest:
    """Signed with the standard library: slack_sdk cannot sign bytes that are not UTF-8."""
    digest = hmac.new(SECRET.encode(), b"v0:%d:%s" % (NOW, body), hashlib.sha256).hexdigest()
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(NOW),
        "X-Slack-Signature": f"v0={digest}",
    }
    return InboundRequest.build("POST", ROUTES[route].path, headers, {}, body)


@pytest.mark.parametrize(
    ("route", "body", "content_type"),
    [
        ("slack.events", b"{not json", "application/json"),
        ("slack.events", b"[1, 2]", "application/json"),
        ("slack.events", b"\xff\xfe", "application/json"),
        ("slack.events", b"[" * 100_000, "application/json"),
        ("slack.events", b'{"type": "event_callback", "team_id": "T0QG"}', "application/json"),
        ("slack.events", b'{"type": "event_callback", "event": {"type": "message"}}', "application/json"),
        ("slack.events", b'{"type": "url_verification"}', "application/json"),
        ("slack.interactions", b"token=x&team_id=T0QG", "application/x-www-form-urlencoded"),
        ("slack.interactions", urlencode({"payload": "{oops"}).encode(), "application/x-www-form-urlencoded"),
        ("slack.interactions", urlencode({"payload": "[]"}).encode(), "application/x-www-form-urlencoded"),
        ("slack.interactions", b"payload=%FF", "application/x-www-form-urlencoded"),
        ("slack.commands", b"\xff", "application/x-www-form-urlencoded"),
        ("slack.commands", b"user_id=U1&trigger_id=t1", "application/x-www-form-urlencoded"),
    ],
    ids=[
        "bad-json",
        "json-array",
        "not-utf8",
        "nested-too-deep",
        "callback-without-event",
        "callback-without-team",
        "challenge-missing",
        "no-payload-field",
        "payload-not-json",
        "payload-not-an-object",
        "payload-not-utf8",
        "form-not-utf8",
        "command-without-team",
    ],
)
def test_an_authentic_but_unreadable_body_is_malformed(route: str, body: bytes, content_type: str) -> None:
    endpoint = ENDPOINTS[route](SECRET, CLOCK)
    verified = endpoint.verify(hand_signed(route, body, content_type))
    with pytest.raises(MalformedRequest):
        endpoint.parse(verified)


def test_a_click_without_who_clicked_is_malformed() -> None:
    endpoint = SlackInteractions(SECRET, CLOCK)
    payload = {
        "type": "block_actions",
        "team": {"id": "T0QG"},
        "trigger_id": "t",
        "actions": [{"action_id": "a"}],
    }
    with pytest.raises(MalformedRequest, match="block_actions"):
        endpoint.parse(endpoint.verify(interaction_request(payload, SECRET, timestamp=NOW).to_inbound()))


@pytest.mark.parametrize(
    ("channel_id", "channel_name", "direct"),
    [
        ("D0LFFBKLZ", "cats", True),  # Slack's published message-shortcut sample: a DM, by its id
        ("D0DM", "directmessage", True),
        ("C0MEETING", "meeting", False),
        ("G0PRIVATE", "privategroup", False),
    ],
)
def test_a_shortcut_or_command_in_a_direct_message_is_direct_by_its_id_or_its_name(
    channel_id: str, channel_name: str, direct: bool
) -> None:
    shortcut = {
        "type": "message_action",
        "callback_id": "report_message",
        "trigger_id": "t1",
        "team": {"id": "T0QG"},
        "user": {"id": "U0CAROL"},
        "channel": {"id": channel_id, "name": channel_name},
        "message": {"type": "message", "user": "U0BOB", "ts": "1700000000.000100"},
    }
    command = {
        "team_id": "T0QG",
        "user_id": "U0CAROL",
        "trigger_id": "t2",
        "channel_id": channel_id,
        "channel_name": channel_name,
        "text": "help",
    }
    interactions, commands = SlackInteractions(SECRET, CLOCK), SlackCommands(SECRET, CLOCK)

    (from_shortcut,) = interactions.parse(
        interactions.verify(interaction_request(shortcut, SECRET, timestamp=NOW).to_inbound())
    ).events
    (from_command,) = commands.parse(
        commands.verify(command_request(command, SECRET, timestamp=NOW).to_inbound())
    ).events

    assert isinstance(from_shortcut, CommandIssued) and isinstance(from_command, CommandIssued)
    assert (from_shortcut.direct, from_command.direct) == (direct, direct)


# Events API -------------------------------------------------------------------------------------


def test_a_message_and_its_app_mention_are_the_same_event_so_the_claim_keeps_one() -> None:
    text = "<@UQGBOT> what are the rules?"
    from_message = only(parse_event(message(text), event_id="Ev1"))
    from_mention = only(
        parse_event({**message(text), "type": "app_mention", "channel_type": None}, event_id="Ev2")
    )
    assert from_message == from_mention
    assert from_message.event_id == "msg:C0MEETING:1700000000.000100"
    assert isinstance(from_message, MessagePosted)
    assert (from_message.text, from_message.mentions_bot) == ("what are the rules?", True)


@pytest.mark.parametrize(
    "fields",
    [
        {"subtype": "bot_message", "bot_id": "B0OTHER", "user": None},
        {"bot_id": "B0OTHER"},
        {"subtype": "message_changed", "hidden": True},
        {"subtype": "message_deleted", "hidden": True},
        {"subtype": "channel_join", "text": "<@U0ALICE> has joined the channel"},
        {"subtype": "channel_leave"},
        {"subtype": "channel_topic"},
        {"user": "UQGBOT"},
        {"user": None},
    ],
    ids=[
        "bot_message",
        "other-bot",
        "edit",
        "deletion",
        "join",
        "leave",
        "topic",
        "the-bots-own",
        "no-user",
    ],
)
def test_messages_that_no_member_wrote_are_ignored(fields: dict[str, Any]) -> None:
    assert parse_event(message(**fields)).events == ()


@pytest.mark.parametrize("subtype", ["thread_broadcast", "me_message", "file_share"])
def test_member_subtypes_count_as_messages(subtype: str) -> None:
    assert isinstance(only(parse_event(message(subtype=subtype))), MessagePosted)


def test_an_authorization_that_is_not_the_bots_is_never_taken_for_the_bot() -> None:
    # Slack's own `message` sample: the installing admin's authorization (`is_bot: false`) whose user
    # wrote the message. Their message counts, and a mention of them is a mention of them.
    body = envelope(message("<@U0ADMIN> hi", user="U0ADMIN"), bot_user="U0ADMIN")
    body["authorizations"][0]["is_bot"] = False
    endpoint = events_endpoint()
    event = only(endpoint.parse(endpoint.verify(event_request(body, SECRET, timestamp=NOW).to_inbound())))
    assert isinstance(event, MessagePosted)
    assert (event.user, event.mentions_bot, event.text, event.mentions) == (
        "U0ADMIN",
        False,
        "<@U0ADMIN> hi",
        ("U0ADMIN",),
    )


def test_the_bot_authorization_wins_over_a_user_one() -> None:
    body = envelope(message("<@UQGBOT> hi"))
    body["authorizations"].insert(0, {"team_id": "T0QG", "user_id": "U0ADMIN", "is_bot": False})
    endpoint = events_endpoint()
    event = only(endpoint.parse(endpoint.verify(event_request(body, SECRET, timestamp=NOW).to_inbound())))
    assert isinstance(event, MessagePosted) and event.mentions_bot


def test_mentions_are_listed_once_in_order_and_labelled_ones_count() -> None:
    event = only(parse_event(message("<@U0BOB|bob> and <@W0DAVE>, again <@U0BOB>")))
    assert isinstance(event, MessagePosted)
    assert (event.mentions, event.mentions_bot) == (("U0BOB", "W0DAVE"), False)


def test_a_thread_parent_is_in_its_thread_but_replies_to_nothing() -> None:
    event = only(parse_event(message(thread_ts="1700000000.000100")))
    assert isinstance(event, MessagePosted)
    assert (event.thread, event.reply_to) == ("1700000000.000100", None)


def test_an_event_without_a_field_we_need_is_ignored_not_refused() -> None:
    # Slack would only retry the same bytes; a 400 would count against the app's delivery rate.
    assert parse_event({"type": "member_joined_channel", "channel": "C0MEETING"}).events == ()
    assert parse_event(message(ts=None)).events == ()


def test_an_event_callback_without_an_event_id_gives_no_event() -> None:
    body = envelope({"type": "member_left_channel", "user": "U0BOB", "channel": "C0MEETING"})
    del body["event_id"]
    endpoint = events_endpoint()
    assert (
        endpoint.parse(endpoint.verify(event_request(body, SECRET, timestamp=NOW).to_inbound())).events == ()
    )


def test_the_bots_own_file_is_ignored() -> None:
    event = {"type": "file_shared", "file_id": "F1", "user_id": "UQGBOT", "channel_id": "C0MEETING"}
    assert parse_event(event).events == ()


def test_other_envelope_types_are_ignored() -> None:
    endpoint = events_endpoint()
    body = {
        "type": "app_rate_limited",
        "team_id": "T0QG",
        "minute_rate_limited": 1518467820,
        "api_app_id": "A0",
    }
    assert (
        endpoint.parse(endpoint.verify(event_request(body, SECRET, timestamp=NOW).to_inbound())) == Parsed()
    )


def test_an_event_without_a_time_takes_the_envelopes_then_the_signed_one() -> None:
    event = {"type": "member_left_channel", "user": "U0BOB", "channel": "C0MEETING"}
    assert only(parse_event(event, event_time=1_699_999_990)).occurred_at == 1_699_999_990
    assert only(parse_event(event, event_time=0)).occurred_at == NOW


# Interactivity and commands ---------------------------------------------------------------------


def click_payload(*actions: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "user": {"id": "U0ALICE", "team_id": "T0QG"},
        "team": {"id": "T0QG"},
        "trigger_id": "612.345.abc",
        "container": {"type": "message", "message_ts": "1700000000.000900", "channel_id": "C0ADMINS"},
        "channel": {"id": "C0ADMINS"},
        "response_url": "https://hooks.slack.com/actions/T0QG/1/x",
        "actions": list(actions),
    }


def parse_interaction(payload: dict[str, Any]) -> Parsed:
    endpoint = SlackInteractions(SECRET, CLOCK)
    return endpoint.parse(endpoint.verify(interaction_request(payload, SECRET, timestamp=NOW).to_inbound()))


def test_each_action_in_a_click_is_its_own_event() -> None:
    parsed = parse_interaction(
        click_payload(
            {"action_id": "approve", "value": "1", "action_ts": "1700000001.1"},
            {"action_id": "pick", "selected_option": {"value": "7d"}, "action_ts": "1700000001.2"},
        )
    )
    assert [(e.action, e.value) for e in parsed.events if isinstance(e, CardClicked)] == [
        ("approve", "1"),
        ("pick", "7d"),
    ]
    assert len({event.event_id for event in parsed.events}) == 2


def test_other_interactions_are_ignored() -> None:
    assert (
        parse_interaction({"type": "view_submission", "team": {"id": "T0QG"}, "user": {"id": "U1"}})
        == Parsed()
    )


def parse_command(**form: str) -> CommandIssued:
    fields = {"team_id": "T0QG", "user_id": "U0CAROL", "channel_id": "D0CAROL", "trigger_id": "t9", **form}
    endpoint = SlackCommands(SECRET, CLOCK)
    event = only(endpoint.parse(endpoint.verify(command_request(fields, SECRET, timestamp=NOW).to_inbound())))
    assert isinstance(event, CommandIssued)
    return event


def test_an_empty_command_asks_for_help() -> None:
    command = parse_command(text="  ")
    assert (command.name, command.args, command.text, command.reply_url) == ("help", (), "", None)


def test_a_command_name_is_case_insensitive_and_a_dm_is_direct() -> None:
    command = parse_command(text="Help me", channel_name="directmessage")
    assert (command.name, command.args, command.direct) == ("help", ("me",), True)


def test_interaction_and_command_ids_are_distinct_namespaces() -> None:
    click = only(parse_interaction(click_payload({"action_id": "a", "action_ts": "1700000001.1"})))
    command = parse_command(trigger_id="612.345.abc")
    assert click.event_id.startswith("click:612.345.abc")
    assert command.event_id == "cmd:612.345.abc"


def test_a_choice_on_a_card_is_no_click_and_the_button_carries_every_choice() -> None:
    state = {
        "select:mode": {"select:mode": {"type": "static_select", "selected_option": {"value": "warn"}}},
        "select:admins": {
            "select:admins": {"type": "multi_users_select", "selected_users": ["U0ALICE", "U0CAROL"]}
        },
        "other": {"plain": {"type": "plain_text_input", "value": "not a select of ours"}},
    }
    choosing = click_payload({"action_id": "select:mode", "selected_option": {"value": "warn"}})
    assert parse_interaction({**choosing, "state": {"values": state}}) == Parsed()

    pressed = click_payload({"action_id": "setup.apply", "value": "C1.sig", "action_ts": "1700000001.1"})
    (click,) = parse_interaction({**pressed, "state": {"values": state}}).events
    assert isinstance(click, CardClicked)
    assert click.choices == ("mode=warn", "admins=U0ALICE", "admins=U0CAROL")
    assert click.chosen("admins") == ("U0ALICE", "U0CAROL") and click.chosen("zone") == ()
