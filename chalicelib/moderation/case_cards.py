"""Every admin's copy of a case or appeal card shows its decision: the card clicked (in the chat, or by
the console, which presses it with the first stored token) is answered by the click's own `UpdateCard`;
`other_cards` gives one `UpdateCard` for each other card the follow-up keeps (`FollowUp.cards`: Slack
"channel:ts" for `chat.update`, WeCom's response_code for `message/update_template_card`), each once,
carried out by the outbox like every action of the decision, as `chalicelib.moderation.proposals` does
for a removal proposal's cards. Each update names whose copy it is (`FollowUp.owners`), so that where the
platform refuses it (a WeCom response_code used already or past its 72 h) the executor tells that admin
by message instead and records it. One GetItem of the follow-up, only on a click.
"""

from __future__ import annotations

from chalicelib.core.actions import UpdateCard
from chalicelib.core.cards import Card
from chalicelib.core.events import CardClicked
from chalicelib.kernel.card_copies import clicked_by, copy_updates
from chalicelib.store.base import Store

__all__ = ["clicked_by", "copies", "other_cards"]


def copies(
    store: Store, gid: str, kind: str, ref: str, *, card: Card, click: CardClicked, reason: str
) -> tuple[str, list[UpdateCard]]:
    """Whose copy the click's own answer updates (who clicked in the chat; the console presses with the
    first stored token, which is another admin's copy as often as not), and an update for each other card
    of the follow-up (`kind` case|appeal, `ref`): `chalicelib.kernel.card_copies.copy_updates`."""
    from chalicelib.moderation.followups import FollowUps  # it imports the deciding modules

    followup = FollowUps(store).get(gid, kind, ref)
    if followup is None:
        return click.user, []
    return copy_updates(followup.cards, followup.owners, card=card, click=click, reason=reason)


def other_cards(
    store: Store, gid: str, kind: str, ref: str, *, card: Card, click: CardClicked, reason: str
) -> list[UpdateCard]:
    """An update for each card of the follow-up (`kind` case|appeal, `ref`) but the one clicked."""
    return copies(store, gid, kind, ref, card=card, click=click, reason=reason)[1]
