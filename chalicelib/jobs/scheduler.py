"""The fan-out: a scheduled function lists the groups (the sharded GSI2 index, a Query per shard, never a
Scan) and dispatches one `JobRequested` per group through the queue, after claiming its id. The claim
lives longer than the period, so a second request for the same job, group and period (a retried
schedule, an operator's manual run) dispatches nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from chalicelib.core.events import JobRequested
from chalicelib.core.ids import Platform
from chalicelib.jobs import catalog
from chalicelib.jobs.base import JobNotInstalled
from chalicelib.kernel.deps import Deps
from chalicelib.store import keys

log = logging.getLogger("qunguan.jobs")

DAY = 86400
BATCH = 10


@dataclass(frozen=True)
class Fanout:
    job: str
    period: str
    dry_run: bool
    groups: int = 0
    dispatched: int = 0
    installed: bool = True


def claim_ttl(period: str) -> int:
    """Long enough to outlive the period: a day, an ISO week or a month (with a margin)."""
    if "W" in period:
        return 8 * DAY
    if len(period) == len("2026-11"):
        return 35 * DAY
    return 2 * DAY


def request(
    name: str, period: str, *, platform: str, tenant: str, chat: str, at: float, dry_run: bool, part: int = 0
) -> JobRequested:
    return JobRequested(
        platform=cast(Platform, platform),
        tenant=tenant,
        chat=chat,
        event_id=keys.job_request_id(name, period, chat, dry_run=dry_run, part=part),
        occurred_at=at,
        job=name,
        period=period,
        dry_run=dry_run,
    )


def schedule(
    deps: Deps, name: str, now: float, *, dry_run: bool = False, gids: Iterable[str] | None = None
) -> Fanout:
    """One `JobRequested` per enabled group (or per group in `gids`) not already requested this period."""
    try:
        job = catalog.group_job(name)
    except JobNotInstalled as exc:
        log.warning("job %s is not installed here, nothing scheduled: %s", name, exc)
        return Fanout(name, "", dry_run, installed=False)
    if deps.dispatcher is None:
        raise RuntimeError("scheduling needs a dispatcher (QG_DISPATCH)")
    period = job.period(now)
    wanted = set(gids) if gids is not None else None
    groups = dispatched = 0
    pending: list[JobRequested] = []
    for group in deps.store.list_groups():
        if not group.enabled or (wanted is not None and group.gid not in wanted):
            continue
        groups += 1
        event = request(
            name,
            period,
            platform=group.platform,
            tenant=group.tenant,
            chat=group.chat,
            at=now,
            dry_run=dry_run,
        )
        if deps.store.claim_event(event.platform, event.claim_key, now, ttl=claim_ttl(period)):
            pending.append(event)
        if len(pending) >= BATCH:
            dispatched += _send(deps, pending)
            pending = []
    dispatched += _send(deps, pending)
    log.info(
        "job %s %s%s: %d groups, %d dispatched",
        name,
        period,
        " (dry run)" if dry_run else "",
        groups,
        dispatched,
    )
    return Fanout(name, period, dry_run, groups, dispatched)


def _send(deps: Deps, events: list[JobRequested]) -> int:
    if not events or deps.dispatcher is None:
        return 0
    try:
        deps.dispatcher.dispatch(events)
    except Exception:  # the queue refused: free the claims so that the next schedule tries again
        for event in events:
            deps.store.release_event(event.platform, event.claim_key)
        raise
    return len(events)
