"""R2.9, R8.7: the inactivity lifecycle of one member, as karrot-backend runs it (#528, #612, #615). Pure.

    active --30 d--> marked (private nudge) --90 d--> final notice --97 d, and 7 d after the notice--> removed
       ^                                                                                        |
       +---------------------------- speaks again: reinstated ----------------------------------+

A stage remembers the `last_active` it was reached at, so a member who spoke since is back to active
whatever the stage says (and may start again from the beginning if silent once more). Someone found long
silent for the first time is never removed on the spot: the final notice comes first and the removal at
least `remove_days - final_days` days after it. Where the platform cannot remove, the admins get a card
instead and the stage becomes `escalated`, so the card is not repeated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from chalicelib.membership.settings import InactivitySettings

DAY = 86400.0

StageName = Literal["marked", "final", "escalated"]
StepKind = Literal["mark", "final", "remove", "wait", "exempt"]


@dataclass(frozen=True)
class Stage:
    name: StageName
    at: float
    last_active: float


@dataclass(frozen=True)
class Silence:
    """A member the activity index says is silent: who, their role, and since when."""

    uid: str
    user: str
    role: str
    last_active: float


@dataclass(frozen=True)
class Step:
    uid: str
    user: str
    kind: StepKind
    days: int
    stage: Stage | None  # the stage that still holds (None: it no longer does)


def is_exempt(
    member: Silence,
    settings: InactivitySettings,
    away_until: float | None,
    now: float,
    admins: frozenset[str] = frozenset(),
) -> bool:
    """Exempt by role (the group's admins count as `admin`), by name, or while on leave."""
    ids = {member.user, member.uid}
    role = "admin" if ids & admins else member.role
    return (
        bool(ids & set(settings.exempt.members))
        or role in settings.exempt.roles
        or (away_until is not None and away_until > now)
    )


def current_stage(member: Silence, stage: Stage | None) -> Stage | None:
    """The stored stage, unless the member spoke after reaching it."""
    if stage is None or member.last_active > stage.last_active:
        return None
    return stage


def next_step(
    member: Silence,
    stage: Stage | None,
    settings: InactivitySettings,
    now: float,
    *,
    away_until: float | None = None,
    admins: frozenset[str] = frozenset(),
) -> Step:
    days = int((now - member.last_active) // DAY)
    held = current_stage(member, stage)

    def step(kind: StepKind, kept: Stage | None = held) -> Step:
        return Step(member.uid, member.user, kind, days, kept)

    if is_exempt(member, settings, away_until, now, admins):
        return step("exempt", None)
    if days < settings.mark_days:
        return step("wait", None)
    if held is None:
        return step("final" if days >= settings.final_days else "mark")
    if held.name == "marked":
        return step("final") if days >= settings.final_days else step("wait")
    notice_days = (now - held.at) / DAY
    if (
        held.name == "final"
        and days >= settings.remove_days
        and notice_days >= settings.remove_days - settings.final_days
    ):
        return step("remove")
    return step("wait")
