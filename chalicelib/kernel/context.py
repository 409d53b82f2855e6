"""Loading what a decision needs: the group (registered on first sight, then cached in memory for a few
minutes), the member (one read), the group's locale. An ordinary message costs one read here.

Only what happens in a group registers it: a direct message has no chat, and a card click (which may come
from an admin's private chat) reads the group it is about but never creates one. A group is described by
the platform when registered and once a day after (`chalicelib.kernel.group_info`)."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.core.events import CardClicked, Event
from chalicelib.core.policy import GroupPolicy
from chalicelib.i18n import normalise_locale
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.policies import PolicyRepo
from chalicelib.store.records import GroupRecord, MemberRecord


@dataclass(frozen=True, slots=True)
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


def load_context(event: Event, deps: Deps, *, commands: frozenset[str] = frozenset()) -> Context:
    now = deps.clock.now()
    group = None
    if event.chat and (isinstance(event, CardClicked) or getattr(event, "direct", False)):
        group = known_group(event.gid, deps, now)  # a group read from elsewhere, never registered
    elif event.chat:
        group = ensure_group(event, deps, now)
    user = actor_of(event)
    gid = event.gid
    member = deps.store.get_member(gid, event.uid(user)) if event.chat and user else None
    policy = deps.policies.get(gid, now)  # the repository's own cache, read without building it
    if policy is None:
        policy = policies(deps).for_group(gid, now)
    locale = normalise_locale((group.locale if group else None) or policy.locale)
    return Context(now=now, group=group, member=member, locale=locale, policy=policy, commands=commands)


def policies(deps: Deps) -> PolicyRepo:
    return PolicyRepo(deps.store, deps.policies, default_locale=deps.settings.qg_default_locale)


def known_group(gid: str, deps: Deps, now: float) -> GroupRecord | None:
    """The group's record if the bot already governs it; nothing is registered."""
    group = deps.groups.get(gid, now)
    if group is None:
        group = deps.store.get_group(gid)
        if group is not None:
            deps.groups.put(gid, group, now)
    return group


def ensure_group(event: Event, deps: Deps, now: float) -> GroupRecord:
    """The group's record; a group seen for the first time is registered, governed by the org default,
    and described by the platform (name, admins). What the event says of the group is kept."""
    from chalicelib.kernel.group_info import describe, learn, stale  # it reads the context's policies

    cached = deps.groups.get(event.gid, now)
    if cached is not None and learn(cached, event) is cached:
        return cached  # what every message of a known group costs: nothing new to keep
    stored = cached if cached is not None else deps.store.get_group(event.gid)
    group = stored or GroupRecord(
        gid=event.gid, platform=event.platform, tenant=event.tenant, chat=event.chat, created_at=now
    )
    if cached is None and stale(group, now):
        group = describe(group, deps, now)
    group = learn(group, event)
    if group != stored:
        deps.store.put_group(group)
    if group != cached:
        deps.groups.put(group.gid, group, now)
    return group
