"""R2.5, R2.8: a person who left the company, or moved department, as seen from one group. Pure.

A leaver is removed where the platform allows, and the group reads a neutral notice ("X is no longer in
this group": never why). Where the bot cannot remove them, the admins get a card asking them to, and the
group is told nothing yet (it would not be true). A transfer opens a review card for the admins: keep or
remove.
"""

from __future__ import annotations

from chalicelib.core.actions import Action, PostText, Remove
from chalicelib.core.cards import Button, Card
from chalicelib.i18n import t
from chalicelib.membership.joins import escalation_card
from chalicelib.membership.settings import DepartureSettings
from chalicelib.membership.views import GroupView, Person, card_id, to_admins

KEEP = "transfer.keep"
REMOVE = "transfer.remove"


def notice(person: Person, group: GroupView) -> PostText | None:
    if not group.can_post:
        return None
    text = t(group.locale, "membership.departure.notice", name=person.label)
    return PostText(chat=group.chat, text=text, reason="membership.departure.notice")


def departure_actions(person: Person, group: GroupView, settings: DepartureSettings) -> tuple[Action, ...]:
    if not settings.remove:
        return ()
    locale = group.locale
    if not group.can_remove:
        why = t(locale, "membership.why.departed")
        card = escalation_card(person, group, why=why, kind="departure")
        return (to_admins(group, card, reason="membership.departure.escalated"),)
    actions: list[Action] = [Remove(chat=group.chat, user=person.user, reason="membership.departure")]
    posted = notice(person, group) if settings.notice else None
    if posted is not None:
        actions.append(posted)
    return tuple(actions)


def transfer_card(
    person: Person, group: GroupView, departments: tuple[str, ...], ref: str, *, at: float
) -> Card:
    locale = group.locale
    return Card(
        card_id=card_id("transfer", group.gid, person.uid, at),
        title=t(locale, "membership.transfer.title", name=person.label),
        body=t(
            locale,
            "membership.transfer.body",
            name=person.label,
            departments=", ".join(departments) or "-",
            group=group.label,
        ),
        buttons=(
            Button(t(locale, "membership.transfer.button.keep"), KEEP, ref),
            Button(t(locale, "membership.transfer.button.remove"), REMOVE, ref, "danger"),
        ),
    )
