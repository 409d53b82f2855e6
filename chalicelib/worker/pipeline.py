"""One event through the worker: addressed -> load context -> decide -> execute -> persist.

`addressed` lets the platform say what it could not at ingress: whether the bot wrote the message or
was mentioned in it (Slack, when the envelope's authorization is not the bot's).

`decide` routes by event type, command name and card action to the domains' handlers
(`chalicelib.worker.registry`); each decides with pure code, and the executor acts on the merged
Decision. `persist` records the member's activity (at most
hourly, so an ordinary message costs one read and at most two writes with its claim) and an audit
record for every decision that did something.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, replace

from chalicelib.bootstrap import Deps
from chalicelib.core.actions import Decision
from chalicelib.core.events import CardClicked, CommandIssued, Event, FileShared, MessagePosted
from chalicelib.store.base import ACTIVITY_WRITE_INTERVAL
from chalicelib.store.records import AuditRecord
from chalicelib.worker import commands
from chalicelib.worker.audit import audit_expires_at
from chalicelib.worker.context import Context, actor_of, load_context
from chalicelib.worker.executor import ActionResult, DeliveryFailed, execute
from chalicelib.worker.registry import registry
from chalicelib.worker.usage import needs_arguments

log = logging.getLogger("qunguan.worker")

ACTIVE_EVENTS = (MessagePosted, CommandIssued, CardClicked, FileShared)


@dataclass(frozen=True)
class Outcome:
    event: Event
    decision: Decision
    results: tuple[ActionResult, ...]


def decide(event: Event, ctx: Context, deps: Deps) -> Decision:
    """Every domain's decision on the event, merged: the handlers registered for its type, plus the
    command it names (a slash command, or a message addressed to the bot) or the card action it clicks."""
    routes = registry()
    parts = [handler(event, ctx, deps) for handler in routes.events.get(type(event), ())]
    command = commands.as_command(event)
    if command is not None:
        name = commands.command_name(command)
        handler = routes.commands.get(name)
        if handler is not None and needs_arguments(name) and not command.args and not command.mentions:
            parts.append(commands.missing_arguments(replace(command, name=name), ctx))
        elif handler is not None:
            parts.append(handler(replace(command, name=name), ctx, deps))
        elif not any(part.actions for part in parts if not part.notes.get("aside")):
            # Not a command, and nothing else to say about it: point to help. (A message that moderation
            # acted on gets no "unknown command" on top; a part `aside`, such as the setup card of a group
            # the bot just arrived in, does not answer the message.)
            parts.append(commands.unknown(replace(command, name=name), ctx, deps))
    elif isinstance(event, CardClicked):
        card_handler = routes.card_actions.get(event.action.split(".", 1)[0])
        if card_handler is not None:
            parts.append(card_handler(event, ctx, deps))
    return Decision.merge(*parts)


def process(event: Event, deps: Deps) -> Outcome:
    seen = deps.messenger(event.platform).addressed(event)
    if seen is None:  # the bot's own post, known only now (Slack: auth.test)
        log.info("ignored %s %s: the bot's own", event.platform, type(event).__name__)
        return Outcome(event, Decision(), ())
    event = seen
    ctx = load_context(event, deps)
    decision = decide(event, ctx, deps)
    results: tuple[ActionResult, ...] = ()
    if decision and not decision.shadow:
        # A card clicked in a direct message acts in the group its sealed value names.
        acting = decision.notes.get("acting_chat")
        acting_ctx = (
            load_context(replace(event, chat=acting), deps) if acting and acting != event.chat else ctx
        )
        results = tuple(execute(decision.actions, event, acting_ctx, deps.messenger(event.platform)))
        notice = commands.failure_notice(event, ctx, decision.actions, results)
        if notice is not None:  # nothing silent: a command that failed says why
            results += tuple(execute((notice,), event, ctx, deps.messenger(event.platform)))
    persist(event, ctx, decision, results, deps)
    log.info(
        "processed %s %s actions=%s",
        event.platform,
        type(event).__name__,
        ",".join(f"{r.action}:{r.status}" for r in results) or "-",
    )
    if any(result.retryable for result in results):
        raise DeliveryFailed(f"{sum(r.retryable for r in results)} action(s) failed and may succeed later")
    if decision.notes.get("retry"):  # a handler's own work (e.g. archiving a file) may succeed later
        raise DeliveryFailed(f"to be tried again: {decision.notes['retry']}")
    return Outcome(event, decision, results)


def persist(
    event: Event, ctx: Context, decision: Decision, results: tuple[ActionResult, ...], deps: Deps
) -> None:
    for hook in registry().after:
        hook(event, ctx, decision, results, deps)
    user = actor_of(event)
    if event.chat and user and isinstance(event, ACTIVE_EVENTS):
        last = ctx.member.last_active if ctx.member else None
        if last is None or ctx.now - last >= ACTIVITY_WRITE_INTERVAL:
            deps.store.record_activity(event.gid, event.uid(user), user, ctx.now)
    if decision or decision.shadow or decision.notes.get("findings") or decision.notes.get("errors"):
        deps.store.append_audit(
            AuditRecord(
                gid=event.gid,
                audit_id=hashlib.sha256(f"{event.platform}#{event.claim_key}".encode()).hexdigest()[:16],
                at=ctx.now,
                event_type=type(event).__name__,
                actor=user,
                actions=tuple(f"{type(a).__name__}:{a.reason}" for a in decision.actions),
                outcome="shadow" if decision.shadow else _outcome(results),
                detail=_detail(decision, results),
                expires_at=audit_expires_at(ctx.policy, ctx.now),
            )
        )


def _detail(decision: Decision, results: tuple[ActionResult, ...]) -> dict[str, object]:
    """The results, and why a request was refused (`notes["refused"]`), so the audit says who was turned
    away and why, not only that a private reply went out."""
    detail: dict[str, object] = {"results": [r.record() for r in results]}
    if decision.notes.get("refused"):
        detail["refused"] = str(decision.notes["refused"])
    if decision.notes.get("audit"):  # what a handler wants on the record (e.g. the co-admins appointed)
        detail["audit"] = decision.notes["audit"]
    return detail


def _outcome(results: tuple[ActionResult, ...]) -> str:
    statuses = {result.status for result in results}
    if "failed" in statuses:
        return "partial" if statuses - {"failed"} else "failed"
    return "substituted" if "substituted" in statuses else "done"
