"""Cards of the admin loop: buttons sealed with their group and case (`chalicelib.cardsign`), and the
card a click turns into once it is handled."""

from __future__ import annotations

import dataclasses

from chalicelib.cardsign import seal
from chalicelib.core.actions import Action, Decision, PostCard
from chalicelib.core.cards import Button, Card
from chalicelib.core.events import Event
from chalicelib.settings import Settings

PREFIX = "mod"


def seal_card(
    card: Card, event: Event, settings: Settings, *, prefix: str = PREFIX, chat: str | None = None
) -> Card:
    """Give every button the action `prefix.<action>` and a value sealed with the group and the ref the
    engine put on it."""
    group_chat = event.chat if chat is None else chat

    def sealed(button: Button) -> Button:
        action = button.action if "." in button.action else f"{prefix}.{button.action}"
        value = seal(
            settings,
            platform=event.platform,
            tenant=event.tenant,
            chat=group_chat,
            ref=button.value,
            action=action,
        )
        return dataclasses.replace(button, action=action, value=value)

    return dataclasses.replace(card, buttons=tuple(sealed(button) for button in card.buttons))


def seal_decision(decision: Decision, event: Event, settings: Settings) -> Decision:
    if not any(isinstance(action, PostCard) for action in decision.actions):
        return decision  # nothing to seal: what every ordinary message's decision is

    def sealed(action: Action) -> Action:
        if isinstance(action, PostCard):
            return dataclasses.replace(action, card=seal_card(action.card, event, settings))
        return action

    return dataclasses.replace(decision, actions=tuple(sealed(action) for action in decision.actions))


def handled_card(card_id: str, title: str, line: str) -> Card:
    """What a handled card shows instead of its buttons: who did what (in the footer, which WeCom shows in
    place of the buttons, as `chalicelib.workflows.common.handled` does)."""
    return Card(card_id=card_id, title=title, body="", footer=line)
