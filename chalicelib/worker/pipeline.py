"""One event through the worker: addressed -> load context -> decide -> act (through the outbox) -> record.

`addressed` lets the platform say what it could not at ingress: whether the bot wrote the message or
was mentioned in it (Slack, when the envelope's authorization is not the bot's).

`decide` routes by event type, command name and card action to the domains' handlers
(`chalicelib.worker.registry`); each decides with pure code, and `act` carries the merged Decision out
through the outbox, so that a redelivery finishes it without deciding again. Once it is carried out it is
recorded (`record`): each fact by its type to the recorders the domains registered, then the domains'
hooks on what the actions did, then the facts' follow-ups (decisions of their own, through `act`), and
last (in `act`) the audit. The member's activity is written at most hourly, so an ordinary message (no
actions: no outbox) costs one read and at most two writes with its claim.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from chalicelib.core.actions import Decision
from chalicelib.core.events import CardClicked, CommandIssued, Event, FileShared, MessagePosted
from chalicelib.kernel import commands
from chalicelib.kernel.act import Acted, After, act, audit, event_claim, resume
from chalicelib.kernel.context import Context, actor_of, load_context
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.executor import ActionResult, DeliveryFailed
from chalicelib.kernel.handlers import Recording
from chalicelib.kernel.usage import needs_arguments
from chalicelib.kernel.where import Where, where_in, where_of
from chalicelib.store.base import ACTIVITY_WRITE_INTERVAL
from chalicelib.worker.registry import Registry, registry

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
        elif not any(part.actions for part in parts if not part.aside):
            # Not a command, and nothing else to say about it: point to help. (A message that moderation
            # acted on gets no "unknown command" on top; a part `aside`, such as the setup card of a group
            # the bot just arrived in, does not answer the message.)
            parts.append(commands.unknown(replace(command, name=name), ctx, deps))
    elif isinstance(event, CardClicked):
        card_handler = routes.card_actions.get(event.action.split(".", 1)[0])
        if card_handler is not None:
            parts.append(card_handler(event, ctx, deps))
    return Decision.merge(*parts)


def process(event: Event, deps: Deps, *, redelivered: bool = False) -> Outcome:
    """Decide on `event` and carry the decision out through the outbox (`chalicelib.kernel.act`). A
    `redelivered` event (SQS handed it out before, or it is a replayed dead letter) first looks for its
    stored decision and finishes that, without deciding again; only a decision whose handler asked for
    its own work to be tried again (`Decision.retry`, e.g. archiving a file) is decided anew once its
    actions are all done, and the outbox keeps those actions from being done twice."""
    seen = deps.messenger(event.platform).addressed(event)
    if seen is None:  # the bot's own post, known only now (Slack: auth.test)
        log.info("ignored %s %s: the bot's own", event.platform, type(event).__name__)
        return Outcome(event, Decision(), ())
    event = seen
    ctx = load_context(event, deps, commands=registry().command_names)
    if redelivered:
        resumed = resume(deps, event, after=_recorder(event, ctx, deps))
        if resumed is not None and (resumed.retryable or not resumed.decision.retry):
            return _finish(event, resumed)
    decision = decide(event, ctx, deps)
    if decision and not decision.shadow:
        acting = _acting(event, ctx, decision, deps)
        acted = act(deps, acting, decision, actor=actor_of(event), after=_recorder(event, ctx, deps))
        notice = commands.failure_notice(event, ctx, decision.actions, acted.results)
        if notice is not None:  # nothing silent: a command that failed for good says why
            told = Decision.of(notice)
            act(
                deps,
                where_in(deps, event, ctx),
                told,
                claim=event_claim(event, "failed"),
                what="command.failed",
            )
    else:
        acted = Acted(decision, ())
        persist(event, ctx, decision, (), deps)
    _record_activity(event, ctx, deps)
    return _finish(event, acted)


def _finish(event: Event, acted: Acted) -> Outcome:
    # An event that acted on nothing is a debug line: an archive page of ordinary messages would write a
    # thousand of them (its batch logs the page); the line is built only at a level that writes it.
    level = logging.INFO if acted.results or acted.busy else logging.DEBUG
    if log.isEnabledFor(level):
        log.log(
            level,
            "processed %s %s actions=%s%s",
            event.platform,
            type(event).__name__,
            ",".join(f"{r.action}:{r.status}" for r in acted.results) or "-",
            " (held by another processing)" if acted.busy else "",
        )
    if acted.busy:
        raise DeliveryFailed("the decision is held by another processing; its redelivery will find it done")
    if acted.retryable:
        raise DeliveryFailed(f"{acted.retryable} action(s) not done yet; they may succeed later")
    if acted.decision.retry:  # a handler's own work (e.g. archiving a file) may succeed later
        raise DeliveryFailed(f"to be tried again: {acted.decision.retry}")
    return Outcome(event, acted.decision, acted.results)


def _acting(event: Event, ctx: Context, decision: Decision, deps: Deps) -> Where[Event]:
    """Where the decision acts: the event's group, or the group a card clicked in a direct message names."""
    if decision.acting_chat and decision.acting_chat != event.chat:
        return where_of(deps, replace(event, chat=decision.acting_chat))
    return where_in(deps, event, ctx)


def _recorder(event: Event, ctx: Context, deps: Deps) -> After:
    """What records a decision once it is carried out (`record`), before (in `act`) its audit."""

    def recording(decision: Decision, results: tuple[ActionResult, ...]) -> None:
        record(event, ctx, decision, results, deps)

    return recording


def record(
    event: Event,
    ctx: Context,
    decision: Decision,
    results: tuple[ActionResult, ...],
    deps: Deps,
    *,
    routes: Registry | None = None,
) -> None:
    """Each fact to the recorders of its type (the case before the hooks follow its card up), every
    domain's hook on what the actions did, then the facts' follow-ups. A fact no domain handles is
    logged as an error (the registry refuses to build with a known kind unhandled). `routes`: the
    domains' registry unless given."""
    routes = routes or registry()
    facts = decision.facts
    if facts:
        done = Recording(event, ctx, decision, results, deps)
        for fact in facts:
            if not routes.handles(type(fact)):
                log.error(
                    "%s in %s: no domain records or follows up this fact", type(fact).__name__, event.gid
                )
            for recorder in routes.records.get(type(fact), ()):
                recorder(fact, done)
    for hook in routes.after:
        hook(event, ctx, decision, results, deps)
    if facts:
        follow(event, ctx, decision, deps, routes=routes)


def follow(
    event: Event, ctx: Context, decision: Decision, deps: Deps, *, routes: Registry | None = None
) -> None:
    """Hand each fact of a recorded decision to the handlers registered for its type; what they decide
    goes through `act` under the event's claim and the fact's name (a redelivery finds it there)."""
    if decision.shadow:
        return
    for n, fact in enumerate(decision.facts):
        name = type(fact).__name__
        for m, handler in enumerate((routes or registry()).facts.get(type(fact), ())):
            answer = handler(fact, event, ctx, deps)
            if answer.actions:
                claim = event_claim(event, f"{name}.{n}.{m}")
                acted = act(deps, where_in(deps, event, ctx), answer, claim=claim, what=name, actor="qunguan")
                log.info("%s in %s: %s", name, event.gid, [r.status for r in acted.results])


def _record_activity(event: Event, ctx: Context, deps: Deps) -> None:
    """The member's `last_active`, at most hourly: an ordinary message's second write (with its claim)."""
    user = actor_of(event)
    if event.chat and user and isinstance(event, ACTIVE_EVENTS):
        last = ctx.member.last_active if ctx.member else None
        if last is None or ctx.now - last >= ACTIVITY_WRITE_INTERVAL:
            deps.store.record_activity(event.gid, event.uid(user), user, ctx.now)


def persist(
    event: Event, ctx: Context, decision: Decision, results: tuple[ActionResult, ...], deps: Deps
) -> None:
    """Record a decision that acted on nothing (or only in shadow): its facts and the hooks, and an audit
    record where there is something to say (shadow actions, or an audit detail such as a case's findings
    or the rules that raised)."""
    record(event, ctx, decision, results, deps)
    if decision or decision.shadow or decision.audit:
        audit(
            deps,
            ctx,
            event_claim(event),
            decision,
            results,
            at=ctx.now,
            what=type(event).__name__,
            actor=actor_of(event),
            gid=event.gid,
            shadow=decision.shadow,
        )
