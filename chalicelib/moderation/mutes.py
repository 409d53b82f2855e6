"""Mutes that end by themselves. A mute is recorded (`GRP#{gid}` / `MUTE#{uid}`) with its end in the
sparse GSI2 index `DUE#unmute`, so the scheduled sweep finds the ones due with one Query (never a Scan)
and undoes them; an early unmute deletes the record."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from chalicelib.core.ids import split_id
from chalicelib.persons.ledger import ledger_entry
from chalicelib.store import keys
from chalicelib.store.base import Store
from chalicelib.store.records import Item


@dataclass(frozen=True)
class MuteRecord:
    gid: str
    uid: str
    user: str
    until: float
    case_ref: str = ""

    @property
    def chat(self) -> str:
        return split_id(self.gid)[2]


class MuteRepo:
    def __init__(self, store: Store) -> None:
        self.store = store

    def record(self, mute: MuteRecord, *, at: float | None = None) -> None:
        """Record a mute (from `at`, when known, for the person's ledger) until `mute.until`."""
        item = Item(
            keys.group_pk(mute.gid),
            keys.mute_sk(mute.uid),
            {"gid": mute.gid, "uid": mute.uid, "user": mute.user, "until": mute.until, "case": mute.case_ref},
            gsi2=(keys.mutes_due_pk(), keys.mute_due_sk(mute.until, mute.gid, mute.uid)),
            expires_at=int(mute.until) + 30 * 86400,
        )
        self.store.put_item(item)
        entry = ledger_entry(
            mute.uid,
            at=mute.until if at is None else at,
            kind="mute",
            ref=mute.case_ref or keys.iso(mute.until),
            gid=mute.gid,
            expires_at=item.expires_at,
            until=mute.until,
        )
        self.store.put_item(entry)

    def get(self, gid: str, uid: str) -> MuteRecord | None:
        item = self.store.get_item(keys.group_pk(gid), keys.mute_sk(uid))
        return None if item is None else _mute(item)

    def end(self, gid: str, uid: str) -> None:
        self.store.delete_item(keys.group_pk(gid), keys.mute_sk(uid))

    def due(self, now: float) -> Iterator[MuteRecord]:
        bound = keys.due_index_sk(now, "~")
        for item in self.store.query_items(keys.mutes_due_pk(), index="GSI2", below=bound):
            yield _mute(item)


def _mute(item: Item) -> MuteRecord:
    data = item.data
    return MuteRecord(
        str(data["gid"]), str(data["uid"]), str(data["user"]), float(data["until"]), str(data.get("case", ""))
    )
