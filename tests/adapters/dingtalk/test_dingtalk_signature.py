"""The robot `sign` and card `x-ddpaas-signature` HMACs (PROTOCOLS.md 2.2, 2.6, 4.3) and their windows."""

from __future__ import annotations

import pytest

from chalicelib.adapters.dingtalk.signature import (
    TWIN_SECONDS,
    TWINS,
    card_sign,
    may_have_twins,
    robot_sign,
    single_use,
    verify_card_sign,
    verify_robot_sign,
)
from chalicelib.errors import VerificationFailed

# Self-generated vectors (no official ones exist), PROTOCOLS.md 4.3.
ROBOT_VECTOR = ("1577262236757", "this is secret", "hmPWwU+7lVdm3ZZz0r9tSfx0L4Q26jWOZr9+Gs6EZQM=")
CARD_VECTOR = ("mySecret", 1595925864847, "xnBENZKoYbPiEX7TzjTy35B2Dv4RlEs6ks4/GYlmGOY=")
HOUR_MS = 3600 * 1000


def test_robot_sign_matches_the_vector() -> None:
    timestamp, secret, expected = ROBOT_VECTOR
    assert robot_sign(timestamp, secret) == expected


def test_card_sign_matches_the_vector_given_an_int_or_a_string() -> None:
    secret, timestamp, expected = CARD_VECTOR
    assert card_sign(secret, timestamp) == expected
    assert card_sign(secret, str(timestamp)) == expected


def test_robot_vector_verifies_at_its_own_time_and_returns_the_timestamp() -> None:
    timestamp, secret, sign = ROBOT_VECTOR
    now = int(timestamp) / 1000
    assert verify_robot_sign(timestamp, sign, app_secret=secret, now=now) == int(timestamp)


def test_card_vector_verifies_at_its_own_time() -> None:
    secret, timestamp, sign = CARD_VECTOR
    assert verify_card_sign(str(timestamp), sign, api_secret=secret, now=timestamp / 1000) == timestamp


@pytest.mark.parametrize("offset_ms", [-HOUR_MS, -1, 0, 1, HOUR_MS])
def test_timestamps_within_one_hour_either_way_are_accepted(offset_ms: int) -> None:
    timestamp, secret, sign = ROBOT_VECTOR
    now = (int(timestamp) + offset_ms) / 1000
    verify_robot_sign(timestamp, sign, app_secret=secret, now=now)


@pytest.mark.parametrize("offset_ms", [HOUR_MS + 1, -(HOUR_MS + 1), 10 * HOUR_MS])
def test_stale_and_future_timestamps_are_refused(offset_ms: int) -> None:
    timestamp, secret, sign = ROBOT_VECTOR
    now = (int(timestamp) + offset_ms) / 1000
    with pytest.raises(VerificationFailed, match="window"):
        verify_robot_sign(timestamp, sign, app_secret=secret, now=now)
    secret, stamp, card = CARD_VECTOR
    with pytest.raises(VerificationFailed, match="window"):
        verify_card_sign(str(stamp), card, api_secret=secret, now=(stamp + offset_ms) / 1000)


def test_wrong_secret_is_refused() -> None:
    timestamp, _, sign = ROBOT_VECTOR
    with pytest.raises(VerificationFailed, match="mismatch"):
        verify_robot_sign(timestamp, sign, app_secret="another secret", now=int(timestamp) / 1000)


def test_a_signature_for_another_timestamp_is_refused() -> None:
    timestamp, secret, _ = ROBOT_VECTOR
    other = robot_sign(str(int(timestamp) + 1), secret)
    with pytest.raises(VerificationFailed, match="mismatch"):
        verify_robot_sign(timestamp, other, app_secret=secret, now=int(timestamp) / 1000)


def test_a_tampered_signature_is_refused() -> None:
    secret, timestamp, sign = CARD_VECTOR
    tampered = ("y" if sign[0] != "y" else "z") + sign[1:]
    with pytest.raises(VerificationFailed, match="mismatch"):
        verify_card_sign(str(timestamp), tampered, api_secret=secret, now=timestamp / 1000)


@pytest.mark.parametrize(
    ("timestamp", "sign"),
    [
        (None, ROBOT_VECTOR[2]),
        (ROBOT_VECTOR[0], None),
        ("", ROBOT_VECTOR[2]),
        (ROBOT_VECTOR[0], ""),
        (None, None),
    ],
)
def test_missing_headers_are_refused(timestamp: str | None, sign: str | None) -> None:
    with pytest.raises(VerificationFailed, match="missing"):
        verify_robot_sign(timestamp, sign, app_secret=ROBOT_VECTOR[1], now=1577262236.757)
    with pytest.raises(VerificationFailed, match="missing"):
        verify_card_sign(timestamp, sign, api_secret=CARD_VECTOR[0], now=1577262236.757)


@pytest.mark.parametrize(
    "timestamp", ["abc", "1577262236757.0", "-1577262236757", " 1577262236757", "１５７７", "1" * 40]
)
def test_non_numeric_timestamps_are_refused(timestamp: str) -> None:
    sign = robot_sign(timestamp, ROBOT_VECTOR[1])
    with pytest.raises(VerificationFailed, match="milliseconds"):
        verify_robot_sign(timestamp, sign, app_secret=ROBOT_VECTOR[1], now=1577262236.757)


def test_a_non_ascii_signature_is_refused_not_crashed() -> None:
    timestamp, secret, _ = ROBOT_VECTOR
    with pytest.raises(VerificationFailed):
        verify_robot_sign(timestamp, "签名", app_secret=secret, now=int(timestamp) / 1000)


STAMP = 1_700_000_000_000


@pytest.mark.parametrize(
    ("arrival_ms", "created_ms", "twins"),
    [
        (STAMP + 200, STAMP - 5, True),  # a genuine message: created just before, delivered just after
        (STAMP + TWIN_SECONDS * 1000, STAMP, True),
        (STAMP + TWIN_SECONDS * 1000 + 1, STAMP, False),  # an old signature, replayed
        (STAMP, STAMP - TWIN_SECONDS * 1000 - 1, False),  # an old body, under a fresh signature
        (STAMP, None, False),  # a body that names no creation time
    ],
)
def test_a_request_may_have_twins_only_near_its_stamp(
    arrival_ms: int, created_ms: int | None, twins: bool
) -> None:
    assert may_have_twins(STAMP, now=arrival_ms / 1000, created_ms=created_ms) is twins


def test_single_use_allows_twins_bodies_or_one() -> None:
    def bodies(created_ms: int | None) -> int:
        return single_use(
            "r", str(STAMP), "sig", b"{}", stamp=STAMP, now=STAMP / 1000, created_ms=created_ms
        ).bodies

    assert (bodies(STAMP), bodies(None)) == (TWINS, 1)
