"""Mutes end by themselves (R3.7): every few minutes the scheduler asks for the mutes that are due (one
Query of the sparse `DUE#unmute` index), lifts each where the platform muted (DingTalk scene groups), tells
the member they may post again, drops the record and audits it."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from chalicelib.bootstrap import Deps
from chalicelib.core.actions import Unmute
from chalicelib.core.events import JobRequested
from chalicelib.core.ids import split_id
from chalicelib.i18n import t
from chalicelib.moderation.mutes import MuteRecord, MuteRepo
from chalicelib.store import keys
from chalicelib.store.records import AuditRecord
from chalicelib.worker.audit import audit_expires_at
from chalicelib.worker.context import load_context
from chalicelib.worker.executor import execute

log = logging.getLogger("qunguan.mutes")


@dataclass(frozen=True)
class SweepReport:
    ended: int
    failed: int
    dry_run: bool


def end_due_mutes(deps: Deps, now: float, *, dry_run: bool = False, limit: int = 500) -> SweepReport:
    repo = MuteRepo(deps.store)
    ended = failed = 0
    for mute in list(repo.due(now))[:limit]:
        if dry_run:
            ended += 1
            continue
        if _end(mute, deps, now):
            repo.end(mute.gid, mute.uid)
            ended += 1
        else:
            failed += 1
    log.info("mute sweep: ended=%d failed=%d dry_run=%s", ended, failed, dry_run)
    return SweepReport(ended, failed, dry_run)


def _end(mute: MuteRecord, deps: Deps, now: float) -> bool:
    platform, tenant, chat = split_id(mute.gid)
    event = JobRequested(
        platform=platform,  # type: ignore[arg-type]  # a gid's platform is one of the three
        tenant=tenant,
        event_id=f"unmute:{mute.gid}:{mute.uid}:{int(mute.until)}",
        occurred_at=now,
        chat=chat,
        job="unmute",
        period=keys.iso(mute.until),
    )
    ctx = load_context(event, deps)
    group = ctx.group.name if ctx.group and ctx.group.name else chat
    action = Unmute(
        chat=chat, user=mute.user, text=t(ctx.locale, "member.mute_ended", group=group), reason="mute.ended"
    )
    (result,) = execute((action,), event, ctx, deps.messenger(event.platform))
    deps.store.append_audit(
        AuditRecord(
            gid=mute.gid,
            audit_id=f"unmute-{mute.uid}-{int(mute.until)}",
            at=now,
            event_type="MuteEnded",
            actor="qunguan",
            actions=(f"Unmute:{result.status}",),
            outcome=result.status,
            detail={"case": mute.case_ref, "detail": result.detail},
            expires_at=audit_expires_at(ctx.policy, now),
        )
    )
    return result.status != "failed" or not result.retryable
