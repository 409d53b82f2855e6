"""One open removal proposal per member, kept up to date (issue 16, item 6).

Past the removal threshold every further violation asks for a proposal (`chalicelib.core.escalation`).
While one waits for the admins (its follow-up is open), no second card goes out: the violation's points
are added to the waiting proposal's case, and the card the admins already have is edited in place with
the new total and the latest case, through the tokens the platform answered when it was sent
(`FollowUp.cards`: Slack "channel:ts" for `chat.update`, WeCom's response_code for
`update_template_card`, DingTalk's outTrackId for the card update). The edits are steps of the
violation's own decision, so the outbox carries each out once and retries one that failed in a way worth
retrying; none becomes a new card.

A WeCom response_code serves one update only (path/94945); the platform's `Capabilities.card_updates`
says so, and a token used for an update is then dropped from the follow-up, so that a later violation
never tries it again (the proposal's reminder, a new card with a new code, is what WeCom admins see next).
A code WeCom refuses when the edit is sent becomes a private message to whose copy it is (`FollowUp.owners`),
recorded as a substitution by the executor.
"""

from __future__ import annotations

import dataclasses

from chalicelib.core.actions import Decision, PostCard, UpdateCard
from chalicelib.core.cards import Button, Card
from chalicelib.core.events import Event, FileShared, MessagePosted
from chalicelib.core.facts import CaseDecided
from chalicelib.i18n import t
from chalicelib.kernel.context import Context
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.executor import ActionResult
from chalicelib.moderation import followups
from chalicelib.moderation.sealing import seal_card

REMOVAL = "removal:"
UPDATED = "moderation.removal.updated"


def one_removal_proposal(
    decision: Decision, event: MessagePosted | FileShared, ctx: Context, deps: Deps
) -> Decision:
    """The decision without a second proposal for a member who has one open, and with the open one's
    cards updated instead. One Query of the group's open cards, only when a proposal is due."""
    proposals = [
        a for a in decision.actions if isinstance(a, PostCard) and a.card.card_id.startswith(REMOVAL)
    ]
    if not proposals:
        return decision
    waiting = next(
        (
            f
            for f in followups.FollowUps(deps.store).of_group(event.gid)
            if f.card == "removal" and f.member == event.user
        ),
        None,
    )
    if waiting is None:
        return decision
    card = seal_card(updated_card(proposals[0].card, waiting.ref, ctx), event, deps.settings)
    updates = tuple(
        UpdateCard(
            card=card, card_ref=token, response_token=token, user=waiting.owner_of(token), reason=UPDATED
        )
        for token in waiting.cards
    )
    kept = tuple(a for a in decision.actions if a not in proposals)
    facts = tuple(
        dataclasses.replace(fact, removal_open=waiting.ref) if isinstance(fact, CaseDecided) else fact
        for fact in decision.facts
    )
    return dataclasses.replace(decision, actions=(*kept, *updates), facts=facts)


def updated_card(proposal: Card, open_ref: str, ctx: Context) -> Card:
    """The proposal just decided (its member, total points and group), as the open proposal's card: the
    open case's id and buttons, and the latest case named."""
    locale = ctx.policy.locale
    latest = proposal.card_id.removeprefix(REMOVAL)
    return dataclasses.replace(
        proposal,
        card_id=REMOVAL + open_ref,
        buttons=tuple(_rekeyed(button, open_ref) for button in proposal.buttons),
        fields=(*proposal.fields, (t(locale, "moderation.card.field.latest"), latest)),
        footer=t(locale, "moderation.card.footer", case=open_ref, version=ctx.policy.revision),
    )


def _rekeyed(button: Button, ref: str) -> Button:
    return dataclasses.replace(button, value=ref)


def spent_tokens(event: Event, decision: Decision, results: tuple[object, ...], deps: Deps) -> None:
    """After the actions: where the platform's card tokens serve one update, the ones just used are
    dropped from the open proposal's follow-up."""
    case = decision.fact(CaseDecided)
    ref = case.removal_open if case is not None else ""
    if not ref or decision.shadow or deps.messenger(event.platform).capabilities.card_updates != "once":
        return
    used = {
        action.card_ref
        for action, result in zip(decision.actions, results, strict=False)
        if isinstance(action, UpdateCard)
        and action.reason == UPDATED
        and isinstance(result, ActionResult)
        and (result.status != "failed" or not result.retryable)  # used, or refused for good
    }
    if used:
        followups.FollowUps(deps.store).drop_cards(event.gid, followups.CASE, str(ref), used)
