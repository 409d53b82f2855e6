"""`PersonRepo`: the person, their identities' and contacts' pointers, their sanctions and ledger.

Every key is built in `chalicelib.store.keys`. A person's org- and tag-wide sanctions are copied onto
each of their pointers (`refresh`), so that the join gate reads one item; the sanction items in the
person's partition stay the record (who, why, until, lifted by whom).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from chalicelib.persons.records import GateSanction, Person, Pointer, Sanction
from chalicelib.store import keys
from chalicelib.store.base import Store
from chalicelib.store.records import Item


def new_pid() -> str:
    return f"p{secrets.token_hex(8)}"


class PersonRepo:
    def __init__(self, store: Store) -> None:
        self.store = store

    # Pointers ------------------------------------------------------------------------------------
    def pointer(self, uid: str) -> Pointer | None:
        """The one read of the join gate."""
        return _pointer(self.store.get_item(keys.identity_pk(uid), keys.POINTER_SK))

    def by_contact(self, digest: str) -> Pointer | None:
        return _pointer(self.store.get_item(keys.contact_pk(digest), keys.POINTER_SK))

    # The person ----------------------------------------------------------------------------------
    def person(self, pid: str) -> Person | None:
        item = self.store.get_item(keys.person_pk(pid), keys.PERSON_SK)
        return None if item is None else Person.of(dict(item.data))

    def person_of(self, uid: str) -> Person | None:
        pointer = self.pointer(uid)
        return None if pointer is None else self.person(pointer.pid)

    def save(self, person: Person) -> None:
        self.store.put_item(Item(keys.person_pk(person.pid), keys.PERSON_SK, person.data()))

    def create(
        self,
        uid: str,
        *,
        via: str,
        by: str,
        at: float,
        contacts: Iterable[str] = (),
        pid: str = "",
        claimed: bool = False,
    ) -> Person:
        """A new person with one identity (and its contact digests), pointers written: without a read (a
        new person has no sanction to copy). `claimed`: the contacts' pointers are written already
        (`claim_contacts`, with `pid`)."""
        person = Person(
            pid=pid or new_pid(),
            created_at=at,
            identities=(uid,),
            contacts=tuple(dict.fromkeys(contacts)),
            links=({"uid": uid, "via": via, "by": by, "at": at},),
        )
        self.save(person)
        self._write_pointers(person, [], contacts=not claimed)
        return person

    def claim_contacts(self, digests: Iterable[str], pid: str) -> list[str]:
        """Each contact digest nobody has yet, pointed at `pid` with a conditional write (no read): the
        digests claimed. One that is not was already some person's (`by_contact` tells whose)."""
        data = {"pid": pid, "via": "directory", "sanctions": []}
        return [
            digest
            for digest in digests
            if self.store.put_item(Item(keys.contact_pk(digest), keys.POINTER_SK, data), if_absent=True)
        ]

    def link(
        self, person: Person, uid: str, *, via: str, by: str, at: float, contacts: Iterable[str] = ()
    ) -> Person:
        """Add an identity (and contact digests) to `person`. An identity that belonged to another person
        brings that person along: their identities, contacts and sanctions move here."""
        merged = person
        previous = self.pointer(uid)
        if previous is not None and previous.pid != person.pid:
            merged = self._absorb(person, previous.pid)
        identities = tuple(dict.fromkeys((*merged.identities, uid)))
        found = tuple(dict.fromkeys((*merged.contacts, *contacts)))
        # The newest word on how this identity is linked (an admin confirming what was absorbed, say).
        links = (
            *(link for link in merged.links if link.get("uid") != uid),
            {"uid": uid, "via": via, "by": by, "at": at},
        )
        updated = Person(
            pid=merged.pid,
            created_at=merged.created_at,
            identities=identities,
            contacts=found,
            links=links,
            hold=merged.hold,
            erased_at=merged.erased_at,
        )
        self.save(updated)
        self.refresh(updated, via=via)
        return updated

    def _absorb(self, person: Person, other_pid: str) -> Person:
        other = self.person(other_pid)
        if other is None:
            return person
        for sanction in self.sanctions(other_pid):
            moved = Sanction.of({**sanction.data(), "pid": person.pid})
            self.store.put_item(sanction_item(moved))
            self.store.delete_item(keys.person_pk(other_pid), keys.sanction_sk(sanction.sid))
        self.store.delete_item(keys.person_pk(other_pid), keys.PERSON_SK)
        return Person(
            pid=person.pid,
            created_at=min(person.created_at, other.created_at),
            identities=tuple(dict.fromkeys((*person.identities, *other.identities))),
            contacts=tuple(dict.fromkeys((*person.contacts, *other.contacts))),
            links=(*person.links, *other.links),
            hold=person.hold or other.hold,
            erased_at=person.erased_at,
        )

    def refresh(self, person: Person, *, via: str = "") -> None:
        """Write every pointer of the person with their live org- and tag-wide sanctions."""
        wide = [s.summary() for s in self.sanctions(person.pid) if s.lifted_at is None and s.scope != "group"]
        self._write_pointers(person, wide, via=via)

    def _write_pointers(
        self, person: Person, wide: list[dict[str, Any]], *, via: str = "", contacts: bool = True
    ) -> None:
        vias = {str(link.get("uid")): str(link.get("via", "")) for link in person.links}
        for uid in person.identities:
            data = {"pid": person.pid, "via": vias.get(uid) or via, "sanctions": wide}
            self.store.put_item(Item(keys.identity_pk(uid), keys.POINTER_SK, data))
        for digest in person.contacts if contacts else ():
            data = {"pid": person.pid, "via": "directory", "sanctions": wide}
            self.store.put_item(Item(keys.contact_pk(digest), keys.POINTER_SK, data))

    # Sanctions -----------------------------------------------------------------------------------
    def sanctions(self, pid: str) -> list[Sanction]:
        return [
            Sanction.of(dict(item.data))
            for item in self.store.query_items(keys.person_pk(pid), prefix=keys.SANCTION_SK_PREFIX)
        ]

    def sanction(self, pid: str, sid: str) -> Sanction | None:
        item = self.store.get_item(keys.person_pk(pid), keys.sanction_sk(sid))
        return None if item is None else Sanction.of(dict(item.data))

    def impose(self, sanction: Sanction) -> bool:
        """Record a sanction once (a redelivered command does not impose it twice); False if it exists."""
        if not self.store.put_item(sanction_item(sanction), if_absent=True):
            return False
        if sanction.scope != "group":
            person = self.person(sanction.pid)
            if person is not None:
                self.refresh(person)
        return True

    def lift(self, sanction: Sanction, *, by: str, at: float, why: str) -> Sanction | None:
        """Lift a sanction once (out of the expiry index too); None when it was already lifted."""
        lifted = sanction.lifted(by=by, at=at, why=why)
        changes = {"lifted_at": at, "lifted_by": by, "lifted_why": why}
        pk, sk = keys.person_pk(sanction.pid), keys.sanction_sk(sanction.sid)
        if not self.store.update_item(pk, sk, changes, expect={"lifted_at": None}):
            return None
        self.store.put_item(replace(sanction_item(lifted), gsi2=None))
        if sanction.scope != "group":
            person = self.person(sanction.pid)
            if person is not None:
                self.refresh(person)
        return lifted

    def due(self, now: float) -> list[Sanction]:
        """Live sanctions whose expiry has come (one Query of the sparse index)."""
        bound = keys.due_index_sk(now, "~")
        items = self.store.query_items(keys.sanctions_due_pk(), index="GSI2", below=bound)
        return [Sanction.of(dict(item.data)) for item in items]

    # The ledger ----------------------------------------------------------------------------------
    def record(self, uid: str, *, at: float, kind: str, ref: str, data: dict[str, Any]) -> None:
        """Something that happened to an identity in some group, for its person's history."""
        item = Item(
            keys.ledger_pk(uid), keys.ledger_sk(at, kind, ref), {"kind": kind, "ref": ref, "at": at, **data}
        )
        self.store.put_item(item)

    def ledger(self, uids: Iterable[str]) -> list[dict[str, Any]]:
        """Every identity's ledger, newest first."""
        entries = [
            {**dict(item.data), "uid": uid}
            for uid in uids
            for item in self.store.query_items(keys.ledger_pk(uid))
        ]
        return sorted(entries, key=lambda entry: float(entry.get("at", 0.0)), reverse=True)


def sanction_item(sanction: Sanction) -> Item:
    """A sanction, in the sparse expiry index while it is live."""
    due = None
    if sanction.lifted_at is None:
        due = (keys.sanctions_due_pk(), keys.due_index_sk(sanction.until, f"{sanction.pid}#{sanction.sid}"))
    return Item(keys.person_pk(sanction.pid), keys.sanction_sk(sanction.sid), sanction.data(), gsi2=due)


def _pointer(item: Item | None) -> Pointer | None:
    if item is None or not item.data.get("pid"):
        return None
    sanctions = tuple(
        GateSanction.of(dict(s)) for s in item.data.get("sanctions") or () if isinstance(s, dict)
    )
    return Pointer(pid=str(item.data["pid"]), via=str(item.data.get("via", "")), sanctions=sanctions)
