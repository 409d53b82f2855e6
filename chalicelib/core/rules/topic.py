"""R3.1 stay on topic (optional): with keywords set, a message of at least `min_chars` that mentions
none of them gets a private reminder. Keywords match after normalisation (case, width, spacing)."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.core.events import Event, MessagePosted
from chalicelib.core.policy import TopicSettings
from chalicelib.core.rules.base import Finding, RuleContext, event_text
from chalicelib.core.text import canonical

REASON = "moderation.reason.topic"


@dataclass(frozen=True)
class TopicRule:
    settings: TopicSettings
    name: str = "topic"
    applies_to: tuple[type[Event], ...] = (MessagePosted,)

    def evaluate(self, event: Event, ctx: RuleContext) -> list[Finding]:
        s = self.settings
        keywords = [key for key in (canonical(word) for word in s.keywords) if key]
        content = canonical(event_text(event))
        if not keywords or len(content) < s.min_chars or any(key in content for key in keywords):
            return []
        return [
            Finding(
                rule=self.name,
                severity=s.severity,
                points=s.points,
                reason_key=REASON,
                params={"keywords": " / ".join(s.keywords[:5])},
                delete=s.delete,
                evidence={"length": len(content)},
            )
        ]
