"""Sanctions end by themselves: every five minutes (`chalicelib.jobs.minutely`) the sanctions whose expiry
has come (one Query of the sparse `DUE#sanction` index) are lifted as `expired`, a group ban with its
`BAN#` item, each pointer of the person refreshed, the member told, and the lifting audited. The join
gate never waits for this: it already ignores a sanction past its expiry."""

from __future__ import annotations

import hashlib
import logging

from chalicelib.bootstrap import Deps
from chalicelib.core.actions import SendDirect
from chalicelib.core.events import JobRequested
from chalicelib.core.ids import split_id
from chalicelib.i18n import t
from chalicelib.moderation import bans
from chalicelib.persons.repository import PersonRepo
from chalicelib.persons.sanctions import scope_label
from chalicelib.store.records import AuditRecord
from chalicelib.worker.audit import audit_expires_at
from chalicelib.worker.context import load_context
from chalicelib.worker.executor import execute

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
        platform, tenant, chat = split_id(sanction.gid)
        event = JobRequested(
            platform=platform,  # type: ignore[arg-type]  # a gid's platform is one of the three
            tenant=tenant,
            event_id=f"sanction-ended:{sanction.pid}:{sanction.sid}",
            occurred_at=now,
            chat=chat,
            job="sanction_expiry",
            period=sanction.sid,
        )
        ctx = load_context(event, deps)
        kind = t(ctx.locale, f"persons.kind.{sanction.kind}")
        text = t(
            ctx.locale,
            "persons.lift.member",
            kind=kind,
            scope=scope_label(ctx.locale, sanction.scope, sanction.target),
        )
        user = split_id(sanction.uid)[2]
        results = execute(
            (SendDirect(user=user, text=text, reason="persons.expired"),),
            event,
            ctx,
            deps.messenger(event.platform),
        )
        deps.store.append_audit(
            AuditRecord(
                gid=sanction.gid,
                audit_id=hashlib.sha256(f"expired#{sanction.sid}".encode()).hexdigest()[:16],
                at=now,
                event_type="SanctionLifted",
                actor=EXPIRED_BY,
                actions=("Lift:persons.expired",),
                outcome=",".join(r.status for r in results) or "done",
                detail={
                    "audit": {
                        "sanction_lifted": [
                            {
                                "sid": sanction.sid,
                                "pid": sanction.pid,
                                "scope": sanction.scope,
                                "why": "expired",
                            }
                        ]
                    }
                },
                expires_at=audit_expires_at(ctx.policy, now),
            )
        )
        ended += 1
    log.info("sanction sweep: ended=%d", ended)
    return ended
