"""Platform-neutral interactive cards. Each adapter renders a `Card` in its messenger's own format
(Slack Block Kit, WeCom template_card, DingTalk interactive card).

A button carries an `action` and a `value`; the click comes back as `CardClicked` with both. The
`value` is signed by the bot (see `chalicelib.core.cardsign`) when it names a group or a member, so a
forged click cannot point an action at someone else.
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
class Card:
    card_id: str
    title: str
    body: str
    buttons: tuple[Button, ...] = ()
    fields: tuple[tuple[str, str], ...] = ()
    footer: str = ""
