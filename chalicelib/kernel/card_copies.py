"""Every recipient's copy of one admin card, kept with what updates it and whose it is, so that a decision
taken on one copy shows on all of them (a case or appeal card: `chalicelib.moderation.case_cards`; a
watched member's join: `chalicelib.persons.watch`).

Recording: `sent_copies` pairs each token the platform answered a `PostCard` with (a `Sent.token`: Slack
"channel:ts", WeCom "task_id|response_code", DingTalk the card's outTrackId) with whose copy it is.
Deciding: `copy_updates` gives whose copy the click's own answer updates and one `UpdateCard` for each
other copy, each naming its owner (`user=`), so that where the platform refuses it for good (a WeCom
response_code used already or past its 72 h, doc path/94888) the executor tells that owner by message
instead and records it (`chalicelib.kernel.executor._update_card`). A copy kept without its owner ("")
is still updated; only the substitute cannot be sent. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from chalicelib.core.actions import PostCard, UpdateCard
from chalicelib.core.cards import Card
from chalicelib.core.events import CardClicked
from chalicelib.kernel.request_cards import TASK_SEPARATOR

Copies = tuple[tuple[str, str], ...]  # (token, whose copy it is) of each card sent that can be updated


def sent_copies(action: PostCard, sent: Sequence[Any]) -> Copies:
    """Each token the platform answered with, and whose copy it is: a card goes to its chat first, then
    to each user, one message each (`chalicelib.kernel.executor`); where the answers do not line up with
    the recipients, whose each is cannot be said ("")."""
    recipients = ([""] if action.chat else []) + list(action.users)
    owners = recipients if len(recipients) == len(sent) else [""] * len(sent)
    pairs = zip(sent, owners, strict=True)
    return tuple((str(one.token), owner) for one, owner in pairs if getattr(one, "token", None))


def owner_of(cards: Sequence[str], owners: Sequence[str], token: str) -> str:
    """Whose copy the card `token` updates ("" where that is not known)."""
    for card, owner in zip(cards, owners, strict=False):
        if card == token:
            return owner
    return ""


def copy_updates(
    cards: Sequence[str], owners: Sequence[str], *, card: Card, click: CardClicked, reason: str
) -> tuple[str, list[UpdateCard]]:
    """Whose copy the click's own answer updates (who clicked in the chat; the console presses with the
    first stored token, which is another admin's copy as often as not), and `card` as an update of each
    other copy kept (`cards`, whose each is in `owners`)."""
    pressed = click.response_token if click.response_token in cards else ""
    clicked = (owner_of(cards, owners, pressed) if pressed else "") or click.user
    tokens = [token for token in dict.fromkeys(cards) if token and not clicked_by(token, click)]
    others = [
        UpdateCard(
            card=card,
            card_ref=token,
            response_token=token,
            user=owner_of(cards, owners, token),
            reason=reason,
        )
        for token in tokens
    ]
    return clicked, others


def clicked_by(token: str, click: CardClicked) -> bool:
    """Whether the card `token` (a `Sent.token`) updates is the one the click came from, which the click's
    own answer updates: the console presses with the token itself; a Slack click names the message's ts
    (`container.message_ts`) of the token "channel:ts"; a WeCom click its task id (`TaskId`) of the token
    "task_id|response_code" (`chalicelib.kernel.request_cards.TASK_SEPARATOR`)."""
    card = click.card_id
    if not card:
        return token == click.response_token
    return card in (token, token.partition(TASK_SEPARATOR)[0], token.rpartition(":")[2])
