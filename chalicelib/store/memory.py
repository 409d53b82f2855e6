"""`MemoryStore`: an in-memory fake of `DynamoStore` that passes the same contract suite.

It keeps the table's semantics rather than its bytes: the same keys order the same results (sort keys
from `keys`, so "inactive since" and "newest audit first" compare exactly as DynamoDB does), a claim or
an activity write is decided by the same condition, and items past `expires_at` are absent. One lock
makes each operation atomic, as a single DynamoDB request is. `usage` counts calls per operation like
`DynamoStore.usage`, with estimated units (1 per write attempt, 0.5 per 4 items read).
"""

from __future__ import annotations

import copy
import math
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any

from chalicelib.clock import Clock, SystemClock
from chalicelib.store import keys, summaries
from chalicelib.store.base import ACTIVITY_WRITE_INTERVAL, EVENT_CLAIM_TTL, Index, Store
from chalicelib.store.dynamodb import PACKED_PREFIX, RESERVED, Usage
from chalicelib.store.records import AuditRecord, GroupRecord, Increment, Item, MemberRecord

WRITE_UNITS = 1.0


def _read_units(items: int) -> float:
    """An eventually consistent read of small items: half a unit per 4 KB, taking an item as 1 KB."""
    return 0.5 * max(1, math.ceil(items / 4))


class MemoryStore(Store):
    def __init__(self, *, clock: Clock | None = None) -> None:
        """`clock` decides which items have expired on reads (the writes take their time as arguments)."""
        self.usage = Usage()
        self._clock: Clock = clock or SystemClock()
        self._lock = threading.RLock()
        self._claims: dict[str, float] = {}  # claim pk -> expires_at
        self._groups: dict[str, GroupRecord] = {}
        self._members: dict[tuple[str, str], MemberRecord] = {}
        self._counters: dict[tuple[str, str], tuple[int, float]] = {}  # -> (count, expires_at)
        self._audit: dict[str, dict[str, AuditRecord]] = {}  # gid -> audit sk -> record
        self._items: dict[tuple[str, str], Item] = {}

    # Exactly once --------------------------------------------------------------------------------
    def claim_event(self, platform: str, claim_key: str, now: float, ttl: int = EVENT_CLAIM_TTL) -> bool:
        pk = keys.event_claim_pk(platform, claim_key)
        with self._lock:
            self.usage.record("PutItem", write_units=WRITE_UNITS)
            expires_at = self._claims.get(pk)
            if expires_at is not None and not expires_at < now:
                return False
            self._claims[pk] = math.ceil(now + ttl)
            return True

    def release_event(self, platform: str, claim_key: str) -> None:
        """Drop a claim so that the platform's retry of the event is accepted (the queue refused it)."""
        with self._lock:
            self.usage.record("DeleteItem", write_units=WRITE_UNITS)
            self._claims.pop(keys.event_claim_pk(platform, claim_key), None)

    # Groups --------------------------------------------------------------------------------------
    def get_group(self, gid: str) -> GroupRecord | None:
        with self._lock:
            group = self._groups.get(gid)
            self.usage.record("GetItem", read_units=_read_units(1), items_read=int(group is not None))
            return group

    def put_group(self, group: GroupRecord) -> None:
        with self._lock:
            self.usage.record("PutItem", write_units=WRITE_UNITS)
            before = self._groups.get(group.gid)
            self._groups[group.gid] = group
            self.group_written(before, group)

    def groups_by_name(self, *, after: str = "", before: str = "", limit: int) -> list[GroupRecord]:
        if limit <= 0:
            return []
        with self._lock:
            ordered = sorted((keys.group_name_sk(g.name or g.chat, g.gid), g) for g in self._groups.values())
            if before:
                chosen = [g for sk, g in ordered if sk < before][-limit:]
            else:
                chosen = [g for sk, g in ordered if sk > after][:limit]
            self.usage.record("Query", read_units=_read_units(len(chosen)), items_read=len(chosen))
        return chosen

    def groups_named(self, prefix: str, *, after: str = "", limit: int) -> list[GroupRecord]:
        wanted = keys.name_prefix(prefix)
        if limit <= 0 or not wanted:
            return []
        after = keys.cursor_within(wanted, after)
        with self._lock:
            ordered = sorted((keys.group_name_sk(g.name or g.chat, g.gid), g) for g in self._groups.values())
            chosen = [g for sk, g in ordered if sk.startswith(wanted) and sk > after][:limit]
            self.usage.record("Query", read_units=_read_units(len(chosen)), items_read=len(chosen))
        return chosen

    def list_groups(self) -> Iterator[GroupRecord]:
        # The order of DynamoStore: shard by shard, by gid within a shard.
        with self._lock:
            groups = sorted(self._groups.values(), key=lambda g: (keys.group_shard(g.gid), g.gid))
            for shard in range(keys.GROUP_SHARDS):
                in_shard = sum(1 for g in groups if keys.group_shard(g.gid) == shard)
                self.usage.record("Query", read_units=_read_units(in_shard), items_read=in_shard)
        yield from groups

    # Members -------------------------------------------------------------------------------------
    def get_member(self, gid: str, uid: str) -> MemberRecord | None:
        with self._lock:
            member = self._members.get((gid, uid))
            self.usage.record("GetItem", read_units=_read_units(1), items_read=int(member is not None))
            return member

    def delete_member(self, gid: str, uid: str) -> None:
        with self._lock:
            self.usage.record("DeleteItem", write_units=WRITE_UNITS)
            old = self._members.pop((gid, uid), None)
            if old is not None:
                self.count_members(gid, -summaries.counted(old.role))

    def put_member(self, member: MemberRecord) -> None:
        with self._lock:
            self.usage.record("PutItem", write_units=WRITE_UNITS)
            old = self._members.get((member.gid, member.uid))
            self._members[(member.gid, member.uid)] = member
            delta = summaries.counted(member.role) - summaries.counted(summaries.member_role(old))
            self.count_members(member.gid, delta, member.last_active)

    def write_activity(
        self, gid: str, uid: str, user: str, at: float, *, min_interval: int = ACTIVITY_WRITE_INTERVAL
    ) -> tuple[bool, bool]:
        with self._lock:
            self.usage.record("UpdateItem", write_units=WRITE_UNITS)
            member = self._members.get((gid, uid))
            if member is None:
                self._members[(gid, uid)] = MemberRecord(gid=gid, uid=uid, user=user, last_active=at)
                return True, True
            if member.last_active is not None and not member.last_active <= at - min_interval:
                return False, False
            self._members[(gid, uid)] = replace(member, last_active=at)
            return True, False

    def groups_of_member(self, uid: str) -> list[str]:
        with self._lock:
            found = sorted(gid for gid, member_uid in self._members if member_uid == uid)
            self.usage.record("Query", read_units=_read_units(len(found)), items_read=len(found))
        return found

    def members_of(self, gid: str) -> Iterator[MemberRecord]:
        with self._lock:
            found = [m for (member_gid, uid), m in sorted(self._members.items()) if member_gid == gid]
            self.usage.record("Query", read_units=_read_units(len(found)), items_read=len(found))
        yield from found

    def members_active_recently(self, gid: str, limit: int) -> list[MemberRecord]:
        with self._lock:
            indexed = [
                (keys.activity_index_sk(member.last_active, member.uid), member)
                for (member_gid, _), member in self._members.items()
                if member_gid == gid and member.last_active is not None
            ]
            newest = [member for _, member in sorted(indexed, key=lambda pair: pair[0], reverse=True)][:limit]
            self.usage.record("Query", read_units=_read_units(len(newest)), items_read=len(newest))
        return newest

    def members_inactive_since(self, gid: str, cutoff: float) -> Iterator[MemberRecord]:
        # The GSI1 comparison, on the same strings: second-resolution keys, not raw floats.
        cutoff_key = keys.iso(cutoff)
        with self._lock:
            indexed = [
                (keys.activity_index_sk(member.last_active, member.uid), member)
                for (member_gid, _), member in self._members.items()
                if member_gid == gid and member.last_active is not None
            ]
            inactive = [
                member
                for index_key, member in sorted(indexed, key=lambda pair: pair[0])
                if index_key < cutoff_key
            ]
            self.usage.record("Query", read_units=_read_units(len(inactive)), items_read=len(inactive))
        yield from inactive

    # Counters ------------------------------------------------------------------------------------
    def hit_counter(self, pk: str, sk: str, expires_at: int) -> int:
        now = self._clock.now()
        with self._lock:
            self.usage.record("UpdateItem", write_units=WRITE_UNITS)
            count, stored_expiry = self._counters.get((pk, sk), (0, math.inf))
            if stored_expiry < now:  # expired, not yet deleted by TTL: absent
                count = 0
            self._counters[(pk, sk)] = (count + 1, expires_at)
            return count + 1

    def bump_counters(
        self,
        pk: str,
        sk: str,
        add: Mapping[str, int],
        put: Mapping[str, Any],
        expires_at: int,
        *,
        old: bool = True,
    ) -> Mapping[str, Any]:
        _check({**add, **put})
        with self._lock:
            self.usage.record("UpdateItem", write_units=WRITE_UNITS)
            item = self._live(self._items.get((pk, sk))) or Item(pk, sk)
            before = copy.deepcopy(dict(item.data)) if old else {}
            data = dict(item.data)
            for name, amount in add.items():
                data[name] = data.get(name, 0) + amount
            data.update(copy.deepcopy(dict(put)))
            self._items[(pk, sk)] = replace(item, data=data, expires_at=expires_at)
            return before

    def update_member(self, gid: str, uid: str, user: str, changes: Mapping[str, Any]) -> None:
        known = set(MemberRecord.__dataclass_fields__)
        unknown = set(changes) - known
        if unknown:
            from chalicelib.errors import StoreError

            raise StoreError(f"members have no field {sorted(unknown)[0]!r}")
        with self._lock:
            self.usage.record("UpdateItem", write_units=WRITE_UNITS)
            member = self._members.get((gid, uid)) or MemberRecord(gid=gid, uid=uid, user=user)
            defaults: dict[str, Any] = {
                name: MemberRecord.__dataclass_fields__[name].default for name in changes
            }
            values: dict[str, Any] = {
                name: (defaults[name] if value is None else value) for name, value in changes.items()
            }
            old = self._members.get((gid, uid))
            self._members[(gid, uid)] = replace(member, **values)
            delta = summaries.counted(self._members[(gid, uid)].role) - summaries.counted(
                summaries.member_role(old)
            )
            self.count_members(gid, delta)

    # Audit ---------------------------------------------------------------------------------------
    def append_audit(self, record: AuditRecord) -> None:
        stored = replace(record, detail=copy.deepcopy(record.detail))
        with self._lock:
            self.usage.record("PutItem", write_units=WRITE_UNITS)
            self._audit.setdefault(record.gid, {})[keys.audit_sk(record.at, record.audit_id)] = stored

    def list_audit(self, gid: str, limit: int = 50) -> list[AuditRecord]:
        if limit <= 0:
            return []
        now = self._clock.now()
        with self._lock:
            by_key = self._audit.get(gid, {})
            newest_first = [by_key[sk] for sk in sorted(by_key, reverse=True)]
            live = [r for r in newest_first if r.expires_at is None or r.expires_at >= now][:limit]
            self.usage.record("Query", read_units=_read_units(len(live)), items_read=len(live))
        return [replace(r, detail=copy.deepcopy(r.detail)) for r in live]

    # Generic items -------------------------------------------------------------------------------
    def _live(self, item: Item | None) -> Item | None:
        if item is None or (item.expires_at is not None and item.expires_at < self._clock.now()):
            return None
        return item

    def put_item(self, item: Item, *, if_absent: bool = False) -> bool:
        _check(item.data)
        with self._lock:
            self.usage.record("PutItem", write_units=WRITE_UNITS)
            if if_absent and self._live(self._items.get((item.pk, item.sk))) is not None:
                return False
            self._items[(item.pk, item.sk)] = _copy(item)
            return True

    def get_item(self, pk: str, sk: str) -> Item | None:
        with self._lock:
            self.usage.record("GetItem", read_units=_read_units(1), items_read=1)
            item = self._live(self._items.get((pk, sk)))
            return None if item is None else _copy(item)

    def delete_item(self, pk: str, sk: str) -> None:
        with self._lock:
            self.usage.record("DeleteItem", write_units=WRITE_UNITS)
            self._items.pop((pk, sk), None)

    def pop_item(self, pk: str, sk: str) -> Item | None:
        with self._lock:
            self.usage.record("DeleteItem", write_units=WRITE_UNITS)
            return self._live(self._items.pop((pk, sk), None))

    def add_to_item(
        self, pk: str, sk: str, add: Mapping[str, int], put: Mapping[str, Any], *, newer: str | None = None
    ) -> bool:
        if not add and not put:
            return True
        _check({**add, **put})
        if newer is not None and newer not in put:
            from chalicelib.errors import StoreError

            raise StoreError(f"add_to_item: {newer!r} is not among the attributes put")
        with self._lock:
            self.usage.record("UpdateItem", write_units=WRITE_UNITS)
            item = self._live(self._items.get((pk, sk))) or Item(pk, sk)
            if newer is not None and newer in item.data and not item.data[newer] < put[newer]:
                return False
            data = dict(item.data)
            for name, amount in add.items():
                data[name] = data.get(name, 0) + amount
            data.update(copy.deepcopy(dict(put)))
            self._items[(pk, sk)] = replace(item, data=data, expires_at=None)
            return True

    def update_item(
        self, pk: str, sk: str, changes: Mapping[str, Any], *, expect: Mapping[str, Any] | None = None
    ) -> bool:
        _check(changes)
        with self._lock:
            self.usage.record("UpdateItem", write_units=WRITE_UNITS)
            item = self._live(self._items.get((pk, sk)))
            if item is None or any(item.data.get(name) != value for name, value in (expect or {}).items()):
                return False
            data = {**item.data, **copy.deepcopy(dict(changes))}
            self._items[(pk, sk)] = replace(item, data={k: v for k, v in data.items() if v is not None})
            return True

    def query_items(
        self,
        pk: str,
        *,
        prefix: str = "",
        below: str | None = None,
        index: Index | None = None,
        newest_first: bool = False,
        limit: int | None = None,
    ) -> Iterator[Item]:
        def keys_of(item: Item) -> tuple[str, str] | None:
            if index == "GSI1":
                return item.gsi1
            if index == "GSI2":
                return item.gsi2
            return (item.pk, item.sk)

        with self._lock:
            found = []
            for item in self._items.values():
                pair = keys_of(item)
                if pair is None or pair[0] != pk or not pair[1].startswith(prefix):
                    continue
                if below is not None and not pair[1] < below:
                    continue
                if self._live(item) is not None:
                    found.append((pair[1], _copy(item)))
            found.sort(key=lambda entry: entry[0], reverse=newest_first)
            chosen = [item for _, item in found][: limit if limit is not None else None]
            self.usage.record("Query", read_units=_read_units(len(chosen)), items_read=len(chosen))
        yield from chosen

    def scan_items(self, pk_prefix: str) -> Iterator[Item]:
        with self._lock:
            found = [
                _copy(item)
                for item in self._items.values()
                if item.pk.startswith(pk_prefix) and self._live(item) is not None
            ]
            scanned = len(self._items)
            self.usage.record("Scan", read_units=_read_units(scanned), items_read=scanned)
        yield from found

    def transact_write(self, puts: Sequence[Item] = (), increments: Sequence[Increment] = ()) -> None:
        for item in puts:
            _check(item.data)
        for inc in increments:
            _check({inc.attribute: 0, **inc.also})
        with self._lock:
            self.usage.record(
                "TransactWriteItems", write_units=2 * WRITE_UNITS * (len(puts) + len(increments))
            )
            for item in puts:
                self._items[(item.pk, item.sk)] = _copy(item)
            for inc in increments:
                if self._increment_member(inc):
                    continue
                current = self._live(self._items.get((inc.pk, inc.sk))) or Item(inc.pk, inc.sk)
                data = dict(current.data)
                data[inc.attribute] = data.get(inc.attribute, 0) + inc.amount
                data.update(copy.deepcopy(inc.also))
                self._items[(inc.pk, inc.sk)] = replace(current, data=data)

    def _increment_member(self, inc: Increment) -> bool:
        """Members live as records here, not as items: an increment on a member's key (points) changes
        the record, as the same UpdateItem changes the member item in DynamoDB."""
        if not (inc.pk.startswith("GRP#") and inc.sk.startswith("MEM#")):
            return False
        gid, uid = inc.pk.removeprefix("GRP#"), inc.sk.removeprefix("MEM#")
        member = self._members.get((gid, uid)) or MemberRecord(gid=gid, uid=uid, user=uid.rsplit(":", 1)[-1])
        known = set(MemberRecord.__dataclass_fields__)
        changes = {k: v for k, v in inc.also.items() if k in known}
        if inc.attribute in known:
            changes[inc.attribute] = float(getattr(member, inc.attribute) or 0) + inc.amount
        self._members[(gid, uid)] = replace(member, **changes)
        return True


def _check(data: Mapping[str, Any]) -> None:
    clash = RESERVED.intersection(data) or {name for name in data if name[:1] == PACKED_PREFIX}
    if clash:
        from chalicelib.errors import StoreError

        raise StoreError(f"attribute {sorted(clash)[0]!r} is the table's own")


def _copy(item: Item) -> Item:
    return replace(item, data=copy.deepcopy(item.data))
