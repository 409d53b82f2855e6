"""Membership commands (`/qg <name>` on Slack, `@qunguan <name>` elsewhere), for the group's admins:

    enable | disable                      govern this group, or stop (issue 4, item 7)
    create <name> [members...]            a group the bot creates and may manage (WeCom, DingTalk, Slack)
    sync                                  reconcile the members with the platform's member list
    guest add <member> [days|YYYY-MM-DD]  the guest roster (R2.1); `guest remove <member>`, `guest list`
    away <member> <days|YYYY-MM-DD>       on leave: exempt from inactivity exits until then (R8.7)
    approve <member> | reject <member>    decide a pending join request where cards cannot be shown
    unacked                               who has not confirmed the rules yet (R2.7)

`/qg policy` (show and change the group's policy) is the admin domain's command.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from chalicelib.adapters.base import NotSupported
from chalicelib.authz import directory_user, is_admin
from chalicelib.core.actions import Action, Decision, Reply
from chalicelib.core.events import CommandIssued
from chalicelib.core.localtime import local, zone
from chalicelib.errors import MessengerError
from chalicelib.i18n import t
from chalicelib.kernel.commands import command_prefix
from chalicelib.kernel.context import Context
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.people import name_of
from chalicelib.membership import joins
from chalicelib.membership.admission import admit, person_of, sealed_decision
from chalicelib.membership.clicks import may_approve
from chalicelib.membership.groups import create_group, group_view, set_enabled, sync_roster
from chalicelib.membership.repository import MembershipRepo

DAY = 86400
_SLACK_MENTION = re.compile(r"^<@([A-Z0-9]+)(?:\|[^>]*)?>$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

Handler = Callable[[CommandIssued, Context, Deps, list[str]], Decision]


def reply(ctx: Context, key: str, **params: Any) -> Decision:
    return Decision.of(Reply(text=t(ctx.locale, key, **params), private=True, reason=key))


def usage(command: CommandIssued, ctx: Context, text: str) -> Decision:
    return reply(ctx, "membership.usage", usage=f"{command_prefix(command.platform)} {text}")


def member_of(word: str, command: CommandIssued) -> str:
    """A member named by a Slack mention, a platform mention carried with the command, `@id` or `id`."""
    match = _SLACK_MENTION.match(word)
    if match:
        return match.group(1)
    if word.startswith("@") and command.mentions:
        return command.mentions[0]
    return word.removeprefix("@")


def until_of(word: str | None, now: float, default_days: int, offset_hours: float = 0.0) -> float | None:
    """`30` (days), `2026-12-31` (through that day in the group's time zone, `offset_hours`), or the
    default; None for something else (or a date that does not exist)."""
    if word is None:
        return now + default_days * DAY
    if word.isdigit():
        return now + int(word) * DAY
    if _DATE.match(word):
        try:
            midnight = datetime.strptime(word, "%Y-%m-%d").replace(tzinfo=zone(offset_hours))
        except ValueError:
            return None
        return midnight.timestamp() + DAY
    return None


def when(ctx: Context, ts: float) -> str:
    """A moment as the group reads it: in its time zone, labelled (`2026-12-31 00:00 (UTC+8)`)."""
    return local(ts, ctx.policy.jobs.utc_offset_hours)


Allowed = Callable[[CommandIssued, str, Context, Deps], bool]


def _admin_only(
    handler: Handler, *, in_group: bool = True, allowed: Allowed = is_admin
) -> Callable[[CommandIssued, Context, Deps], Decision]:
    def handle(command: CommandIssued, ctx: Context, deps: Deps) -> Decision:
        if in_group and (not command.chat or command.direct or ctx.group is None):
            return usage(command, ctx, f"{command.name} (in the group)")
        if not allowed(command, command.user, ctx, deps):
            return dataclasses.replace(reply(ctx, "membership.refused"), refused=command.name)
        return handler(command, ctx, deps, [word for word in command.args if word])

    return handle


# --- the group --------------------------------------------------------------------------------------


def enable(command: CommandIssued, ctx: Context, deps: Deps, words: list[str]) -> Decision:
    if ctx.group is None:  # pragma: no cover - _admin_only asks for a group
        return Decision()
    set_enabled(deps, ctx.group, True)
    return reply(ctx, "membership.group.enabled")


def disable(command: CommandIssued, ctx: Context, deps: Deps, words: list[str]) -> Decision:
    if ctx.group is None:  # pragma: no cover - _admin_only asks for a group
        return Decision()
    set_enabled(deps, ctx.group, False)
    return reply(ctx, "membership.group.disabled", prefix=command_prefix(command.platform))


def create(command: CommandIssued, ctx: Context, deps: Deps, words: list[str]) -> Decision:
    if not words:
        return usage(command, ctx, "create <name> [@member ...]")
    name, members = words[0], tuple(member_of(word, command) for word in words[1:])
    try:
        group = create_group(
            deps,
            command.platform,
            command.tenant,
            name=name,
            owner=command.user,
            members=members,
            now=ctx.now,
        )
    except NotSupported as exc:
        return reply(ctx, "membership.not_supported", why=str(exc)[:200])
    except MessengerError as exc:
        return reply(ctx, "membership.failed", why=exc.detail[:200])
    return reply(ctx, "membership.created", name=name, chat=group.chat)


def sync(command: CommandIssued, ctx: Context, deps: Deps, words: list[str]) -> Decision:
    if ctx.group is None:  # pragma: no cover - _admin_only asks for a group
        return Decision()
    try:
        result = sync_roster(deps, ctx.group, now=ctx.now)
    except NotSupported as exc:
        return reply(ctx, "membership.not_supported", why=str(exc)[:200])
    except MessengerError as exc:
        return reply(ctx, "membership.failed", why=exc.detail[:200])
    return reply(ctx, "membership.synced", listed=result.listed, added=result.added, gone=result.gone)


# --- the roster, leave, acknowledgements ------------------------------------------------------------


def guest(command: CommandIssued, ctx: Context, deps: Deps, words: list[str]) -> Decision:
    repo = MembershipRepo(deps.store)
    verb = words[0] if words else "list"
    if verb == "list":
        guests = repo.guests(command.gid)
        if not guests:
            return reply(ctx, "membership.guest.none")
        lines = "\n".join(f"• {name_of(command, user, deps)} → {when(ctx, until)}" for user, until in guests)
        return reply(ctx, "membership.guest.list", lines=lines)
    if verb not in ("add", "remove") or len(words) < 2:
        return usage(
            command, ctx, "guest add <member> [days|YYYY-MM-DD] | guest remove <member> | guest list"
        )
    member = member_of(words[1], command)
    uid = command.uid(member)
    shown = name_of(command, member, deps)
    if verb == "remove":
        repo.remove_guest(command.gid, uid)
        return reply(ctx, "membership.guest.removed", member=shown)
    offset = ctx.policy.jobs.utc_offset_hours
    days = ctx.policy.membership.join.guest_days
    until = until_of(words[2] if len(words) > 2 else None, ctx.now, days, offset)
    if until is None:
        return usage(command, ctx, "guest add <member> [days|YYYY-MM-DD]")
    repo.add_guest(command.gid, uid, member, until=until, by=command.user, now=ctx.now)
    return reply(ctx, "membership.guest.added", member=shown, until=when(ctx, until))


def away(command: CommandIssued, ctx: Context, deps: Deps, words: list[str]) -> Decision:
    offset = ctx.policy.jobs.utc_offset_hours
    until = until_of(words[1], ctx.now, 0, offset) if len(words) > 1 else None
    if not words or until is None:
        return usage(command, ctx, "away <member> <days|YYYY-MM-DD>")
    member = member_of(words[0], command)
    MembershipRepo(deps.store).set_away(command.gid, command.uid(member), member, until=until)
    return reply(ctx, "membership.away.set", member=name_of(command, member, deps), until=when(ctx, until))


def unacked(command: CommandIssued, ctx: Context, deps: Deps, words: list[str]) -> Decision:
    pending = MembershipRepo(deps.store).pending_acks(command.gid)
    if not pending:
        return reply(ctx, "membership.unacked.none")
    return reply(ctx, "membership.unacked", count=len(pending), names=", ".join(pending[:50]))


# --- deciding join requests without cards -----------------------------------------------------------


def _decide(status: str) -> Handler:
    def handle(command: CommandIssued, ctx: Context, deps: Deps, words: list[str]) -> Decision:
        if not words:
            return usage(command, ctx, f"{'approve' if status == 'approved' else 'reject'} <member>")
        user = member_of(words[0], command)
        uid = command.uid(user)
        if user == command.user:  # four eyes: nobody decides their own join request
            why = "join request decided by its own newcomer"
            return dataclasses.replace(reply(ctx, "membership.join.own"), refused=why)
        repo = MembershipRepo(deps.store)
        request = repo.request(command.gid, uid)
        if request is None or not repo.decide_request(request, status, by=command.user, at=ctx.now):
            current = repo.request(command.gid, uid)
            state = current.status if current else "-"
            return reply(
                ctx,
                "membership.join.already",
                status=state,
                by=name_of(command, current.decided_by, deps) if current and current.decided_by else "-",
            )
        group = group_view(ctx, deps, command, command.chat)
        directory = directory_user(command, user, deps)
        person = person_of(user, uid, directory)
        actions: tuple[Action, ...]
        if status == "approved":
            actions = admit(
                repo, group, person, directory=directory, settings=ctx.policy.membership, now=ctx.now
            )
        else:
            actions = joins.rejection(person, group)
        repo.history(command.gid, uid, user, status, at=ctx.now, by=command.user)
        line = t(
            ctx.locale,
            f"membership.join.{status}",
            by=name_of(command, command.user, deps),
            name=person.label,
        )
        done = Reply(text=line, private=True, reason=f"membership.join.{status}")
        return sealed_decision(
            (*actions, done),
            deps.settings,
            platform=command.platform,
            tenant=command.tenant,
            chat=command.chat,
            audit={"membership": {"join": status, "user": user}},
        )

    return handle


COMMANDS = {
    "enable": _admin_only(enable),
    "disable": _admin_only(disable),
    "create": _admin_only(create, in_group=False),
    "sync": _admin_only(sync),
    "guest": _admin_only(guest),
    "away": _admin_only(away),
    "unacked": _admin_only(unacked),
    "approve": _admin_only(_decide("approved"), allowed=may_approve),
    "reject": _admin_only(_decide("rejected"), allowed=may_approve),
}
