"""Golden payloads: each file in tests/fixtures/dingtalk is a plaintext payload as DingTalk sends it, and
the events qunguan must make of it. Files named `vendor_*` hold DingTalk's own documented samples as
published (ids and all), each naming its page in `source`; the others are our scenarios. The payload
is signed or encrypted by `local.peers.dingtalk` (the independent side), then verified, parsed and
acknowledged by the real endpoint."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from chalicelib.adapters.base import Endpoint
from chalicelib.adapters.dingtalk.endpoints import DingTalkCards, DingTalkEvents, DingTalkRobot
from chalicelib.adapters.reply_urls import ReplyUrls
from chalicelib.clock import FrozenClock
from chalicelib.core.codec import event_from_dict, event_to_dict
from local.peers import SignedRequest
from local.peers.dingtalk import card_request, decrypt_ack, event_request, robot_request

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "dingtalk"
NOW_MS = 1700000000000
APP_SECRET = "golden-app-secret"
EVENT_KEYS = {
    "token": "golden-token",
    "aes_key": "Yue0EfdN5900c1ce5cf6A152c63DDe1808a60c5ecd7",
    "app_key": "dingGoldenAppKey",
}
CARD_SECRET = "golden-card-secret"
CORP = "ding5f0e1a2b3c4d"  # the corp of every golden payload
REQUIRED_FIXTURES = {
    "robot_group_text",
    "robot_direct_text",
    "robot_file",
    "events_chat_add_member",
    "events_chat_remove_member",
    "events_chat_quit",
    "events_user_leave_org",
    "events_user_modify_org",
    "card_action_callback",
    "events_check_url",
    "events_unknown",
}


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def endpoint_for(route: str, corp: str = CORP) -> Endpoint:
    """The route's endpoint, pinned to `corp` (a vendor sample names DingTalk's own placeholder corp)."""
    clock = FrozenClock(NOW_MS / 1000)
    endpoints: dict[str, Endpoint] = {
        "dingtalk.robot": DingTalkRobot(APP_SECRET, clock, corp_id=corp, replies=ReplyUrls.of("dingtalk")),
        "dingtalk.events": DingTalkEvents(clock=clock, **EVENT_KEYS),
        "dingtalk.cards": DingTalkCards(CARD_SECRET, clock, corp_id=corp),
    }
    return endpoints[route]


def request_for(route: str, payload: dict[str, Any]) -> SignedRequest:
    if route == "dingtalk.robot":
        return robot_request(payload, app_secret=APP_SECRET, timestamp_ms=NOW_MS)
    if route == "dingtalk.events":
        return event_request(payload, **EVENT_KEYS, timestamp_ms=NOW_MS)
    return card_request(payload, card_secret=CARD_SECRET, timestamp_ms=NOW_MS)


FIXTURE_PATHS = sorted(FIXTURES.glob("*.json"))


def _vendor(path: Path) -> bool:
    return path.stem.startswith("vendor_")


def test_there_is_a_fixture_for_every_required_event_type() -> None:
    missing = REQUIRED_FIXTURES - {path.stem for path in FIXTURE_PATHS}
    assert not missing


@pytest.mark.parametrize("path", FIXTURE_PATHS, ids=lambda path: path.stem)
def test_golden_payload_gives_the_expected_events(path: Path) -> None:
    fixture = load(path)
    assert set(fixture) - {"source", "corp"} == {"description", "route", "payload", "expected"}
    endpoint = endpoint_for(fixture["route"], fixture.get("corp", CORP))
    request = request_for(fixture["route"], fixture["payload"])
    assert request.path == "/" + fixture["route"].replace(".", "/")

    parsed = endpoint.parse(endpoint.verify(request.to_inbound()))

    got = json.loads(json.dumps([event_to_dict(event) for event in parsed.events], ensure_ascii=False))
    assert got == fixture["expected"]
    assert parsed.challenge is None


@pytest.mark.parametrize("path", FIXTURE_PATHS, ids=lambda path: path.stem)
def test_golden_expectations_are_valid_events_that_round_trip(path: Path) -> None:
    for data in load(path)["expected"]:
        event = event_from_dict(data)
        assert event.platform == "dingtalk"
        assert json.loads(json.dumps(event_to_dict(event))) == data


@pytest.mark.parametrize("path", FIXTURE_PATHS, ids=lambda path: path.stem)
def test_golden_payload_is_acknowledged_in_the_platforms_format(path: Path) -> None:
    fixture = load(path)
    endpoint = endpoint_for(fixture["route"], fixture.get("corp", CORP))
    verified = endpoint.verify(request_for(fixture["route"], fixture["payload"]).to_inbound())
    reply = endpoint.ack(verified, endpoint.parse(verified))
    assert reply.status == 200
    if fixture["route"] == "dingtalk.events":
        assert decrypt_ack(reply.body, **EVENT_KEYS) == "success"
    elif fixture["route"] == "dingtalk.cards":
        assert json.loads(reply.body) == {}
    else:
        assert reply.body == ""


def test_event_ids_are_unique_across_our_scenarios() -> None:
    # DingTalk's pages reuse one placeholder eventId, so the vendor samples are left out.
    ours = [path for path in FIXTURE_PATHS if not _vendor(path)]
    ids = [event["event_id"] for path in ours for event in load(path)["expected"]]
    assert len(ids) == len(set(ids))


VENDOR_SAMPLES = [path for path in FIXTURE_PATHS if _vendor(path)]


def test_every_event_type_parsed_has_dingtalks_own_sample_in_both_shapes_where_there_are_two() -> None:
    stems = {path.stem for path in VENDOR_SAMPLES}
    assert stems >= {
        "vendor_events_chat_add_member",
        "vendor_events_chat_add_member_legacy",
        "vendor_events_chat_remove_member",
        "vendor_events_chat_quit",
        "vendor_events_user_leave_org",
        "vendor_events_user_modify_org",
        "vendor_robot_group_text",
        "vendor_robot_picture",
        "vendor_robot_file",
        "vendor_robot_rich_text",
        "vendor_card_action_callback",
    }


@pytest.mark.parametrize("path", VENDOR_SAMPLES, ids=lambda path: path.stem)
def test_a_vendor_sample_names_the_page_it_was_published_on(path: Path) -> None:
    source = load(path)["source"]
    assert source["title"] and source["url"].startswith("https://")
