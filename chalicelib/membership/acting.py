"""Carrying out a scheduled job's decision in one group, as the worker carries out an event's: through the
one `act` (the outbox, the executor's capability checks and substitutions, the audit record).

The membership jobs act themselves rather than hand their actions back, because what they record next
depends on the results: a member counts as removed only once the platform removed them, and a refused
removal becomes a card to the admins in the same run.
"""

from __future__ import annotations

from collections.abc import Sequence

from chalicelib.core.actions import Action, Decision, Remove
from chalicelib.core.events import JobRequested
from chalicelib.kernel import act as acting
from chalicelib.kernel.act import content_claim
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.executor import ActionResult
from chalicelib.kernel.where import Where
from chalicelib.membership.admission import seal_actions


def act(
    deps: Deps,
    run: Where[JobRequested],
    actions: Sequence[Action],
    *,
    at: float,
    what: str,
    after: acting.After | None = None,
) -> list[ActionResult]:
    """Carry `actions` out in the run's group (their buttons sealed with it) through the one `act`: the
    outbox, the executor and the audit. Nothing is done for a dry run."""
    event = run.event
    if not actions or (isinstance(event, JobRequested) and event.dry_run):
        return []
    sealed = seal_actions(
        tuple(actions), deps.settings, platform=event.platform, tenant=event.tenant, chat=event.chat
    )
    decision = Decision(sealed)
    claim = content_claim(event, what, sealed)
    actor = event.job if isinstance(event, JobRequested) else "qunguan"
    return list(
        acting.act(deps, run, decision, claim=claim, what="JobRequested", actor=actor, after=after).results
    )


def removed(actions: Sequence[Action], results: Sequence[ActionResult]) -> bool:
    """Whether the platform really removed the member (not substituted, not failed)."""
    return any(
        isinstance(action, Remove) and result.status == "done"
        for action, result in zip(actions, results, strict=False)
    )
