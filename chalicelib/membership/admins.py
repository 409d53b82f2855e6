"""`admins list | add @member | remove @member` (issue 16, item 1): who the group's admins are, and the
overrides an admin makes to what the platform says (`GroupRecord.added_admins`, `.removed_admins`).

The platform's own admins of the group (owner, creator, sub-admins, whoever added the bot) are found by
the bot (`chalicelib.kernel.group_info`); these commands add someone the platform does not name, or take
someone off. The last admin cannot be taken off: a group always has someone to tell. Anyone may `list`;
`add` and `remove` are for the group's admins (an organisation admin may act in a group without any).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from chalicelib.authz import admins_told, directory_user, is_admin
from chalicelib.core.actions import Decision, Reply
from chalicelib.core.events import CommandIssued
from chalicelib.core.naming import group_label, person_label
from chalicelib.i18n import t
from chalicelib.kernel.commands import command_prefix
from chalicelib.kernel.context import Context
from chalicelib.kernel.deps import Deps
from chalicelib.membership.commands import member_of
from chalicelib.store.records import GroupRecord


def _reply(ctx: Context, key: str, **params: Any) -> Decision:
    return Decision.of(Reply(text=t(ctx.locale, key, **params), private=True, reason=key))


def _name(command: CommandIssued, user: str, deps: Deps) -> str:
    person = directory_user(command, user, deps)
    return person_label(user, (person.name or person.display_name) if person else "")


def admins(command: CommandIssued, ctx: Context, deps: Deps) -> Decision:
    prefix = command_prefix(command.platform)
    words = [word for word in command.args if word]
    verb = words[0].lower() if words else ""
    if not command.chat or command.direct or ctx.group is None or verb not in ("list", "add", "remove"):
        return _reply(ctx, "admins.usage", prefix=prefix)
    group = group_label(command.platform, command.chat, ctx.group.name)
    if verb == "list":
        found, source = admins_told(ctx, command)
        names = "、".join(_name(command, a, deps) for a in found) or t(ctx.locale, "setup.nobody")
        extra = t(ctx.locale, "admins.source.org") if source == "org" else ""
        return _reply(ctx, "admins.list", group=group, admins=names, source=extra)
    if len(words) < 2:
        return _reply(ctx, "admins.usage", prefix=prefix)
    if not is_admin(command, command.user, ctx, deps):
        return dataclasses.replace(_reply(ctx, "admin.refused"), refused=f"admins {verb}")
    member = member_of(words[1], command)
    record = ctx.group
    if verb == "add":
        changed = dataclasses.replace(
            record,
            added_admins=tuple(dict.fromkeys((*record.added_admins, member))),
            removed_admins=tuple(a for a in record.removed_admins if a != member),
        )
        _save(changed, deps)
        return _reply(ctx, "admins.added", member=_name(command, member, deps), group=group)
    _, left = admins_told(dataclasses.replace(ctx, group=_without(record, member)), command)
    if left != "group":  # nobody of the group's own would be left
        return _reply(ctx, "admins.last", member=_name(command, member, deps), group=group)
    _save(_without(record, member), deps)
    return _reply(ctx, "admins.removed", member=_name(command, member, deps), group=group)


def _without(record: GroupRecord, member: str) -> GroupRecord:
    return dataclasses.replace(
        record,
        added_admins=tuple(a for a in record.added_admins if a != member),
        removed_admins=tuple(dict.fromkeys((*record.removed_admins, member))),
    )


def _save(record: GroupRecord, deps: Deps) -> None:
    deps.store.put_group(record)
    deps.groups.drop(record.gid)


COMMANDS = {"admins": admins}
