"""Escalation across groups (`escalation.scope: person`): a member's points count in every group they are
in, on every platform they are linked on.

Only when a violation adds points (rare) and the policy asks: the person's other groups' points come from
their identities' ledgers (each case's points, less any reversed by an appeal or a dismissal), decayed
with the policy's half-life, and the decision is taken again with them. What this group records as the
member's points stays this group's own (so nothing is counted twice); the case notes the person's total.
"""

from __future__ import annotations

import dataclasses

from chalicelib.core.actions import Decision
from chalicelib.core.engine import moderate
from chalicelib.core.escalation import decayed
from chalicelib.core.events import Event
from chalicelib.core.facts import CaseDecided
from chalicelib.core.rules.base import Rule, RuleContext
from chalicelib.kernel.context import Context
from chalicelib.kernel.deps import Deps
from chalicelib.persons.repository import PersonRepo


def elsewhere(deps: Deps, uid: str, gid: str, now: float, half_life_days: float) -> float:
    """The person's points in every group but `gid`, as they stand now."""
    repo = PersonRepo(deps.store)
    pointer = repo.pointer(uid)
    person = repo.person(pointer.pid) if pointer is not None else None
    uids = person.identities if person is not None else (uid,)
    total = 0.0
    for entry in repo.ledger(uids):
        if entry.get("gid") == gid or entry.get("kind") not in ("case", "reversal"):
            continue
        points = float(entry.get("points", 0.0) or 0.0)
        at = float(entry.get("at", 0.0))
        total += points if points < 0 else decayed(points, at, now, half_life_days)
    return max(total, 0.0)


def across_groups(
    event: Event, signals: RuleContext, decision: Decision, ctx: Context, deps: Deps, *, rules: list[Rule]
) -> Decision:
    case = decision.fact(CaseDecided)
    if ctx.policy.escalation.scope != "person" or case is None or case.points is None:
        return decision
    user = str(getattr(event, "user", ""))
    half_life = ctx.policy.escalation.half_life_days
    extra = elsewhere(deps, event.uid(user), event.gid, ctx.now, half_life)
    if extra <= 0:
        return decision
    here = decayed(signals.points, signals.points_at, ctx.now, half_life)
    again = moderate(event, dataclasses.replace(signals, points=here + extra, points_at=ctx.now), rules)
    retaken = again.fact(CaseDecided)
    if retaken is None or retaken.points is None:
        return again
    points = retaken.points
    # This group keeps its own points; the case notes the person's total across groups.
    mine = dataclasses.replace(
        points, person_total=points.total, before=points.before - extra, total=points.total - extra
    )
    facts = tuple(dataclasses.replace(fact, points=mine) if fact is retaken else fact for fact in again.facts)
    return dataclasses.replace(again, facts=facts)
