"""The workflows' part in the worker (registered in `chalicelib.worker.registry.DOMAINS`): the commands and
card buttons of announcements, publishing approval, corrections, incidents, polls, suggestions, policy
revisions and scheduled discussions, and `remind on|off` (R5.2); joins and leaves counted toward spike
alerts; and, after the actions, violation cases counted the same way (an alert found there is carried out
through the executor, and audited, at once).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import Any

from chalicelib.bootstrap import Deps
from chalicelib.core.actions import Decision
from chalicelib.core.events import Event, MemberJoined, MemberLeft
from chalicelib.store.records import AuditRecord
from chalicelib.worker.audit import audit_expires_at
from chalicelib.worker.context import Context
from chalicelib.worker.executor import execute
from chalicelib.workflows import (
    announcements,
    corrections,
    discussions,
    incidents,
    polls,
    publishing,
    remind_command,
    revisions,
    suggestions,
)

log = logging.getLogger("qunguan.workflows")


def count_violations(
    event: Event, ctx: Context, decision: Decision, results: tuple[Any, ...], deps: Deps
) -> None:
    """A case the moderation opened counts toward the group's violation spike (one counter write)."""
    notes = decision.notes
    if decision.shadow or not event.chat or not (notes.get("findings") and notes.get("case_ref")):
        return
    if all(finding.get("rule") == "slowmode" for finding in notes["findings"]):
        return  # a message over the slow-mode rate is held back, not a violation worth an alert
    reached = incidents.count(deps, event.gid, "violations", ctx.now, ctx.policy.workflows.incidents)
    if reached is None:
        return
    actions = tuple(incidents.alert(event, ctx, deps, "violations", reached))
    if not actions:
        return
    done = execute(actions, event, ctx, deps.messenger(event.platform))
    digest = hashlib.sha256(f"{event.platform}#{event.claim_key}#spike".encode()).hexdigest()[:16]
    deps.store.append_audit(
        AuditRecord(
            gid=event.gid,
            audit_id=digest,
            at=ctx.now,
            event_type="SpikeAlert",
            actor="qunguan",
            actions=tuple(f"{type(a).__name__}:{a.reason}" for a in actions),
            outcome=",".join(result.status for result in done) or "done",
            expires_at=audit_expires_at(ctx.policy, ctx.now),
        )
    )
    log.info("violation spike in %s alerted: %s", event.gid, [r.status for r in done])


EVENTS: dict[type[Event], Callable[..., Decision]] = {
    MemberJoined: incidents.on_membership,
    MemberLeft: incidents.on_membership,
}
COMMANDS = {
    "announce": announcements.on_command,
    "publish": publishing.on_command,
    "correct": corrections.on_command,
    "incident": incidents.on_command,
    "poll": polls.on_command,
    "suggest": suggestions.on_command,
    "revision": revisions.on_command,
    "discussion": discussions.on_command,
    "remind": remind_command.on_command,
}
CARD_ACTIONS = {
    "ann": announcements.on_card,
    "pub": publishing.on_card,
    "inc": incidents.on_card,
    "poll": polls.on_card,
    "sug": suggestions.on_card,
    "rev": revisions.on_card,
    "disc": discussions.on_card,
}
AFTER = (count_violations,)
