"""Carrying out a scheduled job's decision in one group, as the worker carries out an event's: through the
executor (capability checks, substitutions), in the group's context, with an audit record.

The membership jobs act themselves rather than hand their actions back, because what they record next
depends on the results: a member counts as removed only once the platform removed them, and a refused
removal becomes a card to the admins in the same run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from chalicelib.bootstrap import Deps
from chalicelib.core.actions import Action, Remove
from chalicelib.core.events import JobRequested
from chalicelib.core.ids import split_id
from chalicelib.membership.admission import seal_actions
from chalicelib.store.records import AuditRecord
from chalicelib.worker.audit import audit_expires_at
from chalicelib.worker.context import Context, load_context
from chalicelib.worker.executor import ActionResult, execute


@dataclass(frozen=True)
class GroupRun:
    """A job's run in one group: the event it acts as, and the group's context."""

    event: JobRequested
    ctx: Context


def open_run(deps: Deps, gid: str, job: str, period: str, *, dry_run: bool) -> GroupRun:
    platform, tenant, chat = split_id(gid)
    event = JobRequested(
        platform=platform,  # type: ignore[arg-type]
        tenant=tenant,
        event_id=f"{job}:{period}:{gid}",
        occurred_at=deps.clock.now(),
        chat=chat,
        job=job,
        period=period,
        dry_run=dry_run,
    )
    return GroupRun(event, load_context(event, deps))


def act(deps: Deps, run: GroupRun, actions: Sequence[Action], *, at: float, what: str) -> list[ActionResult]:
    """Execute `actions` in the run's group and audit them; nothing is executed for a dry run."""
    if not actions or run.event.dry_run:
        return []
    event = run.event
    actions = seal_actions(
        tuple(actions), deps.settings, platform=event.platform, tenant=event.tenant, chat=event.chat
    )
    results = execute(actions, event, run.ctx, deps.messenger(event.platform))
    digest = hashlib.sha256(f"{event.claim_key}#{what}#{at}".encode()).hexdigest()[:16]
    deps.store.append_audit(
        AuditRecord(
            gid=event.gid,
            audit_id=digest,
            at=at,
            event_type="JobRequested",
            actor=event.job,
            actions=tuple(f"{type(a).__name__}:{a.reason}" for a in actions),
            outcome=_outcome(results),
            detail={"what": what, "results": [r.record() for r in results]},
            expires_at=audit_expires_at(run.ctx.policy, at),
        )
    )
    return results


def removed(actions: Sequence[Action], results: Sequence[ActionResult]) -> bool:
    """Whether the platform really removed the member (not substituted, not failed)."""
    return any(
        isinstance(action, Remove) and result.status == "done"
        for action, result in zip(actions, results, strict=False)
    )


def _outcome(results: Sequence[ActionResult]) -> str:
    statuses = {result.status for result in results}
    if "failed" in statuses:
        return "partial" if statuses - {"failed"} else "failed"
    return "substituted" if "substituted" in statuses else "done"
