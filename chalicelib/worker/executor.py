"""Carrying out a Decision through the platform's Messenger.

Before each action the executor checks the platform's capabilities; where the platform cannot do what
the policy asks, it takes the next best action (delete -> ask the poster privately to withdraw it;
mute or remove -> warn the member privately) and records the substitution. Nothing is dropped silently:
every action ends as a result that `persist` writes to the audit log.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from chalicelib.adapters.base import Capability, Messenger, NotSupported, Target
from chalicelib.core.actions import (
    Action,
    DeleteMessage,
    Mute,
    PostCard,
    PostText,
    Remove,
    Reply,
    SendDirect,
    UpdateCard,
    Warn,
)
from chalicelib.core.events import Event
from chalicelib.errors import MessengerError
from chalicelib.i18n import t
from chalicelib.worker.context import Context

log = logging.getLogger("qunguan.executor")


@dataclass(frozen=True)
class ActionResult:
    action: str
    status: str  # done | substituted | failed
    detail: str = ""
    retryable: bool = False


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


def execute(actions: tuple[Action, ...], event: Event, ctx: Context, messenger: Messenger) -> list[ActionResult]:
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
    name = type(action).__name__
    tenant = event.tenant
    caps = messenger.capabilities
    app_group = bool(ctx.group and ctx.group.app_created)
    if isinstance(action, Reply):
        messenger.post_text(reply_target(event, private=action.private), action.text)
    elif isinstance(action, SendDirect):
        messenger.send_direct(tenant, action.user, action.text)
    elif isinstance(action, PostText):
        messenger.post_text(Target(tenant=tenant, chat=action.chat), action.text)
    elif isinstance(action, PostCard):
        if action.chat:
            messenger.post_card(Target(tenant=tenant, chat=action.chat), action.card)
        for user in action.users:
            messenger.post_card(Target(tenant=tenant, user=user), action.card)
    elif isinstance(action, UpdateCard):
        messenger.update_card(tenant, action.card_ref, action.card, response_token=action.response_token)
    elif isinstance(action, Warn):
        messenger.send_direct(tenant, action.user, action.text)
    elif isinstance(action, DeleteMessage):
        if not caps.allows(Capability.DELETE_MESSAGE, app_group=app_group):
            messenger.send_direct(tenant, action.user, t(ctx.locale, "substitute.withdraw", text=action.text))
            return ActionResult(name, "substituted", "asked the poster to withdraw it")
        messenger.delete_message(tenant, action.chat, action.message_id)
    elif isinstance(action, Mute):
        if not caps.allows(Capability.MUTE_MEMBER, app_group=app_group):
            messenger.send_direct(tenant, action.user, t(ctx.locale, "substitute.mute", minutes=action.seconds // 60))
            return ActionResult(name, "substituted", "warned privately; the platform cannot mute")
        messenger.mute_member(tenant, action.chat, action.user, action.seconds)
    elif isinstance(action, Remove):
        if not caps.allows(Capability.REMOVE_MEMBER, app_group=app_group):
            messenger.send_direct(tenant, action.user, t(ctx.locale, "substitute.remove"))
            return ActionResult(name, "substituted", "warned privately; the platform cannot remove here")
        messenger.remove_member(tenant, action.chat, action.user)
    else:  # pragma: no cover - every Action subclass is handled above
        raise NotSupported(name)
    return ActionResult(name, "done")
