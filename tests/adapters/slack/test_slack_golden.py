"""Golden payloads: each file under tests/fixtures/slack is a request as Slack sends it and the events
qunguan must make of it.

Format: `{"description", "route", "payload", "expected": [event_to_dict(...)], "challenge"?}`. The
payload is the Events API envelope (`slack.events`), the interaction payload that Slack sends as the
form field `payload` (`slack.interactions`), or the slash command's form fields (`slack.commands`).
Each is signed by slack_sdk (`local.peers.slack`) at `NOW`, verified and parsed by the endpoint.

Files named `vendor_*` are Slack's own samples as published on its event pages (ids and all), each
naming its page in `source`; the others are our scenarios.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from chalicelib.adapters.base import Endpoint
from chalicelib.adapters.slack.endpoints import SlackCommands, SlackEvents, SlackInteractions
from chalicelib.clock import FrozenClock
from chalicelib.core.codec import dumps, event_from_dict, event_to_dict, loads
from chalicelib.core.events import EVENT_TYPES, Event
from local.peers import SignedRequest
from local.peers.slack import command_request, event_request, interaction_request

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "slack"
SECRET = "qg-golden-secret"
NOW = 1_700_000_000


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return data


NAMES = sorted(path.stem for path in FIXTURES.glob("*.json"))
EXPECTED_EVENTS = [(name, index) for name in NAMES for index in range(len(load(name)["expected"]))]


def as_json(event: Event) -> Any:
    """`event_to_dict` as it reads back from a fixture: tuples become lists."""
    return json.loads(json.dumps(event_to_dict(event)))


def endpoint_for(route: str) -> Endpoint:
    clock = FrozenClock(NOW)
    endpoints: dict[str, Endpoint] = {
        "slack.events": SlackEvents(SECRET, clock),
        "slack.interactions": SlackInteractions(SECRET, clock),
        "slack.commands": SlackCommands(SECRET, clock),
    }
    return endpoints[route]


def request_for(route: str, payload: dict[str, Any]) -> SignedRequest:
    if route == "slack.events":
        return event_request(payload, SECRET, timestamp=NOW)
    if route == "slack.interactions":
        return interaction_request(payload, SECRET, timestamp=NOW)
    return command_request(payload, SECRET, timestamp=NOW)


def test_there_is_a_golden_payload_for_every_case_in_the_brief() -> None:
    assert set(NAMES) >= {
        "message",
        "message_file_share",
        "message_thread_reply",
        "app_mention",
        "member_joined_channel",
        "member_left_channel",
        "file_shared",
        "user_change_deleted",
        "user_change_updated",
        "block_actions",
        "message_action",
        "slash_command",
        "url_verification",
        "bot_own_message",
        "unknown_event",
    }


def test_the_golden_payloads_give_every_event_type_but_none_unknown() -> None:
    produced = {event["type"] for name in NAMES for event in load(name)["expected"]}
    # JobRequested comes from the scheduler, never from a messenger; withdrawals, archive consent and
    # archive notices come only from WeCom's message archive (tests/adapters/wecom/archive).
    not_slack = {"JobRequested", "MessageWithdrawn", "ConsentChanged", "ArchiveNotified"}
    assert produced == {cls.__name__ for cls in EVENT_TYPES} - not_slack


@pytest.mark.parametrize("name", NAMES)
def test_golden_payload_parses_to_its_expected_events(name: str) -> None:
    fixture = load(name)
    endpoint = endpoint_for(fixture["route"])
    request = request_for(fixture["route"], fixture["payload"]).to_inbound()

    parsed = endpoint.parse(endpoint.verify(request))

    assert [as_json(event) for event in parsed.events] == fixture["expected"], fixture["description"]
    assert parsed.challenge == fixture.get("challenge")


@pytest.mark.parametrize(("name", "index"), EXPECTED_EVENTS)
def test_golden_events_survive_the_queue_codec(name: str, index: int) -> None:
    event = event_from_dict(load(name)["expected"][index])
    assert loads(dumps(event)) == event
    assert as_json(loads(dumps(event))) == load(name)["expected"][index]


VENDOR_SAMPLES = [name for name in NAMES if name.startswith("vendor_")]


def test_slacks_own_sample_of_every_event_type_we_parse_is_here() -> None:
    assert set(VENDOR_SAMPLES) >= {
        "vendor_message_channels",
        "vendor_app_mention",
        "vendor_member_joined_channel",
        "vendor_member_left_channel",
        "vendor_file_shared",
        "vendor_url_verification",
        "vendor_user_change",
        "vendor_block_actions",
        "vendor_message_action",
        "vendor_slash_command",
    }


@pytest.mark.parametrize("name", VENDOR_SAMPLES)
def test_a_vendor_sample_names_the_page_it_was_published_on(name: str) -> None:
    source = load(name)["source"]
    assert source["title"] and source["url"].startswith("https://docs.slack.dev/")


def test_slacks_published_message_with_a_user_authorization_is_a_members_message() -> None:
    # The sample's only authorization is the author's own (`is_bot: false`): it is not the bot.
    (event,) = load("vendor_message_channels")["expected"]
    assert (event["type"], event["user"], event["text"]) == (
        "MessagePosted",
        "U123ABC456",
        "Live long and prospect.",
    )
