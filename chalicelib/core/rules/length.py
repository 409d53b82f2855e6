"""R4.3 concise messages (optional): longer than `max_chars`, not counting spaces, gets a private
suggestion to summarise or to attach a document instead."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.core.events import Event, MessagePosted
from chalicelib.core.policy import LengthSettings
from chalicelib.core.rules.base import Finding, RuleContext, event_text
from chalicelib.core.textview import text_view

REASON = "moderation.reason.length"


@dataclass(frozen=True)
class LengthRule:
    settings: LengthSettings
    name: str = "length"
    applies_to: tuple[type[Event], ...] = (MessagePosted,)

    def evaluate(self, event: Event, ctx: RuleContext) -> list[Finding]:
        s = self.settings
        length = text_view(event_text(event)).visible  # not counting blanks (str.isspace())
        if length <= s.max_chars:
            return []
        return [
            Finding(
                rule=self.name,
                severity=s.severity,
                points=s.points,
                reason_key=REASON,
                params={"length": length, "max": s.max_chars},
                delete=s.delete,
                evidence={"length": length},
            )
        ]
