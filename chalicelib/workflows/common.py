"""What every workflow shares: short refs people can type, leading flags (`--ack`, `--expires 3d`), who may
decide (`chalicelib.authz`, on the server), sealed buttons (`chalicelib.cardsign`), private answers and
refusals, and where a group notice can go.

A notice goes into the group where the bot may post there; where it may not (a WeCom group the app did not
create), it goes to each member the bot knows, privately. A card goes to the group the same way, or to
each member directly (WeCom cards go only to people).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from chalicelib.authz import admins_of, is_admin
from chalicelib.cardsign import seal
from chalicelib.core.actions import Action, Decision, PostCard, PostText, Reply, SendDirect, UpdateCard
from chalicelib.core.cards import Card
from chalicelib.core.events import CardClicked, CommandIssued, Event
from chalicelib.core.facts import Fact
from chalicelib.core.ids import natives_in
from chalicelib.core.localtime import local
from chalicelib.i18n import t
from chalicelib.kernel.clicks import ClickAnswers, answer_click
from chalicelib.kernel.context import Context
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.people import name_of
from chalicelib.kernel.where import Where
from chalicelib.store import keys
from chalicelib.store.records import Item

HOUR = 3600
DAY = 86400
FORMER = "former"  # chalicelib.membership.repository.FORMER: no longer in the group

_DURATION = re.compile(
    r"^(\d{1,4}(?:\.\d+)?)\s*(m|min|h|hr|d|day|days|w|分钟|分鐘|小时|小時|天|周|週)$", re.I
)
_UNITS = {
    "m": 60,
    "min": 60,
    "分钟": 60,
    "分鐘": 60,
    "h": HOUR,
    "hr": HOUR,
    "小时": HOUR,
    "小時": HOUR,
    "d": DAY,
    "day": DAY,
    "days": DAY,
    "天": DAY,
    "w": 7 * DAY,
    "周": 7 * DAY,
    "週": 7 * DAY,
}


class ArgumentError(ValueError):
    """A command's flags do not parse; the message names the offending word."""


def short_ref(prefix: str, event: Event) -> str:
    """A ref people can type (`A3F9C1`): from the event's claim key, so a redelivered event makes the same
    ref, and its item is written only once."""
    digest = hashlib.sha256(f"{event.platform}#{event.claim_key}".encode()).hexdigest()[:6].upper()
    return f"{prefix}{digest}"


def parse_duration(word: str) -> float | None:
    """Seconds in `90m`, `12h`, `3d`, `2w`, `3天`; None when the word is not a duration."""
    match = _DURATION.match(word.strip())
    if match is None:
        return None
    return float(match.group(1)) * _UNITS[match.group(2).lower()]


@dataclass(frozen=True)
class Parsed:
    flags: dict[str, Any]
    consumed: int  # how many leading words were flags (and their values)
    words: tuple[str, ...]  # the words after the flags


def leading_flags(
    args: Sequence[str], *, switches: Iterable[str] = (), durations: Iterable[str] = ()
) -> Parsed:
    """Flags at the start of the arguments: `--ack` (switches), `--expires 3d` or `--expires=3d`
    (durations, in seconds). The text after them is left as it is, even if it holds `--`."""
    switch_names, duration_names = set(switches), set(durations)
    flags: dict[str, Any] = {}
    index = 0
    while index < len(args) and args[index].startswith("--"):
        name, _, value = args[index][2:].partition("=")
        index += 1
        if name in switch_names and not value:
            flags[name] = True
            continue
        if name in duration_names:
            if not value and index < len(args):
                value, index = args[index], index + 1
            seconds = parse_duration(value)
            if seconds is None:
                raise ArgumentError(f"--{name} {value}".strip())
            flags[name] = seconds
            continue
        raise ArgumentError(f"--{name}")
    return Parsed(flags, index, tuple(args[index:]))


def text_after(command: CommandIssued, words: int) -> str:
    """The command's text after its name and `words` more words, with its own line breaks and spacing
    (announcements keep their layout); the joined arguments where the raw text is not at hand."""
    source = command.text.strip()
    tokens = source.split()
    if not tokens or tokens[0].lower() != command.name.lower():
        return " ".join(command.args[words:]).strip()
    parts = source.split(None, words + 1)
    return parts[words + 1].strip() if len(parts) > words + 1 else ""


# Who and where ---------------------------------------------------------------------------------------


def native_ids(ids: Iterable[str], event: Event) -> tuple[str, ...]:
    """Native ids of the event's platform and tenant, from qualified `platform:tenant:user` ids; ids of
    another platform or tenant, and bare ids, name nobody here."""
    return natives_in(ids, event.platform, event.tenant)


def named(user: str, ids: Iterable[str], event: Event) -> bool:
    return user in native_ids(ids, event)


Namer = Callable[[str], str]  # how a pure function shows a person: by name (`namer`); tests may show ids


def as_is(user: str) -> str:
    return user


def namer(event: Event, deps: Deps) -> Namer:
    """People of the event's platform by name (`people.name_of`), each looked up once, when shown."""
    return functools.cache(lambda user: name_of(event, user, deps))


def listed(users: Sequence[str], name: Namer = as_is, *, most: int = 20, empty: str = "") -> str:
    """The first `most` people by name (only those shown are looked up), and how many more."""
    if not users:
        return empty
    shown = ", ".join(name(user) for user in users[:most])
    return shown + (f" (+{len(users) - most})" if len(users) > most else "")


def members(deps: Deps, gid: str, now: float, *, leave_out: Iterable[str] = ()) -> tuple[str, ...]:
    """The members the bot knows in a group (one index Query), by native id."""
    skip = set(leave_out)
    return tuple(
        member.user
        for member in deps.store.members_inactive_since(gid, now + 1)
        if member.role != FORMER and member.user not in skip
    )


def approvers_of(ctx: Context, event: Event) -> tuple[str, ...]:
    """Who decides submissions: the policy's `approvers`, else the group's admins."""
    return native_ids(ctx.policy.approvers, event) or admins_of(ctx, event)


def may_approve(event: Event, user: str, ctx: Context, deps: Deps) -> bool:
    return named(user, ctx.policy.approvers, event) or is_admin(event, user, ctx, deps)


# Answers ---------------------------------------------------------------------------------------------


def private(locale: str, key: str, **params: Any) -> Decision:
    """An answer to whoever issued the command, privately where the platform can."""
    return Decision.of(Reply(text=t(locale, key, **params), private=True, reason=key))


def refused(locale: str, why: str) -> Decision:
    """A refusal, answered privately and recorded (`Decision.refused` goes to the audit log)."""
    return dataclasses.replace(private(locale, "workflows.refused"), refused=why)


def tell(user: str, locale: str, key: str, **params: Any) -> SendDirect:
    """A private answer to a click: a card in a DingTalk group has no private reply, so a direct message."""
    return SendDirect(user=user, text=t(locale, key, **params), reason=key)


def click_answer(click: CardClicked, locale: str, key: str, *, why: str = "", **params: Any) -> Decision:
    """A private answer to a click: a direct message (a card in a DingTalk group has no private reply); with
    `why`, a refusal."""
    return answer_click(click, locale, key, why=why, **params)


# How the workflows refuse a click (`chalicelib.kernel.clicks.ClickGate`).
CLICK_ANSWERS = ClickAnswers(invalid="workflows.card_invalid", refused="workflows.refused")


def answer(event: Event, locale: str, key: str, *, why: str = "", **params: Any) -> Decision:
    """A private answer to a click (`click_answer`) or to a command (`private`); with `why`, a refusal."""
    if isinstance(event, CardClicked):
        return click_answer(event, locale, key, why=why, **params)
    decision = private(locale, key, **params)
    return dataclasses.replace(decision, refused=why) if why else decision


@dataclass(frozen=True)
class Decided:
    """What a click or command that decided something (an approval, a rejection) does, as against the
    answer to one that decided nothing (refused, missing, decided before): its caller adds the card's
    update or the private reply. `author`: whose submission it was, by name, for the card's title."""

    decision: Decision
    author: str = ""


def decided(
    *actions: Action,
    audit: Mapping[str, Any] | None = None,
    facts: tuple[Fact, ...] = (),
    acting_chat: str = "",
) -> Decision:
    """`actions` as a decision (most severe first), with its audit detail, facts and acting group."""
    return Decision(Decision.of(*actions).actions, acting_chat=acting_chat, facts=facts, audit=audit or {})


def to_group(place: Where[Event], text: str, audience: Sequence[str], *, reason: str) -> list[Action]:
    """A notice into the group, or to each known member where the bot may not post there."""
    if place.can_post:
        return [PostText(chat=place.chat, text=text, reason=reason)]
    return [SendDirect(user=user, text=text, reason=reason) for user in audience]


def card_to_group(place: Where[Event], card: Card, audience: Sequence[str], *, reason: str) -> PostCard:
    """A card into the group, or to each known member directly where the bot may not post there."""
    if place.can_post:
        return PostCard(card=card, chat=place.chat, reason=reason)
    return PostCard(card=card, users=tuple(audience), reason=reason)


# Sealed cards ----------------------------------------------------------------------------------------


def sealed(card: Card, deps: Deps, *, platform: str, tenant: str, chat: str) -> Card:
    """Every button's value sealed with the group's chat and the ref the button carries, for its action."""

    def one(button: Any) -> Any:
        value = seal(
            deps.settings, platform=platform, tenant=tenant, chat=chat, ref=button.value, action=button.action
        )
        return dataclasses.replace(button, value=value)

    return dataclasses.replace(card, buttons=tuple(one(button) for button in card.buttons))


def seal_value(deps: Deps, *, platform: str, tenant: str, chat: str, ref: str, action: str) -> str:
    return seal(deps.settings, platform=platform, tenant=tenant, chat=chat, ref=ref, action=action)


def handled(click: CardClicked, *, title: str, line: str, fallback_id: str, reason: str) -> UpdateCard:
    """The clicked card, its buttons replaced by who did what (the footer: WeCom shows it in place of the
    buttons)."""
    card = Card(card_id=click.card_id or fallback_id, title=title, body="", footer=line)
    return UpdateCard(
        card=card, card_ref=click.card_id, response_token=click.response_token, user=click.user, reason=reason
    )


def acting(sealed_chat: str, click: CardClicked) -> str:
    """The decision's `acting_chat`: the sealed group when the click came from elsewhere, else ""."""
    return sealed_chat if sealed_chat != click.chat else ""


def point(deps: Deps, ref: str, gid: str, *, keep_until: float) -> None:
    """Remember which group `ref` belongs to (for commands given in a direct message)."""
    data = {"gid": gid}
    item = Item(keys.workflow_pointer_pk(ref), keys.WORKFLOW_POINTER_SK, data, expires_at=int(keep_until))
    deps.store.put_item(item)


def locate(deps: Deps, ref: str) -> str | None:
    item = deps.store.get_item(keys.workflow_pointer_pk(ref), keys.WORKFLOW_POINTER_SK)
    return None if item is None else str(item.data["gid"])


def when(ts: float, offset_hours: float) -> str:
    """A time as the group reads it in a notice, in its own time zone, labelled: `2026-11-24 17:30 (UTC+8)`
    (`chalicelib.core.localtime`)."""
    return local(ts, offset_hours)
