"""What the pure membership decisions know about a group and a person: plain values, filled in by the
handlers and jobs from the context, the policy and the platform's capabilities."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from chalicelib.core.actions import Action, PostCard
from chalicelib.core.cards import Card


@dataclass(frozen=True)
class GroupView:
    gid: str
    chat: str
    label: str  # the group's name, or its chat id
    locale: str
    can_remove: bool  # the platform lets the bot remove members from this group
    can_post: bool  # the bot can post text into this group
    admins: tuple[str, ...] = ()  # native ids of the admins to notify
    approvers: tuple[str, ...] = ()  # native ids of who decides join requests


@dataclass(frozen=True)
class Person:
    user: str
    uid: str
    label: str  # how the bot names them: the shown name, else the user id


def to_admins(group: GroupView, card: Card, *, reason: str, approvers: bool = False) -> PostCard:
    """A card to the admins (or the approvers) directly; to the group itself when nobody is named, so
    that it is never sent nowhere."""
    users = group.approvers if approvers else group.admins
    if users:
        return PostCard(card=card, users=users, reason=reason)
    return PostCard(card=card, chat=group.chat, reason=reason)


def actions_of(*parts: Action | None) -> tuple[Action, ...]:
    return tuple(part for part in parts if part is not None)


def card_id(kind: str, *parts: object) -> str:
    """A card id from what the card is about: stable, and a valid WeCom task id (letters, digits, `-`)."""
    digest = hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()[:20]
    return f"{kind}-{digest}"
