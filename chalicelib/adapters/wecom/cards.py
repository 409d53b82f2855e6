"""A neutral `Card` as a WeCom `template_card` of type `button_interaction` (doc path/90236).

The only interactive template card that takes plain buttons: each button's `key` comes back in the click
callback as `EventKey` (self-built app) or `event_key` (AI bot), and `button_key`/`split_button_key` are
the two halves of that round trip: `key = f"{action}|{value}"`.

WeCom's limits, enforced here rather than discovered as an errcode after the fact:
- `task_id`: at most 128 bytes of letters, digits and `_-@`, unique per app (the card's id, reused as-is
  so the click's `TaskId` names the same card);
- at most 6 buttons, each `key` at most 1024 bytes and unique on the card (a longer key is refused, never
  cut: the value may be signed, and half a signature is worthless);
- at most 6 `horizontal_content_list` rows; further fields go into the body text instead of being lost.
"""

from __future__ import annotations

import re
from typing import Any

from chalicelib.core.cards import Button, ButtonStyle, Card

MAX_BUTTONS = 6
MAX_ROWS = 6
MAX_KEY_BYTES = 1024
TASK_ID = re.compile(r"[A-Za-z0-9_@-]{1,128}")
KEY_SEPARATOR = "|"

# Styles 1..4 are shown only as a picture in the doc; 1 is the filled blue default, 3 the red one.
# [UNVERIFIED] on a live tenant: the mapping of 2 (outlined) to "default".
_STYLES: dict[ButtonStyle, int] = {"primary": 1, "default": 2, "danger": 3}


def button_key(button: Button) -> str:
    if KEY_SEPARATOR in button.action:
        raise ValueError(f"a WeCom button action cannot contain {KEY_SEPARATOR!r}: {button.action!r}")
    key = f"{button.action}{KEY_SEPARATOR}{button.value}"
    if len(key.encode()) > MAX_KEY_BYTES:
        raise ValueError(f"button key over {MAX_KEY_BYTES} bytes for action {button.action!r}")
    return key


def split_button_key(key: str) -> tuple[str, str]:
    """(action, value) from a clicked button's key; a key without the separator is all action."""
    action, _, value = key.partition(KEY_SEPARATOR)
    return action, value


def template_card(card: Card, *, task_id: str | None = None) -> dict[str, Any]:
    """The `template_card` object for message/send, update_template_card and the AI bot's reply URL."""
    task = task_id or card.card_id
    if not TASK_ID.fullmatch(task):
        raise ValueError(f"WeCom task_id must match {TASK_ID.pattern}: {task!r}")
    if len(card.buttons) > MAX_BUTTONS:
        raise ValueError(f"WeCom cards take at most {MAX_BUTTONS} buttons, got {len(card.buttons)}")
    keys = [button_key(button) for button in card.buttons]
    if len(set(keys)) != len(keys):
        raise ValueError("WeCom button keys must be unique on a card")
    rows, overflow = card.fields[:MAX_ROWS], card.fields[MAX_ROWS:]
    text = "\n".join(
        part for part in (card.body, *(f"{name}: {value}" for name, value in overflow), card.footer) if part
    )
    rendered: dict[str, Any] = {
        "card_type": "button_interaction",
        "main_title": {"title": card.title},
        "task_id": task,
        "button_list": [
            {"text": button.label, "style": _STYLES[button.style], "key": key}
            for button, key in zip(card.buttons, keys, strict=True)
        ],
    }
    if text:
        rendered["sub_title_text"] = text
    if rows:
        rendered["horizontal_content_list"] = [{"keyname": name, "value": value} for name, value in rows]
    return rendered
