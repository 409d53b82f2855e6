"""Slack's v0 request signature ([official] docs.slack.dev/authentication/verifying-requests-from-slack,
PROTOCOLS.md 3.1).

`X-Slack-Signature = "v0=" + hex(HMAC-SHA256(signing_secret, "v0:" + X-Slack-Request-Timestamp + ":" +
raw body))`, compared in constant time; a timestamp more than five minutes from now, either way, is
refused, as slack_sdk's `SignatureVerifier` does. The HMAC runs over the raw bytes, never over a parsed
and re-encoded body: a form or JSON body re-serialised would not be byte-identical.
"""

from __future__ import annotations

import hashlib
import hmac

from chalicelib.errors import VerificationFailed

WINDOW_SECONDS = 300
VERSION = "v0"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The `X-Slack-Signature` value Slack would send for `body` at `timestamp`."""
    base = b"%s:%s:%s" % (VERSION.encode(), timestamp.encode(), body)
    return f"{VERSION}=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def verify_signature(
    secret: str,
    timestamp: str | None,
    signature: str | None,
    body: bytes,
    now: float,
    *,
    window: int = WINDOW_SECONDS,
) -> int:
    """Check a request's signature headers against its raw body; return the timestamp. Raises
    `VerificationFailed` for a missing header, a timestamp that is not a whole number of seconds or
    is more than `window` seconds from `now`, or a signature that does not match."""
    if not secret:
        raise VerificationFailed("no Slack signing secret is configured")
    if not timestamp or not signature:
        raise VerificationFailed("missing X-Slack-Request-Timestamp or X-Slack-Signature")
    if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
        raise VerificationFailed("X-Slack-Request-Timestamp is not a number of seconds")
    stamp = int(timestamp)
    if abs(now - stamp) > window:
        raise VerificationFailed("X-Slack-Request-Timestamp outside the five-minute window")
    expected = sign(secret, timestamp, body)
    if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
        raise VerificationFailed("signature mismatch")
    return stamp
