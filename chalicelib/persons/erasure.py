"""A person's erasure (the operator's `qunguan person erase`), and what a legal hold or an open appeal keeps.

Every item `holdings` finds is deleted, or rewritten with the person replaced by a tombstone id
(`erased:{pid}`, which names nobody) where the item is also someone else's record (an admin's audit
record, a case's statistics, another member's message that mentioned them); their own text (message
text, case snapshots and findings, names, reasons) goes entirely. Kept as they are: under a legal hold
(`hold`), the person's record, sanctions, cases and what hangs off them (events, snapshots, appeals);
without one, a case whose appeal is still pending, with its appeal. The erasure is audited (in the
`persons` audit partition) by pid, operator, reason and counts: never the erased data.

Backups: DynamoDB's point-in-time recovery keeps 35 days, the on-demand backups the newest `keep`, the
table exports in the archive bucket its lifecycle rule's days (`chalicelib.jobs.backup`): erased data
leaves them by expiry, and a restore from one must be followed by the erasure again (docs/persons.md).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from chalicelib.persons.holdings import Found, Identity, holdings
from chalicelib.persons.records import Person
from chalicelib.persons.repository import PersonRepo
from chalicelib.store import keys
from chalicelib.store.base import Store
from chalicelib.store.records import AuditRecord, Item

AUDIT_GID = "persons"
CASE_KINDS = frozenset({"case", "case_event", "snapshot", "appeal"})
OWN_TEXT = frozenset(
    {
        "x",
        "text",
        "reason",
        "findings",
        "fingerprint",
        "display_name",
        "shown",
        "real",
        "name",
        "fn",
        "detail",
    }
)
ERASURE_AUDIT_DAYS = 3650


@dataclass(frozen=True)
class Erasure:
    pid: str
    tombstone: str
    done: dict[str, int] = field(default_factory=dict)  # what was deleted or rewritten, by kind
    kept: dict[str, int] = field(default_factory=dict)  # what a hold or an open appeal kept, by kind


def tombstone_of(pid: str) -> str:
    return f"erased:{hashlib.sha256(pid.encode()).hexdigest()[:12]}"


class Scrubber:
    """Replaces the person in any value: their qualified ids, native ids and shown names."""

    def __init__(self, identities: list[Identity], names: set[str], tomb: str) -> None:
        self.identities = identities
        self.names = {name for name in names if len(name) >= 2}
        self.tomb = tomb

    def __call__(self, value: Any) -> Any:
        if isinstance(value, str):
            for who in self.identities:
                if value == who.user:
                    return self.tomb
                value = value.replace(who.uid, self.tomb)
            for name in self.names:
                value = value.replace(name, self.tomb)
            return value
        if isinstance(value, dict):
            return {self(key): self(inner) for key, inner in value.items()}
        if isinstance(value, list):
            return [self(inner) for inner in value]
        if isinstance(value, tuple):
            return tuple(self(inner) for inner in value)
        return value


def erase(store: Store, person: Person, *, by: str, reason: str, now: float) -> Erasure:
    repo = PersonRepo(store)
    tomb = tombstone_of(person.pid)
    found = list(holdings(store, person, now))
    held = person.hold is not None
    appealed = {
        _case_ref(f.item.sk)
        for f in found
        if f.item is not None and f.kind == "appeal" and f.item.data.get("state") == "pending"
    }
    names = {f.member.display_name for f in found if f.member is not None and f.member.display_name}
    scrub = Scrubber([Identity.of(uid) for uid in person.identities], names, tomb)
    done: Counter[str] = Counter()
    kept: Counter[str] = Counter()
    for one in found:
        if _kept(one, held=held, appealed=appealed):
            kept[one.kind] += 1
            continue
        _erase_one(store, one, scrub)
        done[one.kind] += 1
    if not held:
        repo.save(Person(pid=person.pid, created_at=person.created_at, erased_at=now))
    record = Erasure(person.pid, tomb, dict(done), dict(kept))
    store.append_audit(
        AuditRecord(
            gid=AUDIT_GID,
            audit_id=hashlib.sha256(f"erase#{person.pid}#{now}".encode()).hexdigest()[:16],
            at=now,
            event_type="PersonErased",
            actor=by,
            actions=("Erase:persons.erase",),
            detail={"audit": {"pid": person.pid, "reason": reason, "done": record.done, "kept": record.kept}},
            expires_at=int(now) + ERASURE_AUDIT_DAYS * 86400,
        )
    )
    return record


def _case_ref(sk: str) -> str:
    return sk.removeprefix(keys.CASE_SK_PREFIX).split("#", 1)[0]


def _kept(one: Found, *, held: bool, appealed: set[str]) -> bool:
    if held and (one.kind in CASE_KINDS or one.kind in ("person", "sanction")):
        return True
    if one.kind in CASE_KINDS and one.item is not None:
        return _case_ref(one.item.sk) in appealed
    return False


def _erase_one(store: Store, one: Found, scrub: Scrubber) -> None:
    if one.member is not None:
        store.delete_member(one.gid, one.member.uid)
        return
    if one.audit is not None:
        record = one.audit
        store.append_audit(
            replace(
                record, actor=scrub(record.actor), actions=scrub(record.actions), detail=scrub(record.detail)
            )
        )
        return
    item = one.item
    if item is None:
        return
    uid = one.identity.uid if one.identity else ""
    if one.kind == "person" or (uid and uid in item.pk) or one.kind in ("sanction", "contact", "snapshot"):
        store.delete_item(item.pk, item.sk)
        return
    if uid and uid in item.sk:
        store.delete_item(item.pk, item.sk)
        return
    data = {k: v for k, v in item.data.items() if not (one.own and k in OWN_TEXT)}
    store.put_item(
        Item(
            item.pk,
            item.sk,
            scrub(data),
            gsi1=scrub(item.gsi1) if item.gsi1 else None,
            gsi2=scrub(item.gsi2) if item.gsi2 else None,
            expires_at=item.expires_at,
        )
    )
