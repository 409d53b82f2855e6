"""Moments as people type them, read in the group's time zone; times shown back the same way."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.workflows.moments import MomentError, local, offset_label, parse_moment

CST = timezone(timedelta(hours=8))
# 2026-11-24 10:00 in China (UTC+8), a Tuesday.
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=CST).timestamp()


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> float:
    return datetime(2026, month, day, hour, minute, tzinfo=CST).timestamp()


@pytest.mark.parametrize(
    ("words", "expected", "used"),
    [
        (["2026-12-01T15:00", "季度复盘"], at(1, 15, month=12), 1),
        (["2026-12-01", "15:00", "季度复盘"], at(1, 15, month=12), 2),
        (["2026/12/01", "15：00"], at(1, 15, month=12), 2),  # slashes and a full-width colon
        (["tomorrow", "15:00", "复盘"], at(25, 15), 2),
        (["明天", "9:30"], at(25, 9, 30), 2),
        (["明天15:00"], at(25, 15), 1),
        (["后天", "15:00"], at(26, 15), 2),
        (["today", "18:00"], at(24, 18), 2),
        (["15:00"], at(24, 15), 1),  # later today
        (["09:00"], at(25, 9), 1),  # passed today: tomorrow
        (["+2h"], NOW + 7200, 1),
        (["+90m"], NOW + 5400, 1),
        (["+1.5h"], NOW + 5400, 1),
    ],
)
def test_moments_are_read_in_the_groups_time_zone(words: list[str], expected: float, used: int) -> None:
    moment = parse_moment(words, NOW, 8)
    assert (moment.at, moment.words) == (expected, used)


def test_the_same_words_mean_another_moment_in_another_time_zone() -> None:
    assert (
        parse_moment(["2026-12-01T15:00"], NOW, 0).at - parse_moment(["2026-12-01T15:00"], NOW, 8).at
        == 8 * 3600
    )


@pytest.mark.parametrize(
    "words",
    [
        [],
        ["季度复盘"],
        ["2026-12-01"],  # a date needs a time
        ["tomorrow"],
        ["2026-02-30T15:00"],  # no such day
        ["25:00"],
        ["2026-11-23T15:00"],  # in the past
        ["today", "09:00"],  # earlier today
        ["+0h"],
    ],
)
def test_what_names_no_future_moment_is_refused(words: list[str]) -> None:
    with pytest.raises(MomentError):
        parse_moment(words, NOW, 8)


@pytest.mark.parametrize(
    ("offset", "label"), [(8, "UTC+8"), (0, "UTC"), (5.5, "UTC+5:30"), (-3, "UTC-3"), (-9.5, "UTC-9:30")]
)
def test_offsets_are_labelled_as_people_write_them(offset: float, label: str) -> None:
    assert offset_label(offset) == label


def test_a_moment_is_shown_in_the_groups_time_zone() -> None:
    assert local(at(1, 15, month=12), 8) == "2026-12-01 15:00 (UTC+8)"
    assert local(at(1, 15, month=12), 0) == "2026-12-01 07:00 (UTC)"
