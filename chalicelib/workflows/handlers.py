"""The workflows' part in the worker (registered in `chalicelib.worker.registry.DOMAINS`): the commands and
card buttons of announcements, publishing approval, corrections, incidents, polls, suggestions, policy
revisions and scheduled discussions, and `remind on|off` (R5.2); joins and leaves counted toward spike
alerts; and the cases moderation opens (the `CaseOpened` fact), counted the same way toward a violation
spike, whose alert the worker carries out through `act`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from chalicelib.core.actions import Decision
from chalicelib.core.events import Event, MemberJoined, MemberLeft
from chalicelib.core.facts import CaseOpened
from chalicelib.kernel import request_cards
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


def on_case_opened(fact: CaseOpened, event: Event, ctx: Context, deps: Deps) -> Decision:
    """A case the moderation opened counts toward the group's violation spike (one counter write); at
    the threshold, the responders are alerted (the worker carries the alert out through `act`)."""
    if not event.chat or all(rule == "slowmode" for rule in fact.rules):
        return Decision()  # a message over the slow-mode rate is held back, not a violation worth an alert
    reached = incidents.count(deps, event.gid, "violations", ctx.now, ctx.policy.workflows.incidents)
    if reached is None:
        return Decision()
    return Decision(tuple(incidents.alert(event, ctx, deps, "violations", reached)))


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
FACTS = {CaseOpened: on_case_opened}
AFTER = (request_cards.recorder("pub"),)  # the draft cards' tokens (reminders too), for their update
