"""The signals the pure rules read (`RuleContext`), computed with as few requests as possible.

One message costs one write here: a single UpdateItem on the group's current window item adds to the
member's flood counter (of the current slice of the sliding flood window), the group's and the member's
counters of this text's fingerprint, and stamps
the member's last message time, and returns what they were before. With the ingress claim that makes
the two writes of an ordinary message; the member read is the one read. A file event reads the group's
known document versions as well.

The same write returns whether the group is in slow mode (R5.3: the stamp on the window item, see
`chalicelib.moderation.exchanges`); only while the heated-exchange rule is on does a message addressed to
someone cost one more write, counting the exchange.

What the signals read of the group and its policy (the admins told, the group's label, what the platform
allows there, whether exchanges are counted) is worked out once per group, policy and platform
capabilities (`group_signals`), not per message: the policy and the group come from the worker's caches,
so a page of archived messages, or a burst in one group, reads the same objects; a new policy version or
a changed group is a new object, and is worked out again.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from chalicelib.adapters.base import Capabilities, Capability
from chalicelib.authz import ADMIN_ROLES, admins_told
from chalicelib.core.events import Event, FileShared, MessagePosted
from chalicelib.core.heat import Exchange
from chalicelib.core.naming import group_label
from chalicelib.core.policy import GroupPolicy
from chalicelib.core.rules.base import RuleContext, event_files
from chalicelib.core.textview import text_view
from chalicelib.kernel.context import Context
from chalicelib.kernel.deps import Deps
from chalicelib.moderation import exchanges
from chalicelib.store import keys
from chalicelib.store.records import GroupRecord

WINDOW_MARGIN_SECONDS = 120
# The flood window slides: it is counted in quarter slices, and a message counts what its member posted in
# this slice and the four before, so every burst inside the window is seen whole (fixed buckets would let
# a burst that straddles a boundary through in two halves), at the price of looking back up to 1.25 of it.
FLOOD_SLICES = 4
_NONE = object()  # a name the window item does not hold


def flood_slices(now: float, window: float) -> tuple[int, ...]:
    """This slice and the ones the sliding flood window still covers, newest first."""
    current = int(now // (window / FLOOD_SLICES))
    return tuple(range(current, current - FLOOD_SLICES - 1, -1))


def known_versions(event: Event, deps: Deps) -> dict[str, tuple[int, ...]]:
    item = deps.store.get_item(keys.group_pk(event.gid), keys.documents_sk())
    versions = (item.data.get("versions") if item else None) or {}
    return {str(doc): tuple(int(n) for n in numbers) for doc, numbers in versions.items()}


def _carried_over(event: Event, names: tuple[str, ...], bucket: int, deps: Deps) -> dict[str, Any]:
    """A message within a flood window of a window item's start: `names` (the member's flood slices and
    last-message stamp) as the previous item holds them (one more read, for the first 12.5 s of each
    5-minute item)."""
    previous = deps.store.get_item(
        keys.moderation_window_pk(event.gid), keys.moderation_window_sk(bucket - 1)
    )
    if previous is None:
        return {}
    return {name: previous.data[name] for name in names if name in previous.data}


@dataclass(frozen=True)
class GroupSignals:
    """What every message's signals read of its group and policy: the same until either changes."""

    policy: GroupPolicy
    group: GroupRecord | None
    capabilities: Capabilities
    heated: bool  # exchanges are counted (`exchanges.counting`)
    admins: tuple[str, ...]
    admins_source: str
    group_name: str
    can_delete: bool
    can_mute: bool


GROUP_SIGNALS_KEPT = 1024  # groups (with their policy) kept; all are dropped when more come
_group_signals: dict[tuple[int, int, int, str, str, str], GroupSignals] = {}
_group_signals_lock = threading.Lock()


def group_signals(event: Event, ctx: Context, deps: Deps) -> GroupSignals:
    """`GroupSignals` for the event's group, policy and platform, worked out once for those objects. The
    entry holds them, so their identities cannot be reused while it is kept."""
    capabilities = deps.messenger(event.platform).capabilities
    policy, group = ctx.policy, ctx.group
    key = (id(policy), id(group), id(capabilities), event.platform, event.tenant, event.chat)
    found = _group_signals.get(key)
    if found is not None and found.policy is policy and found.group is group:
        return found
    app_group = bool(group and group.app_created)
    admins, told = admins_told(ctx, event)
    made = GroupSignals(
        policy=policy,
        group=group,
        capabilities=capabilities,
        heated=exchanges.counting(policy),
        admins=admins,
        admins_source=told,
        group_name=group_label(event.platform, event.chat, group.name if group else ""),
        can_delete=capabilities.allows(Capability.DELETE_MESSAGE, app_group=app_group),
        can_mute=capabilities.allows(Capability.MUTE_MEMBER, app_group=app_group),
    )
    with _group_signals_lock:
        if len(_group_signals) >= GROUP_SIGNALS_KEPT:
            _group_signals.clear()
        _group_signals[key] = made
    return made


def rule_context(event: Event, ctx: Context, deps: Deps) -> RuleContext:
    policy = ctx.policy
    fixed = group_signals(event, ctx, deps)
    user = str(getattr(event, "user", ""))
    uid = event.uid(user)
    member = ctx.member
    role = member.role if member else "member"
    flood_count = member_duplicates = group_duplicates = 1
    last_message_at: float | None = None
    slow_until: float | None = None
    slow_seconds = 0
    exchange: Exchange | None = None
    if isinstance(event, MessagePosted):
        now = ctx.now
        window = policy.rules.duplicate.window_seconds
        flood_window = policy.rules.flood.window_seconds
        bucket = int(now // window)
        text = event.text
        # The fingerprint from the message's text view, whose fold the rules read next; none for a blank.
        digest = text_view(text).fingerprint if text and not text.isspace() else ""
        flood_names = [f"n_{uid}_{n}" for n in flood_slices(now, flood_window)]
        stamp = f"t_{uid}"
        add = {flood_names[0]: 1, **exchanges.slow_mode_probe()}
        if digest:
            group_key, member_key = f"f_{digest}", f"m_{uid}_{digest}"
            add[group_key] = 1
            add[member_key] = 1
        put: dict[str, object] = {stamp: now}
        heated = fixed.heated
        if heated:
            put[exchanges.LAST_SPEAKER] = user
        old = deps.store.bump_counters(
            keys.moderation_window_pk(event.gid),
            keys.moderation_window_sk(bucket),
            add,
            put,
            expires_at=(bucket + 2) * window + WINDOW_MARGIN_SECONDS,
        )
        carried: dict[str, Any] = {}  # what the item does not hold yet of them is read in the one before
        if now - bucket * window < flood_window * 1.25:  # the window reaches into the last item
            carried = _carried_over(event, (*flood_names, stamp), bucket, deps)
        slow_until, slow_seconds = exchanges.slow_mode_of(old, now)
        if heated:
            speaker = old.get(exchanges.LAST_SPEAKER)
            exchange = exchanges.count_exchange(event, policy, now, str(speaker) if speaker else None, deps)
        seen = [old.get(name, _NONE) for name in flood_names]
        if carried:
            seen = [
                carried.get(name, 0) if n is _NONE else n for name, n in zip(flood_names, seen, strict=True)
            ]
        flood_count = sum([0 if n is _NONE else int(n) for n in seen]) + 1
        if digest:
            group_duplicates = int(old.get(group_key, 0)) + 1
            member_duplicates = int(old.get(member_key, 0)) + 1
        previous = old.get(stamp, _NONE)
        previous = carried.get(stamp) if previous is _NONE else previous
        last_message_at = float(previous) if previous is not None else None
    versions = known_versions(event, deps) if event_files(event) or isinstance(event, FileShared) else {}
    return RuleContext(
        policy=policy,
        now=ctx.now,
        role=role,
        is_admin=role in ADMIN_ROLES or policy.is_admin(uid),
        flood_count=flood_count,
        member_duplicates=member_duplicates,
        group_duplicates=group_duplicates,
        last_message_at=last_message_at,
        known_versions=versions,
        ads_pass=bool(member and member.ads_pass),
        points=member.points if member else 0.0,
        points_at=member.points_at if member else None,
        admins=fixed.admins,
        admins_source=fixed.admins_source,
        group_name=fixed.group_name,
        exchange=exchange,
        slow_mode_until=slow_until,
        slow_mode_seconds=slow_seconds,
        can_delete=fixed.can_delete,
        can_mute=fixed.can_mute,
    )
