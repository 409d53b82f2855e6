"""`act()`: the one way the bot does things. Every path that acts (the worker's pipeline, the scheduled
jobs, the sweeps, the membership and workflow follow-ups) hands its decision here, with the group it acts
in (`chalicelib.kernel.where.Where`, the one type for it) and whose decision it is (`Claim`):

1. the decision is stored in the outbox before anything is done (`chalicelib.kernel.outbox`);
2. each step (one action for one recipient) goes through the executor, and is settled in the outbox once
   the platform confirmed it (or refused it for good); a step that failed in a way worth retrying stays
   open for the next processing;
3. the processing that settles the last open step records the decision: the caller's `after` hook (cases,
   mutes, posts to recall later), then the audit record (`audit`, one id scheme: the claim's), then marks
   it recorded in the outbox. A processing killed before that mark leaves the recording pending, and the
   next processing that takes the lease (the redelivery, the job's next run) records it; the hooks and
   the audit are keyed by the claim, so what ran before the kill is written again, not twice.

`resume()` is the same for a decision stored earlier: the redelivery of an SQS record, a replayed dead
letter, a second worker handed the same record. It loads the stored decision and performs only what is
left; nothing is decided again.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from chalicelib.core.actions import Action, Decision
from chalicelib.core.events import Event, JobRequested
from chalicelib.core.records_codec import to_data
from chalicelib.kernel.audit import audit_expires_at
from chalicelib.kernel.context import Context
from chalicelib.kernel.executor import ActionResult, execute
from chalicelib.kernel.outbox import LEASE_SECONDS, Claim, Entry, Outbox, new_owner
from chalicelib.kernel.where import Where, where_of
from chalicelib.store.records import AuditRecord

if TYPE_CHECKING:
    from chalicelib.kernel.deps import Deps

log = logging.getLogger("qunguan.act")


# What the caller records once the decision is carried out (cases, mutes, posts), before the audit.
After = Callable[[Decision, tuple[ActionResult, ...]], None]


@dataclass(frozen=True)
class Acted:
    """How far a decision got: one result per action (in the decision's order), whether this processing
    recorded it, and whether another processing holds it (then nothing was done here)."""

    decision: Decision
    results: tuple[ActionResult, ...]
    recorded: bool = False
    busy: bool = False

    @property
    def retryable(self) -> int:
        """How many actions failed in a way that may succeed later (or are held elsewhere)."""
        return sum(result.retryable for result in self.results) + int(self.busy)


def event_claim(event: Event, suffix: str = "") -> Claim:
    return Claim(event.platform, event.claim_key + (f"#{suffix}" if suffix else ""))


def content_claim(event: Event, what: str, actions: Sequence[Action]) -> Claim:
    """The claim of a job's decision: its event (job, group, period), what it is, and the actions
    themselves, so that a run of the same period that decides the same again resumes the stored
    decision, and a different decision in the same run (the next chunk of notices) is its own."""
    digest = hashlib.sha256(
        json.dumps([to_data(a) for a in actions], sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()[:16]
    return event_claim(event, f"{what}#{digest}")


def carry_out(
    deps: Deps, where: Where[JobRequested], actions: Sequence[Action], *, what: str, key: str
) -> list[ActionResult]:
    """A scheduled step's actions in its group, through `act`: one decision per group, step and key (its
    claim derives from them and the actions), so that a run that failed part-way is finished by the
    next one deciding the same, and audited once as `what`."""
    if not actions:
        return []
    decision = Decision(tuple(actions))
    claim = content_claim(where.event, f"{what}-{key}", decision.actions)
    return list(act(deps, where, decision, claim=claim, what=what, actor="qunguan").results)


def audit_id(claim: Claim) -> str:
    return hashlib.sha256(f"{claim.platform}#{claim.key}".encode()).hexdigest()[:16]


def act(
    deps: Deps,
    where: Where[Any],
    decision: Decision,
    *,
    claim: Claim | None = None,
    what: str = "",
    actor: str = "",
    after: After | None = None,
) -> Acted:
    """Carry `decision` out in `where` through the outbox (see the module's docstring). `claim` defaults
    to the event's own; `what` and `actor` go to the audit (the event's type and user by default)."""
    if not decision.actions:
        return Acted(decision, ())
    if decision.facts and after is None:  # a path without the worker's recording: nobody would see them
        log.error(
            "%s: facts %s acted on without a recorder; they are not recorded",
            what or type(where.event).__name__,
            [type(fact).__name__ for fact in decision.facts],
        )
    event = where.event
    claim = claim or event_claim(event)
    owner = new_owner()
    now = deps.clock.now()
    entry = Entry(
        claim=claim,
        at=where.ctx.now,
        chat=event.chat,
        actions=decision.actions,
        audit=dict(decision.audit),
        what=what or type(event).__name__,
        actor=actor or str(getattr(event, "user", "") or "qunguan"),
        owner=owner,
        lease_until=now + LEASE_SECONDS,
        retry=decision.retry,
        refused=decision.refused,
        facts=decision.facts,
    )
    if not Outbox(deps.store).open(entry):  # stored already: by an earlier processing, or a twin
        resumed = resume(deps, event, claim, after=after)
        return resumed if resumed is not None else Acted(decision, (), busy=True)
    return _carry(deps, where, entry, decision, after)


def resume(
    deps: Deps, event: Event, claim: Claim | None = None, *, after: After | None = None
) -> Acted | None:
    """Finish the decision stored for `claim` (the event's by default); None when none is stored."""
    outbox = Outbox(deps.store)
    claim = claim or event_claim(event)
    entry = outbox.load(claim)
    if entry is None:
        return None
    if entry.recorded:
        log.info("%s: already carried out", claim.key)
        return Acted(entry.decision, entry.results_by_action(), recorded=False)
    taken = outbox.take(entry, new_owner(), deps.clock.now())
    if taken is None:
        log.info("%s: being carried out elsewhere", claim.key)
        return Acted(entry.decision, entry.results_by_action(), busy=True)
    acting = event if taken.chat == event.chat else replace(event, chat=taken.chat)
    return _carry(deps, where_of(deps, acting), taken, taken.decision, after)


def _carry(deps: Deps, where: Where[Any], entry: Entry, decision: Decision, after: After | None) -> Acted:
    outbox = Outbox(deps.store)
    try:
        return _steps(deps, outbox, where, entry, decision, after=after)
    except BaseException:  # an unexpected error: let the redelivery go on at once rather than wait
        outbox.release(entry)
        raise


def _steps(
    deps: Deps, outbox: Outbox, where: Where[Any], entry: Entry, decision: Decision, *, after: After | None
) -> Acted:
    messenger = deps.messenger(where.event.platform)
    open_steps = entry.open_steps
    settled = dict(entry.results)
    failures: dict[int, ActionResult] = {}
    for n, step in enumerate(open_steps):
        (result,) = execute((step.action,), where.event, where.ctx, messenger)
        if result.status == "failed" and result.retryable:
            failures[step.position] = result
            log.warning(
                "%s: step %d (%s) failed: %s", entry.claim.key, step.position, result.action, result.detail
            )
            continue
        last = not failures and n == len(open_steps) - 1
        if not outbox.settle(entry, step, result, record=last):
            log.error(
                "%s: step %d done, but the lease was lost to another processing",
                entry.claim.key,
                step.position,
            )
            return Acted(decision, replace(entry, results=settled).results_by_action(failures), busy=True)
        settled[step.position] = result
    done = replace(entry, results=settled)
    if failures:
        outbox.release(entry)
        return Acted(decision, done.results_by_action(failures))
    if not open_steps and not outbox.claim_recording(entry):  # nothing left, and recorded elsewhere
        return Acted(decision, done.results_by_action())
    results = done.results_by_action()
    if after is not None:
        after(decision, results)
    audit(
        deps,
        where.ctx,
        entry.claim,
        decision,
        results,
        at=entry.at,
        what=entry.what,
        actor=entry.actor,
        gid=where.event.gid,
    )
    outbox.recorded(entry)
    return Acted(decision, results, recorded=True)


def outcome(results: Sequence[ActionResult]) -> str:
    """One word for the audit: done, substituted, partial (some failed) or failed (all failed)."""
    statuses = {result.status for result in results}
    if "failed" in statuses:
        return "partial" if statuses - {"failed"} else "failed"
    return "substituted" if "substituted" in statuses else "done"


def audit(
    deps: Deps,
    ctx: Context,
    claim: Claim,
    decision: Decision,
    results: Sequence[ActionResult],
    *,
    at: float,
    what: str,
    actor: str,
    gid: str,
    shadow: bool = False,
    detail: Mapping[str, Any] | None = None,
) -> None:
    """The audit record of a decision: one per claim (its id derives from it), whatever the path."""
    body: dict[str, Any] = {"results": [result.record() for result in results], **(detail or {})}
    if decision.refused:  # who was turned away and why, not only that a reply went out
        body["refused"] = decision.refused
    if decision.audit:  # what a handler wants on the record (e.g. the co-admins appointed)
        body["audit"] = dict(decision.audit)
    deps.store.append_audit(
        AuditRecord(
            gid=gid,
            audit_id=audit_id(claim),
            at=at,
            event_type=what,
            actor=actor,
            actions=tuple(f"{type(a).__name__}:{a.reason}" for a in decision.actions),
            outcome="shadow" if shadow else outcome(results),
            detail=body,
            expires_at=audit_expires_at(ctx.policy, at),
        )
    )
