"""Sanctions end by themselves: every five minutes (`chalicelib.jobs.minutely`) the sanctions whose expiry
has come (one Query of the sparse `DUE#sanction` index) are lifted as `expired`, a group ban with its
`BAN#` item, each pointer of the person refreshed, the member told, and the lifting audited. The join
gate never waits for this: it already ignores a sanction past its expiry."""

from __future__ import annotations

import logging

from chalicelib.core.actions import Decision, SendDirect
from chalicelib.core.ids import split_id
from chalicelib.i18n import t
from chalicelib.kernel.act import act
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.where import job_where
from chalicelib.moderation import bans
from chalicelib.persons.repository import PersonRepo
from chalicelib.persons.sanctions import scope_label

log = logging.getLogger("qunguan.persons")
EXPIRED_BY = "qunguan"


def end_due_sanctions(deps: Deps, now: float, *, limit: int = 500) -> int:
    repo = PersonRepo(deps.store)
    ended = 0
    for sanction in repo.due(now)[:limit]:
        lifted = repo.lift(sanction, by=EXPIRED_BY, at=now, why="expired")
        if lifted is None:
            continue
        if sanction.kind == "ban" and sanction.scope == "group":
            bans.unban(deps.store, sanction.gid, sanction.uid)
        where = job_where(
            deps, sanction.gid, job="sanction_expiry", key=f"{sanction.pid}:{sanction.sid}", now=now
        )
        ctx = where.ctx
        kind = t(ctx.locale, f"persons.kind.{sanction.kind}")
        scope = scope_label(ctx.locale, sanction.scope, sanction.target)
        told = SendDirect(
            user=split_id(sanction.uid)[2],
            text=t(ctx.locale, "persons.lift.member", kind=kind, scope=scope),
            reason="persons.expired",
        )
        lifted_record = {"sid": sanction.sid, "pid": sanction.pid, "scope": sanction.scope, "why": "expired"}
        decision = Decision((told,), audit={"sanction_lifted": [lifted_record]})
        act(deps, where, decision, what="SanctionLifted", actor=EXPIRED_BY)
        ended += 1
    log.info("sanction sweep: ended=%d", ended)
    return ended
