"""R2.7: the welcome a newcomer gets, in the group's language. Pure.

The group sees a short welcome with the rules in brief (where the bot may post there: not in WeCom groups
the app did not create). The newcomer gets the rules on a card with a button to confirm they have read
them, privately, which works on every platform (WeCom cards go only to people) and keeps the group quiet.
Who has not confirmed is tracked (`MembershipRepo.expect_ack`) and reminded once.
"""

from __future__ import annotations

from chalicelib.core.actions import Action, PostCard, PostText, SendDirect
from chalicelib.core.cards import Button, Card
from chalicelib.i18n import t
from chalicelib.membership.settings import WelcomeSettings
from chalicelib.membership.views import GroupView, Person, card_id

ACK = "welcome.ack"


def rules_summary(group: GroupView, settings: WelcomeSettings) -> str:
    return settings.rules_summary.strip() or t(group.locale, "membership.welcome.rules")


def rules_card(person: Person, group: GroupView, settings: WelcomeSettings, *, at: float) -> Card:
    locale = group.locale
    return Card(
        card_id=card_id("welcome", group.gid, person.uid, at),
        title=t(locale, "membership.welcome.card.title", group=group.label),
        body=t(locale, "membership.welcome.card.body", rules=rules_summary(group, settings)),
        buttons=(Button(t(locale, "membership.welcome.button.ack"), ACK, person.user, "primary"),),
    )


def welcome_actions(
    person: Person, group: GroupView, settings: WelcomeSettings, *, at: float
) -> tuple[Action, ...]:
    if not settings.enabled:
        return ()
    locale = group.locale
    rules = rules_summary(group, settings)
    actions: list[Action] = []
    text = t(locale, "membership.welcome.text", name=person.label, group=group.label, rules=rules)
    if group.can_post:
        actions.append(PostText(chat=group.chat, text=text, reason="membership.welcome"))
    if settings.acknowledge:
        card = rules_card(person, group, settings, at=at)
        actions.append(PostCard(card=card, users=(person.user,), reason="membership.welcome.rules"))
    elif not group.can_post:
        actions.append(SendDirect(user=person.user, text=text, reason="membership.welcome"))
    return tuple(actions)


def reminder(person: Person, group: GroupView, settings: WelcomeSettings, *, at: float) -> tuple[Action, ...]:
    text = t(
        group.locale, "membership.welcome.reminder", group=group.label, rules=rules_summary(group, settings)
    )
    card = rules_card(person, group, settings, at=at)
    return (
        PostCard(
            card=Card(card.card_id, card.title, text, card.buttons),
            users=(person.user,),
            reason="membership.welcome.reminder",
        ),
    )
