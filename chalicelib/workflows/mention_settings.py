"""This domain's section of the group policy. It lives in `chalicelib.core.sections.mentions`:
core assembles the policy and imports no domain."""

from __future__ import annotations

from chalicelib.core.sections.mentions import CLOCK, MentionSettings

__all__ = [
    "CLOCK",
    "MentionSettings",
]
