"""R2.1, R2.2, R2.4: what happens when someone joins, and when their request is decided. Pure.

    qualified -------------------------------------------------> admitted (welcome, real-name check)
    not qualified, policy `admit` -----------------------------> admitted, and the admins are told
    not qualified, policy `approve` (or `review_all`) ---------> pending: a card to the approvers
        Approve --> admitted          Reject / no answer in time --> removed (or an admin card)
    not qualified, policy `remove` ----------------------------> removed (or an admin card)

The bot cannot stop a join on any of the three platforms, only act on it: a pending member is in the
group until approved or removed. Where the platform cannot remove them (WeCom and DingTalk groups the app
did not create), the admins get a card asking them to, and the case is recorded.
"""

from __future__ import annotations

from typing import Literal

from chalicelib.core.actions import Action, Remove, SendDirect
from chalicelib.core.cards import Button, Card
from chalicelib.i18n import t
from chalicelib.membership.qualification import Verdict
from chalicelib.membership.settings import JoinSettings
from chalicelib.membership.views import GroupView, Person, card_id, to_admins

JoinOutcome = Literal["admit", "approve", "remove"]
APPROVE = "join.approve"
REJECT = "join.reject"
REMOVED_BY_HAND = "escalation.done"


def join_outcome(verdict: Verdict, settings: JoinSettings) -> JoinOutcome:
    if verdict.standing == "bot":
        return "admit"
    if not settings.check or verdict.qualified:
        return "approve" if settings.review_all else "admit"
    return settings.unqualified


def standing_label(locale: str, standing: str) -> str:
    return t(locale, f"membership.standing.{standing}")


def approval_card(
    person: Person,
    standing: str,
    group: GroupView,
    ref: str,
    settings: JoinSettings,
    *,
    reminder: bool = False,
) -> Card:
    locale = group.locale
    title_key = "membership.join.card.reminder_title" if reminder else "membership.join.card.title"
    body = t(
        locale,
        "membership.join.card.body",
        name=person.label,
        group=group.label,
        standing=standing_label(locale, standing),
        hours=settings.timeout_hours,
    )
    return Card(
        card_id=f"join-{ref[:12]}{'-r' if reminder else ''}",
        title=t(locale, title_key, name=person.label),
        body=body,
        buttons=(
            Button(t(locale, "membership.join.button.approve"), APPROVE, ref, "primary"),
            Button(t(locale, "membership.join.button.reject"), REJECT, ref, "danger"),
        ),
    )


def pending_actions(person: Person, group: GroupView, card: Card) -> tuple[Action, ...]:
    """The approvers get the card; the newcomer is told, privately, that they wait for approval."""
    text = t(group.locale, "membership.join.pending_member", group=group.label)
    return (
        to_admins(group, card, reason="membership.join.request", approvers=True),
        SendDirect(user=person.user, text=text, reason="membership.join.pending"),
    )


def removal_actions(
    person: Person, group: GroupView, *, why: str, member_text: str, reason: str
) -> tuple[Action, ...]:
    """Remove and tell the member privately how to come back; where the platform cannot remove, a card
    asks the admins to, and the member is told nothing yet (they are still in the group)."""
    if group.can_remove:
        return (
            Remove(chat=group.chat, user=person.user, reason=reason),
            SendDirect(user=person.user, text=member_text, reason=reason),
        )
    card = escalation_card(person, group, why=why, kind=reason)
    return (to_admins(group, card, reason=f"{reason}.escalated"),)


def escalation_card(person: Person, group: GroupView, *, why: str, kind: str, at: float = 0.0) -> Card:
    """A card asking the admins to remove someone by hand, with a button to say it is done (which
    records it, R8.8): where the platform does not let the bot remove, or refused."""
    locale = group.locale
    return Card(
        card_id=card_id("escalate", kind, group.gid, person.uid, at),
        title=t(locale, "membership.escalate.remove.title", name=person.label, group=group.label),
        body=t(locale, "membership.escalate.remove.body", why=why),
        buttons=(
            Button(t(locale, "membership.escalate.button.done"), REMOVED_BY_HAND, person.user, "primary"),
        ),
    )


def unqualified_removal(person: Person, group: GroupView, standing: str) -> tuple[Action, ...]:
    locale = group.locale
    return removal_actions(
        person,
        group,
        why=t(locale, "membership.why.unqualified", standing=standing_label(locale, standing)),
        member_text=t(locale, "membership.join.removed_member", group=group.label),
        reason="membership.join.unqualified",
    )


def rejection(person: Person, group: GroupView) -> tuple[Action, ...]:
    locale = group.locale
    return removal_actions(
        person,
        group,
        why=t(locale, "membership.why.rejected"),
        member_text=t(locale, "membership.join.rejected_member", group=group.label),
        reason="membership.join.rejected",
    )


def admitted_unqualified_notice(person: Person, group: GroupView, standing: str) -> tuple[Action, ...]:
    """R2.4: admins review who was let in without qualifying."""
    locale = group.locale
    text = t(
        locale,
        "membership.join.admitted_unqualified",
        name=person.label,
        group=group.label,
        standing=standing_label(locale, standing),
    )
    return tuple(SendDirect(user=admin, text=text, reason="membership.join.review") for admin in group.admins)


def decided_card(card_id: str, title: str, line: str) -> Card:
    """What an approval card shows once decided: who did what, and no buttons."""
    return Card(card_id=card_id, title=title, body=line)
