"""Times as a group reads them: in the group's own time zone (`jobs.utc_offset_hours` of its policy),
always labelled, the same way in every answer, card, poll, report and notice. Pure.

    local(ts, 8)        2026-12-01 15:00 (UTC+8)
    local_clock(ts, 8)  15:00
    local_day(ts, 8)    2026-12-01 (UTC+8)
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone


def zone(offset_hours: float) -> timezone:
    return timezone(timedelta(hours=offset_hours))


def offset_label(offset_hours: float) -> str:
    """`UTC+8`, `UTC+5:30`, `UTC-3`, `UTC`."""
    if offset_hours == 0:
        return "UTC"
    sign = "+" if offset_hours > 0 else "-"
    minutes = round(abs(offset_hours) * 60)
    hours, rest = divmod(minutes, 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def local(ts: float, offset_hours: float) -> str:
    """A moment as the group reads it: `2026-12-01 15:00 (UTC+8)`."""
    shown = datetime.fromtimestamp(ts, zone(offset_hours)).strftime("%Y-%m-%d %H:%M")
    return f"{shown} ({offset_label(offset_hours)})"


def local_day(ts: float, offset_hours: float) -> str:
    """Only the day, for what is dated rather than timed (a file archived, a roster entry): `2026-12-01
    (UTC+8)`."""
    shown = datetime.fromtimestamp(ts, zone(offset_hours)).strftime("%Y-%m-%d")
    return f"{shown} ({offset_label(offset_hours)})"


def local_clock(ts: float, offset_hours: float) -> str:
    """Only the time of day, for what happens within the hour: `15:10`."""
    return datetime.fromtimestamp(ts, zone(offset_hours)).strftime("%H:%M")


__all__ = ["local", "local_clock", "local_day", "offset_label", "zone"]
