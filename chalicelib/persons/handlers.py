"""The persons domain in the worker (registered in `chalicelib.worker.registry.DOMAINS`).

- `MemberJoined`: the join gate for sanctions wider than the group (`gate`): a person banned org-wide or
  for one of this group's tags is removed where the platform allows and the admins carded elsewhere; a
  watched person is let in and the admins get a card to let them stay, remove them or open their history
  (`watch`). A group's own ban stays moderation's (R3.7).
- commands: `ban`, `unban`, `watch`, `unwatch` (`sanctions`), `person link`, `person @member`
  (`linking`, `history`), `mydata` (`export`).
- after the actions: an appeal a second admin reversed lifts the sanction it was about, audited; each
  admin's copy of a watch card is kept with its join, and a removal the platform made leaves the rosters.
"""

from __future__ import annotations

import hashlib
from typing import Any

from chalicelib.authz import directory_user
from chalicelib.core.actions import Action, Decision
from chalicelib.core.engine import appeal_command
from chalicelib.core.events import CommandIssued, Event, MemberJoined
from chalicelib.core.facts import AppealDecided, CaseActed
from chalicelib.i18n import t
from chalicelib.kernel.audit import audit_expires_at
from chalicelib.kernel.context import Context
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.handlers import Recording
from chalicelib.membership.admission import person_of, sealed_decision
from chalicelib.membership.groups import group_view
from chalicelib.membership.joins import removal_actions
from chalicelib.moderation import bans
from chalicelib.moderation.cases import CaseRepo
from chalicelib.persons import export, history, linking, sanctions, watch
from chalicelib.persons.gate import standing
from chalicelib.persons.ledger import ledger_entry
from chalicelib.persons.repository import PersonRepo
from chalicelib.persons.sanctions import scope_label, when
from chalicelib.store.records import AuditRecord


def on_join(event: MemberJoined, ctx: Context, deps: Deps) -> Decision:
    if not event.chat or ctx.group is None or not ctx.group.enabled:
        return Decision()
    found = standing(event, ctx, deps)
    if found.group_banned:
        return Decision()  # this group's own ban: moderation removes them again
    tags = ctx.policy.tags
    refusing, watching = found.bans(event.gid, tags, ctx.now), found.watches(event.gid, tags, ctx.now)
    if not refusing and not watching:
        return Decision()
    group = group_view(ctx, deps, event, event.chat)
    person = person_of(event.user, event.uid(event.user), directory_user(event, event.user, deps))
    locale, offset = group.locale, ctx.policy.jobs.utc_offset_hours
    actions: tuple[Action, ...]
    if refusing:
        sanction = refusing[0]
        scope = scope_label(locale, sanction.scope, sanction.target)
        until = when(sanction.until, offset)
        why = t(locale, "persons.gate.why", scope=scope, reason=sanction.reason, until=until)
        told = t(
            locale,
            "persons.gate.member",
            group=group.label,
            scope=scope,
            reason=sanction.reason,
            until=until,
            appeal=appeal_command(event, locale, sanction.case_ref),
        )
        actions = removal_actions(person, group, why=why, member_text=told, reason="persons.gate.ban")
        audit: dict[str, Any] = {"sanction_refused": {"sid": sanction.sid, "scope": sanction.scope}}
    else:
        sanction = watching[0]
        actions = watch.joined(ctx, deps, group, person, sanction)
        audit = {"sanction_watched": {"sid": sanction.sid, "scope": sanction.scope}}
    return sealed_decision(
        actions, deps.settings, platform=event.platform, tenant=event.tenant, chat=event.chat, audit=audit
    )


def on_person(command: CommandIssued, ctx: Context, deps: Deps) -> Decision:
    words = [word for word in command.args if word]
    if words and words[0] == "link":
        return linking.link(command, ctx, deps, words[1:])
    return history.show(command, ctx, deps, words)


def record_dismissed(acted: CaseActed, done: Recording) -> None:
    """A case an admin dismissed gives its points back: the person's ledger says so, for escalation
    across groups."""
    event, ctx, deps = done.event, done.ctx, done.deps
    if acted.what == "dismiss" and acted.points:
        _given_back(event, ctx, deps, user=acted.user, ref=acted.ref, gid=acted.gid, points=acted.points)


def record_appeal(decided: AppealDecided, done: Recording) -> None:
    """A reversed appeal gives the case's points back (in the person's ledger) and lifts the sanction the
    case was about."""
    event, ctx, deps = done.event, done.ctx, done.deps
    if decided.what != "reverse":
        return
    if decided.points:
        _given_back(
            event, ctx, deps, user=decided.user, ref=decided.ref, gid=decided.gid, points=decided.points
        )
    _lift_appealed(event, ctx, decided, deps)


def _given_back(
    event: Event, ctx: Context, deps: Deps, *, user: str, ref: str, gid: str, points: float
) -> None:
    entry = ledger_entry(
        event.uid(user), at=ctx.now, kind="reversal", ref=ref, gid=gid, expires_at=None, points=-points
    )
    deps.store.put_item(entry)


def _lift_appealed(event: Event, ctx: Context, decided: AppealDecided, deps: Deps) -> None:
    case = CaseRepo(deps.store).get(decided.gid, decided.ref)
    about = case.data.get("sanction") if case is not None else None
    if not isinstance(about, dict):
        return
    repo = PersonRepo(deps.store)
    sanction = repo.sanction(str(about.get("pid", "")), str(about.get("sid", "")))
    if sanction is None or sanction.lifted_at is not None:
        return
    by = event.uid(decided.by)
    if repo.lift(sanction, by=by, at=ctx.now, why="appeal") is None:
        return
    if sanction.kind == "ban" and sanction.scope == "group":
        bans.unban(deps.store, sanction.gid, sanction.uid)
    lifted = {"sid": sanction.sid, "pid": sanction.pid, "scope": sanction.scope, "by": by, "why": "appeal"}
    deps.store.append_audit(
        AuditRecord(
            gid=sanction.gid,
            audit_id=hashlib.sha256(f"lift#{sanction.sid}".encode()).hexdigest()[:16],
            at=ctx.now,
            event_type="SanctionLifted",
            actor=by,
            actions=("Lift:persons.appeal",),
            detail={"audit": {"sanction_lifted": [lifted]}},
            expires_at=audit_expires_at(ctx.policy, ctx.now),
        )
    )


EVENTS = {MemberJoined: on_join}
COMMANDS = {
    "ban": sanctions.on_ban,
    "unban": sanctions.on_unban,
    "watch": sanctions.on_watch,
    "unwatch": sanctions.on_unwatch,
    "person": on_person,
    "mydata": export.mydata,
}
RECORDS = {CaseActed: record_dismissed, AppealDecided: record_appeal}
CARD_ACTIONS = watch.CARD_ACTIONS
AFTER = (watch.record_copies, watch.record_removals)
