"""The inactivity exits job (R2.9, R8.7): `InactivityJob`, one group per run, daily.

It reads what it must act on and nothing else: the members silent since the marking threshold, through
the activity index (`members_inactive_since`, a GSI1 Query, never a Scan), and the group's inactivity
stages and leave entries (one Query each, their own small partitions). 100 000 members of whom 1 000 are
silent cost about 1 000 items read (see `bench/membership_inactivity.py`).

For each silent member `lifecycle.next_step` decides; the job carries it out through the executor
(`acting.act`): a private nudge, a final notice, a removal with a private message on how to come back,
or, where the platform cannot remove (or refused), a card to the admins. A stage whose member has spoken
since is dropped (reinstated). A dry run (the policy's default until an admin switches it off) changes
nothing and reports what would happen; where the bot does not see every message (WeCom, DingTalk), the
run only reports, since silence towards the bot proves nothing there.

The run is idempotent: a second run the same day finds every stage already reached.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from chalicelib.adapters.base import Capability
from chalicelib.core.actions import Action, Remove, SendDirect
from chalicelib.core.events import JobRequested
from chalicelib.core.ids import is_qualified
from chalicelib.i18n import t
from chalicelib.jobs.base import JobReport
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.where import Where, job_where
from chalicelib.membership import joins
from chalicelib.membership.acting import act, removed
from chalicelib.membership.groups import group_view, native
from chalicelib.membership.lifecycle import DAY, Silence, Stage, StageName, Step, next_step
from chalicelib.membership.repository import FORMER, MembershipRepo
from chalicelib.membership.settings import InactivitySettings
from chalicelib.membership.views import GroupView, Person, to_admins
from chalicelib.store.records import MemberRecord

REPORT_LINES = 30
CHUNK = 100


def items_read(deps: Deps) -> int:
    usage = getattr(deps.store, "usage", None)
    return int(getattr(usage, "items_read", 0))


class InactivityJob:
    name = "inactivity"

    def period(self, now: float) -> str:
        return datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%d")

    def run(self, deps: Deps, gid: str, now: float, *, dry_run: bool = False) -> JobReport:
        start = items_read(deps)
        period = self.period(now)
        run = job_where(deps, gid, job=self.name, key=period, dry_run=dry_run)
        ctx = run.ctx
        settings = ctx.policy.membership.inactivity
        if ctx.group is None or not ctx.group.enabled or not settings.enabled:
            used = items_read(deps) - start
            return JobReport(self.name, gid, period, dry_run, {"skipped": 1}, items_read=used)
        mode = _mode(deps, run, settings, dry_run=dry_run)
        repo = MembershipRepo(deps.store)
        cutoff = now - settings.mark_days * DAY
        silent = [m for m in deps.store.members_inactive_since(gid, cutoff) if m.role != FORMER]
        stages = repo.stages(gid)
        away = repo.away_all(gid)
        admins = frozenset({*filter(is_qualified, ctx.policy.admins), *ctx.group.admins})
        steps = [
            next_step(
                _silence(m), stages.get(m.uid), settings, now, away_until=away.get(m.uid), admins=admins
            )
            for m in silent
        ]
        here = {m.uid for m in silent}
        reinstated = [uid for uid in stages if uid not in here]
        group = group_view(ctx, deps, run.event, run.event.chat)
        members = {m.uid: m for m in silent}
        if mode == "live":
            live = _LiveRun(deps, run, repo, group, settings, now)
            live.carry_out(steps, members, stages, reinstated)
        counts: Counter[str] = Counter(step.kind for step in steps)
        counts["reinstate"] = len(reinstated)
        return JobReport(
            job=self.name,
            gid=gid,
            period=period,
            dry_run=mode != "live",
            counts={kind: counts.get(kind, 0) for kind in KINDS} | {"silent": len(silent)},
            lines=(_summary(group.locale, mode, counts), *_lines(group.locale, steps, members)),
            items_read=items_read(deps) - start,
            details={"mode": mode},
        )


KINDS = ("mark", "final", "remove", "exempt", "wait", "reinstate")


def _mode(deps: Deps, run: Where[JobRequested], settings: InactivitySettings, *, dry_run: bool) -> str:
    """`invisible` where silence towards the bot proves nothing, `dry_run`, or `live`."""
    visible = deps.messenger(run.event.platform).capabilities.allows(Capability.SEE_ALL_MESSAGES)
    if settings.visible_only and not visible:
        return "invisible"
    return "dry_run" if dry_run or settings.dry_run else "live"


@dataclass(frozen=True)
class _LiveRun:
    deps: Deps
    run: Where[JobRequested]
    repo: MembershipRepo
    group: GroupView
    settings: InactivitySettings
    now: float

    def carry_out(
        self,
        steps: Sequence[Step],
        members: dict[str, MemberRecord],
        stages: dict[str, Stage],
        reinstated: Sequence[str],
    ) -> None:
        gid, now, repo = self.group.gid, self.now, self.repo
        for uid in reinstated:
            repo.clear_stage(gid, uid)
            repo.history(gid, uid, native(uid), "reinstated", at=now)
        notices: list[Action] = []
        for step in steps:
            member = members[step.uid]
            if step.kind in ("exempt", "wait"):
                if step.stage is None and step.uid in stages:
                    repo.clear_stage(gid, step.uid)  # exempt now, or spoke since: the old stage is void
                continue
            if step.kind == "remove":
                self.remove(member, step)
                continue
            name: StageName = "marked" if step.kind == "mark" else "final"
            repo.set_stage(gid, step.uid, member.user, Stage(name, now, member.last_active or now))
            text = _notice(self.group, self.settings, step)
            if text:
                reason = f"membership.inactive.{step.kind}"
                notices.append(SendDirect(user=member.user, text=text, reason=reason))
        for first in range(0, len(notices), CHUNK):
            act(self.deps, self.run, notices[first : first + CHUNK], at=now, what="inactivity notices")

    def remove(self, member: MemberRecord, step: Step) -> None:
        """Remove, with a private word on how to come back; where the platform cannot or refuses, a card
        to the admins, and the stage becomes `escalated` so that the card is not repeated."""
        group, locale, now = self.group, self.group.locale, self.now
        person = Person(member.user, member.uid, member.display_name or member.user)
        why = t(locale, "membership.why.inactive", days=step.days)
        actions = joins.removal_actions(
            person,
            group,
            why=why,
            member_text=t(locale, "membership.inactive.removed", days=step.days, group=group.label),
            reason="membership.inactive",
        )
        results = act(self.deps, self.run, actions, at=now, what=f"inactivity removal {member.uid}")
        if removed(actions, results):
            self.repo.forget_member(member)
            self.repo.clear_stage(group.gid, member.uid)
            self.repo.history(group.gid, member.uid, member.user, "removed", at=now, detail="inactive")
            return
        if any(isinstance(action, Remove) for action in actions):  # refused at run time: ask the admins
            card = joins.escalation_card(person, group, why=why, kind="inactive", at=now)
            escalation = to_admins(group, card, reason="membership.inactive.escalated")
            act(self.deps, self.run, [escalation], at=now, what="escalation")
        held = step.stage or Stage("final", now, member.last_active or now)
        self.repo.set_stage(group.gid, member.uid, member.user, Stage("escalated", now, held.last_active))


def _silence(member: MemberRecord) -> Silence:
    return Silence(member.uid, member.user, member.role, member.last_active or 0.0)


def _notice(group: GroupView, settings: InactivitySettings, step: Step) -> str:
    if step.kind == "mark":
        return (
            t(group.locale, "membership.inactive.nudge", days=step.days, group=group.label)
            if settings.nudge
            else ""
        )
    remaining = max(settings.remove_days - step.days, settings.remove_days - settings.final_days)
    return t(
        group.locale, "membership.inactive.final", days=step.days, group=group.label, remaining=remaining
    )


def _summary(locale: str, mode: str, counts: Counter[str]) -> str:
    return t(
        locale,
        "membership.inactive.report",
        mode=t(locale, f"membership.inactive.mode.{mode}"),
        mark=counts.get("mark", 0),
        final=counts.get("final", 0),
        remove=counts.get("remove", 0),
        exempt=counts.get("exempt", 0),
        reinstate=counts.get("reinstate", 0),
    )


def _lines(locale: str, steps: Sequence[Step], members: dict[str, MemberRecord]) -> list[str]:
    """The removals and final notices by name, for the admins (a private report, R2.8)."""
    shown = [step for step in steps if step.kind in ("remove", "final")]
    shown.sort(key=lambda step: (step.kind != "remove", -step.days))
    return [
        t(
            locale,
            "membership.inactive.line",
            action=t(locale, f"membership.inactive.action.{step.kind}"),
            name=members[step.uid].display_name or members[step.uid].user,
            days=step.days,
        )
        for step in shown[:REPORT_LINES]
    ]
