"""The archives' pulls, in the worker: WeCom's message archive on `ArchiveNotified` (its `msgaudit_notify`,
through the queue) and every two minutes from the schedule, as the safety net; DingTalk's external-group
audit (专属钉钉) from the schedule only (it sends no notice). Both hand their pages to the batch path.

The Finance SDK is loaded here, on first use, never on the ingress path; one library per container, one
SDK handle per pull. A pull that cannot start for a reason only an operator can fix (no library at the
path, a key that does not load) raises one alert and returns, so the queue does not retry it in a loop.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache

from chalicelib.adapters.dingtalk.audit import DingTalkAudit
from chalicelib.adapters.dingtalk.audit import to_events as to_audit_events
from chalicelib.adapters.wecom.archive.errors import ArchiveConfigError
from chalicelib.adapters.wecom.archive.groups import ArchiveGroups
from chalicelib.adapters.wecom.archive.keys import PrivateKeys
from chalicelib.adapters.wecom.archive.puller import (
    ArchivePuller,
    PullLimits,
    PullReport,
    acquire_lease,
    raise_alert,
    release_lease,
)
from chalicelib.adapters.wecom.archive.sdk import FinanceSdk, cached_library
from chalicelib.core.actions import Decision
from chalicelib.core.events import ArchiveNotified, Event
from chalicelib.core.ids import Platform, group_id
from chalicelib.errors import MessengerError
from chalicelib.kernel.context import Context
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.group_info import named
from chalicelib.settings import secret
from chalicelib.store import keys
from chalicelib.store.records import GroupRecord, Item
from chalicelib.worker import batch

log = logging.getLogger("qunguan.archive")
MAX_AUDIT_PAGES = 50  # a group's pages per pull: the next pull goes on from the cursor


def on_notified(event: ArchiveNotified, ctx: Context, deps: Deps) -> Decision:
    if event.platform == "dingtalk":
        summary = pull_dingtalk(deps)
        if summary is not None:
            log.info("dingtalk archive pulled: %s", summary)
        return Decision()
    report = pull(deps)
    if report is not None:
        log.info("wecom archive pulled: %s", report.summary())
    return Decision()


EVENTS = {ArchiveNotified: on_notified}
SCHEDULE_SECONDS = 120


def scheduled_notices(deps: Deps) -> list[ArchiveNotified]:
    """The schedule's own notices, one per source switched on and two-minute slot (so the queue's
    deduplication drops a repeat): WeCom's archive, DingTalk's external-group audit."""
    settings = deps.ingress_settings
    now = deps.clock.now()
    slot = int(now // SCHEDULE_SECONDS)
    sources: tuple[tuple[Platform, bool, str | None], ...] = (
        ("wecom", settings.wecom_archive_enabled, settings.wecom_corp_id),
        ("dingtalk", settings.dingtalk_audit_enabled, settings.dingtalk_corp_id),
    )
    return [
        ArchiveNotified(
            platform=platform,
            tenant=tenant or "",
            event_id=f"schedule:{slot}:archive",
            occurred_at=now,
        )
        for platform, enabled, tenant in sources
        if enabled
    ]


def scheduled_notice(deps: Deps) -> ArchiveNotified | None:
    """WeCom's scheduled notice, or None when its archive is not switched on."""
    return next((n for n in scheduled_notices(deps) if n.platform == "wecom"), None)


def pull_dingtalk(deps: Deps, *, budget_seconds: float = 60.0, lease_seconds: int = 180) -> str | None:
    """One pull of DingTalk's external-group audit: each audited group from its cursor (`nextToken`),
    each page through the batch path, the cursor moved with a conditional write after it. None when
    the audit is off or refused (then the operators have been told once)."""
    settings = deps.settings
    if not settings.dingtalk_audit_enabled:
        return None
    corp = settings.dingtalk_corp_id or ""
    pk = keys.archive_pk("dingtalk", corp)
    holder = secrets.token_hex(8)
    if not acquire_lease(deps.store, deps.clock, pk, holder, lease_seconds):
        return "busy"
    audit = DingTalkAudit(settings, clock=deps.clock)
    started = time.monotonic()
    pulled = groups = 0
    ignored: Counter[str] = Counter()
    try:
        for conversation in audit.groups():
            groups += 1
            pulled += _pull_group(audit, deps, conversation, pk=pk, corp=corp, ignored=ignored)
            if time.monotonic() - started >= budget_seconds:
                break
    except MessengerError as err:
        if err.retryable:
            raise
        raise_alert(deps.store, deps.clock, corp, f"audit-{err.method}", str(err), platform="dingtalk")
        return None
    finally:
        release_lease(deps.store, pk, holder)
    summary = f"groups={groups} messages={pulled} ignored={dict(ignored) or '-'}"
    log.info("dingtalk audit pull %s: %s", corp, summary)
    return summary


def _pull_group(
    audit: DingTalkAudit, deps: Deps, conversation: str, *, pk: str, corp: str, ignored: Counter[str]
) -> int:
    sk = keys.archive_cursor_sk(conversation)
    stored = deps.store.get_item(pk, sk)
    cursor = str(stored.data.get("next", "")) if stored else ""
    pulled = 0
    for _ in range(MAX_AUDIT_PAGES):
        page = audit.messages(conversation, cursor)
        events: list[Event] = []
        for message in page.messages:
            mapped, kind = to_audit_events(message, corp, conversation)
            events.extend(mapped)
            if kind:
                ignored[kind] += 1
        if events:
            batch.moderate(events, deps)
        pulled += len(page.messages)
        if not page.messages or not page.next_token or page.next_token == cursor:
            return pulled
        now = deps.clock.now()
        if stored is None:
            moved = deps.store.put_item(
                Item(pk, sk, data={"next": page.next_token, "at": now}), if_absent=True
            )
            stored = Item(pk, sk, data={"next": page.next_token})
        else:
            moved = deps.store.update_item(
                pk, sk, {"next": page.next_token, "at": now}, expect={"next": cursor}
            )
        if not moved:  # another puller moved it: let it go on
            return pulled
        cursor = page.next_token
    return pulled


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
    group nobody named is called by its members (`chalicelib.kernel.group_info.named`), and asked again,
    as its members come and go, when the worker's group cache forgets it (minutes)."""
    now = deps.clock.now()
    chats = {(e.platform, e.tenant, e.chat) for e in events if e.chat}  # a page's few groups
    for gid, chat, tenant in sorted((group_id(platform, t, c), c, t) for platform, t, c in chats):
        if deps.groups.get(gid, now) is not None:  # named, or asked, within the cache's few minutes
            continue
        record = deps.store.get_group(gid)
        if record is not None and record.name and not record.named_by_members:
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
            record = named(record, facts.name, facts.members, deps, now)
            record = replace(record, admins=tuple(dict.fromkeys((*record.admins, *facts.admins))))
        deps.store.put_group(record)
        deps.groups.put(gid, record, now)


@lru_cache(maxsize=2)
def _keys(text: str) -> PrivateKeys:
    return PrivateKeys.from_json(text)
