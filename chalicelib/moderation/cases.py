"""Cases: every automatic and manual action, kept with what decided it.

A case (`GRP#{gid}` / `CASE#{ref}`) records the rule(s), the policy revision, the message's fingerprint,
the actor, the outcome and, where the policy keeps snapshots, the removed text in a separate item that
expires on its own schedule. It is written in one transaction with the member's points. What happens to
it afterwards (an admin's decision, an appeal, a reversal) is appended as case events (`CASE#{ref}#EV#...`);
only its `state` changes in place, through a conditional update, so that two clicks cannot both act.
GSI1 lists a member's cases in a group, newest first, for `/qg cases @member`.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib.persons.ledger import ledger_entry
from chalicelib.store import keys
from chalicelib.store.base import Store
from chalicelib.store.records import Increment, Item

DAY = 86400
_sequence = itertools.count()


@dataclass(frozen=True)
class Case:
    gid: str
    ref: str
    data: dict[str, Any]

    @property
    def user(self) -> str:
        return str(self.data.get("user", ""))

    @property
    def state(self) -> str:
        return str(self.data.get("state", "closed"))

    @property
    def points(self) -> float:
        return float(self.data.get("points", 0.0))

    @property
    def at(self) -> float:
        return float(self.data.get("at", 0.0))


class CaseRepo:
    def __init__(self, store: Store) -> None:
        self.store = store

    def open(
        self,
        *,
        gid: str,
        uid: str,
        ref: str,
        data: Mapping[str, Any],
        at: float,
        retention_days: int,
        snapshot: str | None = None,
        snapshot_days: int = 0,
        points: Mapping[str, Any] | None = None,
    ) -> bool:
        """Record a new case (once: a redelivered event does not open it twice) with the member's new
        points, and the snapshot where the policy keeps one."""
        pk = keys.group_pk(gid)
        expires = int(at) + retention_days * DAY
        item = Item(
            pk,
            keys.case_item_sk(ref),
            {**data, "ref": ref, "uid": uid, "at": at},
            gsi1=(keys.member_cases_pk(gid, uid), keys.member_cases_sk(at, ref)),
            expires_at=expires,
        )
        if self.store.get_item(pk, item.sk) is not None:
            return False
        puts = [item, Item(keys.case_pointer_pk(ref), keys.CASE_POINTER_SK, {"gid": gid}, expires_at=expires)]
        # Also against the person, on every platform they are linked on (`chalicelib.persons.history`).
        puts.append(
            ledger_entry(
                uid,
                at=at,
                kind="case",
                ref=ref,
                gid=gid,
                expires_at=expires,
                rule=str(data.get("rule", "")),
                points=float(data.get("points", 0.0) or 0.0),
                **({"total": float(points["total"])} if points is not None else {}),
            )
        )
        if snapshot and snapshot_days > 0:
            puts.append(
                Item(
                    pk,
                    keys.case_snapshot_sk(ref),
                    {"text": snapshot},
                    expires_at=int(at) + snapshot_days * DAY,
                )
            )
        increments = []
        if points is not None:
            also = {
                "points": float(points["total"]),
                "points_at": float(points["at"]),
                "gid": gid,
                "uid": uid,
            }
            increments.append(Increment(pk, keys.member_sk(uid), "violations", 1, also))
        self.store.transact_write(puts, increments)
        return True

    def locate(self, ref: str) -> str | None:
        """The group of a case, from its ref alone."""
        item = self.store.get_item(keys.case_pointer_pk(ref), keys.CASE_POINTER_SK)
        return None if item is None else str(item.data["gid"])

    def get(self, gid: str, ref: str) -> Case | None:
        item = self.store.get_item(keys.group_pk(gid), keys.case_item_sk(ref))
        return None if item is None else Case(gid, ref, dict(item.data))

    def for_member(self, gid: str, uid: str, limit: int = 10) -> list[Case]:
        items = self.store.query_items(
            keys.member_cases_pk(gid, uid), index="GSI1", newest_first=True, limit=limit
        )
        return [Case(gid, str(item.data.get("ref", "")), dict(item.data)) for item in items]

    def move_member(self, gid: str, uid: str, new_uid: str) -> int:
        """The member's cases follow them to a new id (the directory renamed them): each case is theirs
        under `new_uid`, found by it in `for_member`. Idempotent: a second run finds none left."""
        moved = 0
        for item in list(self.store.query_items(keys.member_cases_pk(gid, uid), index="GSI1")):
            ref, at = str(item.data.get("ref", "")), float(item.data.get("at", 0.0))
            self.store.put_item(
                Item(
                    keys.group_pk(gid),
                    keys.case_item_sk(ref),
                    {**item.data, "uid": new_uid},
                    gsi1=(keys.member_cases_pk(gid, new_uid), keys.member_cases_sk(at, ref)),
                    expires_at=item.expires_at,
                )
            )
            moved += 1
        return moved

    def transition(self, gid: str, ref: str, *, from_state: str, to_state: str, by: str, at: float) -> bool:
        """Move a case from one state to the next, once."""
        return self.store.update_item(
            keys.group_pk(gid),
            keys.case_item_sk(ref),
            {"state": to_state, "handled_by": by, "handled_at": at},
            expect={"state": from_state},
        )

    def add_event(
        self, gid: str, ref: str, *, at: float, what: str, by: str, detail: Mapping[str, Any]
    ) -> None:
        sk = keys.case_event_sk(ref, at, next(_sequence) % 1000)
        self.store.put_item(Item(keys.group_pk(gid), sk, {"what": what, "by": by, "at": at, **detail}))

    def events(self, gid: str, ref: str) -> list[dict[str, Any]]:
        return [
            dict(item.data)
            for item in self.store.query_items(keys.group_pk(gid), prefix=keys.case_events_prefix(ref))
        ]

    def set_points(self, gid: str, uid: str, user: str, *, total: float, at: float) -> None:
        self.store.update_member(gid, uid, user, {"points": max(total, 0.0), "points_at": at})
