"""Carrying out a Decision through the platform's Messenger.

Before each action the executor checks the platform's capabilities; where the platform cannot do what
the policy asks, it takes the next best action (delete -> ask the poster privately to withdraw it;
mute or remove -> warn the member privately; recall -> replace the card's content; a card update the
platform refuses for good -> tell its recipient privately) and records the substitution. Nothing is
dropped silently: every action ends as a result that `persist` writes to the audit log. A result also
carries what the platform answered for each message posted (`sent`), so that a post with a lifetime can
be registered and recalled later (`chalicelib.jobs.posts`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalicelib.adapters.base import Capability, Messenger, NotSupported, Sent, Target
from chalicelib.core.actions import (
    Action,
    DeleteMessage,
    Mute,
    PostCard,
    PostImage,
    PostText,
    Recall,
    Remove,
    Reply,
    SendDirect,
    Unmute,
    UpdateCard,
    Warn,
)
from chalicelib.core.cards import Card
from chalicelib.core.events import CardClicked, Event
from chalicelib.errors import CardUpdateRefused, MessengerError
from chalicelib.i18n import t
from chalicelib.kernel.context import Context

log = logging.getLogger("qunguan.executor")


@dataclass(frozen=True)
class ActionResult:
    action: str
    status: str  # done | substituted | failed
    detail: str = ""
    retryable: bool = False
    sent: tuple[Sent, ...] = ()  # what the platform answered for each message posted

    def record(self) -> dict[str, object]:
        """The result as the audit log keeps it."""
        return {
            "action": self.action,
            "status": self.status,
            "detail": self.detail,
            "retryable": self.retryable,
        }


@dataclass(frozen=True)
class Performed:
    """What a performer did: the substitute it took instead (if any), and the messages it posted."""

    substituted: str | None = None
    sent: tuple[Sent, ...] = ()


class DeliveryFailed(Exception):
    """An action failed in a way worth retrying (the messenger API stayed down after its retries)."""


def reply_target(event: Event, *, private: bool) -> Target:
    direct = bool(getattr(event, "direct", False))
    user = str(getattr(event, "user", ""))
    return Target(
        tenant=event.tenant,
        chat="" if direct else event.chat,
        user=user if (private or direct) else "",
        thread=getattr(event, "thread", None),
        reply_url=getattr(event, "reply_url", None),
    )


def execute(
    actions: tuple[Action, ...], event: Event, ctx: Context, messenger: Messenger
) -> list[ActionResult]:
    results = []
    for action in actions:
        name = type(action).__name__
        try:
            results.append(_perform(action, event, ctx, messenger))
        except NotSupported as exc:
            results.append(ActionResult(name, "failed", f"not supported: {exc}"))
        except MessengerError as exc:
            log.warning("%s failed on %s: %s", name, exc.platform, exc.detail)
            results.append(ActionResult(name, "failed", exc.detail, retryable=exc.retryable))
    return results


def _perform(action: Action, event: Event, ctx: Context, messenger: Messenger) -> ActionResult:
    perform = _PERFORMERS.get(type(action))
    if perform is None:  # pragma: no cover - every Action subclass has a performer
        raise NotSupported(type(action).__name__)
    done = perform(action, event, ctx, messenger)
    if not isinstance(done, Performed):
        done = Performed(done)
    name = type(action).__name__
    status = "substituted" if done.substituted else "done"
    return ActionResult(name, status, done.substituted or "", sent=done.sent)


# Each performer does the action, or its next best substitute, and returns what it did instead (and, for
# posts, what the platform answered).
Performer = Callable[[Any, Event, Context, Messenger], "str | Performed | None"]


def _reply(action: Reply, event: Event, ctx: Context, messenger: Messenger) -> None:
    messenger.post_text(reply_target(event, private=action.private), action.text)


def _send_direct(action: SendDirect | Warn, event: Event, ctx: Context, messenger: Messenger) -> Performed:
    return Performed(sent=(messenger.send_direct(event.tenant, action.user, action.text),))


def _post_text(action: PostText, event: Event, ctx: Context, messenger: Messenger) -> Performed:
    return Performed(sent=(messenger.post_text(Target(tenant=event.tenant, chat=action.chat), action.text),))


def _post_image(action: PostImage, event: Event, ctx: Context, messenger: Messenger) -> Performed:
    sent = tuple(
        messenger.post_image(Target(tenant=event.tenant, user=user), action.png, action.name, action.caption)
        for user in action.users
    )
    return Performed(sent=sent)


def _post_card(action: PostCard, event: Event, ctx: Context, messenger: Messenger) -> Performed:
    """Cards go out as cards; where the platform cannot show this one (no template, no cards in a
    group), as text that names the commands doing what its buttons would."""
    targets = [Target(tenant=event.tenant, chat=action.chat)] if action.chat else []
    targets += [Target(tenant=event.tenant, user=user) for user in action.users]
    substituted = None
    sent: list[Sent] = []
    for target in targets:
        try:
            sent.append(messenger.post_card(target, action.card))
        except NotSupported:
            text = card_as_text(action.card, ctx.locale)
            if target.user:
                sent.append(messenger.send_direct(event.tenant, target.user, text))
            else:
                sent.append(messenger.post_text(target, text))
            substituted = "sent as text: the platform cannot show this card"
    return Performed(substituted, tuple(sent))


def card_as_text(card: Card, locale: str) -> str:
    lines = [card.title, card.body, *(f"{name}: {value}" for name, value in card.fields)]
    if card.buttons:
        labels = " / ".join(button.label for button in card.buttons)
        lines.append(t(locale, "card.as_text.buttons", labels=labels))
    if card.footer:
        lines.append(card.footer)
    return "\n".join(line for line in lines if line)


def _update_card(action: UpdateCard, event: Event, ctx: Context, messenger: Messenger) -> str | None:
    """Update the card in place; where the platform refuses for good (a WeCom response_code used or past
    its 72 h, doc path/94888), tell whose copy it is privately what the card now says (its text)."""
    try:
        messenger.update_card(
            event.tenant, action.card_ref, action.card, response_token=action.response_token
        )
        return None
    except CardUpdateRefused as exc:
        user = action.user or _clicker(action, event)
        if not user:
            raise
        messenger.send_direct(event.tenant, user, card_as_text(action.card, ctx.locale))
        return f"told {user} by message: the card cannot be updated ({exc.detail})"


def _clicker(action: UpdateCard, event: Event) -> str:
    """Who clicked, when the update answers the click's own card (by the click's response token)."""
    if (
        isinstance(event, CardClicked)
        and action.response_token
        and action.response_token == event.response_token
    ):
        return event.user
    return ""


def _allowed(capability: Capability, ctx: Context, messenger: Messenger) -> bool:
    return messenger.capabilities.allows(capability, app_group=bool(ctx.group and ctx.group.app_created))


def _delete(action: DeleteMessage, event: Event, ctx: Context, messenger: Messenger) -> str | None:
    if not _allowed(Capability.DELETE_MESSAGE, ctx, messenger):
        if not action.explained:
            messenger.send_direct(event.tenant, action.user, t(ctx.locale, "substitute.withdraw"))
        return "asked the poster to withdraw it"
    messenger.delete_message(event.tenant, action.chat, action.message_id)
    return None


def _mute(action: Mute, event: Event, ctx: Context, messenger: Messenger) -> str | None:
    if not _allowed(Capability.MUTE_MEMBER, ctx, messenger):
        if not action.explained:
            text = t(ctx.locale, "substitute.mute", minutes=max(action.seconds // 60, 1))
            messenger.send_direct(event.tenant, action.user, text)
        return "warned privately; the platform cannot mute"
    messenger.mute_member(event.tenant, action.chat, action.user, action.seconds)
    return None


def _unmute(action: Unmute, event: Event, ctx: Context, messenger: Messenger) -> str | None:
    if not _allowed(Capability.MUTE_MEMBER, ctx, messenger):
        if action.text:
            messenger.send_direct(event.tenant, action.user, action.text)
        return "told the member the mute is over; the platform has no mute to lift"
    messenger.mute_member(event.tenant, action.chat, action.user, 0)
    if action.text:
        messenger.send_direct(event.tenant, action.user, action.text)
    return None


def _remove(action: Remove, event: Event, ctx: Context, messenger: Messenger) -> str | None:
    if not _allowed(Capability.REMOVE_MEMBER, ctx, messenger):
        messenger.send_direct(event.tenant, action.user, t(ctx.locale, "substitute.remove"))
        return "warned privately; the platform cannot remove here"
    messenger.remove_member(event.tenant, action.chat, action.user)
    return None


def _recall(action: Recall, event: Event, ctx: Context, messenger: Messenger) -> str | None:
    """Withdraw the bot's own post; where the platform cannot (no recall API, a card that can only be
    updated, a message past the recall window), replace the card's content instead, or say it stays."""
    why = "the platform cannot recall it"
    if messenger.capabilities.allows(Capability.RECALL_OWN):
        try:
            messenger.recall_own(event.tenant, action.chat, action.message_id, token=action.token or None)
            return None
        except NotSupported as exc:
            why = str(exc) or why
        except MessengerError as exc:  # e.g. past the platform's recall window
            if exc.retryable:
                raise
            why = exc.detail
    if action.fallback is not None:
        ref = action.token or action.message_id
        messenger.update_card(event.tenant, ref, action.fallback, response_token=action.token or None)
        return f"card marked withdrawn: {why}"
    return f"left in place: {why}"


_PERFORMERS: dict[type[Action], Performer] = {
    Reply: _reply,
    SendDirect: _send_direct,
    Warn: _send_direct,
    PostText: _post_text,
    PostCard: _post_card,
    PostImage: _post_image,
    UpdateCard: _update_card,
    DeleteMessage: _delete,
    Mute: _mute,
    Unmute: _unmute,
    Remove: _remove,
    Recall: _recall,
}
