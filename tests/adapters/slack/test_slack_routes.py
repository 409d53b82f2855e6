"""The Slack routes of the real app, through `chalice.test.Client`, with requests signed by slack_sdk:
the URL handshake, refusals, and the exactly-once claim across Slack's retries and its message /
app_mention pairs."""

from __future__ import annotations

import time

from local.demo_settings import DEMO_SETTINGS
from local.peers.slack import envelope, event_request, signed, url_verification
from tests.support.stack import Stack

SECRET = DEMO_SETTINGS["SLACK_SIGNING_SECRET"]
TEAM = "T0QGROUTE"


def test_the_url_handshake_answers_the_challenge_as_plain_text(stack: Stack) -> None:
    response = stack.send(event_request(url_verification("3eZbrw1aBm2rZgRNFdxV"), SECRET))
    assert response.status_code == 200
    assert response.body == b"3eZbrw1aBm2rZgRNFdxV"
    assert response.headers["Content-Type"].startswith("text/plain")


def test_a_request_signed_with_another_secret_is_refused_with_401(stack: Stack) -> None:
    response = stack.send(event_request(url_verification("c"), "not-our-secret"))
    assert response.status_code == 401


def test_a_stale_request_is_refused_with_401(stack: Stack) -> None:
    response = stack.send(event_request(url_verification("c"), SECRET, timestamp=int(time.time()) - 600))
    assert response.status_code == 401


def test_an_authentic_body_that_is_not_json_is_refused_with_400(stack: Stack) -> None:
    response = stack.send(signed("slack.events", b"{oops", "application/json", SECRET))
    assert response.status_code == 400


def test_a_retried_delivery_and_the_app_mention_twin_share_one_claim(stack: Stack) -> None:
    post = {
        "type": "message",
        "user": "U0ALICE",
        "text": "<@UQGBOT> hello",
        "ts": "1700000000.000100",
        "channel": "C0ROUTES",
        "channel_type": "channel",
        "event_ts": "1700000000.000100",
    }
    mention = {**post, "type": "app_mention"}
    del mention["channel_type"]
    for request in (
        event_request(envelope(post, team=TEAM, event_id="Ev0ROUTE1"), SECRET),
        event_request(envelope(post, team=TEAM, event_id="Ev0ROUTE1"), SECRET, retry_num=1),
        event_request(envelope(mention, team=TEAM, event_id="Ev0ROUTE2"), SECRET),
    ):
        response = stack.send(request)
        assert (response.status_code, response.body) == (200, b"")
    claim = f"{TEAM}#msg:C0ROUTES:1700000000.000100"
    assert stack.store.claim_event("slack", claim, time.time()) is False
