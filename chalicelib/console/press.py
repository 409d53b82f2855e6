"""A card's button pressed from the console: the `CardClicked` the card itself would send, its value
sealed for the group and the item (`chalicelib.cardsign.seal`), so the worker decides it through the same
path as a press in the chat, once (the event id names the item, the choice and the person)."""

from __future__ import annotations

from typing import cast

from chalicelib.cardsign import seal
from chalicelib.console.roles import Viewer
from chalicelib.core.events import CardClicked
from chalicelib.core.ids import Platform


def press(
    viewer: Viewer,
    *,
    action: str,
    chat: str,
    ref: str,
    event_id: str,
    card_id: str = "",
    response_token: str | None = None,
) -> CardClicked:
    platform = cast(Platform, viewer.platform)
    value = seal(
        viewer.deps.settings, platform=platform, tenant=viewer.tenant, chat=chat, ref=ref, action=action
    )
    return CardClicked(
        platform=platform,
        tenant=viewer.tenant,
        event_id=event_id,
        occurred_at=viewer.now,
        chat="",  # like a card in a direct message: the sealed value names the group
        user=viewer.user,
        action=action,
        value=value,
        card_id=card_id,
        response_token=response_token,
    )
