"""R5.5 flood (刷屏): more than `max_messages` in `window_seconds` by one member.

The pipeline counts (an atomic counter per member and window) and passes `ctx.flood_count`. The message
that crosses the limit carries the points, the mute and the explanation; the ones after it in the same
window are recorded (and removed if the policy says so) without telling the member again.
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.core.events import Event
from chalicelib.core.policy import FloodSettings
from chalicelib.core.rules.base import TEXT_EVENTS, Finding, RuleContext

REASON = "moderation.reason.flood"


@dataclass(frozen=True)
class FloodRule:
    settings: FloodSettings
    name: str = "flood"
    applies_to: tuple[type[Event], ...] = TEXT_EVENTS

    def evaluate(self, event: Event, ctx: RuleContext) -> list[Finding]:
        s = self.settings
        over = ctx.flood_count - s.max_messages
        if over <= 0:
            return []
        first = over == 1
        return [
            Finding(
                rule=self.name,
                severity=s.severity,
                points=s.points if first else 0.0,
                reason_key=REASON,
                params={"count": ctx.flood_count, "seconds": s.window_seconds, "max": s.max_messages},
                delete=s.delete,
                mute_seconds=s.mute_seconds if first else 0,
                explain=first,
                evidence={"count": ctx.flood_count, "window_seconds": s.window_seconds},
            )
        ]
