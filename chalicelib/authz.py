"""Who may do what, decided on the server from what the platform signed, never from a card's payload.

A group's admins are the people its policy names (`admins`, by qualified id `platform:tenant:user`
only: a bare id names nobody, `chalicelib.core.people`), the members whose stored role is owner or admin
(recorded from the platform or granted by an operator), the platform's own admins of the group
(`GroupRecord.admins`) with the overrides of `admins add|remove`, and the workspace or directory admins
the messenger reports (`DirectoryUser.is_admin`, cached for ten minutes). Admin cards go to `admins_of`;
when a group has none, to the organisation's admins (`GroupRecord.org_admins`).

Rights are checked in the group of the context (`ctx`), which is the group the action is about: a
command typed in one group about another group's case or card is checked in the other group.
"""

from __future__ import annotations

import logging

from chalicelib.adapters.base import DirectoryUser
from chalicelib.core.events import Event
from chalicelib.core.ids import natives_in
from chalicelib.errors import MessengerError
from chalicelib.kernel.context import Context
from chalicelib.kernel.deps import Deps

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
    """Whether `user` (of the event's platform and tenant) is an admin of the group of `ctx`."""
    uid = event.uid(user)
    group = ctx.group
    if group is not None and (group.platform, group.tenant) != (event.platform, event.tenant):
        return False  # another platform's or tenant's group: nobody of this one administers it
    if ctx.policy.is_admin(uid):
        return True
    if group is not None and (user in group_admins(ctx) or uid in group_admins(ctx)):
        return True
    member = ctx.member if ctx.member is not None and ctx.member.uid == uid else None
    gid = group.gid if group is not None else (event.gid if event.chat else "")
    if member is None and gid:
        member = deps.store.get_member(gid, uid)
    if member is not None and member.role in ADMIN_ROLES:
        return True
    person = directory_user(event, user, deps)
    return bool(person and person.is_admin)


def admins_of(ctx: Context, event: Event) -> tuple[str, ...]:
    """The group's admins to notify, as native ids of the event's platform (see `admins_told`)."""
    return admins_told(ctx, event)[0]


def admins_told(ctx: Context, event: Event) -> tuple[tuple[str, ...], str]:
    """Who is told about the group, and why them: those the policy names (ids of another platform or
    tenant, and bare ids, are left out) and the platform's admins of the group with the overrides
    (`"group"`); when there are none, the organisation's admins (`"org"`); else nobody (`"nobody"`),
    which the caller must say: a card is never sent to no one."""
    named = natives_in(ctx.policy.admins, event.platform, event.tenant)
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
