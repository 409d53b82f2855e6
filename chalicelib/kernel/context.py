"""Loading what a decision needs: the group (registered on first sight, then cached in memory for a few
minutes), the member (one read), the group's locale. An ordinary message costs one read here."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.core.events import Event
from chalicelib.core.policy import GroupPolicy
from chalicelib.i18n import normalise_locale
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.policies import PolicyRepo
from chalicelib.store.records import GroupRecord, MemberRecord


@dataclass(frozen=True)
class Context:
    now: float
    group: GroupRecord | None
    member: MemberRecord | None
    locale: str
    policy: GroupPolicy
    # The commands the domains registered (the worker fills it in): a known command addressed to the bot
    # is not group traffic.
    commands: frozenset[str] = frozenset()


def actor_of(event: Event) -> str:
    return str(getattr(event, "user", "") or "")


def load_context(event: Event, deps: Deps) -> Context:
    now = deps.clock.now()
    group = ensure_group(event, deps, now) if event.chat else None
    user = actor_of(event)
    member = deps.store.get_member(event.gid, event.uid(user)) if event.chat and user else None
    policy = policies(deps).for_group(event.gid, now)
    locale = normalise_locale((group.locale if group else None) or policy.locale)
    return Context(now=now, group=group, member=member, locale=locale, policy=policy)


def policies(deps: Deps) -> PolicyRepo:
    return PolicyRepo(deps.store, deps.policies, default_locale=deps.settings.qg_default_locale)


def ensure_group(event: Event, deps: Deps, now: float) -> GroupRecord:
    """The group's record; a group seen for the first time is registered, governed by the org default."""
    group = deps.groups.get(event.gid, now)
    if group is None:
        group = deps.store.get_group(event.gid)
        if group is None:
            group = GroupRecord(
                gid=event.gid, platform=event.platform, tenant=event.tenant, chat=event.chat, created_at=now
            )
            deps.store.put_group(group)
        deps.groups.put(group.gid, group, now)
    return group
