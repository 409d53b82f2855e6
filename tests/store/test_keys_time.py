"""Times inside sort keys: fixed-width UTC ISO-8601, exactly as `datetime.strftime` writes them."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.store import keys

SECONDS = st.floats(min_value=0, max_value=4_102_444_799.999, allow_nan=False)  # 1970 to 2099


@given(SECONDS)
def test_iso_is_what_strftime_writes(ts: float) -> None:
    assert keys.iso(ts) == datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@given(SECONDS)
def test_day_is_the_utc_day(ts: float) -> None:
    assert keys.day(ts) == datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d")


def test_the_second_is_not_rounded_up() -> None:
    assert keys.iso(1_796_655_270.9999) == "2026-12-07T14:54:30Z"
    assert keys.day(1_796_687_999.9) == "2026-12-07"
