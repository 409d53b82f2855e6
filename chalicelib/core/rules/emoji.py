"""R5.8 emoji in moderation: at least `min_emoji` emoji making up more than `max_ratio` of a message.

An emoji is a pictograph (a ZWJ sequence, a flag, a skin-tone variant each count once), a Slack
shortcode (`:tada:`) or a WeCom/DingTalk bracket emoticon (`[微笑]`, `[Facepalm]`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from chalicelib.core.events import Event, MessagePosted
from chalicelib.core.patterns import scan_text
from chalicelib.core.policy import EmojiSettings
from chalicelib.core.rules.base import Finding, RuleContext, event_text
from chalicelib.core.textview import text_view

REASON = "moderation.reason.emoji"

SHORTCODE = re.compile(
    r":(?=[a-z0-9_+\-]{0,39}[a-z])[a-z0-9_+\-]{1,40}:|\[(?:[\u4e00-\u9fff]{1,4}|[A-Z][A-Za-z]{1,11})\]"
)
_MODIFIERS = frozenset(range(0x1F3FB, 0x1F400)) | {0xFE0F, 0xFE0E, 0x20E3}
_ZWJ = 0x200D


def _pictograph(code: int) -> bool:
    return (
        0x1F000 <= code <= 0x1FAFF
        or 0x2600 <= code <= 0x27BF
        or 0x2B00 <= code <= 0x2BFF
        or 0x2300 <= code <= 0x23FF
        or code in (0x00A9, 0x00AE, 0x203C, 0x2049, 0x2122, 0x2139, 0x3030, 0x303D)
    )


# Every character the loop in `count_emoji` treats specially (ZWJ, modifiers, regional indicators,
# pictographs): a text with none of them is all "other" characters, counted without a Python loop.
_SPECIAL = re.compile(
    "[\u00a9\u00ae\u203c\u2049\u2122\u2139\u3030\u303d\u200d\ufe0e\ufe0f\u20e3"
    "\u2300-\u23ff\u2600-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff\U0001f3fb-\U0001f3ff]"
)


def count_emoji(text: str) -> tuple[int, int]:
    """(emoji, other visible characters) in the text."""
    # A shortcode has a colon or a bracket; every special character is outside ASCII. The ordinary
    # message has neither, and its visible characters are counted once, in its view (the length rule
    # reads the same count).
    emoji = len(SHORTCODE.findall(text)) if ":" in text or "[" in text else 0
    if not emoji and (text.isascii() or not _SPECIAL.search(text)):
        return 0, text_view(text).visible
    rest = SHORTCODE.sub("", text) if emoji else text
    if not _SPECIAL.search(rest):
        return emoji, len("".join(rest.split()))  # str.split() drops exactly what str.isspace() is
    other = 0
    joined = False
    regional = 0
    for char in rest:
        code = ord(char)
        if code == _ZWJ:
            joined = True
            continue
        if code in _MODIFIERS:
            continue
        if 0x1F1E6 <= code <= 0x1F1FF:
            regional += 1
            if regional % 2:
                emoji += 1
        elif _pictograph(code):
            emoji += 0 if joined else 1
        elif not char.isspace():
            other += 1
        joined = False
    return emoji, other


@dataclass(frozen=True)
class EmojiRule:
    settings: EmojiSettings
    name: str = "emoji"
    applies_to: tuple[type[Event], ...] = (MessagePosted,)

    def evaluate(self, event: Event, ctx: RuleContext) -> list[Finding]:
        s = self.settings
        emoji, other = count_emoji(scan_text(event_text(event)))
        if emoji < s.min_emoji or emoji / (emoji + other) <= s.max_ratio:
            return []
        return [
            Finding(
                rule=self.name,
                severity=s.severity,
                points=s.points,
                reason_key=REASON,
                params={"emoji": emoji, "max_percent": round(s.max_ratio * 100)},
                delete=s.delete,
                evidence={"emoji": emoji, "other": other},
            )
        ]
