"""R3.4 duplicates: the same normalised text (`text.canonical`: NFKC, case, width, spacing and
punctuation ignored) again within the window, by the same member or across the group.

The pipeline keeps the counters, keyed on `text.fingerprint`, and passes `ctx.member_duplicates` and
`ctx.group_duplicates` (both counting this message). Short texts never count: "收到", "好的", "+1" are
how members acknowledge, not spam.
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.core.events import Event, MessagePosted
from chalicelib.core.policy import DuplicateSettings
from chalicelib.core.rules.base import Finding, RuleContext, event_text
from chalicelib.core.text import canonical, fingerprint

MEMBER_REASON = "moderation.reason.duplicate.member"
GROUP_REASON = "moderation.reason.duplicate.group"


@dataclass(frozen=True)
class DuplicateRule:
    settings: DuplicateSettings
    name: str = "duplicate"
    applies_to: tuple[type[Event], ...] = (MessagePosted,)

    def evaluate(self, event: Event, ctx: RuleContext) -> list[Finding]:
        s = self.settings
        member_over = ctx.member_duplicates > s.member_max_copies
        group_over = ctx.group_duplicates > s.group_max_copies
        if not (member_over or group_over):
            return []  # the usual case: no copies over the limits, no need to canonicalise the text
        text = event_text(event)
        length = len(canonical(text))
        minutes = max(1, round(s.window_seconds / 60))
        if member_over and length >= s.min_chars:
            reason, params = MEMBER_REASON, {"minutes": minutes}
        elif group_over and length >= s.group_min_chars:
            reason, params = GROUP_REASON, {"minutes": minutes, "copies": ctx.group_duplicates}
        else:
            return []
        return [
            Finding(
                rule=self.name,
                severity=s.severity,
                points=s.points,
                reason_key=reason,
                params=params,
                delete=s.delete,
                evidence={
                    "fingerprint": fingerprint(text),
                    "member_copies": ctx.member_duplicates,
                    "group_copies": ctx.group_duplicates,
                },
            )
        ]
