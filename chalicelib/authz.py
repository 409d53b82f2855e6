"""Who may do what, decided on the server from what the platform signed, never from a card's payload.

A group's admins are the people its policy names (`admins`, by native id or uid), the members whose
stored role is owner or admin (recorded from the platform or granted by an operator), the platform's
own admins of the group (`GroupRecord.admins`) with the overrides of `admins add|remove`, and the
workspace or directory admins the messenger reports (`DirectoryUser.is_admin`, cached for ten minutes).
Admin cards go to `admins_of`; when a group has none, to the organisation's admins (`org_admins`).
"""

from __future__ import annotations

import logging

from chalicelib.adapters.base import DirectoryUser
from chalicelib.bootstrap import Deps
from chalicelib.core.events import Event
from chalicelib.core.ids import split_id
from chalicelib.errors import MessengerError
from chalicelib.worker.context import Context

log = logging.getLogger("qunguan.authz")

ADMIN_ROLES = frozenset({"owner", "admin"})


def directory_user(event: Event, user: str, deps: Deps) -> DirectoryUser | None:
    key = event.uid(user)
    now = deps.clock.now()
    cached = deps.directory.get(key, now)
    if cached is not None:
        return cached
    try:
        found = deps.messenger(event.platform).get_user(event.tenant, user)
    except MessengerError as exc:
        log.warning("directory look-up failed on %s: %s", event.platform, exc.detail)
        return None
    deps.directory.put(key, found, now)
    return found


def is_admin(event: Event, user: str, ctx: Context, deps: Deps) -> bool:
    uid = event.uid(user)
    if ctx.policy.is_admin(user, uid):
        return True
    if ctx.group is not None and (user in group_admins(ctx) or uid in group_admins(ctx)):
        return True
    member = ctx.member if ctx.member is not None and ctx.member.uid == uid else None
    if member is None and event.chat:
        member = deps.store.get_member(event.gid, uid)
    if member is not None and member.role in ADMIN_ROLES:
        return True
    person = directory_user(event, user, deps)
    return bool(person and person.is_admin)


def admins_of(ctx: Context, event: Event) -> tuple[str, ...]:
    """The group's admins to notify, as native ids of the event's platform (see `admins_told`)."""
    return admins_told(ctx, event)[0]


def admins_told(ctx: Context, event: Event) -> tuple[tuple[str, ...], str]:
    """Who is told about the group, and why them: those the policy names (qualified `platform:tenant:user`
    ids of another platform or tenant are left out) and the platform's admins of the group with the
    overrides (`"group"`); when there are none, the organisation's admins (`"org"`); else nobody
    (`"nobody"`), which the caller must say, never send a card to no one."""
    named = []
    for admin in ctx.policy.admins:
        if admin.count(":") >= 2:
            platform, tenant, native = split_id(admin)
            if (platform, tenant) == (event.platform, event.tenant):
                named.append(native)
        else:
            named.append(admin)
    platform_admins = [admin.rsplit(":", 1)[-1] for admin in group_admins(ctx)]
    found = tuple(dict.fromkeys([*named, *platform_admins]))
    if found:
        return found, "group"
    org = tuple(admin.rsplit(":", 1)[-1] for admin in (ctx.group.org_admins if ctx.group else ()))
    return (org, "org") if org else ((), "nobody")


def group_admins(ctx: Context) -> tuple[str, ...]:
    """The platform's admins of the group with the overrides of `admins add|remove`."""
    group = ctx.group
    if group is None:
        return ()
    removed = set(group.removed_admins)
    return tuple(a for a in dict.fromkeys((*group.admins, *group.added_admins)) if a not in removed)
