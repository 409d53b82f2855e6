"""What a chart shows, independent of how it is drawn.

The PNG renderer's font has ASCII only (a CJK font would weigh megabytes), so a chart carries two sets of
labels: `categories` in the group's language for the SVG, and `short` ASCII labels for the PNG, whose
caption (sent with the image, in the group's language) says what the short labels stand for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PALETTE = ("#2f6fdb", "#9db8e8", "#e0892f", "#3a9d5d", "#b8485a", "#7a5fc0")


@dataclass(frozen=True)
class Series:
    name: str  # in the group's language (SVG legend)
    short: str  # ASCII (PNG legend)
    values: tuple[float | None, ...]
    color: str = PALETTE[0]


@dataclass(frozen=True)
class Chart:
    key: str  # the file name's stem: dimensions, distribution, trend, daily
    kind: Literal["bar", "line"]
    title: str
    categories: tuple[str, ...]
    short: tuple[str, ...]
    series: tuple[Series, ...]
    y_max: float | None = None  # None: from the data
    caption: str = ""  # what the PNG's short labels mean, in the group's language

    def top(self) -> float:
        if self.y_max is not None:
            return self.y_max
        highest = max((v for s in self.series for v in s.values if v is not None), default=0.0)
        return nice_ceiling(highest)


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 times a power of ten that is at least `value` (and at least 1)."""
    if value <= 1:
        return 1.0
    power = 1.0
    while power * 10 < value:
        power *= 10
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        if step * power >= value:
            return step * power
    return 10 * power  # pragma: no cover - the loop above always returns


def ticks(top: float) -> list[float]:
    """Gridlines at round steps: 4 where that gives whole numbers (0-100 by 25), else 5 (0-50 by 10)."""
    count = 4 if top < 4 or (top / 4) == int(top / 4) else 5
    return [top * n / count for n in range(count + 1)]


def tick_label(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"
