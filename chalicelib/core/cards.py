"""Platform-neutral interactive cards. Each adapter renders a `Card` in its messenger's own format
(Slack Block Kit, WeCom template_card, DingTalk interactive card).

A button carries an `action` and a `value`; the click comes back as `CardClicked` with both. The
`value` is signed by the bot (see `chalicelib.core.cardsign`) when it names a group or a member, so a
forged click cannot point an action at someone else.

A card may also carry `selects`: choices the member makes on the card (a form), read when a button is
pressed, never an action of their own. The click carries what was chosen (`CardClicked.choices`). Each
platform takes what it can: Slack selects (and its user picker for `people`), WeCom's `multiple_interaction`
card (at most 3 single selects and one submit button), DingTalk's template variables.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ButtonStyle = Literal["default", "primary", "danger"]


@dataclass(frozen=True)
class Button:
    label: str
    action: str
    value: str = ""
    style: ButtonStyle = "default"


@dataclass(frozen=True)
class Option:
    label: str
    value: str


@dataclass(frozen=True)
class Select:
    """A choice on a card: `options` to pick from, `initial` the values chosen beforehand. `multiple`
    lets several be chosen; `people` offers anyone of the workspace where the platform has a user picker
    (Slack), `options` (the people the bot knows) elsewhere."""

    key: str
    label: str
    options: tuple[Option, ...]
    initial: tuple[str, ...] = ()
    multiple: bool = False
    people: bool = False


@dataclass(frozen=True)
class Card:
    card_id: str
    title: str
    body: str
    buttons: tuple[Button, ...] = ()
    fields: tuple[tuple[str, str], ...] = ()
    footer: str = ""
    selects: tuple[Select, ...] = ()
