"""A neutral `Card` as a WeCom `template_card` of type `button_interaction` (doc path/90236).

The only interactive template card that takes plain buttons: each button's `key` comes back in the click
callback as `EventKey` (self-built app) or `event_key` (AI bot), and `button_key`/`split_button_key` are
the two halves of that round trip: `key = f"{action}|{value}"`.

WeCom's limits, enforced here rather than discovered as an errcode after the fact:
- `task_id`: at most 128 bytes of letters, digits and `_-@`, unique per app (the card's id, reused as-is
  so the click's `TaskId` names the same card);
- 1 to 6 buttons (`button_list` is required, path/90236: a card with nothing to press is not a
  button_interaction card; the messenger sends such a card as text), each `key` at most 1024 bytes and
  unique on the card (a longer key is refused, never cut: the value may be signed, and half a signature
  is worthless);
- at most 6 `horizontal_content_list` rows; further fields go into the body text instead of being lost.

A card with selects is a `multiple_interaction` card instead (多项选择型, path/90236): `main_title` (the
body as its `desc`), a `select_list` of at most 3 single-choice selects (`question_key`, `title`,
`selected_id`, an `option_list` of at most 10 `{id, text}`), and one `submit_button` whose `key` is the
card's one button's. The click callback names the button's key as `EventKey` and what was chosen as
`SelectedItems` (`QuestionKey`, `OptionIds`), path/90240. WeCom offers no multiple choice on that card and no
user picker: a card asking for either is refused here, as are more selects or options than it takes.
"""

from __future__ import annotations

import re
from typing import Any

from chalicelib.core.cards import Button, ButtonStyle, Card, Select

MAX_BUTTONS = 6
MAX_ROWS = 6
MAX_KEY_BYTES = 1024
TASK_ID = re.compile(r"[A-Za-z0-9_@-]{1,128}")
KEY_SEPARATOR = "|"
MAX_SELECTS = 3
MAX_OPTIONS = 10
MAX_OPTION_ID_BYTES = 128

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
    if card.selects:
        return _choice_card(card, task)
    if not 1 <= len(card.buttons) <= MAX_BUTTONS:
        raise ValueError(f"WeCom cards take 1 to {MAX_BUTTONS} buttons, got {len(card.buttons)}")
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


def _choice_card(card: Card, task: str) -> dict[str, Any]:
    """A `multiple_interaction` card: the selects, and the card's one button as its submit button."""
    if len(card.selects) > MAX_SELECTS:
        raise ValueError(f"WeCom choice cards take at most {MAX_SELECTS} selects, got {len(card.selects)}")
    if len(card.buttons) != 1:
        raise ValueError("a WeCom choice card has exactly one (submit) button")
    text = "\n".join(
        part for part in (card.body, *(f"{n}: {v}" for n, v in card.fields), card.footer) if part
    )
    title: dict[str, str] = {"title": card.title}
    if text:
        title["desc"] = text
    return {
        "card_type": "multiple_interaction",
        "main_title": title,
        "task_id": task,
        "select_list": [_selection(select) for select in card.selects],
        "submit_button": {"text": card.buttons[0].label, "key": button_key(card.buttons[0])},
    }


def _selection(select: Select) -> dict[str, Any]:
    if select.multiple or select.people:
        raise ValueError(f"WeCom selects are single choices among options: {select.key!r}")
    if not 1 <= len(select.options) <= MAX_OPTIONS:
        raise ValueError(f"a WeCom select takes 1 to {MAX_OPTIONS} options, got {len(select.options)}")
    ids = [option.value for option in select.options]
    if len(set(ids)) != len(ids) or any(len(i.encode()) > MAX_OPTION_ID_BYTES or not i for i in ids):
        raise ValueError(f"WeCom option ids are unique, 1 to {MAX_OPTION_ID_BYTES} bytes: {select.key!r}")
    rendered: dict[str, Any] = {
        "question_key": select.key,
        "title": select.label,
        "option_list": [{"id": option.value, "text": option.label} for option in select.options],
    }
    chosen = [value for value in select.initial if value in ids]
    if chosen:
        rendered["selected_id"] = chosen[0]
    return rendered
