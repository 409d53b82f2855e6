"""The five-minute pass (the `end_mutes` schedule): what falls due within minutes rather than hours.

- mutes that are over are lifted, or the member told (R3.7, `chalicelib.moderation.sweep`);
- slow modes that are over end with a notice, and the ones still on are kept in force (R5.3,
  `chalicelib.moderation.slowmode`);
- discussion reminders and starts that fell due are sent (R5.9, `chalicelib.workflows.discussions`).

Each finds its work with one Query of its own sparse index (never a Scan) and acts in the group's context
through the executor, outside the queue, with an audit record per group and step (`carry_out`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from chalicelib.bootstrap import Deps
from chalicelib.core.actions import Action
from chalicelib.core.events import JobRequested
from chalicelib.core.ids import split_id
from chalicelib.store.records import AuditRecord
from chalicelib.worker.audit import audit_expires_at
from chalicelib.worker.context import Context, load_context
from chalicelib.worker.executor import ActionResult, execute

log = logging.getLogger("qunguan.minutely")


@dataclass(frozen=True)
class Place:
    """A group's event and context for acting outside the worker."""

    event: JobRequested
    ctx: Context


def place_of(deps: Deps, gid: str, *, job: str, key: str, now: float) -> Place:
    platform, tenant, chat = split_id(gid)
    event = JobRequested(
        platform=platform,  # type: ignore[arg-type]  # a gid's platform is one of the three
        tenant=tenant,
        event_id=f"{job}:{gid}:{key}",
        occurred_at=now,
        chat=chat,
        job=job,
        period=key,
    )
    return Place(event, load_context(event, deps))


def carry_out(
    deps: Deps, place: Place, actions: Sequence[Action], *, what: str, key: str, now: float
) -> list[ActionResult]:
    """Do `actions` in the group and audit them as `what` (one record per group and key)."""
    if not actions:
        return []
    event = place.event
    results = execute(tuple(actions), event, place.ctx, deps.messenger(event.platform))
    deps.store.append_audit(
        AuditRecord(
            gid=event.gid,
            audit_id=f"{what}-{key}"[:64],
            at=now,
            event_type=what,
            actor="qunguan",
            actions=tuple(f"{type(a).__name__}:{a.reason}" for a in actions),
            outcome=",".join(sorted({r.status for r in results})) or "done",
            detail={
                "results": [{"action": r.action, "status": r.status, "detail": r.detail} for r in results]
            },
            expires_at=audit_expires_at(place.ctx.policy, now),
        )
    )
    return results


def run(deps: Deps, now: float) -> dict[str, int]:
    """Everything the five-minute schedule does, with counts for the log."""
    from chalicelib.moderation.slowmode import sweep as slow_modes
    from chalicelib.moderation.sweep import end_due_mutes
    from chalicelib.persons.expiry import end_due_sanctions
    from chalicelib.workflows.discussions import sweep as discussions

    mutes = end_due_mutes(deps, now)
    counts = {"mutes_ended": mutes.ended, "mutes_failed": mutes.failed}
    counts["sanctions_ended"] = end_due_sanctions(deps, now)
    counts.update(slow_modes(deps, now))
    counts.update(discussions(deps, now))
    log.info("five-minute pass: %s", counts)
    return counts
