"""Policy presets a group's admin picks on the setup card (issue 16, item 2): named overlays on the
organisation's policy, written into the group's own override like any `policy set`. Pure.

    standard  标准   the organisation's policy as it is (the preset's settings removed from the override)
    strict    严格   quicker escalation (mute at 2 points, a removal proposal at 4), flooding from 6
                     messages in 10 s, every foreign link an ad, files need a description
    relaxed   宽松   slower escalation (mute at 5, a removal proposal at 8), flooding from 12 messages,
                     links only a weak ad signal, repeats and file nudges only reminded
    meeting   会议群  a meeting group: short messages (a reminder past 800 characters), emoji floods from
                     6, heated exchanges calmed (slow mode and an admin card), repeats removed

Every preset sets its values over the same settings (`PRESET_PATHS`), so choosing another preset first
takes the previous one's settings out of the group's override: what the group set by hand elsewhere stays,
and switching presets back and forth never leaves one preset's setting under another's name.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any

from chalicelib.core.policy import merge

STANDARD = "standard"

_STRICT_LADDER = [
    {"points": 2, "action": "mute", "mute_seconds": 3600},
    {"points": 4, "action": "propose_removal"},
]
_RELAXED_LADDER = [
    {"points": 5, "action": "mute", "mute_seconds": 1800},
    {"points": 8, "action": "propose_removal"},
]

PRESETS: dict[str, dict[str, Any]] = {
    STANDARD: {},
    "strict": {
        "escalation": {"thresholds": _STRICT_LADDER},
        "rules": {
            "flood": {"max_messages": 6},
            "ads": {"links": "strict"},
            "files": {"require_description": True},
        },
    },
    "relaxed": {
        "escalation": {"thresholds": _RELAXED_LADDER},
        "rules": {
            "flood": {"max_messages": 12},
            "ads": {"links": "signal"},
            "duplicate": {"mode": "warn"},
            "files": {"require_description": False},
        },
    },
    "meeting": {
        "rules": {
            "length": {"mode": "warn", "max_chars": 800},
            "emoji": {"min_emoji": 6},
            "heated": {"mode": "enforce"},
            "duplicate": {"mode": "enforce"},
        },
    },
}


def _paths(overlay: Mapping[str, Any], above: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for key, value in overlay.items():
        if isinstance(value, Mapping) and value:
            yield from _paths(value, (*above, key))
        else:
            yield (*above, key)


PRESET_PATHS: frozenset[tuple[str, ...]] = frozenset(
    p for overlay in PRESETS.values() for p in _paths(overlay)
)


def with_preset(override: Mapping[str, Any], name: str) -> dict[str, Any]:
    """The group's override with preset `name`: every preset's settings taken out, then `name`'s set."""
    if name not in PRESETS:
        raise KeyError(name)
    cleared = copy.deepcopy(dict(override))
    for path in PRESET_PATHS:
        _remove(cleared, path)
    return merge(cleared, copy.deepcopy(PRESETS[name]))


def preset_of(override: Mapping[str, Any]) -> str | None:
    """The preset the override holds: all of its settings and no other preset's; None for a mixture."""
    for name, overlay in PRESETS.items():
        own = set(_paths(overlay))
        if all(_get(override, path) == _get(overlay, path) for path in own) and not any(
            _get(override, path) is not _MISSING for path in PRESET_PATHS - own
        ):
            return name
    return None


_MISSING = object()


def _get(data: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = data
    for key in path:
        if not isinstance(node, Mapping) or key not in node:
            return _MISSING
        node = node[key]
    return node


def _remove(data: dict[str, Any], path: tuple[str, ...]) -> None:
    """Take `path` out of `data`, and the mappings it leaves empty."""
    head, *rest = path
    if not rest:
        data.pop(head, None)
        data.pop(f"{head}+", None)
        return
    below = data.get(head)
    if isinstance(below, dict):
        _remove(below, tuple(rest))
        if not below:
            data.pop(head)


__all__ = ["PRESETS", "PRESET_PATHS", "STANDARD", "preset_of", "with_preset"]
