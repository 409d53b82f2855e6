"""The operator's verbs on a person, by any of their identities (`platform:tenant:user`):

    show      who they are (identities and how each was linked), their sanctions, the legal hold, and
              how many records of each kind qunguan holds about them
    hold      a legal hold (`--reason`): their cases and sanctions survive an erasure until released
    release   lift the legal hold (what the hold kept is then erased by the next `erase`)
    erase     the erasure (`--reason`), `chalicelib.persons.erasure`

Each change is audited in the `persons` audit partition, by pid, operator and reason. The verbs raise
`OperationError` with a sentence for an operator (an unknown identity, a missing reason).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import replace
from typing import Any

from chalicelib.core.ids import is_qualified
from chalicelib.persons.erasure import AUDIT_GID, ERASURE_AUDIT_DAYS, Erasure, Reports, erase
from chalicelib.persons.holdings import holdings
from chalicelib.persons.records import Person
from chalicelib.persons.repository import PersonRepo
from chalicelib.store.base import Store
from chalicelib.store.records import AuditRecord


class OperationError(ValueError):
    """What an operator asked cannot be done; the message says why."""


def person_of(store: Store, uid: str) -> Person:
    if not is_qualified(uid):
        raise OperationError(f"{uid!r} is not an identity: write platform:tenant:user")
    person = PersonRepo(store).person_of(uid)
    if person is None:
        raise OperationError(f"qunguan knows no person with the identity {uid}")
    return person


def show(store: Store, uid: str, now: float) -> dict[str, Any]:
    person = person_of(store, uid)
    counts = Counter(found.kind for found in holdings(store, person, now))
    sanctions = [
        {k: v for k, v in s.data().items() if k not in ("pid",)}
        for s in PersonRepo(store).sanctions(person.pid)
    ]
    return {
        "pid": person.pid,
        "identities": list(person.identities),
        "links": list(person.links),
        "hold": person.hold,
        "erased_at": person.erased_at,
        "sanctions": sanctions,
        "records": dict(sorted(counts.items())),
    }


def hold(store: Store, uid: str, *, by: str, reason: str, now: float) -> Person:
    if not reason.strip():
        raise OperationError("a legal hold needs --reason")
    person = person_of(store, uid)
    held = replace(person, hold={"reason": reason, "by": by, "at": now})
    PersonRepo(store).save(held)
    _audit(store, "PersonHeld", person.pid, by=by, now=now, detail={"reason": reason})
    return held


def release(store: Store, uid: str, *, by: str, now: float) -> Person:
    person = person_of(store, uid)
    if person.hold is None:
        raise OperationError(f"{uid} is under no legal hold")
    released = replace(person, hold=None)
    PersonRepo(store).save(released)
    _audit(store, "PersonReleased", person.pid, by=by, now=now, detail={"held_since": person.hold.get("at")})
    return released


def erase_person(
    store: Store, uid: str, *, by: str, reason: str, now: float, reports: Reports | None = None
) -> Erasure:
    if not reason.strip():
        raise OperationError("an erasure needs --reason")
    return erase(store, person_of(store, uid), by=by, reason=reason, now=now, reports=reports)


def _audit(store: Store, event: str, pid: str, *, by: str, now: float, detail: dict[str, Any]) -> None:
    store.append_audit(
        AuditRecord(
            gid=AUDIT_GID,
            audit_id=hashlib.sha256(f"{event}#{pid}#{now}".encode()).hexdigest()[:16],
            at=now,
            event_type=event,
            actor=by,
            actions=(f"{event}:persons",),
            detail={"audit": {"pid": pid, **detail}},
            expires_at=int(now) + ERASURE_AUDIT_DAYS * 86400,
        )
    )
