"""Golden payloads: each tests/fixtures/wecom/<name>.json holds a decrypted WeCom payload and the events it
must become. The plaintext is encrypted and signed by wechatpy (local.peers.wecom), as WeCom would send
it, then goes through the endpoint that `endpoints(settings, clock)` builds for its route.

Files named `vendor_*` hold WeCom's own published samples (ids, placeholders and all), each naming its
page in `source`; the others are our scenarios."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from chalicelib.adapters.base import Endpoint
from chalicelib.adapters.wecom.endpoints import endpoints
from chalicelib.clock import FrozenClock
from chalicelib.core.codec import event_from_dict, event_to_dict
from chalicelib.http import Reply
from chalicelib.settings import Settings
from local.peers.wecom import aibot_request, callback_request

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "wecom"
TOKEN = "QDG6eK"
AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
AIBOT_TOKEN = "aibotTok3n"
AIBOT_AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
CORP_ID = "wx5823bf96d3bd56c7"
NOW = 1_700_000_000


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def routes() -> dict[str, Endpoint]:
    settings = Settings(
        _env_file=None,
        wecom_corp_id=CORP_ID,
        wecom_token=TOKEN,
        wecom_aes_key=AES_KEY,
        wecom_aibot_token=AIBOT_TOKEN,
        wecom_aibot_aes_key=AIBOT_AES_KEY,
    )
    return endpoints(settings, FrozenClock(NOW))


def test_there_is_a_fixture_for_every_payload_kind() -> None:
    names = {path.stem for path in FIXTURES.glob("*.json")}
    assert {
        "text_message",
        "file_message",
        "template_card_event",
        "change_contact_delete_user",
        "change_contact_update_user_moved",
        "change_external_chat_add_member",
        "change_external_chat_del_member",
        "aibot_group_text",
        "aibot_single_text",
        "aibot_template_card_event",
        "unknown_event",
    } <= names


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.json")), ids=lambda path: path.stem)
def test_golden_payload_becomes_its_expected_events(path: Path, routes: dict[str, Endpoint]) -> None:
    fixture = load(path)
    plaintext = fixture["plaintext"]
    if fixture["route"] == "wecom.callback":
        request = callback_request(
            plaintext, token=TOKEN, aes_key=AES_KEY, corp_id=CORP_ID, timestamp=str(NOW)
        )
    else:
        request = aibot_request(plaintext, token=AIBOT_TOKEN, aes_key=AIBOT_AES_KEY, timestamp=str(NOW))
    endpoint = routes[fixture["route"]]

    verified = endpoint.verify(request.to_inbound())
    parsed = endpoint.parse(verified)

    as_json = json.loads(json.dumps([event_to_dict(event) for event in parsed.events]))
    assert as_json == fixture["expected"]
    assert tuple(event_from_dict(data) for data in fixture["expected"]) == parsed.events
    assert parsed.challenge is None
    assert endpoint.ack(verified, parsed) == Reply.empty()


VENDOR_SAMPLES = sorted(path for path in FIXTURES.glob("vendor_*.json"))


def test_wecoms_own_samples_are_here_in_both_shapes_where_there_are_two() -> None:
    assert {path.stem for path in VENDOR_SAMPLES} >= {
        "vendor_aibot_template_card_event",
        "vendor_aibot_text",
        "vendor_template_card_event",
        "vendor_change_external_chat_add_member",
        "vendor_change_external_chat_del_member_legacy",
        "vendor_text_message",
        "vendor_image_message",
        "vendor_change_contact_update_user",
        "vendor_change_contact_delete_user",
        "vendor_aibot_image",
        "vendor_aibot_mixed",
        "vendor_aibot_voice",
        "vendor_aibot_file",
        "vendor_aibot_enter_chat",
    }


@pytest.mark.parametrize("path", VENDOR_SAMPLES, ids=lambda path: path.stem)
def test_a_vendor_sample_names_where_it_was_published(path: Path) -> None:
    source = load(path)["source"]
    assert source["title"] and source["url"].startswith("https://")


def test_the_ai_bots_card_click_keeps_its_response_url_for_the_answer() -> None:
    (click,) = load(FIXTURES / "vendor_aibot_template_card_event.json")["expected"]
    assert click["response_token"] == "RESPONSEURL"
