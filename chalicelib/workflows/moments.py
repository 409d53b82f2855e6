"""Moments as people type them in a command, in the group's own time zone (`jobs.utc_offset_hours`), and
times shown back to them the same way. Pure.

    2026-12-01T15:00   2026-12-01 15:00   2026/12/01 15:00     a date and a time
    today 15:00   tomorrow 15:00   今天 15:00   明天15:00   后天 9:30   a day and a time
    15:00                                                      today, or tomorrow once it has passed
    +2h   +90m   +1d                                           from now

A full-width colon (`15：00`) reads as a colon. `parse_moment` says how many words the moment took, so the
words after it are the rest of the command.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from chalicelib.core.localtime import local, local_clock, offset_label, zone

_DATE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ](\d{1,2}):(\d{2}))?$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_DAY_TIME = re.compile(r"^(今天|明天|后天|後天)(\d{1,2}):(\d{2})$")
_RELATIVE = re.compile(r"^\+(\d{1,4}(?:\.\d+)?)(m|min|h|hr|d)$", re.IGNORECASE)
_UNITS = {"m": 60, "min": 60, "h": 3600, "hr": 3600, "d": 86400}
DAYS_AHEAD = {
    "today": 0,
    "tomorrow": 1,
    "今天": 0,
    "明天": 1,
    "后天": 2,
    "後天": 2,
    "今日": 0,
    "明日": 1,
}


class MomentError(ValueError):
    """The words do not name a moment (or name one in the past)."""


@dataclass(frozen=True)
class Moment:
    at: float  # seconds since the epoch, UTC
    words: int  # how many words it took


def _clean(word: str) -> str:
    return word.strip().replace("：", ":").replace("／", "/")


def _at(day: date, hour: int, minute: int, offset_hours: float) -> float:
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise MomentError(f"{hour}:{minute:02d}")
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone(offset_hours)).timestamp()


def _today(now: float, offset_hours: float) -> date:
    return datetime.fromtimestamp(now, zone(offset_hours)).date()


def parse_moment(words: Sequence[str], now: float, offset_hours: float) -> Moment:
    """The moment the first words name (in the group's offset) and how many words it took. Raises
    MomentError for words that name no moment, or a moment that is not in the future."""
    if not words:
        raise MomentError("no moment")
    first = _clean(words[0])
    second = _clean(words[1]) if len(words) > 1 else ""
    moment = _parse(first, second, now, offset_hours)
    if moment.at <= now:
        raise MomentError("in the past")
    return moment


def _parse(first: str, second: str, now: float, offset_hours: float) -> Moment:
    relative = _RELATIVE.match(first)
    if relative:
        seconds = float(relative.group(1)) * _UNITS[relative.group(2).lower()]
        return Moment(now + seconds, 1)
    dated = _DATE.match(first)
    if dated:
        year, month, day = (int(dated.group(n)) for n in (1, 2, 3))
        try:
            on = date(year, month, day)
        except ValueError as exc:
            raise MomentError(first) from exc
        if dated.group(4) is not None:
            return Moment(_at(on, int(dated.group(4)), int(dated.group(5)), offset_hours), 1)
        clock = _TIME.match(second)
        if clock is None:
            raise MomentError(f"{first} needs a time")
        return Moment(_at(on, int(clock.group(1)), int(clock.group(2)), offset_hours), 2)
    joined = _DAY_TIME.match(first)
    if joined:
        on = _today(now, offset_hours) + timedelta(days=DAYS_AHEAD[joined.group(1)])
        return Moment(_at(on, int(joined.group(2)), int(joined.group(3)), offset_hours), 1)
    if first.lower() in DAYS_AHEAD:
        clock = _TIME.match(second)
        if clock is None:
            raise MomentError(f"{first} needs a time")
        on = _today(now, offset_hours) + timedelta(days=DAYS_AHEAD[first.lower()])
        return Moment(_at(on, int(clock.group(1)), int(clock.group(2)), offset_hours), 2)
    clock = _TIME.match(first)
    if clock:
        today = _today(now, offset_hours)
        at = _at(today, int(clock.group(1)), int(clock.group(2)), offset_hours)
        if at <= now:
            at = _at(today + timedelta(days=1), int(clock.group(1)), int(clock.group(2)), offset_hours)
        return Moment(at, 1)
    raise MomentError(first)


__all__ = ["Moment", "MomentError", "local", "local_clock", "offset_label", "parse_moment", "zone"]
