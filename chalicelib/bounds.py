"""The numbers a request puts into an event, bounded before anything computes with them.

Parsers take times and sizes from payloads (Slack `ts` and `event_time`, DingTalk `createAt`, WeCom
`CreateTime`, file sizes) and pass them on as numbers. Out of range, they fail far from the request:
a Slack `ts` of `1e12` or a DingTalk `createAt` of `1e20` overflowed `datetime` when the message-log day
was computed at ingress, a 500 the platform retried; a size of 10^400 fails float conversion in a rule.
`check_events` refuses such an event at ingress, after parsing and before the claim, as
`MalformedRequest` (400), whatever the route.

A time must be finite, not negative, and at most `FUTURE_SKEW` ahead of our clock (platforms stamp with
their own synchronised clocks; a day covers any skew). There is no lower bound but the epoch: an edited
message or a late retry may carry an old time legitimately. A file size must be an integer between 0
and `MAX_FILE_SIZE`, far above any platform's upload limit.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from chalicelib.core.events import Event, FileShared, MessagePosted
from chalicelib.errors import MalformedRequest

FUTURE_SKEW = 86_400.0
MAX_FILE_SIZE = 1 << 45  # 32 TiB


def check_events(events: Iterable[Event], now: float) -> None:
    """Raise MalformedRequest for the first event with a number out of range."""
    for event in events:
        check_time(event.occurred_at, now)
        files = event.files if isinstance(event, MessagePosted) else ()
        if isinstance(event, FileShared):
            files = (event.file,)
        for file in files:
            size = file.size
            if size is not None and not (type(size) is int and 0 <= size <= MAX_FILE_SIZE):
                raise MalformedRequest("a file size is out of range")


def check_time(at: float, now: float) -> None:
    """Raise MalformedRequest unless `at` is a time an event can have happened at."""
    if isinstance(at, bool) or not isinstance(at, int | float):
        raise MalformedRequest("the event time is not a number")
    if (isinstance(at, float) and not math.isfinite(at)) or at < 0 or at > now + FUTURE_SKEW:
        raise MalformedRequest("the event time is out of range")
