"""How Slack sends: Events API envelopes (JSON), Block Kit interactions (form `payload=<json>`) and
slash commands (form), signed with slack_sdk's `SignatureVerifier` (an implementation independent of
ours) over the exact bytes sent.
"""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from chalicelib.routes import ROUTES
from local.peers import SignedRequest

TEAM = "T0QG"
BOT_USER = "UQGBOT"
JSON_TYPE = "application/json"
FORM_TYPE = "application/x-www-form-urlencoded"


def envelope(
    event: dict[str, Any],
    *,
    team: str = TEAM,
    event_id: str | None = None,
    bot_user: str = BOT_USER,
    event_time: int | None = None,
) -> dict[str, Any]:
    """An `event_callback` envelope around `event`, authorised for the bot. Without `event_id`, one is
    derived from the event, so the same event gets the same id (as a retry does)."""
    if event_id is None:
        digest = hashlib.sha256(json.dumps(event, sort_keys=True).encode()).hexdigest()
        event_id = "Ev" + digest[:10].upper()
    if event_time is None:
        stamp = str(event.get("event_ts") or event.get("ts") or "0").split(".", 1)[0]
        event_time = int(stamp) if stamp.isdigit() else 0
    return {
        "token": "XXYYZZ",
        "team_id": team,
        "api_app_id": "A0QGAPP",
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": event_time,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team,
                "user_id": bot_user,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": "4-" + event_id,
    }


def url_verification(challenge: str) -> dict[str, Any]:
    return {"token": "XXYYZZ", "challenge": challenge, "type": "url_verification"}


def event_request(
    envelope: dict[str, Any],
    secret: str,
    *,
    timestamp: int | None = None,
    retry_num: int | None = None,
    retry_reason: str = "http_timeout",
) -> SignedRequest:
    """A POST to `/slack/events`. A retry carries `X-Slack-Retry-Num` and `X-Slack-Retry-Reason`."""
    extra = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason} if retry_num else {}
    body = json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()
    return signed("slack.events", body, JSON_TYPE, secret, timestamp=timestamp, extra_headers=extra)


def interaction_request(
    payload: dict[str, Any], secret: str, *, timestamp: int | None = None
) -> SignedRequest:
    """A POST to `/slack/interactions`: the payload as JSON in the form field `payload`."""
    body = urlencode({"payload": json.dumps(payload, ensure_ascii=False, separators=(",", ":"))}).encode()
    return signed("slack.interactions", body, FORM_TYPE, secret, timestamp=timestamp)


def command_request(form: dict[str, str], secret: str, *, timestamp: int | None = None) -> SignedRequest:
    """A POST to `/slack/commands`: the slash command's fields, form-encoded."""
    return signed("slack.commands", urlencode(form).encode(), FORM_TYPE, secret, timestamp=timestamp)


def signed(
    route: str,
    body: bytes,
    content_type: str,
    secret: str,
    *,
    timestamp: int | None = None,
    extra_headers: dict[str, str] | None = None,
) -> SignedRequest:
    """`body` POSTed to the route's path with Slack's signature headers (slack_sdk computes them)."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    headers = {
        "Content-Type": content_type,
        "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature or "",
        **(extra_headers or {}),
    }
    return SignedRequest(method="POST", path=ROUTES[route].path, headers=headers, body=body)
