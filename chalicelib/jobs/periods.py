"""Periods and local days. A period label is what a run covers and its idempotency key: `2026-11-24`
(a day), `2026-W48` (an ISO week), `2026-11` (a month). Labels are taken in UTC, when the scheduler
fires; the days inside a period begin at the group's local midnight (`jobs.utc_offset_hours`)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

DAY = 86400


def _utc(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def day_label(ts: float) -> str:
    return _utc(ts).strftime("%Y-%m-%d")


def week_label(ts: float) -> str:
    year, week, _ = _utc(ts).isocalendar()
    return f"{year}-W{week:02d}"


def month_label(ts: float) -> str:
    return _utc(ts).strftime("%Y-%m")


def previous_month_label(ts: float) -> str:
    first = _utc(ts).replace(day=1)
    return (first - timedelta(days=1)).strftime("%Y-%m")


def previous_month(label: str) -> str:
    year, month = (int(part) for part in label.split("-"))
    return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"


def local_day(ts: float, offset_hours: float) -> str:
    """The group's calendar day that `ts` falls on."""
    return _utc(ts + offset_hours * 3600).strftime("%Y-%m-%d")


def local_midnight(day: str, offset_hours: float) -> float:
    """When the group's day `YYYY-MM-DD` begins, in seconds since the epoch."""
    start = datetime.strptime(day, "%Y-%m-%d").replace(tzinfo=UTC)
    return start.timestamp() - offset_hours * 3600


def month_bounds(label: str, offset_hours: float) -> tuple[float, float]:
    """[start, end) of the month `YYYY-MM` in the group's local time."""
    year, month = (int(part) for part in label.split("-"))
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return (
        local_midnight(f"{year}-{month:02d}-01", offset_hours),
        local_midnight(following.isoformat(), offset_hours),
    )


def days(start: float, end: float, offset_hours: float) -> list[str]:
    """The group's local days that [start, end) touches, in order."""
    if end <= start:
        return []
    first = datetime.strptime(local_day(start, offset_hours), "%Y-%m-%d").date()
    last = datetime.strptime(local_day(end - 1, offset_hours), "%Y-%m-%d").date()
    return [(first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]
