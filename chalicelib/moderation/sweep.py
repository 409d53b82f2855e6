"""Mutes end by themselves (R3.7): every few minutes the scheduler asks for the mutes that are due (one
Query of the sparse `DUE#unmute` index), lifts each where the platform muted (DingTalk scene groups), tells
the member they may post again (through `act`: the outbox and the audit), and drops the record."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from chalicelib.core.actions import Decision, Unmute
from chalicelib.i18n import t
from chalicelib.kernel.act import act
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.where import job_where
from chalicelib.moderation.mutes import MuteRecord, MuteRepo

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
    """Lift one mute (or tell the member it is over) through `act`; False if it may succeed later."""
    where = job_where(deps, mute.gid, job="unmute", key=f"{mute.uid}:{int(mute.until)}", now=now)
    ctx, chat = where.ctx, where.event.chat
    group = ctx.group.name if ctx.group and ctx.group.name else chat
    action = Unmute(
        chat=chat, user=mute.user, text=t(ctx.locale, "member.mute_ended", group=group), reason="mute.ended"
    )
    acted = act(
        deps, where, Decision((action,), audit={"case": mute.case_ref}), what="MuteEnded", actor="qunguan"
    )
    return not acted.retryable
