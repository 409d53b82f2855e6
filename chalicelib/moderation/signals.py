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
"""

from __future__ import annotations

from chalicelib.adapters.base import Capability
from chalicelib.authz import ADMIN_ROLES, admins_told
from chalicelib.core.events import Event, FileShared, MessagePosted
from chalicelib.core.heat import Exchange
from chalicelib.core.naming import group_label
from chalicelib.core.rules.base import RuleContext, event_files, event_text
from chalicelib.core.text import fingerprint
from chalicelib.kernel.context import Context
from chalicelib.kernel.deps import Deps
from chalicelib.moderation import exchanges
from chalicelib.store import keys

WINDOW_MARGIN_SECONDS = 120
# The flood window slides: it is counted in quarter slices, and a message counts what its member posted in
# this slice and the four before, so every burst inside the window is seen whole (fixed buckets would let
# a burst that straddles a boundary through in two halves), at the price of looking back up to 1.25 of it.
FLOOD_SLICES = 4


def flood_slices(now: float, window: float) -> tuple[int, ...]:
    """This slice and the ones the sliding flood window still covers, newest first."""
    current = int(now // (window / FLOOD_SLICES))
    return tuple(current - back for back in range(FLOOD_SLICES + 1))


def known_versions(event: Event, deps: Deps) -> dict[str, tuple[int, ...]]:
    item = deps.store.get_item(keys.group_pk(event.gid), keys.documents_sk())
    versions = (item.data.get("versions") if item else None) or {}
    return {str(doc): tuple(int(n) for n in numbers) for doc, numbers in versions.items()}


def _carried_over(event: Event, uid: str, bucket: int, deps: Deps) -> dict[str, object]:
    """A message within a flood window of a window item's start: the member's flood slices and last-message
    stamp in the previous item (one more read, for the first 12.5 s of each 5-minute item)."""
    previous = deps.store.get_item(
        keys.moderation_window_pk(event.gid), keys.moderation_window_sk(bucket - 1)
    )
    if previous is None:
        return {}
    mine = (f"n_{uid}_", f"t_{uid}")
    return {name: value for name, value in previous.data.items() if name.startswith(mine)}


def rule_context(event: Event, ctx: Context, deps: Deps) -> RuleContext:
    policy = ctx.policy
    user = str(getattr(event, "user", ""))
    uid = event.uid(user)
    member = ctx.member
    role = member.role if member else "member"
    counts = {"flood": 1, "member_dup": 1, "group_dup": 1}
    last_message_at: float | None = None
    slow_until: float | None = None
    slow_seconds = 0
    exchange: Exchange | None = None
    if isinstance(event, MessagePosted):
        window = policy.rules.duplicate.window_seconds
        flood_window = policy.rules.flood.window_seconds
        bucket = int(ctx.now // window)
        digest = fingerprint(event_text(event)) if event_text(event).strip() else ""
        slices = flood_slices(ctx.now, flood_window)
        add = {f"n_{uid}_{slices[0]}": 1, **exchanges.slow_mode_probe()}
        if digest:
            add |= {f"f_{digest}": 1, f"m_{uid}_{digest}": 1}
        put: dict[str, object] = {f"t_{uid}": ctx.now}
        heated = exchanges.counting(policy)
        if heated:
            put[exchanges.LAST_SPEAKER] = user
        old = deps.store.bump_counters(
            keys.moderation_window_pk(event.gid),
            keys.moderation_window_sk(bucket),
            add,
            put,
            expires_at=(bucket + 2) * window + WINDOW_MARGIN_SECONDS,
        )
        if ctx.now - bucket * window < flood_window * 1.25:  # the window reaches into the last item
            old = {**_carried_over(event, uid, bucket, deps), **old}
        slow_until, slow_seconds = exchanges.slow_mode_of(old, ctx.now)
        if heated:
            speaker = old.get(exchanges.LAST_SPEAKER)
            exchange = exchanges.count_exchange(
                event, policy, ctx.now, str(speaker) if speaker else None, deps
            )
        counts["flood"] = sum(int(old.get(f"n_{uid}_{n}", 0)) for n in slices) + 1
        if digest:
            counts["group_dup"] = int(old.get(f"f_{digest}", 0)) + 1
            counts["member_dup"] = int(old.get(f"m_{uid}_{digest}", 0)) + 1
        previous = old.get(f"t_{uid}")
        last_message_at = float(previous) if previous is not None else None
    versions = known_versions(event, deps) if event_files(event) or isinstance(event, FileShared) else {}
    capabilities = deps.messenger(event.platform).capabilities
    app_group = bool(ctx.group and ctx.group.app_created)
    admins, told = admins_told(ctx, event)
    return RuleContext(
        policy=policy,
        now=ctx.now,
        role=role,
        is_admin=role in ADMIN_ROLES or policy.is_admin(uid),
        flood_count=counts["flood"],
        member_duplicates=counts["member_dup"],
        group_duplicates=counts["group_dup"],
        last_message_at=last_message_at,
        known_versions=versions,
        ads_pass=bool(member and member.ads_pass),
        points=member.points if member else 0.0,
        points_at=member.points_at if member else None,
        admins=admins,
        admins_source=told,
        group_name=group_label(event.platform, event.chat, ctx.group.name if ctx.group else ""),
        exchange=exchange,
        slow_mode_until=slow_until,
        slow_mode_seconds=slow_seconds,
        can_delete=capabilities.allows(Capability.DELETE_MESSAGE, app_group=app_group),
        can_mute=capabilities.allows(Capability.MUTE_MEMBER, app_group=app_group),
    )
