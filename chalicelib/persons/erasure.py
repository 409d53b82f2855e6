"""A person's erasure (the operator's `qunguan person erase`), and what a legal hold or an open appeal keeps.

Every item `holdings` finds is deleted, or rewritten with the person replaced by a tombstone id
(`erased:{pid}`, which names nobody) where the item is also someone else's record (an admin's audit
record, a case's statistics, another member's message that mentioned them); their own text (message
text, case snapshots and findings, names, reasons) goes entirely. Kept as they are: under a legal hold
(`hold`), the person's record, sanctions, cases and what hangs off them (events, snapshots, appeals);
without one, a case whose appeal is still pending, with its appeal. The erasure is audited (in the
`persons` audit partition) by pid, operator, reason and counts: never the erased data.

What has no index by person is found by one Scan of the table (`sweep`), after the walk: the outbox's
stored decisions (`OUT#`, their actions' texts and recipients; kept 14 days for a redelivery), the
message log's days past the retention walk, export links, and any other item outside the group and
person partitions that names them. A stored decision that names them becomes a tombstone: recorded,
with no actions left, so that a redelivery finds it carried out and sends nothing about them again. A
Scan reads (and is charged for) the whole table: acceptable for a rare operator's command, never on an
event's path. The keys of an event's exactly-once claim and stored decision (`CLAIM_KEYED`), which may
embed a WeCom sender, stay until their TTL; such an item is found by what it holds. A group record whose
platform admin list names them loses them from it; one whose name the bot composed of members' names with
theirs is left unnamed, to be composed again (`_unnamed`). Their copies of admin cards leave the records
that keep them (`Scrubber`); the bot's post to them privately goes; their approval of a revision stays,
under the tombstone; a claim id that names them becomes the tombstone. With the archive
bucket, the HTML reports of the groups they were in (`reports/`, kept a year) are rewritten where they
name them (`erase_reports`), their earlier versions deleted.

Backups: DynamoDB's point-in-time recovery keeps 35 days, the on-demand backups the newest `keep`, the
table exports in the archive bucket its lifecycle rule's days (`chalicelib.jobs.backup`): erased data
leaves them by expiry, and a restore from one must be followed by the erasure again (docs/persons.md).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from chalicelib.persons.holdings import Found, Identity, admin_lists, claim_names, holdings
from chalicelib.persons.records import Person
from chalicelib.persons.repository import PersonRepo
from chalicelib.persons.scrubber import Scrubber
from chalicelib.store import keys
from chalicelib.store.base import Store
from chalicelib.store.records import AuditRecord, GroupRecord, Item

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
DIR_NAMES = (
    "name",
    "display_name",
)  # the directory's names of them (`keys.directory_names_pk`), as last seen
# Partitions the walk (`holdings`) reads through their own verbs and rules (what a hold keeps): the sweep
# leaves them to it. Groups, members and audit records live in `GRP#`; the person in `PERSON#`.
WALKED = (keys.group_pk(""), keys.person_pk(""))
OUTBOX = keys.outbox_pk("", "").split("#", 1)[0] + "#"
KEPT_OUTBOX = ("at", "what", "owner", "lease_until")  # what an erased stored decision keeps
# Partitions keyed by an event's claim (its exactly-once claim, its stored decision), which may name them
# (a WeCom event id begins with its sender): the key stays until its TTL, so that a redelivery is still
# known; the item is found only by what it holds.
CLAIM_KEYED = (keys.event_claim_pk("", "").split("#", 1)[0] + "#", OUTBOX)


@dataclass(frozen=True)
class Erasure:
    pid: str
    tombstone: str
    done: dict[str, int] = field(default_factory=dict)  # what was deleted or rewritten, by kind
    kept: dict[str, int] = field(default_factory=dict)  # what a hold or an open appeal kept, by kind


class Reports(Protocol):
    """The archive bucket's group reports (`chalicelib.jobs.archive.Archive`)."""

    def reports_of(self, gid: str) -> Iterator[str]: ...
    def read_report(self, key: str) -> str: ...
    def replace_report(self, key: str, html: str) -> None: ...


def tombstone_of(pid: str) -> str:
    return f"erased:{hashlib.sha256(pid.encode()).hexdigest()[:12]}"


def erase(
    store: Store, person: Person, *, by: str, reason: str, now: float, reports: Reports | None = None
) -> Erasure:
    repo = PersonRepo(store)
    tomb = tombstone_of(person.pid)
    groups = list(store.list_groups())  # read once: for the walk, then for the names composed of theirs
    found = list(holdings(store, person, now, groups=groups))
    held = person.hold is not None
    appealed = {
        _case_ref(f.item.sk)
        for f in found
        if f.item is not None and f.kind == "appeal" and f.item.data.get("state") == "pending"
    }
    names = {f.member.display_name for f in found if f.member is not None and f.member.display_name}
    names |= {
        str(f.item.data.get(name, "")) for f in found if f.kind == "dir" and f.item for name in DIR_NAMES
    }
    names.discard("")
    scrub = Scrubber([Identity.of(uid) for uid in person.identities], names, tomb)
    done: Counter[str] = Counter()
    kept: Counter[str] = Counter()
    for one in found:
        if _kept(one, held=held, appealed=appealed):
            kept[one.kind] += 1
            continue
        _erase_one(store, one, scrub)
        done[one.kind] += 1
    walked = {(one.item.pk, one.item.sk) for one in found if one.item is not None}
    for one in sweep(store, scrub, skip=walked):
        _erase_one(store, one, scrub)
        done[one.kind] += 1
    if unnamed := _unnamed(store, groups, scrub):
        done["group_name"] += unnamed
    if reports is not None:
        theirs = {one.gid for one in found if one.member is not None or one.group is not None}
        done["report"] += erase_reports(reports, sorted(theirs), scrub)
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


def sweep(store: Store, scrub: Scrubber, *, skip: set[tuple[str, str]]) -> list[Found]:
    """What the walk cannot find by the person's keys: every item outside the walked partitions that
    names them (one Scan of the table)."""
    found = []
    for item in store.scan_items(""):
        if item.pk.startswith(WALKED) or (item.pk, item.sk) in skip:
            continue
        key = [] if item.pk.startswith(CLAIM_KEYED) else [item.pk]
        if not scrub.finds([*key, item.sk, item.gsi1, item.gsi2, item.data]):
            continue
        who = next((w for w in scrub.identities if w.uid in item.pk or w.uid in item.sk), None)
        own = who is not None or any(
            item.data.get(field) in (w.uid, w.user)
            for w in scrub.identities
            for field in ("uid", "user", "u")
        )
        kind = "outbox" if item.pk.startswith(OUTBOX) else item.pk.split("#", 1)[0].lower()
        found.append(Found("item", kind, who, own, item=item))
    return found


def erase_reports(reports: Reports, gids: Iterable[str], scrub: Scrubber) -> int:
    """Every report of the groups they were in that names them, rewritten with the tombstone (its
    earlier versions deleted): how many."""
    rewritten = 0
    for gid in gids:
        for key in list(reports.reports_of(gid)):
            html = reports.read_report(key)
            if not scrub.finds(html) and not any(f'"{who.user}"' in html for who in scrub.identities):
                continue
            reports.replace_report(key, scrub.text(html))
            rewritten += 1
    return rewritten


def _case_ref(sk: str) -> str:
    return sk.removeprefix(keys.CASE_SK_PREFIX).split("#", 1)[0]


def _kept(one: Found, *, held: bool, appealed: set[str]) -> bool:
    if held and (one.kind in CASE_KINDS or one.kind in ("person", "sanction")):
        return True
    if one.kind in CASE_KINDS and one.item is not None:
        return _case_ref(one.item.sk) in appealed
    return False


def _erase_one(store: Store, one: Found, scrub: Scrubber) -> None:
    if one.group is not None and one.identity is not None:
        _off_admin_lists(store, one.group.gid, one.identity.user)
        return
    if one.kind == "outbox" and one.item is not None:
        store.put_item(_carried_out(one.item, scrub))
        return
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
    if one.kind == "post" and one.own:  # the bot's post to them privately: nobody else's to recall
        store.delete_item(item.pk, item.sk)
        return
    if item.pk == keys.REVISIONS_PK and uid and uid in item.sk:  # an approval: it still counts
        store.delete_item(item.pk, item.sk)
        store.put_item(
            Item(item.pk, item.sk.replace(uid, scrub.tomb), scrub(item.data), expires_at=item.expires_at)
        )
        return
    if (uid and uid in item.sk) or any(claim_names(item.sk, who) for who in scrub.identities):
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


def _off_admin_lists(store: Store, gid: str, user: str) -> None:
    """The group record as it is now (an earlier identity's pass may have rewritten it), without them."""
    group = store.get_group(gid)
    if group is None or user not in admin_lists(group):
        return
    store.put_group(
        replace(
            group,
            admins=tuple(a for a in group.admins if a != user),
            added_admins=tuple(a for a in group.added_admins if a != user),
            removed_admins=tuple(a for a in group.removed_admins if a != user),
            org_admins=tuple(a for a in group.org_admins if a != user),
        )
    )


def _unnamed(store: Store, groups: Iterable[GroupRecord], scrub: Scrubber) -> int:
    """The groups of their platforms and tenants whose name the bot composed of members' names
    (`GroupRecord.named_by_members`) with theirs among them, left unnamed: the next description composes
    the name again of the members it then has (`chalicelib.kernel.group_info.named`). Each read again
    before it is written (the walk may have taken them off its admin lists). How many."""
    tenants = {(who.platform, who.tenant) for who in scrub.identities}
    unnamed = 0
    for listed in groups:
        if not listed.named_by_members or (listed.platform, listed.tenant) not in tenants:
            continue
        if not scrub.finds(listed.name):
            continue
        group = store.get_group(listed.gid)
        if group is not None and group.named_by_members and scrub.finds(group.name):
            store.put_group(replace(group, name=""))
            unnamed += 1
    return unnamed


def _carried_out(item: Item, scrub: Scrubber) -> Item:
    """A stored decision that names them, as a tombstone the outbox reads as carried out and recorded
    (`chalicelib.kernel.outbox.Outbox.load`): no actions, audit or results;
    its lease and lifetime kept."""
    data = item.data
    kept: dict[str, Any] = {name: data[name] for name in KEPT_OUTBOX if name in data}
    tomb: dict[str, Any] = {
        **kept,
        "chat": scrub(str(data.get("chat", ""))),
        "actor": scrub(str(data.get("actor", ""))),
        "actions": [],
        "audit": {},
        "facts": [],
        "retry": "",
        "refused": "",
        "recorded": True,
        "recording": "done",
        "erased": scrub.tomb,
    }
    return Item(item.pk, item.sk, tomb, expires_at=item.expires_at)
