"""Slack's v0 signature (PROTOCOLS.md 3.1, 4.2): the official vector, slack_sdk's SignatureVerifier as
the other side in both directions, and every way a request is refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from slack_sdk.signature import Clock as SdkClock
from slack_sdk.signature import SignatureVerifier

from chalicelib.adapters.slack.signature import sign, verify_signature
from chalicelib.errors import VerificationFailed

# The official example (docs.slack.dev/authentication/verifying-requests-from-slack), a slash command.
VECTOR_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
VECTOR_TIMESTAMP = "1531420618"
VECTOR_BODY = (
    b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
    b"&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
    b"&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
    b"&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
)
VECTOR_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
VECTOR_NOW = 1531420618 + 30

SECRET = "qg-signing-secret"
NOW = 1_700_000_000


class FrozenSdkClock(SdkClock):
    def __init__(self, at: float) -> None:
        self.at = at

    def now(self) -> float:
        return self.at


def sdk_verifier(secret: str = SECRET, now: float = NOW) -> SignatureVerifier:
    return SignatureVerifier(secret, clock=FrozenSdkClock(now))


def sdk_signature(body: bytes, timestamp: str, secret: str = SECRET) -> str:
    signature = sdk_verifier(secret).generate_signature(timestamp=timestamp, body=body)
    assert signature is not None
    return signature


def test_the_official_vector_verifies_with_a_frozen_clock() -> None:
    stamp = verify_signature(VECTOR_SECRET, VECTOR_TIMESTAMP, VECTOR_SIGNATURE, VECTOR_BODY, VECTOR_NOW)
    assert stamp == 1531420618


def test_the_official_vector_is_what_both_implementations_compute() -> None:
    assert sign(VECTOR_SECRET, VECTOR_TIMESTAMP, VECTOR_BODY) == VECTOR_SIGNATURE
    assert sdk_signature(VECTOR_BODY, VECTOR_TIMESTAMP, VECTOR_SECRET) == VECTOR_SIGNATURE
    assert sdk_verifier(VECTOR_SECRET, VECTOR_NOW).is_valid(VECTOR_BODY, VECTOR_TIMESTAMP, VECTOR_SIGNATURE)


def test_the_official_vector_is_stale_five_minutes_later() -> None:
    with pytest.raises(VerificationFailed, match="window"):
        verify_signature(VECTOR_SECRET, VECTOR_TIMESTAMP, VECTOR_SIGNATURE, VECTOR_BODY, 1531420618 + 301)


@given(body=st.text(max_size=300), skew=st.integers(min_value=-300, max_value=300))
def test_what_slack_sdk_signs_is_accepted(body: str, skew: int) -> None:
    raw = body.encode()
    timestamp = str(NOW + skew)
    assert verify_signature(SECRET, timestamp, sdk_signature(raw, timestamp), raw, NOW) == NOW + skew


@given(
    body=st.text(max_size=100),
    skew=st.integers(min_value=-400, max_value=400),
    signature=st.one_of(
        st.just("valid"),
        st.text(alphabet=st.characters(max_codepoint=127), max_size=80),
        st.from_regex(r"v0=[0-9a-f]{64}", fullmatch=True),
    ),
)
def test_what_we_accept_slack_sdk_accepts(body: str, skew: int, signature: str) -> None:
    raw = body.encode()
    timestamp = str(NOW + skew)
    if signature == "valid":
        signature = sdk_signature(raw, timestamp)
    try:
        verify_signature(SECRET, timestamp, signature, raw, NOW)
    except VerificationFailed:
        accepted = False
    else:
        accepted = True
    assert accepted == sdk_verifier().is_valid(raw, timestamp, signature)


def signed(body: bytes = b'{"type":"event_callback"}', timestamp: int = NOW) -> tuple[str, str, bytes]:
    return str(timestamp), sign(SECRET, str(timestamp), body), body


def test_a_tampered_body_is_refused() -> None:
    timestamp, signature, body = signed()
    with pytest.raises(VerificationFailed, match="mismatch"):
        verify_signature(SECRET, timestamp, signature, body + b" ", NOW)


def test_another_apps_secret_is_refused() -> None:
    timestamp, _, body = signed()
    with pytest.raises(VerificationFailed, match="mismatch"):
        verify_signature(SECRET, timestamp, sign("another-secret", timestamp, body), body, NOW)


@pytest.mark.parametrize(
    "age", [301, 3600, -301, -3600], ids=["stale", "an-hour-old", "future", "an-hour-ahead"]
)
def test_a_timestamp_more_than_five_minutes_away_is_refused_even_if_signed(age: int) -> None:
    timestamp, signature, body = signed(timestamp=NOW - age)
    with pytest.raises(VerificationFailed, match="window"):
        verify_signature(SECRET, timestamp, signature, body, NOW)


@pytest.mark.parametrize("age", [300, -300, 0])
def test_the_window_includes_its_edges(age: int) -> None:
    timestamp, signature, body = signed(timestamp=NOW - age)
    assert verify_signature(SECRET, timestamp, signature, body, NOW) == NOW - age


def test_a_narrower_window_can_be_asked_for() -> None:
    timestamp, signature, body = signed(timestamp=NOW - 61)
    with pytest.raises(VerificationFailed, match="window"):
        verify_signature(SECRET, timestamp, signature, body, NOW, window=60)


@pytest.mark.parametrize(
    ("timestamp", "signature"),
    [(None, "v0=00"), ("", "v0=00"), (str(NOW), None), (str(NOW), ""), (None, None)],
    ids=["no-timestamp", "empty-timestamp", "no-signature", "empty-signature", "neither"],
)
def test_missing_headers_are_refused(timestamp: str | None, signature: str | None) -> None:
    with pytest.raises(VerificationFailed, match="missing"):
        verify_signature(SECRET, timestamp, signature, b"{}", NOW)


@pytest.mark.parametrize(
    "timestamp", ["abc", "1700000000.5", "-1700000000", "+1700000000", " 1700000000", "١٧٠٠"]
)
def test_a_timestamp_that_is_not_whole_seconds_is_refused(timestamp: str) -> None:
    with pytest.raises(VerificationFailed, match="number of seconds"):
        verify_signature(SECRET, timestamp, sign(SECRET, timestamp, b"{}"), b"{}", NOW)


def test_another_signature_version_is_refused() -> None:
    timestamp, signature, body = signed()
    with pytest.raises(VerificationFailed, match="mismatch"):
        verify_signature(SECRET, timestamp, "v1=" + signature.removeprefix("v0="), body, NOW)


def test_a_signature_that_is_not_ascii_is_refused_not_crashed() -> None:
    timestamp, _, body = signed()
    with pytest.raises(VerificationFailed, match="mismatch"):
        verify_signature(SECRET, timestamp, "v0=签名", body, NOW)


def test_an_empty_secret_verifies_nothing() -> None:
    timestamp = str(NOW)
    with pytest.raises(VerificationFailed, match="secret"):
        verify_signature("", timestamp, sign("", timestamp, b"{}"), b"{}", NOW)


def test_the_signature_covers_the_raw_bytes_not_a_reencoding() -> None:
    body = '{"text": "群管  spaced"}'.encode()
    timestamp, signature, _ = signed(body)
    assert verify_signature(SECRET, timestamp, signature, body, NOW) == NOW
    with pytest.raises(VerificationFailed):
        verify_signature(SECRET, timestamp, signature, b'{"text":"\\u7fa4\\u7ba1  spaced"}', NOW)
