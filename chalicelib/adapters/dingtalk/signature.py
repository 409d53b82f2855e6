"""DingTalk's two header signatures, both plain HMAC-SHA256 in base64, and their freshness windows.

- Robot callback (PROTOCOLS.md 2.2, open.dingtalk.com/document/orgapp/receive-message): headers
  `timestamp` (ms) and `sign = base64(HMAC-SHA256(appSecret, timestamp + "\\n" + appSecret))`. DingTalk
  says to reject a timestamp more than one hour from now; both checks are required.
- Card click callback (PROTOCOLS.md 2.6, document/development/event-callback-card): headers
  `x-ddpaas-signature-timestamp` (ms) and `x-ddpaas-signature = base64(HMAC-SHA256(apiSecret,
  timestamp))`. The body is not signed; the same one-hour window applies.

Neither signature covers the body, and a captured pair verifies for any body within the hour. So each
pair is bound to the body it came with: `single_use` names it for ingress, which claims it with the
body's digest (the same body again is DingTalk's redelivery; another body is a replay, refused with 401).
The card page documents no window of its own; the robot's documented hour is applied to both, and the
claim lives as long as the window could still accept the timestamp.

But the signed string is a millisecond and the app's secret, nothing else: two genuine messages of one
app sent in the same millisecond carry the same pair, and DingTalk does not deliver again a robot
message answered 401. So a pair may be bound to up to `TWINS` distinct bodies, but only while a twin is
plausible: the request arrives within `TWIN_SECONDS` of its signed stamp and the message was created
(the robot's `createAt`) within `TWIN_SECONDS` of it. Any other request, and every card click, binds the
pair to its body alone, as before. docs/reliability.md ("Header-only signatures") weighs it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from chalicelib.adapters.base import SingleUse
from chalicelib.errors import VerificationFailed

WINDOW_SECONDS = 3600
TWIN_SECONDS = 60
TWINS = 4


def robot_sign(timestamp_ms: str, app_secret: str) -> str:
    return _hmac_b64(app_secret, f"{timestamp_ms}\n{app_secret}")


def card_sign(api_secret: str, timestamp: str | int) -> str:
    return _hmac_b64(api_secret, str(timestamp))


def verify_robot_sign(timestamp_ms: str | None, sign: str | None, *, app_secret: str, now: float) -> int:
    """Check the robot headers; return the timestamp in ms. Raises `VerificationFailed`."""
    if not timestamp_ms or not sign:
        raise VerificationFailed("missing timestamp or sign header")
    stamp = check_fresh(timestamp_ms, now=now)
    _compare(robot_sign(timestamp_ms, app_secret), sign)
    return stamp


def verify_card_sign(timestamp_ms: str | None, signature: str | None, *, api_secret: str, now: float) -> int:
    """Check the card-callback headers; return the timestamp in ms. Raises `VerificationFailed`."""
    if not timestamp_ms or not signature:
        raise VerificationFailed("missing x-ddpaas-signature headers")
    stamp = check_fresh(timestamp_ms, now=now)
    _compare(card_sign(api_secret, timestamp_ms), signature)
    return stamp


def check_fresh(timestamp_ms: str, *, now: float) -> int:
    """The timestamp as an int, if it is a number of milliseconds within one hour of `now` (seconds)
    either way. Raises `VerificationFailed`."""
    if not timestamp_ms.isascii() or not timestamp_ms.isdigit() or len(timestamp_ms) > 16:
        raise VerificationFailed("timestamp is not a number of milliseconds")
    stamp = int(timestamp_ms)
    if abs(now * 1000 - stamp) > WINDOW_SECONDS * 1000:
        raise VerificationFailed("timestamp outside the one-hour window")
    return stamp


def single_use(
    route: str,
    timestamp_ms: str,
    signature: str,
    body: bytes,
    *,
    stamp: int,
    now: float,
    created_ms: int | None,
) -> SingleUse:
    """The claim that binds a verified header pair to `body`, until the window closes on `stamp` (ms).
    `created_ms` is the time the body says it was created (None: it says none, so it has no twin)."""
    pair = hashlib.sha256(f"{timestamp_ms}\n{signature}".encode()).hexdigest()[:32]
    return SingleUse(
        key=f"{route}#{pair}",
        body_digest=hashlib.sha256(body).hexdigest(),
        expires_at=stamp // 1000 + WINDOW_SECONDS + 1,
        bodies=TWINS if may_have_twins(stamp, now=now, created_ms=created_ms) else 1,
    )


def may_have_twins(stamp: int, *, now: float, created_ms: int | None) -> bool:
    """Whether a request signed at `stamp` (ms) may be one of several genuine messages signed in that
    millisecond: it arrives within `TWIN_SECONDS` of it (`now`, seconds) and its body was created within
    `TWIN_SECONDS` of it. A replayed signature is old; a genuine message is created just before it is sent."""
    window = TWIN_SECONDS * 1000
    return created_ms is not None and abs(now * 1000 - stamp) <= window and abs(created_ms - stamp) <= window


def _compare(expected: str, given: str | None) -> None:
    if not hmac.compare_digest(expected.encode(), (given or "").encode()):
        raise VerificationFailed("signature mismatch")


def _hmac_b64(key: str, message: str) -> str:
    digest = hmac.new(key.encode(), message.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()
