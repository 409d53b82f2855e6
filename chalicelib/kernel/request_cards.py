"""The cards sent for a pending request (a join request's `join.*`, a publishing draft's `pub.*`), kept
with what the platform answered when each went out, so that a decision taken anywhere (a card in the
chat, a command, the web console) shows on every approver's card.

Recording: after the actions (an AFTER hook of the worker, and the `after` of a job that sends a
reminder), each such card that went out is kept under its request (`keys.sent_cards_prefix`, in the
group's partition, one PutItem a recipient, keyed by the token so that a recording written again after a
redelivery is the same item). The request is read off the card's own sealed buttons: the group and the
ref they decide. The token is the message's `Sent.token`: Slack "channel:ts" (`chat.update`), WeCom
"task_id|response_code" (`message/update_template_card`), DingTalk the card's outTrackId (`PUT
/v1.0/card/instances`). A card the platform could not show as a card (a DingTalk tenant without a card
template: sent as text) has none.

Deciding: `updates` gives, for each card kept, the action that shows the decision (an approver's, or the
request lapsing unanswered: a join request's timeout, a draft's lapse): an `UpdateCard` in place by its
token, carried out once by the outbox like every action of the decision (a failed one worth retrying is
retried, never posted again); where the card cannot be updated (no token, or a WeCom response_code past
the 72 hours it is good for, doc path/94888) a private message to that approver says who decided, as a
recorded action of its own (`<reason>.told`). A response_code WeCom refuses when the update is sent (used
already, or expired while the update waited) is the executor's to substitute: the `UpdateCard` names its
recipient (`user`), who is told by message, and the audit records it. The card clicked in the chat is
left to the click's own answer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chalicelib.cardsign import unseal
from chalicelib.core.actions import Action, Decision, PostCard, PostText, SendDirect, UpdateCard
from chalicelib.core.cards import Card
from chalicelib.core.events import CardClicked, Event
from chalicelib.core.ids import Platform, group_id
from chalicelib.store import keys
from chalicelib.store.base import Store
from chalicelib.store.records import Item

if TYPE_CHECKING:
    from chalicelib.kernel.context import Context
    from chalicelib.kernel.deps import Deps
    from chalicelib.kernel.executor import ActionResult
    from chalicelib.kernel.handlers import AfterHook
    from chalicelib.settings import Settings

KEEP_SECONDS = 30 * 86400  # longer than any request waits
ONCE_FOR = 72 * 3600  # WeCom: a response_code serves one update within 72 h (path/94888)
TASK_SEPARATOR = "|"  # a WeCom token names the card's task id before its response_code


@dataclass(frozen=True)
class SentCard:
    """One request card as one recipient got it."""

    gid: str
    kind: str  # join | pub
    ref: str  # what the card's buttons decide
    user: str  # the recipient ("" for a card posted to the group itself)
    chat: str  # the group's chat when it went to the group
    token: str  # what updates it in place; "" when the platform gave nothing that does
    at: float

    @property
    def sk(self) -> str:
        which = hashlib.sha256(f"{self.user}|{self.chat}|{self.token or self.at}".encode()).hexdigest()[:16]
        return f"{keys.sent_cards_prefix(self.kind, self.ref)}{which}"

    def data(self) -> dict[str, Any]:
        return {
            "gid": self.gid,
            "kind": self.kind,
            "ref": self.ref,
            "user": self.user,
            "chat": self.chat,
            "token": self.token,
            "at": self.at,
        }

    @staticmethod
    def of(data: dict[str, Any]) -> SentCard:
        return SentCard(
            gid=str(data["gid"]),
            kind=str(data["kind"]),
            ref=str(data["ref"]),
            user=str(data.get("user", "")),
            chat=str(data.get("chat", "")),
            token=str(data.get("token", "")),
            at=float(data.get("at", 0.0)),
        )

    def clicked_by(self, click: CardClicked) -> bool:
        """Whether this is the card the click came from (its id is the card's token, or WeCom's task id)."""
        card = click.card_id or ""
        return bool(card and self.token) and card in (self.token, self.token.partition(TASK_SEPARATOR)[0])


class SentCards:
    def __init__(self, store: Store) -> None:
        self.store = store

    def keep(self, card: SentCard) -> None:
        item = Item(keys.group_pk(card.gid), card.sk, card.data(), expires_at=int(card.at + KEEP_SECONDS))
        self.store.put_item(item)

    def of(self, gid: str, kind: str, ref: str) -> list[SentCard]:
        """The cards sent for one request, oldest first (one Query)."""
        items = self.store.query_items(keys.group_pk(gid), prefix=keys.sent_cards_prefix(kind, ref))
        return sorted((SentCard.of(item.data) for item in items), key=lambda card: card.at)


# Recording -----------------------------------------------------------------------------------------------


def sent_cards(
    decision: Decision,
    results: tuple[ActionResult, ...],
    settings: Settings,
    *,
    platform: str,
    tenant: str,
    now: float,
    kind: str,
) -> Iterator[SentCard]:
    """The request cards the actions sent, one a recipient. A card posts to its chat, then to each user,
    one message each (`executor._post_card`); a result that failed for some recipients cannot say which
    message is whose, so its recipients are kept without a token (told by message, not left stale)."""
    for action, result in zip(decision.actions, results, strict=False):
        if not isinstance(action, PostCard):
            continue
        request = _request_of(action.card, kind, settings, platform=platform, tenant=tenant)
        if request is None:
            continue
        chat, ref = request
        recipients = ([("", action.chat)] if action.chat else []) + [(user, "") for user in action.users]
        tokens = [sent.token or "" for sent in result.sent]
        as_card = result.status == "done" and len(tokens) == len(recipients)
        if result.status == "failed" and not result.sent:
            continue  # nobody got it
        for index, (user, to_chat) in enumerate(recipients):
            token = tokens[index] if as_card else ""
            yield SentCard(group_id(platform, tenant, chat), kind, ref, user, to_chat, token, now)


def _request_of(
    card: Card, kind: str, settings: Settings, *, platform: str, tenant: str
) -> tuple[str, str] | None:
    """(chat, ref) from the card's first button of `kind`, unsealed; None for any other card."""
    for button in card.buttons:
        if button.action.partition(".")[0] == kind:
            sealed = unseal(settings, button.value, platform=platform, tenant=tenant, action=button.action)
            return None if sealed is None else (sealed.chat, sealed.ref)
    return None


def keep_sent(
    deps: Deps,
    decision: Decision,
    results: tuple[ActionResult, ...],
    *,
    event: Event,
    now: float,
    kind: str,
) -> None:
    """Keep the `kind` request cards the decision sent (one PutItem a recipient); nothing for a shadow."""
    if decision.shadow or not results:
        return
    repo = SentCards(deps.store)
    found = sent_cards(
        decision, results, deps.settings, platform=event.platform, tenant=event.tenant, now=now, kind=kind
    )
    for card in found:
        repo.keep(card)


def recorder(kind: str) -> AfterHook:
    """The worker's AFTER hook that keeps the `kind` request cards that went out."""

    def record(
        event: Event, ctx: Context, decision: Decision, results: tuple[ActionResult, ...], deps: Deps
    ) -> None:
        keep_sent(deps, decision, results, event=event, now=ctx.now, kind=kind)

    return record


# Deciding ------------------------------------------------------------------------------------------------


def updates(
    deps: Deps,
    *,
    platform: Platform,
    gid: str,
    kind: str,
    ref: str,
    card: Card,
    told: str,
    reason: str,
    now: float,
    clicked: CardClicked | None = None,
) -> tuple[Action, ...]:
    """What shows the decision (or the lapse) on every card sent for the request but the one clicked
    (answered by the click): `card` in place where the card's token still updates it, else `told`
    privately."""
    once = deps.messenger(platform).capabilities.card_updates == "once"
    shown: list[Action] = []
    for sent in SentCards(deps.store).of(gid, kind, ref):
        if clicked is not None and sent.clicked_by(clicked):
            continue
        if sent.token and not (once and now - sent.at >= ONCE_FOR):
            update = UpdateCard(
                card=card, card_ref=sent.token, response_token=sent.token, user=sent.user, reason=reason
            )
            shown.append(update)
        elif sent.user:
            shown.append(SendDirect(user=sent.user, text=told, reason=f"{reason}.told"))
        else:
            shown.append(PostText(chat=sent.chat, text=told, reason=f"{reason}.told"))
    return tuple(dict.fromkeys(shown))  # a recipient kept twice without a token is told once
