"""The five-minute pass (the `end_mutes` schedule): what falls due within minutes rather than hours.

- mutes that are over are lifted, or the member told (R3.7, `chalicelib.moderation.sweep`);
- slow modes that are over end with a notice, and the ones still on are kept in force (R5.3,
  `chalicelib.moderation.slowmode`);
- discussion reminders and starts that fell due are sent (R5.9, `chalicelib.workflows.discussions`).

Each finds its work with one Query of its own sparse index (never a Scan) and acts in the group's context
through `act` (the outbox, the executor, one audit record per group and step: `carry_out`, in the
group's `chalicelib.kernel.where.job_where`), outside the queue.
"""

from __future__ import annotations

import logging

from chalicelib.kernel.deps import Deps

log = logging.getLogger("qunguan.minutely")


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
