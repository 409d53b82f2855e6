"""R5.3 heated exchange: two members trading many messages addressed to each other in a short window,
with heat between them (`chalicelib.core.heat`).

The pipeline counts the exchange and passes `ctx.exchange`. The message that brings it over the line
carries the finding; the ones after it in the same window do not repeat it, and while the group is
already in slow mode nothing is found (it is calming down). What enforcing it does (slow mode, the
calm-down notice, the admin card) is the moderation's part (`chalicelib.moderation.slowmode`).
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.core.events import Event
from chalicelib.core.heat import Exchange
from chalicelib.core.policy import HeatedSettings
from chalicelib.core.rules.base import TEXT_EVENTS, Finding, RuleContext

REASON = "moderation.reason.heated"


def heated(exchange: Exchange, settings: HeatedSettings) -> bool:
    """The thresholds: enough messages, enough from each side, enough heat."""
    return (
        exchange.total >= settings.min_messages
        and min(exchange.messages) >= settings.min_each
        and exchange.heat >= settings.min_heat
    )


@dataclass(frozen=True)
class HeatedRule:
    settings: HeatedSettings
    name: str = "heated"
    applies_to: tuple[type[Event], ...] = TEXT_EVENTS

    def evaluate(self, event: Event, ctx: RuleContext) -> list[Finding]:
        exchange = ctx.exchange
        if exchange is None or (ctx.slow_mode_until or 0.0) > ctx.now:
            return []
        s = self.settings
        if not heated(exchange, s) or heated(exchange.before(), s):
            return []
        return [
            Finding(
                rule=self.name,
                severity=s.severity,
                points=s.points,
                reason_key=REASON,
                params={"count": exchange.total, "seconds": exchange.window_seconds},
                evidence={
                    "members": list(exchange.members),
                    "messages": list(exchange.messages),
                    "heat": exchange.heat,
                    "partner": exchange.partner(),
                },
            )
        ]
