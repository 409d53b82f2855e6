"""The sanction commands: `ban`, `unban`, `watch`, `unwatch`.

    ban @member [--scope group|org|tag:<tag>] [--for 30d] [reason]     default: this group, the policy's
    unban @member [--scope group|org|tag:<tag>]                          `people.default_days`
    watch / unwatch: the same, for a watch (let in; the admins told at each join)

Who may use each scope is the policy's (`chalicelib.persons.rights`). A sanction is recorded on the
person, with a case in this group (its ref is the sanction's id) so the member appeals it as any other
case, to a second admin (`chalicelib.moderation.reports`); a reversed appeal lifts it
(`chalicelib.persons.handlers.record`). A group ban is also this group's `BAN#` item, as before. The
member is told what, why, where and until when, with the appeal command; the audit log has each
sanction and each lifting.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from chalicelib.core.actions import Action, Decision, Remove, Reply, SendDirect
from chalicelib.core.engine import appeal_command, case_ref
from chalicelib.core.events import CommandIssued
from chalicelib.core.localtime import local
from chalicelib.core.naming import group_label
from chalicelib.core.policy import TAG_PATTERN
from chalicelib.i18n import t
from chalicelib.kernel.commands import command_prefix
from chalicelib.kernel.context import Context
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.people import name_of
from chalicelib.moderation import bans
from chalicelib.moderation.cases import CaseRepo
from chalicelib.moderation.targets import target_of
from chalicelib.persons.linking import person_for
from chalicelib.persons.records import Kind, Sanction, Scope
from chalicelib.persons.repository import PersonRepo
from chalicelib.persons.rights import may_impose

DAY = 86400
_PERIOD = re.compile(r"^(\d{1,4})\s*(h|d|w|小时|小時|天|周|週)?$", re.IGNORECASE)
_UNIT = {
    "h": 3600,
    "小时": 3600,
    "小時": 3600,
    "d": DAY,
    "天": DAY,
    "w": 7 * DAY,
    "周": 7 * DAY,
    "週": 7 * DAY,
}
_TAG = re.compile(TAG_PATTERN)


class Usage(ValueError):
    """The command's arguments do not parse; the message says which."""


@dataclasses.dataclass(frozen=True)
class Request:
    member: str
    scope: Scope
    target: str
    seconds: int | None
    reason: str


def parse(command: CommandIssued, gid: str) -> Request:
    member, words = target_of(command)
    if member is None:
        raise Usage("member")
    scope: Scope = "group"
    target, seconds, rest = gid, None, []
    index = 0
    while index < len(words):
        word = words[index]
        name, _, value = word.partition("=")
        if name in ("--scope", "--for") and not value:
            index += 1
            value = words[index] if index < len(words) else ""
        if name == "--scope":
            scope, target = _scope(value, gid)
        elif name == "--for":
            seconds = _seconds(value)
        else:
            rest.append(word)
        index += 1
    return Request(member, scope, target, seconds, " ".join(rest).strip()[:300])


def _scope(value: str, gid: str) -> tuple[Scope, str]:
    if value == "group":
        return "group", gid
    if value == "org":
        return "org", ""
    if value.startswith("tag:") and _TAG.match(value[4:]):
        return "tag", value[4:]
    raise Usage("scope")


def _seconds(value: str) -> int:
    match = _PERIOD.match(value.strip())
    if not match or int(match.group(1)) == 0:
        raise Usage("for")
    return int(match.group(1)) * _UNIT[(match.group(2) or "d").lower()]


def _private(ctx: Context, key: str, **params: Any) -> Decision:
    return Decision.of(Reply(text=t(ctx.locale, key, **params), private=True, reason=key))


def scope_label(locale: str, scope: str, target: str) -> str:
    return t(locale, f"persons.scope.{scope}", tag=target)


def when(at: float, offset_hours: float = 0.0) -> str:
    """A moment as the group reads it (`chalicelib.core.localtime.local`): its time zone, labelled."""
    return local(at, offset_hours)


def _checked(command: CommandIssued, ctx: Context, deps: Deps, verb: str) -> Request | Decision:
    prefix = command_prefix(command.platform)
    if not command.chat or command.direct:
        return _private(ctx, "admin.need_target", prefix=prefix, name=verb)
    try:
        request = parse(command, command.gid)
    except Usage as exc:
        return _private(ctx, "persons.sanction.usage", prefix=prefix, name=verb, wrong=str(exc))
    if not may_impose(command, command.user, request.scope, ctx, deps):
        why = f"{verb} --scope {request.scope} by someone the policy does not allow"
        return dataclasses.replace(_private(ctx, "admin.refused"), refused=why)
    return request


def impose(command: CommandIssued, ctx: Context, deps: Deps, kind: Kind) -> Decision:
    checked = _checked(command, ctx, deps, kind)
    if isinstance(checked, Decision):
        return checked
    request = checked
    if command.uid(request.member) == command.uid(command.user):
        return _private(ctx, "persons.sanction.self")
    people = ctx.policy.people
    seconds = min(request.seconds or people.default_days * DAY, people.max_days * DAY)
    person = person_for(command, request.member, deps, ctx.now)
    sanction = Sanction(
        sid=case_ref(command),
        pid=person.pid,
        kind=kind,
        scope=request.scope,
        target=request.target,
        reason=request.reason or "-",
        by=command.uid(command.user),
        at=ctx.now,
        until=ctx.now + seconds,
        gid=command.gid,
        uid=command.uid(request.member),
        case_ref=case_ref(command),
    )
    locale, offset = ctx.locale, ctx.policy.jobs.utc_offset_hours
    scope = scope_label(locale, sanction.scope, sanction.target)
    done = t(
        locale,
        "persons.sanction.done",
        kind=t(locale, f"persons.kind.{kind}"),
        member=name_of(command, request.member, deps),
        scope=scope,
        until=when(sanction.until, offset),
        reason=sanction.reason,
    )
    if not PersonRepo(deps.store).impose(sanction):
        return _private(ctx, "persons.sanction.already", ref=sanction.sid)
    if kind == "ban" and sanction.scope == "group":
        bans.ban(
            deps.store,
            command.gid,
            sanction.uid,
            by=command.user,
            at=ctx.now,
            until=sanction.until,
            sanction=sanction.sid,
        )
    _open_case(command, ctx, deps, sanction, request.member)
    group = group_label(command.platform, command.chat, ctx.group.name if ctx.group else "")
    told = t(
        locale,
        f"persons.sanction.member.{kind}",
        group=group,
        scope=scope,
        until=when(sanction.until, offset),
        reason=sanction.reason,
        appeal=appeal_command(command, locale, sanction.case_ref),
    )
    actions: list[Action] = [SendDirect(user=request.member, text=told, reason=f"persons.{kind}")]
    if kind == "ban" and sanction.covers(command.gid, ctx.policy.tags):
        actions.insert(0, Remove(chat=command.chat, user=request.member, ban=True, reason="persons.ban"))
        _off_the_roster(deps, command.gid, sanction.uid)
    actions.append(Reply(text=done, private=True, reason="persons.sanction.done"))
    audit = {
        "sanction": {k: v for k, v in sanction.data().items() if k != "reason"} | {"reason": sanction.reason}
    }
    return Decision(Decision.of(*actions).actions, audit=audit)


def _off_the_roster(deps: Deps, gid: str, uid: str) -> None:
    """A banned member leaves every roster of the group (announcements, rules acknowledgements, activity)
    at once, whether or not the platform lets the bot remove them."""
    from chalicelib.membership.repository import MembershipRepo

    repo = MembershipRepo(deps.store)
    member = repo.is_member(gid, uid)
    if member is not None:
        repo.forget_member(member)


def _open_case(command: CommandIssued, ctx: Context, deps: Deps, sanction: Sanction, member: str) -> None:
    CaseRepo(deps.store).open(
        gid=command.gid,
        uid=sanction.uid,
        ref=sanction.case_ref,
        data={
            "user": member,
            "chat": command.chat,
            "source": "admin",
            "actor": command.user,
            "rule": f"manual.{sanction.kind}",
            "rules": [f"manual.{sanction.kind}"],
            "reason": sanction.reason,
            "points": 0.0,
            "state": "closed",
            "outcome": f"{sanction.kind}:{sanction.scope}",
            "policy_revision": ctx.policy.revision,
            "sanction": {"pid": sanction.pid, "sid": sanction.sid, "scope": sanction.scope},
        },
        at=ctx.now,
        retention_days=max(
            int(ctx.policy.retention.get("cases", 365)), int((sanction.until - sanction.at) // DAY) + 1
        ),
    )


def lift(command: CommandIssued, ctx: Context, deps: Deps, kind: Kind) -> Decision:
    verb = "unban" if kind == "ban" else "unwatch"
    checked = _checked(command, ctx, deps, verb)
    if isinstance(checked, Decision):
        return checked
    request = checked
    repo = PersonRepo(deps.store)
    uid = command.uid(request.member)
    pointer = repo.pointer(uid)
    by = command.uid(command.user)
    lifted: list[Sanction] = []
    if pointer is not None:
        for sanction in repo.sanctions(pointer.pid):
            if (sanction.kind, sanction.scope, sanction.target) == (kind, request.scope, request.target) and (
                sanction.lifted_at is None
            ):
                done = repo.lift(sanction, by=by, at=ctx.now, why=verb)
                if done is not None:
                    lifted.append(done)
    if kind == "ban" and request.scope == "group":
        bans.unban(deps.store, command.gid, uid)  # a group ban from before people had sanctions, too
    locale = ctx.locale
    scope = scope_label(locale, request.scope, request.target)
    text = t(
        locale,
        "persons.lift.done",
        kind=t(locale, f"persons.kind.{kind}"),
        member=name_of(command, request.member, deps),
        scope=scope,
        count=len(lifted),
    )
    actions: list[Action] = [Reply(text=text, private=True, reason="persons.lift.done")]
    if lifted:
        told = t(locale, "persons.lift.member", kind=t(locale, f"persons.kind.{kind}"), scope=scope)
        actions.insert(0, SendDirect(user=request.member, text=told, reason=f"persons.{verb}"))
    audit = {
        "sanction_lifted": [
            {"sid": s.sid, "pid": s.pid, "scope": s.scope, "target": s.target, "by": by, "why": verb}
            for s in lifted
        ]
        or [{"uid": uid, "scope": request.scope, "target": request.target, "by": by, "why": verb}]
    }
    return Decision(Decision.of(*actions).actions, audit=audit)


def on_ban(command: CommandIssued, ctx: Context, deps: Deps) -> Decision:
    return impose(command, ctx, deps, "ban")


def on_watch(command: CommandIssued, ctx: Context, deps: Deps) -> Decision:
    return impose(command, ctx, deps, "watch")


def on_unban(command: CommandIssued, ctx: Context, deps: Deps) -> Decision:
    return lift(command, ctx, deps, "ban")


def on_unwatch(command: CommandIssued, ctx: Context, deps: Deps) -> Decision:
    return lift(command, ctx, deps, "watch")
