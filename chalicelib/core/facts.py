"""Facts: what a decision tells the domains besides its actions, as typed values rather than string keys.

A handler puts facts on its `Decision` (`Decision.facts`). The worker routes each by its type
(`chalicelib.worker.registry`) to the handlers the domains registered for it:

- `RECORDS` (`recorder(fact, done)`, `done` a `chalicelib.kernel.handlers.Recording`): what the fact
  makes a domain write once the decision is carried out (a case, a member's points, a slow mode, a job
  run delivered), before the domains' hooks and the audit record;
- `FACTS` (`handler(fact, event, ctx, deps) -> Decision`): a follow-up once the facts are recorded (a
  spike of cases alerts the incident responders; a job run that stopped at its checkpoint asks for its
  next part), whose decision goes through the same `act()` and outbox.

Every kind below has at least one handler: the registry refuses to build otherwise, and a fact that
reaches the worker with none is logged as an error, never dropped in silence. No domain reads another's
keys: a domain that cares about a fact imports its type.

Facts are frozen dataclasses of plain values; the outbox keeps them with the decision (the generic record
codec, through `FACT_KINDS`), so a redelivery that finishes the decision still records them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass(frozen=True)
class Fact:
    """The base of every fact."""


# Moderation: what the engine decided about a member's message ------------------------------------------


@dataclass(frozen=True)
class Points:
    """A member's points around one enforced violation: before, added, the new total and its time; with
    escalation across groups, the person's total in every group too."""

    before: float
    added: float
    total: float
    at: float
    person_total: float | None = None


@dataclass(frozen=True)
class Threshold:
    """The escalation threshold a violation pushed the member to, and what it does."""

    points: float
    action: str


@dataclass(frozen=True)
class AdminsTold:
    """Who got the admin card, and why them: the group's admins ("group"), the org's for a group without
    any ("org"), or "nobody" known at all (then the case says so, never silently)."""

    to: tuple[str, ...]
    why: str


@dataclass(frozen=True)
class CaseDecided(Fact):
    """The engine's case on a member's message (`chalicelib.core.engine.decide`): what moderation records
    once the actions are done. `findings` and `shadow_actions` are the case log's own records; `points`
    is set when an enforced violation added some; `removal_open` names the open removal proposal these
    points go to instead of a new card."""

    ref: str
    findings: tuple[dict[str, Any], ...]
    policy_version: int
    policy_revision: str
    skipped: tuple[dict[str, Any], ...] = ()
    consume_pass: bool = False  # a one-time pass was used up
    sensitive: bool = False  # the case keeps no snapshot nor the findings' parameters
    points: Points | None = None
    threshold: Threshold | None = None
    admins_told: AdminsTold | None = None
    shadow_actions: tuple[dict[str, Any], ...] = ()
    removal_open: str = ""

    @property
    def rules(self) -> tuple[str, ...]:
        return tuple(str(finding.get("rule", "")) for finding in self.findings)


@dataclass(frozen=True)
class CaseOpened(Fact):
    """Moderation opened a case on a member's message: its ref and the rules it broke."""

    ref: str
    rules: tuple[str, ...]


@dataclass(frozen=True)
class CaseActed(Fact):
    """An admin decided a case (warn, mute, remove, dismiss) in group `gid`; `points` are the case's."""

    gid: str
    ref: str
    what: str
    by: str
    user: str
    points: float


@dataclass(frozen=True)
class AppealDecided(Fact):
    """An admin decided a member's appeal against case `ref` (`what`: "reverse" or "uphold")."""

    gid: str
    ref: str
    what: str
    by: str
    user: str
    uid: str
    points: float
    rule: str


@dataclass(frozen=True)
class MemberWarned(Fact):
    """An admin warned a member by command (`warn @member reason`): a closed case with its points."""

    ref: str
    user: str
    rule: str
    reason: str
    points: float


@dataclass(frozen=True)
class Warned:
    ref: str
    user: str


@dataclass(frozen=True)
class ExchangeWarned(Fact):
    """An admin warned the members of a heated exchange from the slow-mode card, in group chat `chat`:
    each gets a case, as `warn @member` gives."""

    chat: str
    warned: tuple[Warned, ...]


@dataclass(frozen=True)
class MessageReported(Fact):
    """A member reported another's message (`report`): an open case for the admins."""

    ref: str
    user: str
    reason: str
    message_id: str
    reporter: str


@dataclass(frozen=True)
class SlowModeStarted(Fact):
    """A heated exchange started a slow mode (`mode`: the slow mode's own record, `SlowMode.data()`)."""

    mode: dict[str, Any]


# Jobs ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JobRan(Fact):
    """A scheduled job's run in one group: its status ("done", "failed", "partial" when it stopped at its
    checkpoint, "already", "not_installed") and counts. A partial run asks for its next part."""

    job: str
    period: str
    status: Literal["done", "partial", "already", "not_installed", "failed"]
    dry_run: bool = False
    counts: dict[str, int] = field(default_factory=dict)


FACT_KINDS: dict[str, type[Fact]] = {
    cls.__name__: cls
    for cls in (
        CaseDecided,
        CaseOpened,
        CaseActed,
        AppealDecided,
        MemberWarned,
        ExchangeWarned,
        MessageReported,
        SlowModeStarted,
        JobRan,
    )
}
