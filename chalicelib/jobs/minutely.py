"""The five-minute pass (the `end_mutes` schedule): what falls due within minutes rather than hours.

- mutes that are over are lifted, or the member told (R3.7, `chalicelib.moderation.sweep`);
- slow modes that are over end with a notice, and the ones still on are kept in force (R5.3,
  `chalicelib.moderation.slowmode`);
- discussion reminders and starts that fell due are sent (R5.9, `chalicelib.workflows.discussions`).

Each finds its work with one Query of its own sparse index (never a Scan) and acts in the group's context
through `act` (the outbox, the executor, one audit record per group and step: `carry_out`), outside the
queue.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from chalicelib.bootstrap import Deps
from chalicelib.core.actions import Action, Decision
from chalicelib.core.events import JobRequested
from chalicelib.worker.act import Where, act, content_claim, job_where
from chalicelib.worker.executor import ActionResult

log = logging.getLogger("qunguan.minutely")


# The group a five-minute step acts in (the one type for it: `chalicelib.worker.act.Where`).
Place = Where[JobRequested]


def place_of(deps: Deps, gid: str, *, job: str, key: str, now: float) -> Where[JobRequested]:
    return job_where(deps, gid, job=job, key=key, now=now)


def carry_out(
    deps: Deps, place: Where[JobRequested], actions: Sequence[Action], *, what: str, key: str, now: float
) -> list[ActionResult]:
    """Do `actions` in the group through `act` (the outbox and one audit record per group and key): a
    run that fails part-way is finished by the next pass, which decides the same again."""
    if not actions:
        return []
    decision = Decision(tuple(actions))
    claim = content_claim(place.event, f"{what}-{key}", decision.actions)
    return list(act(deps, place, decision, claim=claim, what=what, actor="qunguan").results)


def run(deps: Deps, now: float) -> dict[str, int]:
    """Everything the five-minute schedule does, with counts for the log."""
    from chalicelib.moderation.slowmode import sweep as slow_modes
    from chalicelib.moderation.sweep import end_due_mutes
    from chalicelib.workflows.discussions import sweep as discussions

    mutes = end_due_mutes(deps, now)
    counts = {"mutes_ended": mutes.ended, "mutes_failed": mutes.failed}
    counts.update(slow_modes(deps, now))
    counts.update(discussions(deps, now))
    log.info("five-minute pass: %s", counts)
    return counts
