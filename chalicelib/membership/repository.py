"""Membership state in the table, through the store's generic items (keys in `chalicelib.store.keys`).

Per group, in the group's partition: join requests (`JOIN#`), name checks (`NAME#`), pending rule
acknowledgements (`ACK#`), the guest roster (`GUEST#`, expiring with TTL), leave (`AWAY#`), departure
markers (`DEPART#`) and the membership history (`MSH#`). Whatever falls due (a reminder, an approval
timeout, the end of a grace period) carries a sparse GSI2 entry in `DUE#membership#{gid}`, so the
membership job finds it with one Query and items without a deadline cost nothing. Inactivity stages live
in their own partition (`INACT#{gid}`), read whole by the inactivity job in one Query.

State changes that must happen once (a join request decided by the first of two clicks) are conditional
updates (`update_item(expect=...)`); the due entry is dropped afterwards with a plain write.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from chalicelib.kernel.open_requests import JOIN, OpenRequest, OpenRequests
from chalicelib.membership.lifecycle import Stage
from chalicelib.persons.ledger import ledger_entry
from chalicelib.store import keys
from chalicelib.store.base import Store
from chalicelib.store.records import Item, MemberRecord

DAY = 86400
HISTORY_DAYS = 400
DEPARTURE_MARKER_DAYS = 30
NONCE_CHARS = 12
FORMER = "former"


def new_nonce() -> str:
    return secrets.token_hex(NONCE_CHARS // 2)


@dataclass(frozen=True)
class JoinRequest:
    gid: str
    uid: str
    user: str
    nonce: str
    status: str  # pending | approved | rejected | expired | withdrawn
    standing: str
    requested_at: float
    reminded: bool = False
    decided_by: str = ""

    @property
    def ref(self) -> str:
        """What a card's button names: the nonce (fixed width) and then the user."""
        return f"{self.nonce}{self.user}"


def split_ref(ref: str) -> tuple[str, str]:
    """(nonce, user) from a join request's or name check's ref."""
    return ref[:NONCE_CHARS], ref[NONCE_CHARS:]


@dataclass(frozen=True)
class NameRecord:
    gid: str
    uid: str
    user: str
    shown: str
    real: str
    why: str
    nudged_at: float
    due_at: float
    state: str = "nudged"  # nudged | reported


@dataclass(frozen=True)
class Due:
    kind: str  # join | name | ack
    uid: str
    at: float
    item: Item


class MembershipRepo:
    def __init__(self, store: Store) -> None:
        self.store = store

    # Members -------------------------------------------------------------------------------------
    def admit(self, gid: str, uid: str, user: str, *, now: float, display_name: str = "") -> None:
        """A member in good standing from now: joined now, and silent only from now on (the activity
        index starts their clock, so a newcomer who never speaks is found by the inactivity job)."""
        changes: dict[str, Any] = {"joined_at": now, "role": "member"}
        if display_name:
            changes["display_name"] = display_name
        self.store.update_member(gid, uid, user, changes)
        self.store.record_activity(gid, uid, user, now, min_interval=0)

    def forget_member(self, member: MemberRecord) -> None:
        """No longer in the group: out of the activity index, and never counted as a member again until
        they come back. (Written whole, so it works the same on both stores.)"""
        self.store.put_member(replace(member, role=FORMER, last_active=None))

    def move_member(self, member: MemberRecord, uid: str, user: str) -> MemberRecord:
        """The directory renamed the person (WeCom `NewUserID`): their record in the group, with its
        points, violations, role and names, is theirs under the new id; the old id is a former member's.
        Once: a record already under the new id is kept (a redelivery, or the new id spoke first, when
        only what the old record holds more of is carried over)."""
        existing = self.store.get_member(member.gid, uid)
        moved = replace(member, uid=uid, user=user)
        if existing is not None:
            moved = replace(
                existing,
                points=max(existing.points, member.points),
                points_at=existing.points_at or member.points_at,
                joined_at=member.joined_at or existing.joined_at,
                display_name=existing.display_name or member.display_name,
                role=member.role if existing.role == FORMER else existing.role,
            )
        self.store.put_member(moved)
        old = self.store.get_item(keys.group_pk(member.gid), keys.member_sk(member.uid))
        violations = old.data.get("violations") if old is not None else None
        if violations:
            self.store.update_item(keys.group_pk(member.gid), keys.member_sk(uid), {"violations": violations})
        self.forget_member(member)
        return moved

    def is_member(self, gid: str, uid: str) -> MemberRecord | None:
        member = self.store.get_member(gid, uid)
        return member if member is not None and member.role != FORMER else None

    # Join requests -------------------------------------------------------------------------------
    def open_request(
        self, gid: str, uid: str, user: str, *, standing: str, now: float, due_at: float
    ) -> JoinRequest:
        request = JoinRequest(gid, uid, user, new_nonce(), "pending", standing, now)
        self.store.put_item(self._request_item(request, due_at))
        OpenRequests(self.store).open(
            OpenRequest(gid, JOIN, uid, request.ref, user, now)
        )  # the console's queue
        return request

    def request(self, gid: str, uid: str) -> JoinRequest | None:
        item = self.store.get_item(keys.group_pk(gid), keys.join_request_sk(uid))
        return None if item is None else request_of(gid, uid, item)

    def remind_request(self, request: JoinRequest, due_at: float) -> None:
        self.store.put_item(self._request_item(replace(request, reminded=True), due_at))

    def decide_request(self, request: JoinRequest, status: str, *, by: str, at: float) -> bool:
        """Move a pending request to `status`, once: False when someone (or the timeout) came first."""
        pk, sk = keys.group_pk(request.gid), keys.join_request_sk(request.uid)
        changes = {"status": status, "decided_by": by, "decided_at": at}
        if not self.store.update_item(pk, sk, changes, expect={"status": "pending", "nonce": request.nonce}):
            return False
        decided = replace(request, status=status, decided_by=by)
        self.store.put_item(self._request_item(decided, None, decided_at=at))  # off the due index
        OpenRequests(self.store).close(request.gid, JOIN, request.uid)
        return True

    def _request_item(self, request: JoinRequest, due_at: float | None, **extra: Any) -> Item:
        data: dict[str, Any] = {
            "user": request.user,
            "nonce": request.nonce,
            "status": request.status,
            "standing": request.standing,
            "requested_at": request.requested_at,
            "reminded": request.reminded,
            "decided_by": request.decided_by or None,
            "due_at": due_at,
            **extra,
        }
        gsi2 = None
        if due_at is not None:
            gsi2 = (keys.membership_due_pk(request.gid), keys.membership_due_sk(due_at, "join", request.uid))
        return Item(keys.group_pk(request.gid), keys.join_request_sk(request.uid), data, gsi2=gsi2)

    # Names ---------------------------------------------------------------------------------------
    def name_record(self, gid: str, uid: str) -> NameRecord | None:
        item = self.store.get_item(keys.group_pk(gid), keys.name_check_sk(uid))
        return None if item is None else name_of(gid, uid, item)

    def nudge_name(self, record: NameRecord) -> None:
        gsi2 = (keys.membership_due_pk(record.gid), keys.membership_due_sk(record.due_at, "name", record.uid))
        data = {
            "user": record.user,
            "shown": record.shown,
            "real": record.real,
            "why": record.why,
            "nudged_at": record.nudged_at,
            "due_at": record.due_at,
            "state": record.state,
        }
        self.store.put_item(Item(keys.group_pk(record.gid), keys.name_check_sk(record.uid), data, gsi2=gsi2))

    def report_name(self, record: NameRecord, *, at: float) -> bool:
        """The grace period is over and the admins are told, once."""
        pk, sk = keys.group_pk(record.gid), keys.name_check_sk(record.uid)
        if not self.store.update_item(
            pk, sk, {"state": "reported", "reported_at": at}, expect={"state": "nudged"}
        ):
            return False
        reported = replace(record, state="reported")
        data: dict[str, Any] = {"user": reported.user, "shown": reported.shown, "real": reported.real}
        data.update(why=reported.why, nudged_at=reported.nudged_at, due_at=reported.due_at, state="reported")
        self.store.put_item(Item(pk, sk, data))
        return True

    def close_name(self, gid: str, uid: str, state: str, *, by: str, at: float) -> bool:
        """An admin's answer to the report card (kept, removed), once."""
        pk, sk = keys.group_pk(gid), keys.name_check_sk(uid)
        return self.store.update_item(
            pk, sk, {"state": state, "by": by, "at": at}, expect={"state": "reported"}
        )

    def clear_name(self, gid: str, uid: str) -> None:
        self.store.delete_item(keys.group_pk(gid), keys.name_check_sk(uid))

    # Rules acknowledgements ----------------------------------------------------------------------
    def expect_ack(self, gid: str, uid: str, user: str, *, now: float, remind_at: float | None) -> None:
        gsi2 = None
        if remind_at is not None:
            gsi2 = (keys.membership_due_pk(gid), keys.membership_due_sk(remind_at, "ack", uid))
        data = {"user": user, "since": now, "reminded": remind_at is None, "due_at": remind_at}
        self.store.put_item(Item(keys.group_pk(gid), keys.rules_ack_sk(uid), data, gsi2=gsi2))

    def ack_reminded(self, gid: str, uid: str, item: Item) -> None:
        self.store.put_item(replace(item, data={**item.data, "reminded": True}, gsi2=None))

    def acknowledge(self, gid: str, uid: str, user: str, *, at: float) -> bool:
        """True when the member had not yet acknowledged (the pending item is dropped, history kept)."""
        pk, sk = keys.group_pk(gid), keys.rules_ack_sk(uid)
        if self.store.get_item(pk, sk) is None:
            return False
        self.store.delete_item(pk, sk)
        self.history(gid, uid, user, "acknowledged", at=at)
        self.store.put_item(ledger_entry(uid, at=at, kind="ack", ref=keys.iso(at), gid=gid, expires_at=None))
        return True

    def drop_ack(self, gid: str, uid: str) -> None:
        self.store.delete_item(keys.group_pk(gid), keys.rules_ack_sk(uid))

    def pending_acks(self, gid: str) -> list[str]:
        items = self.store.query_items(keys.group_pk(gid), prefix=keys.RULES_ACK_PREFIX)
        return [str(item.data.get("user", "")) for item in items]

    # Guests and leave ----------------------------------------------------------------------------
    def add_guest(self, gid: str, uid: str, user: str, *, until: float, by: str, now: float) -> None:
        data = {"user": user, "until": until, "added_by": by, "added_at": now}
        self.store.put_item(Item(keys.group_pk(gid), keys.guest_sk(uid), data, expires_at=int(until)))

    def remove_guest(self, gid: str, uid: str) -> None:
        self.store.delete_item(keys.group_pk(gid), keys.guest_sk(uid))

    def guest_until(self, gid: str, uid: str) -> float | None:
        item = self.store.get_item(keys.group_pk(gid), keys.guest_sk(uid))
        return None if item is None else float(item.data["until"])

    def guests(self, gid: str) -> list[tuple[str, float]]:
        items = self.store.query_items(keys.group_pk(gid), prefix=keys.GUEST_PREFIX)
        return [(str(item.data.get("user", "")), float(item.data.get("until", 0))) for item in items]

    def set_away(self, gid: str, uid: str, user: str, *, until: float) -> None:
        self.store.put_item(
            Item(keys.group_pk(gid), keys.away_sk(uid), {"user": user, "until": until}, expires_at=int(until))
        )

    def away_until(self, gid: str, uid: str) -> float | None:
        item = self.store.get_item(keys.group_pk(gid), keys.away_sk(uid))
        return None if item is None else float(item.data["until"])

    def away_all(self, gid: str) -> dict[str, float]:
        """Everyone on leave in the group (one Query; leave items expire with TTL)."""
        items = self.store.query_items(keys.group_pk(gid), prefix=keys.AWAY_PREFIX)
        return {item.sk.removeprefix(keys.AWAY_PREFIX): float(item.data.get("until", 0)) for item in items}

    # Departures ----------------------------------------------------------------------------------
    def claim_departure(self, gid: str, uid: str, change_id: str, *, now: float) -> bool:
        """True the first time this directory change is handled in this group."""
        item = Item(
            keys.group_pk(gid),
            keys.departure_sk(uid, change_id),
            {"at": now},
            expires_at=int(now) + DEPARTURE_MARKER_DAYS * DAY,
        )
        return self.store.put_item(item, if_absent=True)

    def open_transfer(
        self, gid: str, uid: str, user: str, departments: tuple[str, ...], *, now: float
    ) -> str:
        nonce = new_nonce()
        data = {"user": user, "nonce": nonce, "state": "open", "departments": list(departments), "at": now}
        self.store.put_item(Item(keys.group_pk(gid), keys.transfer_review_sk(uid), data))
        return nonce

    def decide_transfer(self, gid: str, uid: str, nonce: str, state: str, *, by: str, at: float) -> bool:
        pk, sk = keys.group_pk(gid), keys.transfer_review_sk(uid)
        changes = {"state": state, "by": by, "decided_at": at}
        return self.store.update_item(pk, sk, changes, expect={"state": "open", "nonce": nonce})

    def names_changed(self, uid: str, name: str | None, display_name: str | None, *, now: float) -> bool:
        """Whether a person's directory names differ from the last ones seen (and remember these)."""
        pk, sk = keys.directory_names_pk(uid), keys.DIRECTORY_NAMES_SK
        seen = self.store.get_item(pk, sk)
        current = {"name": name or "", "display_name": display_name or ""}
        if seen is not None and all(seen.data.get(key, "") == value for key, value in current.items()):
            return False
        self.store.put_item(Item(pk, sk, {**current, "at": now}))
        return True

    # Inactivity ----------------------------------------------------------------------------------
    def stages(self, gid: str) -> dict[str, Stage]:
        found: dict[str, Stage] = {}
        for item in self.store.query_items(keys.inactivity_pk(gid)):
            data = item.data
            found[item.sk.removeprefix(keys.MEMBER_SK_PREFIX)] = Stage(
                name=data["stage"], at=float(data["at"]), last_active=float(data["last_active"])
            )
        return found

    def stage(self, gid: str, uid: str) -> Stage | None:
        item = self.store.get_item(keys.inactivity_pk(gid), keys.inactivity_sk(uid))
        if item is None:
            return None
        return Stage(item.data["stage"], float(item.data["at"]), float(item.data["last_active"]))

    def set_stage(self, gid: str, uid: str, user: str, stage: Stage) -> None:
        data = {"user": user, "stage": stage.name, "at": stage.at, "last_active": stage.last_active}
        self.store.put_item(Item(keys.inactivity_pk(gid), keys.inactivity_sk(uid), data))

    def clear_stage(self, gid: str, uid: str) -> None:
        self.store.delete_item(keys.inactivity_pk(gid), keys.inactivity_sk(uid))

    # Due work and history ------------------------------------------------------------------------
    def due(self, gid: str, now: float) -> Iterator[Due]:
        """What falls due in the group by `now`, oldest first (one GSI2 Query)."""
        below = keys.iso(now + 1)
        for item in self.store.query_items(keys.membership_due_pk(gid), index="GSI2", below=below):
            kind, _, uid = item.sk.partition("#")
            at = float(item.data.get("due_at", 0.0) or 0.0)
            yield Due({"JOIN": "join", "NAME": "name", "ACK": "ack"}.get(kind, kind), uid, at, item)

    def history(
        self, gid: str, uid: str, user: str, what: str, *, at: float, by: str = "", detail: str = ""
    ) -> None:
        data = {"user": user, "what": what, "by": by or None, "detail": detail or None, "at": at}
        item = Item(
            keys.group_pk(gid),
            keys.membership_history_sk(uid, at, what),
            data,
            expires_at=int(at) + HISTORY_DAYS * DAY,
        )
        self.store.put_item(item)

    def history_of(self, gid: str, uid: str) -> list[dict[str, Any]]:
        return [
            item.data
            for item in self.store.query_items(keys.group_pk(gid), prefix=keys.membership_history_prefix(uid))
        ]


def request_of(gid: str, uid: str, item: Item) -> JoinRequest:
    data = item.data
    return JoinRequest(
        gid=gid,
        uid=uid,
        user=str(data.get("user", "")),
        nonce=str(data.get("nonce", "")),
        status=str(data.get("status", "pending")),
        standing=str(data.get("standing", "")),
        requested_at=float(data.get("requested_at", 0.0)),
        reminded=bool(data.get("reminded", False)),
        decided_by=str(data.get("decided_by") or ""),
    )


def name_of(gid: str, uid: str, item: Item) -> NameRecord:
    data = item.data
    return NameRecord(
        gid=gid,
        uid=uid,
        user=str(data.get("user", "")),
        shown=str(data.get("shown", "")),
        real=str(data.get("real", "")),
        why=str(data.get("why", "")),
        nudged_at=float(data.get("nudged_at", 0.0)),
        due_at=float(data.get("due_at", 0.0)),
        state=str(data.get("state", "nudged")),
    )
