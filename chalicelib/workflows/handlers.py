"""The workflows' part in the worker (registered in `chalicelib.worker.registry.DOMAINS`): the commands and
card buttons of announcements, publishing approval, corrections, incidents, polls, suggestions, policy
revisions and scheduled discussions, and `remind on|off` (R5.2); joins and leaves counted toward spike
alerts; and, after the actions, violation cases counted the same way (an alert found there is carried out
through `act`, with its own claim, at once).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from chalicelib.core.actions import Decision
from chalicelib.core.events import Event, MemberJoined, MemberLeft
from chalicelib.kernel.act import Where, act, event_claim
from chalicelib.kernel.context import Context
from chalicelib.kernel.deps import Deps
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
    acted = act(
        deps,
        Where(event, ctx),
        Decision(actions),
        claim=event_claim(event, "spike"),
        what="SpikeAlert",
        actor="qunguan",
    )
    log.info("violation spike in %s alerted: %s", event.gid, [r.status for r in acted.results])


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
