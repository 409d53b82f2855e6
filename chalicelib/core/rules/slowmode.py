"""R5.3 slow mode: while the group is in slow mode, one message per member per `seconds_per_message`.

The pipeline passes whether slow mode is on (`ctx.slow_mode_until`, its rate `ctx.slow_mode_seconds`) and
the member's previous message in the group (`ctx.last_message_at`). A message sooner than the rate allows
is removed where the policy says so (the executor asks its author to withdraw it where the platform
cannot delete) and explained; it costs no points unless the policy says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.core.events import Event
from chalicelib.core.policy import SlowModeSettings
from chalicelib.core.rules.base import TEXT_EVENTS, Finding, RuleContext

REASON = "moderation.reason.slowmode"


@dataclass(frozen=True)
class SlowModeRule:
    settings: SlowModeSettings
    name: str = "slowmode"
    applies_to: tuple[type[Event], ...] = TEXT_EVENTS

    def evaluate(self, event: Event, ctx: RuleContext) -> list[Finding]:
        until, last = ctx.slow_mode_until, ctx.last_message_at
        if until is None or until <= ctx.now or last is None:
            return []
        seconds = ctx.slow_mode_seconds or self.settings.seconds_per_message
        waited = ctx.now - last
        if waited >= seconds:
            return []
        s = self.settings
        return [
            Finding(
                rule=self.name,
                severity=s.severity,
                points=s.points,
                reason_key=REASON,
                params={"seconds": seconds, "wait": max(1, int(seconds - waited))},
                delete=s.delete,
                evidence={"since_last": round(waited, 1), "seconds": seconds},
            )
        ]
