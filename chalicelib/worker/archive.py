"""The message archive's pull, in the worker: on `ArchiveNotified` (WeCom's `msgaudit_notify`, through the
queue) and every few minutes from the schedule, as the safety net.

The Finance SDK is loaded here, on first use, never on the ingress path; one library per container, one
SDK handle per pull. A pull that cannot start for a reason only an operator can fix (no library at the
path, a key that does not load) raises one alert and returns, so the queue does not retry it in a loop.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache

from chalicelib.adapters.wecom.archive.errors import ArchiveConfigError
from chalicelib.adapters.wecom.archive.groups import ArchiveGroups
from chalicelib.adapters.wecom.archive.keys import PrivateKeys
from chalicelib.adapters.wecom.archive.puller import ArchivePuller, PullLimits, PullReport, raise_alert
from chalicelib.adapters.wecom.archive.sdk import FinanceSdk, cached_library
from chalicelib.bootstrap import Deps
from chalicelib.core.actions import Decision
from chalicelib.core.events import ArchiveNotified, Event
from chalicelib.errors import MessengerError
from chalicelib.settings import secret
from chalicelib.store.records import GroupRecord
from chalicelib.worker import batch
from chalicelib.worker.context import Context

log = logging.getLogger("qunguan.archive")


def on_notified(event: ArchiveNotified, ctx: Context, deps: Deps) -> Decision:
    report = pull(deps)
    return Decision(notes={"archive": report.summary()}) if report is not None else Decision()


EVENTS = {ArchiveNotified: on_notified}
SCHEDULE_SECONDS = 120


def scheduled_notice(deps: Deps) -> ArchiveNotified | None:
    """The schedule's own notice (one per two-minute slot, so the queue's deduplication drops a
    repeat), or None when the archive is not switched on."""
    settings = deps.ingress_settings
    if not settings.wecom_archive_enabled:
        return None
    now = deps.clock.now()
    slot = int(now // SCHEDULE_SECONDS)
    return ArchiveNotified(
        platform="wecom",
        tenant=settings.wecom_corp_id or "",
        event_id=f"schedule:{slot}:msgaudit_notify",
        occurred_at=now,
    )


def pull(deps: Deps, *, limits: PullLimits | None = None) -> PullReport | None:
    """One pull of the configured corp's archive; None when the archive is not switched on or cannot
    start (then the operators have been told)."""
    settings = deps.settings
    if not settings.wecom_archive_enabled:
        log.info(
            "wecom archive: not configured (WECOM_ARCHIVE_SECRET, WECOM_ARCHIVE_PRIVATE_KEYS, "
            "WECOM_FINANCE_SDK_PATH); nothing pulled"
        )
        return None
    corp = settings.wecom_corp_id or ""
    try:
        library = cached_library(settings.wecom_finance_sdk_path or "")
        private_keys = _keys(secret(settings.wecom_archive_private_keys))
        sdk = FinanceSdk(library, corp, secret(settings.wecom_archive_secret))
    except ArchiveConfigError as err:
        raise_alert(deps.store, deps.clock, corp, "config", str(err))
        return None

    groups = ArchiveGroups(settings, clock=deps.clock)

    def hand_on(events: Sequence[Event]) -> None:
        name_groups(events, deps, groups)
        report = batch.moderate(events, deps)
        log.info("wecom archive batch: %s", report)

    with sdk:
        return ArchivePuller(
            sdk, private_keys, store=deps.store, clock=deps.clock, tenant=corp, hand_on=hand_on, limits=limits
        ).pull()


def name_groups(events: Sequence[Event], deps: Deps, groups: ArchiveGroups) -> None:
    """Groups of the page not named yet get their name and their owner and admins from WeCom (once per
    group: the record keeps them), so cards reach the group's own admins as on the other platforms. A
    group WeCom gives no name is asked again when the worker's group cache forgets it (minutes)."""
    now = deps.clock.now()
    for gid, chat, tenant in sorted({(e.gid, e.chat, e.tenant) for e in events if e.chat}):
        if deps.groups.get(gid, now) is not None:  # named, or asked, within the cache's few minutes
            continue
        record = deps.store.get_group(gid)
        if record is not None and record.name:
            deps.groups.put(gid, record, now)
            continue
        try:
            facts = groups.facts(chat)
        except MessengerError as err:
            log.warning("wecom archive: facts of %s not read: %s", chat, err)
            facts = None
        if record is None:
            record = GroupRecord(gid=gid, platform="wecom", tenant=tenant, chat=chat, created_at=now)
        if facts is not None:
            record = replace(
                record,
                name=facts.name or record.name,
                admins=tuple(dict.fromkeys((*record.admins, *facts.admins))),
            )
        deps.store.put_group(record)
        deps.groups.put(gid, record, now)


@lru_cache(maxsize=2)
def _keys(text: str) -> PrivateKeys:
    return PrivateKeys.from_json(text)
