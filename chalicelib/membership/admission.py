"""What admitting a member involves, shared by the join gate, an approval click and a roster sync:
recording them, the welcome, and the real-name check. Also the sealing of the membership cards' buttons
(`chalicelib.cardsign`), since their clicks may come back from a direct message."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from chalicelib.adapters.base import DirectoryUser
from chalicelib.cardsign import seal
from chalicelib.core.actions import Action, Decision, PostCard, SendDirect
from chalicelib.core.cards import Button, Card
from chalicelib.membership import names, welcome
from chalicelib.membership.repository import MembershipRepo, NameRecord
from chalicelib.membership.settings import MembershipSettings
from chalicelib.membership.views import GroupView, Person
from chalicelib.settings import Settings

HOUR = 3600


def seal_card(card: Card, settings: Settings, *, platform: str, tenant: str, chat: str) -> Card:
    """Every button's value (a ref) sealed with the group and the button's action."""

    def sealed(button: Button) -> Button:
        value = seal(
            settings, platform=platform, tenant=tenant, chat=chat, ref=button.value, action=button.action
        )
        return dataclasses.replace(button, value=value)

    return dataclasses.replace(card, buttons=tuple(sealed(button) for button in card.buttons))


def seal_actions(
    actions: tuple[Action, ...], settings: Settings, *, platform: str, tenant: str, chat: str
) -> tuple[Action, ...]:
    def sealed(action: Action) -> Action:
        if isinstance(action, PostCard) and action.card.buttons:
            card = seal_card(action.card, settings, platform=platform, tenant=tenant, chat=chat)
            return dataclasses.replace(action, card=card)
        return action

    return tuple(sealed(action) for action in actions)


def sealed_decision(
    actions: tuple[Action, ...],
    settings: Settings,
    *,
    platform: str,
    tenant: str,
    chat: str,
    audit: Mapping[str, Any] | None = None,
) -> Decision:
    """The handlers' way out: every card button sealed with the group `chat`, most severe action first;
    `audit` is the detail the audit record of the actions keeps (a decision that does nothing, such as a
    join admitted without a word, writes no audit record)."""
    sealed = seal_actions(actions, settings, platform=platform, tenant=tenant, chat=chat)
    return Decision(Decision.of(*sealed).actions, audit=(audit or {}) if sealed else {})


def shown_and_real(person: DirectoryUser | None, user: str) -> tuple[str, str | None]:
    """The name shown in groups, and the directory's real name (None where the directory has only the
    user id, as WeCom gives apps created after 2022-06)."""
    if person is None:
        return "", None
    real = person.name if person.name and person.name != user else None
    return person.display_name, real


def person_of(user: str, uid: str, directory: DirectoryUser | None, fallback: str = "") -> Person:
    label = (directory.display_name or directory.name) if directory is not None else ""
    return Person(user=user, uid=uid, label=label or fallback or user)


def name_actions(
    repo: MembershipRepo,
    group: GroupView,
    person: Person,
    *,
    shown: str,
    real: str | None,
    settings: MembershipSettings,
    now: float,
) -> tuple[Action, ...]:
    """R2.3 on join or on a profile change: a conforming name clears any open check; a new
    non-conforming one is recorded with its grace period and nudged once, privately."""
    rules = settings.real_names
    if not rules.enabled:
        return ()
    check = names.check_name(shown, real, rules)
    existing = repo.name_record(group.gid, person.uid)
    if check.conforms:
        if existing is not None:
            repo.clear_name(group.gid, person.uid)
        return ()
    if existing is not None and existing.shown == check.shown:
        return ()  # already nudged about this very name; the grace period runs on
    record = NameRecord(
        gid=group.gid,
        uid=person.uid,
        user=person.user,
        shown=check.shown,
        real=check.real,
        why=check.why,
        nudged_at=now,
        due_at=now + rules.grace_hours * HOUR,
    )
    repo.nudge_name(record)
    text = names.nudge_text(check, group.label, rules, group.locale)
    return (SendDirect(user=person.user, text=text, reason="membership.name.nudge"),)


def admit(
    repo: MembershipRepo,
    group: GroupView,
    person: Person,
    *,
    directory: DirectoryUser | None,
    settings: MembershipSettings,
    now: float,
) -> tuple[Action, ...]:
    """Record the member, welcome them (rules to acknowledge) and check their name. The rules card's
    button is sealed where the decision leaves the domain (`sealed_decision`, `acting.act`)."""
    shown, real = shown_and_real(directory, person.user)
    repo.admit(group.gid, person.uid, person.user, now=now, display_name=shown or (real or ""))
    repo.history(group.gid, person.uid, person.user, "admitted", at=now)
    actions = welcome.welcome_actions(person, group, settings.welcome, at=now)
    if settings.welcome.enabled and settings.welcome.acknowledge:
        hours = settings.welcome.remind_hours
        repo.expect_ack(
            group.gid, person.uid, person.user, now=now, remind_at=now + hours * HOUR if hours else None
        )
    return actions + name_actions(repo, group, person, shown=shown, real=real, settings=settings, now=now)
