"""Which groups are governed, what the bot may do in each, and groups the bot makes itself (issue 4,
item 7).

A group the bot is in is governed by the org default policy from the first event it sees there
(`chalicelib.kernel.context.ensure_group`); `enable`/`disable` switch that per group. Where a platform lets
the bot manage only the groups it created (WeCom `appchat`, DingTalk scene groups), `create_group` makes one
and records it as `app_created`, which is what lets the executor remove members there. The bot knows who is
in a group from what it has seen, and `sync_roster` adds what the platform's member list says.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import cast

from chalicelib.adapters.base import Capability
from chalicelib.authz import admins_of
from chalicelib.core.events import Event
from chalicelib.core.ids import Platform, group_id, natives_in, user_id
from chalicelib.core.naming import group_label
from chalicelib.kernel.context import Context
from chalicelib.kernel.deps import Deps
from chalicelib.membership.repository import FORMER, MembershipRepo
from chalicelib.membership.views import GroupView
from chalicelib.store.records import GroupRecord, MemberRecord


def native(qualified: str) -> str:
    return qualified.rsplit(":", 1)[-1]


def natives(ids: tuple[str, ...], event: Event) -> tuple[str, ...]:
    """Native ids of the event's platform and tenant, from qualified ids (a bare id names nobody)."""
    return natives_in(ids, event.platform, event.tenant)


def group_view(ctx: Context, deps: Deps, event: Event, chat: str) -> GroupView:
    """What the pure decisions need to know about the group `chat` (of the event's platform and tenant),
    seen through `ctx`, that group's context."""
    group = ctx.group
    capabilities = deps.messenger(event.platform).capabilities
    app_group = bool(group and group.app_created)
    admins = admins_of(ctx, event)
    join = ctx.policy.membership.join
    named = natives(ctx.policy.approvers, event)
    approvers = named if join.approval == "approvers" and named else admins
    return GroupView(
        gid=group.gid if group else group_id(event.platform, event.tenant, chat),
        chat=chat,
        label=group_label(event.platform, chat, group.name if group else ""),
        locale=ctx.locale,
        can_remove=capabilities.allows(Capability.REMOVE_MEMBER, app_group=app_group),
        can_post=capabilities.allows(Capability.POST_TO_GROUP, app_group=app_group),
        admins=admins,
        approvers=approvers,
    )


def governed(ctx: Context) -> bool:
    return ctx.group is not None and ctx.group.enabled


def set_enabled(deps: Deps, group: GroupRecord, enabled: bool) -> GroupRecord:
    changed = replace(group, enabled=enabled)
    deps.store.put_group(changed)
    deps.groups.drop(group.gid)
    return changed


def groups_of(deps: Deps, platform: str, tenant: str, user: str) -> list[tuple[GroupRecord, MemberRecord]]:
    """The governed groups of one tenant that `user` is a member of, as far as the bot knows: one read
    per governed group of the tenant (a directory event is rare; the groups list is an index Query)."""
    repo = MembershipRepo(deps.store)
    found = []
    for group in deps.store.list_groups():
        if group.platform != platform or group.tenant != tenant or not group.enabled or not group.chat:
            continue
        member = repo.is_member(group.gid, user_id(platform, tenant, user))
        if member is not None:
            found.append((group, member))
    return found


def create_group(
    deps: Deps,
    platform: Platform,
    tenant: str,
    *,
    name: str,
    owner: str,
    members: tuple[str, ...],
    now: float,
) -> GroupRecord:
    """Create a group through the platform (raises NotSupported where it cannot) and govern it."""
    chat = deps.messenger(platform).create_group(tenant, name, owner, members)
    group = GroupRecord(
        gid=group_id(platform, tenant, chat),
        platform=platform,
        tenant=tenant,
        chat=chat,
        name=name,
        app_created=True,
        created_at=now,
        admins=(owner,),
    )
    deps.store.put_group(group)
    repo = MembershipRepo(deps.store)
    for user in dict.fromkeys((owner, *members)):
        repo.admit(group.gid, user_id(platform, tenant, user), user, now=now)
    deps.groups.drop(group.gid)
    return group


@dataclass(frozen=True)
class RosterSync:
    listed: int
    added: int
    gone: int


def sync_roster(deps: Deps, group: GroupRecord, *, now: float) -> RosterSync:
    """Reconcile the members the bot knows with the platform's list: newcomers it never saw start their
    activity clock now; members no longer listed are forgotten. The bot itself is left out."""
    messenger = deps.messenger(cast(Platform, group.platform))
    bot = messenger.bot_user_id(group.tenant)
    listed = [user for user in messenger.list_members(group.tenant, group.chat) if user != bot]
    known = {member.user: member for member in deps.store.members_inactive_since(group.gid, now + 1)}
    repo = MembershipRepo(deps.store)
    added = 0
    for user in listed:
        if user not in known:
            uid = user_id(group.platform, group.tenant, user)
            existing = deps.store.get_member(group.gid, uid)
            if existing is None or existing.role == FORMER or existing.last_active is None:
                repo.admit(group.gid, uid, user, now=now)
                added += 1
    present = set(listed)
    gone = [member for user, member in known.items() if user not in present]
    for member in gone:
        repo.forget_member(member)
    return RosterSync(listed=len(listed), added=added, gone=len(gone))
