"""Reading an admin command's arguments: who it is about, and for how long."""

from __future__ import annotations

import re

from chalicelib.core.events import CommandIssued

_SLACK_MENTION = re.compile(r"^<@([A-Z0-9]+)(?:\|[^>]*)?>$")
_DURATION = re.compile(
    r"^(\d{1,5})\s*(s|sec|m|min|h|hr|d|day|秒|分钟|分鐘|分|小时|小時|时|時|天)?$", re.IGNORECASE
)
_UNITS = {
    "s": 1,
    "sec": 1,
    "秒": 1,
    "m": 60,
    "min": 60,
    "分钟": 60,
    "分鐘": 60,
    "分": 60,
    "h": 3600,
    "hr": 3600,
    "小时": 3600,
    "小時": 3600,
    "时": 3600,
    "時": 3600,
    "d": 86400,
    "day": 86400,
    "天": 86400,
}
MAX_MUTE_SECONDS = 30 * 86400


def target_of(command: CommandIssued) -> tuple[str | None, list[str]]:
    """The member a command names (a platform mention, `<@U…>`, or `@id`) and the remaining words."""
    words = list(command.args)
    for index, word in enumerate(words):
        match = _SLACK_MENTION.match(word)
        if match:
            return match.group(1), words[:index] + words[index + 1 :]
    if command.mentions:
        rest = [w for w in words if not w.startswith("@")]
        return command.mentions[0], rest
    for index, word in enumerate(words):
        if word.startswith("@") and len(word) > 1:
            return word[1:], words[:index] + words[index + 1 :]
    return None, words


def duration_of(words: list[str], default: int) -> int:
    """Seconds from `30m`, `2h`, `1d`, `90` (minutes) or `30分钟`; the default when none is given."""
    for word in words:
        match = _DURATION.match(word.strip())
        if match:
            amount, unit = int(match.group(1)), (match.group(2) or "m").lower()
            return max(60, min(amount * _UNITS.get(unit, 60), MAX_MUTE_SECONDS))
    return default
