"""One event through the worker: load context -> decide -> execute -> persist.

`decide` is pure and routes by event type (a dict of handlers, cosmicpython's message bus); the
moderation engine and the workflows plug in here. `persist` records the member's activity (at most
hourly, so an ordinary message costs one read and at most two writes with its claim) and an audit
record for every decision that did something.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from chalicelib.bootstrap import Deps
from chalicelib.core.actions import Decision
from chalicelib.core.events import CardClicked, CommandIssued, Event, FileShared, MessagePosted
from chalicelib.store.base import ACTIVITY_WRITE_INTERVAL
from chalicelib.store.records import AuditRecord
from chalicelib.worker import commands
from chalicelib.worker.context import Context, actor_of, load_context
from chalicelib.worker.executor import ActionResult, DeliveryFailed, execute

log = logging.getLogger("qunguan.worker")

AUDIT_RETENTION_DAYS = 400
ACTIVE_EVENTS = (MessagePosted, CommandIssued, CardClicked, FileShared)

Decider = Callable[[Event, Context], Decision]


@dataclass(frozen=True)
class Outcome:
    event: Event
    decision: Decision
    results: tuple[ActionResult, ...]


def decide_message(event: Event, ctx: Context) -> Decision:
    command = commands.as_command(event)
    if command is not None:
        return commands.handle(command, ctx)
    return Decision()


def decide_command(event: Event, ctx: Context) -> Decision:
    return commands.handle(event, ctx) if isinstance(event, CommandIssued) else Decision()


DECIDERS: dict[type[Event], Decider] = {
    MessagePosted: decide_message,
    CommandIssued: decide_command,
}


def decide(event: Event, ctx: Context) -> Decision:
    decider = DECIDERS.get(type(event))
    return decider(event, ctx) if decider else Decision()


def process(event: Event, deps: Deps) -> Outcome:
    ctx = load_context(event, deps)
    decision = decide(event, ctx)
    results: tuple[ActionResult, ...] = ()
    if decision and not decision.shadow:
        results = tuple(execute(decision.actions, event, ctx, deps.messenger(event.platform)))
    persist(event, ctx, decision, results, deps)
    log.info(
        "processed %s %s actions=%s",
        event.platform,
        type(event).__name__,
        ",".join(f"{r.action}:{r.status}" for r in results) or "-",
    )
    if any(result.retryable for result in results):
        raise DeliveryFailed(f"{sum(r.retryable for r in results)} action(s) failed and may succeed later")
    return Outcome(event, decision, results)


def persist(
    event: Event, ctx: Context, decision: Decision, results: tuple[ActionResult, ...], deps: Deps
) -> None:
    user = actor_of(event)
    if event.chat and user and isinstance(event, ACTIVE_EVENTS):
        last = ctx.member.last_active if ctx.member else None
        if last is None or ctx.now - last >= ACTIVITY_WRITE_INTERVAL:
            deps.store.record_activity(event.gid, event.uid(user), user, ctx.now)
    if decision:
        deps.store.append_audit(
            AuditRecord(
                gid=event.gid,
                audit_id=hashlib.sha256(f"{event.platform}#{event.claim_key}".encode()).hexdigest()[:16],
                at=ctx.now,
                event_type=type(event).__name__,
                actor=user,
                actions=tuple(f"{type(a).__name__}:{a.reason}" for a in decision.actions),
                outcome="shadow" if decision.shadow else _outcome(results),
                detail={"results": [r.__dict__ for r in results]},
                expires_at=int(ctx.now) + AUDIT_RETENTION_DAYS * 86400,
            )
        )


def _outcome(results: tuple[ActionResult, ...]) -> str:
    statuses = {result.status for result in results}
    if "failed" in statuses:
        return "partial" if statuses - {"failed"} else "failed"
    return "substituted" if "substituted" in statuses else "done"
