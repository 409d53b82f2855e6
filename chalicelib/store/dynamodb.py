"""`DynamoStore`: the `Store` on one DynamoDB table (DESIGN.md section 4), through the low-level client.

- The boto3 client is built on first use, never at import or construction, with standard-mode retries
  (throttling is retried up to 6 attempts) and short timeouts. boto3 picks up `AWS_ENDPOINT_URL_DYNAMODB`
  by itself; `endpoint_url` or an injected `client` override it.
- Every write that must happen once is one conditional request with named clauses, as in powertools'
  idempotency store: the condition decides, no read comes first. A refused condition is an answer
  (False), any other failure is a `StoreError` carrying the operation and error code, never item contents.
- TTL deletes late (up to days), so every read treats an item past `expires_at` as absent, and the
  conditions that create items accept an expired item as if it were absent.
- Numbers go to DynamoDB as N (floats through their shortest repr, so they come back equal) and come back
  as float or int, never Decimal.
- A write that adds to many counters of one item at once (`bump_counters` with more than `PACKED_ABOVE`
  additions: a page's sums, `chalicelib.worker.page_store`) stores them as one attribute, `~{token}`, a
  JSON object of the additions, instead of one ADD per counter: what botocore serialises, signs and
  sends is one string, not thousands of attribute values, and the write is one request, not one per 150
  counters (an expression's 4 KB). Each write's token is new (and a retried request sends the same
  one), so packed additions commute as ADDs do, with no read and no condition; every read adds them to
  the item's plain attributes of the same names, so readers see the item as if each had been ADDed.
  A `put` sets the plain attribute only: no caller puts a name it adds to in bulk except the slow-mode
  stamps, which are scaled so that the messages added never reach them (`chalicelib.moderation.
  exchanges`).
- `usage` adds up what each call cost as DynamoDB reports it (`ReturnConsumedCapacity="TOTAL"`), the calls
  per operation and the items reads examined (`ScannedCount`); the cost tests and benchmarks read it.
"""

from __future__ import annotations

import json
import math
import secrets
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from chalicelib.clock import Clock, SystemClock
from chalicelib.errors import StoreError
from chalicelib.store import keys, summaries
from chalicelib.store.base import ACTIVITY_WRITE_INTERVAL, EVENT_CLAIM_TTL, Index, Store
from chalicelib.store.records import AuditRecord, GroupRecord, Increment, Item, MemberRecord
from chalicelib.store.table import TTL_ATTRIBUTE

CONDITION_FAILED = "ConditionalCheckFailedException"
READ_OPERATIONS = frozenset({"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"})
# DynamoDB charges a refused conditional write (at least one write unit) but reports no capacity with
# the error, so the estimate below is counted instead.
REFUSED_WRITE_UNITS = 1.0
# A counter restarted by another caller between our two attempts sends us round again; past this many
# rounds something is wrong (a clock far behind the writers'), and it is an error, not a loop.
COUNTER_ATTEMPTS = 5

_CLIENT_METHODS = {
    "GetItem": "get_item",
    "PutItem": "put_item",
    "UpdateItem": "update_item",
    "DeleteItem": "delete_item",
    "Query": "query",
    "Scan": "scan",
    "TransactWriteItems": "transact_write_items",
    "BatchGetItem": "batch_get_item",
    "BatchWriteItem": "batch_write_item",
}
# Operations that name their table inside the request (RequestItems, TransactItems), not as TableName.
_MULTI_TABLE = frozenset({"TransactWriteItems", "BatchGetItem", "BatchWriteItem"})
BATCH_GET_KEYS = 100  # BatchGetItem: at most 100 keys a request
# `claim_items`: a partition asked for this many keys is read with one Query, never more requests than
# BatchGetItem would take for them.
QUERY_KEYS_FROM = BATCH_GET_KEYS
QUERY_READS_PER_KEY = 2  # ... and reads at most this many items per key asked, the rest asked by key
BATCH_WRITE_ITEMS = 25  # BatchWriteItem: at most 25 puts a request
BATCH_ATTEMPTS = 5  # unprocessed keys or items are sent again, with back-off, this many times
PARALLEL_QUERIES = 8  # `query_partitions`: at most this many Queries at once (the shards of an index)
# Attribute names the table itself uses; a generic item's data may not take them.
RESERVED = frozenset({"PK", "SK", "GSI1PK", "GSI1SK", "GSI2PK", "GSI2SK", TTL_ATTRIBUTE})
# `bump_counters`: more additions than this in one write go as one packed attribute (module docstring);
# one message's own write (a handful of counters) stays one ADD per counter.
PACKED_ABOVE = 8
PACKED_PREFIX = "~"  # the packed attributes' names; no caller's attribute may start with it


def client_config() -> Any:
    """The DynamoDB client's configuration: standard retries, short timeouts, and two costs per request
    removed, each measured on a page of 1 000 archived messages (bench/archive.py):

    - no client-side parameter validation, which cost more CPU than the rest of building a request.
      Every request is built in this module; a malformed one is still refused, by DynamoDB, as a
      ValidationException;
    - a fixed User-Agent. botocore rebuilds and sanitises its default one, character by character, for
      every request (its feature metadata), a quarter of a small request's CPU; `user_agent` is
      botocore's documented override, and the string keeps botocore's version for AWS support."""
    import botocore  # type: ignore[import-untyped, unused-ignore]
    from botocore.config import Config  # type: ignore[import-untyped, unused-ignore]

    return Config(
        retries={"mode": "standard", "max_attempts": 6},
        connect_timeout=2,
        read_timeout=5,
        parameter_validation=False,
        user_agent=f"qunguan Botocore/{botocore.__version__}",
    )


@dataclass
class Usage:
    """What a store asked of its table: capacity units, calls per operation, items examined by reads.

    Units are what DynamoDB reported (plus `REFUSED_WRITE_UNITS` for each refused conditional write);
    `MemoryStore` fills the same fields with estimates. Safe to update from many threads."""

    read_units: float = 0.0
    write_units: float = 0.0
    items_read: int = 0
    calls: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def record(
        self, operation: str, *, read_units: float = 0.0, write_units: float = 0.0, items_read: int = 0
    ) -> None:
        with self._lock:
            self.calls[operation] += 1
            self.read_units += read_units
            self.write_units += write_units
            self.items_read += items_read

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())

    def reset(self) -> None:
        with self._lock:
            self.read_units = 0.0
            self.write_units = 0.0
            self.items_read = 0
            self.calls.clear()

    def snapshot(self) -> Usage:
        """A copy that later calls do not change."""
        with self._lock:
            return Usage(self.read_units, self.write_units, self.items_read, Counter(self.calls))


class _ConditionFailed(Exception):
    """The write's condition was false: an expected answer, turned into False by the caller."""


class DynamoStore(Store):
    def __init__(
        self,
        table_name: str,
        *,
        client: Any | None = None,
        endpoint_url: str | None = None,
        clock: Clock | None = None,
        page_size: int | None = None,
    ) -> None:
        """`clock` decides which items have expired on reads (the writes take their time as arguments);
        `page_size` caps the items per Query page (tests use it to cross page boundaries)."""
        self.table_name = table_name
        self.usage = Usage()
        self._client = client
        self._endpoint_url = endpoint_url
        self._clock: Clock = clock or SystemClock()
        self._page_size = page_size
        self._client_lock = threading.Lock()
        self._codec: _Codec | None = None

    # Exactly once --------------------------------------------------------------------------------
    def claim_event(self, platform: str, claim_key: str, now: float, ttl: int = EVENT_CLAIM_TTL) -> bool:
        item = {
            "PK": keys.event_claim_pk(platform, claim_key),
            "SK": keys.EVENT_CLAIM_SK,
            TTL_ATTRIBUTE: math.ceil(now + ttl),
        }
        try:
            self._call(
                "PutItem",
                Item=self._codec_().serialize_item(item),
                # Absent, or claimed so long ago that the claim expired and TTL has not yet deleted it.
                ConditionExpression="attribute_not_exists(PK) OR #expires_at < :now",
                ExpressionAttributeNames={"#expires_at": TTL_ATTRIBUTE},
                ExpressionAttributeValues=self._codec_().serialize_values({":now": now}),
            )
        except _ConditionFailed:
            return False
        return True

    def release_event(self, platform: str, claim_key: str) -> None:
        """Drop a claim so that the platform's retry of the event is accepted (the queue refused it)."""
        self._call("DeleteItem", Key=self._key(keys.event_claim_pk(platform, claim_key), keys.EVENT_CLAIM_SK))

    # Groups --------------------------------------------------------------------------------------
    def get_group(self, gid: str) -> GroupRecord | None:
        item = self._get(keys.group_pk(gid), keys.META)
        return None if item is None else _group_record(item)

    def put_group(self, group: GroupRecord) -> None:
        answer = self._call(
            "PutItem",
            Item=self._codec_().serialize_item(_group_item(group)),
            ReturnValues="ALL_OLD",  # free: what the summaries need to know changed
        )
        old = answer.get("Attributes")
        self.group_written(_group_record(self._codec_().deserialize_item(old)) if old else None, group)

    def get_groups(self, gids: Sequence[str]) -> dict[str, GroupRecord]:
        wanted = [(keys.group_pk(gid), keys.META) for gid in dict.fromkeys(gids)]
        return {group.gid: group for group in map(_group_record, self._batch_get(wanted))}

    def groups_by_name(self, *, after: str = "", before: str = "", limit: int) -> list[GroupRecord]:
        if limit <= 0:
            return []
        values: dict[str, Any] = {":pk": keys.GROUPS_BY_NAME_PK}
        request: dict[str, Any] = {"IndexName": "GSI1", "Limit": min(limit, self._page_size or limit)}
        if before:
            values[":before"] = before
            request["KeyConditionExpression"] = "GSI1PK = :pk AND GSI1SK < :before"
            request["ScanIndexForward"] = False
        elif after:
            values[":after"] = after
            request["KeyConditionExpression"] = "GSI1PK = :pk AND GSI1SK > :after"
        else:
            request["KeyConditionExpression"] = "GSI1PK = :pk"
        found: list[GroupRecord] = []
        for item in self._query(values, **request):
            found.append(_group_record(item))
            if len(found) == limit:
                break
        return found[::-1] if before else found

    def groups_named(self, prefix: str, *, after: str = "", limit: int) -> list[GroupRecord]:
        wanted = keys.name_prefix(prefix)
        if limit <= 0 or not wanted:
            return []
        request: dict[str, Any] = {
            "IndexName": "GSI1",
            "Limit": min(limit, self._page_size or limit),
            "KeyConditionExpression": "GSI1PK = :pk AND begins_with(GSI1SK, :prefix)",
        }
        after = keys.cursor_within(wanted, after)
        if after:  # a key of the index: its own, and the table's (the gid ends the sort key)
            gid = after.rsplit("#", 1)[1]
            request["ExclusiveStartKey"] = {
                "GSI1PK": {"S": keys.GROUPS_BY_NAME_PK},
                "GSI1SK": {"S": after},
                "PK": {"S": keys.group_pk(gid)},
                "SK": {"S": keys.META},
            }
        found: list[GroupRecord] = []
        for item in self._query({":pk": keys.GROUPS_BY_NAME_PK, ":prefix": wanted}, **request):
            found.append(_group_record(item))
            if len(found) == limit:
                break
        return found

    def list_groups(self) -> Iterator[GroupRecord]:
        for shard in range(keys.GROUP_SHARDS):
            for item in self._query(
                {":pk": keys.groups_index_pk(shard)},
                IndexName="GSI2",
                KeyConditionExpression="GSI2PK = :pk",
            ):
                yield _group_record(item)

    # Members -------------------------------------------------------------------------------------
    def get_member(self, gid: str, uid: str) -> MemberRecord | None:
        item = self._get(keys.group_pk(gid), keys.member_sk(uid))
        return None if item is None else _member_record(item)

    def get_members(self, gid: str, uids: Sequence[str]) -> dict[str, MemberRecord]:
        wanted = [(keys.group_pk(gid), keys.member_sk(uid)) for uid in dict.fromkeys(uids)]
        found: dict[str, MemberRecord] = {}
        for item in self._batch_get(wanted):
            member = _member_record(item)
            found[member.uid] = member
        return found

    def get_members_in(self, pairs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], MemberRecord]:
        wanted = [(keys.group_pk(gid), keys.member_sk(uid)) for gid, uid in dict.fromkeys(pairs)]
        return {(m.gid, m.uid): m for m in map(_member_record, self._batch_get(wanted))}

    def put_member(self, member: MemberRecord) -> None:
        answer = self._call(
            "PutItem", Item=self._codec_().serialize_item(_member_item(member)), ReturnValues="ALL_OLD"
        )
        old = answer.get("Attributes")
        was = None if not old else str(old.get("role", {}).get("S", "member"))
        self._put_membership(member.gid, member.uid)
        self.count_members(
            member.gid, summaries.counted(member.role) - summaries.counted(was), member.last_active
        )

    def delete_member(self, gid: str, uid: str) -> None:
        answer = self._call(
            "DeleteItem", Key=self._key(keys.group_pk(gid), keys.member_sk(uid)), ReturnValues="ALL_OLD"
        )
        old = answer.get("Attributes")
        if old:
            self.count_members(gid, -summaries.counted(str(old.get("role", {}).get("S", "member"))))

    def write_activity(
        self, gid: str, uid: str, user: str, at: float, *, min_interval: int = ACTIVITY_WRITE_INTERVAL
    ) -> tuple[bool, bool]:
        values = {
            ":at": at,
            ":cutoff": at - min_interval,
            ":index_pk": keys.activity_index_pk(gid),
            ":index_sk": keys.activity_index_sk(at, uid),
            ":user": user,
            ":gid": gid,
            ":uid": uid,
        }
        try:
            answer = self._call(
                "UpdateItem",
                Key=self._key(keys.group_pk(gid), keys.member_sk(uid)),
                UpdateExpression=(
                    "SET #last_active = :at, GSI1PK = :index_pk, GSI1SK = :index_sk,"
                    " #user = if_not_exists(#user, :user), #gid = if_not_exists(#gid, :gid),"
                    " #uid = if_not_exists(#uid, :uid)"
                ),
                # A new member, or one whose stored activity is at least `min_interval` old (base.py:
                # "unless the stored value is less than min_interval seconds older").
                ConditionExpression="attribute_not_exists(#last_active) OR #last_active <= :cutoff",
                ExpressionAttributeNames={
                    "#last_active": "last_active",
                    "#user": "user",
                    "#gid": "gid",
                    "#uid": "uid",
                },
                ExpressionAttributeValues=self._codec_().serialize_values(values),
                ReturnValues="ALL_OLD",  # free: a write's answer costs no read capacity
            )
        except _ConditionFailed:
            return False, False
        created = not answer.get("Attributes")
        if created:  # the member was created: note the person's group
            self._put_membership(gid, uid)
        return True, created

    def _put_membership(self, gid: str, uid: str) -> None:
        """The pointer from a person to a group they are a member of (`groups_of_member`), written once
        when the member item is created: a separate item, so that the member's frequent writes (activity,
        points) cost no second index write."""
        self._put({"PK": keys.member_groups_pk(uid), "SK": gid, "gid": gid})

    def groups_of_member(self, uid: str) -> list[str]:
        return [
            str(item["SK"])
            for item in self._query({":pk": keys.member_groups_pk(uid)}, KeyConditionExpression="PK = :pk")
        ]

    def members_of(self, gid: str) -> Iterator[MemberRecord]:
        for item in self._query(
            {":pk": keys.group_pk(gid), ":prefix": keys.MEMBER_SK_PREFIX},
            KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
        ):
            yield _member_record(item)

    def members_active_recently(self, gid: str, limit: int) -> list[MemberRecord]:
        found: list[MemberRecord] = []
        if limit <= 0:
            return found
        for item in self._query(
            {":pk": keys.activity_index_pk(gid)},
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk",
            ScanIndexForward=False,
            Limit=min(limit, self._page_size or limit),
        ):
            found.append(_member_record(item))
            if len(found) == limit:
                break
        return found

    def members_inactive_since(self, gid: str, cutoff: float) -> Iterator[MemberRecord]:
        for item in self._query(
            {":pk": keys.activity_index_pk(gid), ":cutoff_key": keys.iso(cutoff)},
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk AND GSI1SK < :cutoff_key",
        ):
            yield _member_record(item)

    # Counters ------------------------------------------------------------------------------------
    def hit_counter(self, pk: str, sk: str, expires_at: int) -> int:
        key = self._key(pk, sk)
        names = {"#count": "count", "#expires_at": TTL_ATTRIBUTE}
        values = self._codec_().serialize_values({":one": 1, ":exp": expires_at, ":now": self._clock.now()})
        for _ in range(COUNTER_ATTEMPTS):
            try:
                response = self._call(
                    "UpdateItem",
                    Key=key,
                    UpdateExpression="ADD #count :one SET #expires_at = :exp",
                    ConditionExpression="attribute_not_exists(#expires_at) OR #expires_at >= :now",
                    ExpressionAttributeNames=names,
                    ExpressionAttributeValues=values,
                    ReturnValues="UPDATED_NEW",
                )
                return int(response["Attributes"]["count"]["N"])
            except _ConditionFailed:
                pass
            # The counter expired and TTL has not deleted it yet: it counts as absent, so start again.
            try:
                self._call(
                    "UpdateItem",
                    Key=key,
                    UpdateExpression="SET #count = :one, #expires_at = :exp",
                    ConditionExpression="#expires_at < :now",
                    ExpressionAttributeNames=names,
                    ExpressionAttributeValues=values,
                )
                return 1
            except _ConditionFailed:
                continue  # another caller restarted it first: add to theirs
        raise StoreError(f"DynamoDB UpdateItem failed: counter did not settle in {COUNTER_ATTEMPTS} rounds")

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
        # The sort key names a time bucket and `expires_at` lies past its end, so an expired item is a
        # past bucket that is never written again: no condition is needed.
        names: dict[str, str] = {"#expires_at": TTL_ATTRIBUTE}
        values: dict[str, Any] = {":exp": expires_at}
        adds, sets = [], ["#expires_at = :exp"]
        if len(add) > PACKED_ABOVE:
            for name in add:
                _check_attribute(name)
            names["#packed"] = PACKED_PREFIX + secrets.token_hex(8)
            values[":packed"] = json.dumps(add, separators=(",", ":"), ensure_ascii=False)
            sets.append("#packed = :packed")
            add = {}
        for n, (name, amount) in enumerate(add.items()):
            _check_attribute(name)
            names[f"#a{n}"], values[f":a{n}"] = name, amount
            adds.append(f"#a{n} :a{n}")
        for n, (name, value) in enumerate(put.items()):
            _check_attribute(name)
            names[f"#p{n}"], values[f":p{n}"] = name, value
            sets.append(f"#p{n} = :p{n}")
        expression = f"SET {', '.join(sets)}" + (f" ADD {', '.join(adds)}" if adds else "")
        response = self._call(
            "UpdateItem",
            Key=self._key(pk, sk),
            UpdateExpression=expression,
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=self._codec_().serialize_values(values),
            # The whole item: counters of earlier slices too (no extra capacity, only parsing).
            ReturnValues="ALL_OLD" if old else "NONE",
        )
        before = self._codec_().deserialize_item(response.get("Attributes", {}))
        for key in (TTL_ATTRIBUTE, *self._key(pk, sk)):
            before.pop(key, None)
        return before

    def update_member(self, gid: str, uid: str, user: str, changes: Mapping[str, Any]) -> None:
        names = {"#gid": "gid", "#uid": "uid", "#user": "user"}
        values: dict[str, Any] = {
            ":gid": gid,
            ":uid": uid,
            ":user": user,
            ":member_of": keys.member_groups_pk(uid),
        }
        sets = [
            "GSI2PK = :member_of",
            "GSI2SK = :gid",
            "#gid = if_not_exists(#gid, :gid)",
            "#uid = if_not_exists(#uid, :uid)",
            "#user = if_not_exists(#user, :user)",
        ]
        removes = []
        for n, (name, value) in enumerate(changes.items()):
            _check_attribute(name)
            names[f"#c{n}"] = name
            if value is None:
                removes.append(f"#c{n}")
            else:
                values[f":c{n}"] = list(value) if isinstance(value, tuple) else value
                sets.append(f"#c{n} = :c{n}")
        expression = f"SET {', '.join(sets)}" + (f" REMOVE {', '.join(removes)}" if removes else "")
        answer = self._call(
            "UpdateItem",
            Key=self._key(keys.group_pk(gid), keys.member_sk(uid)),
            UpdateExpression=expression,
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=self._codec_().serialize_values(values),
            ReturnValues="ALL_OLD",
        )
        old = answer.get("Attributes")
        if not old:  # created here
            self._put_membership(gid, uid)
        was = None if not old else str(old.get("role", {}).get("S", "member"))
        role = str(changes.get("role") or "member") if "role" in changes else (was or "member")
        self.count_members(gid, summaries.counted(role) - summaries.counted(was))

    # Audit ---------------------------------------------------------------------------------------
    def append_audit(self, record: AuditRecord) -> None:
        self._put(_audit_item(record))

    def list_audit(self, gid: str, limit: int = 50) -> list[AuditRecord]:
        records: list[AuditRecord] = []
        if limit <= 0:
            return records
        for item in self._query(
            {":pk": keys.group_pk(gid), ":prefix": keys.AUDIT_SK_PREFIX},
            KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
            ScanIndexForward=False,
            Limit=min(limit, self._page_size or limit),
        ):
            records.append(_audit_record(item))
            if len(records) == limit:
                break
        return records

    # Generic items -------------------------------------------------------------------------------
    def put_item(self, item: Item, *, if_absent: bool = False) -> bool:
        request: dict[str, Any] = {"Item": self._codec_().serialize_item(_raw_item(item))}
        if if_absent:
            request["ConditionExpression"] = "attribute_not_exists(PK) OR #expires_at < :now"
            request["ExpressionAttributeNames"] = {"#expires_at": TTL_ATTRIBUTE}
            request["ExpressionAttributeValues"] = self._codec_().serialize_values(
                {":now": self._clock.now()}
            )
        try:
            self._call("PutItem", **request)
        except _ConditionFailed:
            return False
        return True

    def claim_items(self, items: Sequence[Item]) -> list[bool]:
        """Which keys hold a live item (`_live_keys`); the absent ones written with BatchWriteItem, 25 a
        request (neither takes a condition, hence one writer per key at a time)."""
        codec = self._codec_()
        unique = list({(item.pk, item.sk): item for item in items}.values())
        live = self._live_keys([(item.pk, item.sk) for item in unique])
        fresh = [item for item in unique if (item.pk, item.sk) not in live]
        for start in range(0, len(fresh), BATCH_WRITE_ITEMS):
            writes: dict[str, Any] = {
                self.table_name: [
                    {"PutRequest": {"Item": codec.serialize_item(_raw_item(item))}}
                    for item in fresh[start : start + BATCH_WRITE_ITEMS]
                ]
            }
            for attempt in range(BATCH_ATTEMPTS):
                writes = self._call("BatchWriteItem", RequestItems=writes).get("UnprocessedItems") or {}
                if not writes:
                    break
                time.sleep(0.05 * 2**attempt)
            if writes:
                raise StoreError("DynamoDB BatchWriteItem left items unprocessed")
        written = {(item.pk, item.sk) for item in fresh}
        claimed: list[bool] = []
        for item in items:  # a key given twice is claimed by its first occurrence only
            key = (item.pk, item.sk)
            claimed.append(key in written)
            written.discard(key)
        return claimed

    def _live_keys(self, wanted: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which of the keys hold a live item. A partition asked for `QUERY_KEYS_FROM` keys or more (a
        page's messages of one group and day: the message log's keys, in time order) is read with one
        Query of the range of sort keys between the least and the greatest of them, keys and expiry
        only: one request where BatchGetItem takes one per 100 keys, billed by the size of the items
        read rather than half a unit per key. The Query reads at most `QUERY_READS_PER_KEY` items per
        key asked (a range stretched by a late message holds others' items): the keys past where it
        stopped, and those of smaller partitions, are asked with BatchGetItem."""
        by_partition: dict[str, list[str]] = {}
        for pk, sk in wanted:
            by_partition.setdefault(pk, []).append(sk)
        codec = self._codec_()
        live: set[tuple[str, str]] = set()
        by_key: list[tuple[str, str]] = []
        for pk, sks in by_partition.items():
            if len(sks) < QUERY_KEYS_FROM:
                by_key += [(pk, sk) for sk in sks]
                continue
            asked = set(sks)
            response = self._call(
                "Query",
                KeyConditionExpression="PK = :pk AND SK BETWEEN :low AND :high",
                ProjectionExpression="SK, #expires_at",
                ExpressionAttributeNames={"#expires_at": TTL_ATTRIBUTE},
                ExpressionAttributeValues=codec.serialize_values(
                    {":pk": pk, ":low": min(sks), ":high": max(sks)}
                ),
                Limit=len(sks) * QUERY_READS_PER_KEY,
            )
            for raw in response.get("Items", []):
                found = codec.deserialize_item(raw)
                if found["SK"] in asked and self._alive(found):
                    live.add((pk, str(found["SK"])))
            stopped = response.get("LastEvaluatedKey")
            if stopped:
                by_key += [(pk, sk) for sk in sks if sk > stopped["SK"]["S"]]
        live.update((str(found["PK"]), str(found["SK"])) for found in self._batch_get(by_key, keys_only=True))
        return live

    def get_item(self, pk: str, sk: str) -> Item | None:
        raw = self._get(pk, sk)
        return None if raw is None else _generic_item(raw)

    def delete_item(self, pk: str, sk: str) -> None:
        self._call("DeleteItem", Key=self._key(pk, sk))

    def pop_item(self, pk: str, sk: str) -> Item | None:
        answer = self._call("DeleteItem", Key=self._key(pk, sk), ReturnValues="ALL_OLD")
        old = answer.get("Attributes")
        if not old:
            return None
        item = self._codec_().deserialize_item(old)
        return _generic_item(item) if self._alive(item) else None

    def get_items(self, wanted: Sequence[tuple[str, str]]) -> list[Item]:
        return [_generic_item(item) for item in self._batch_get(list(dict.fromkeys(wanted)))]

    def add_to_item(
        self, pk: str, sk: str, add: Mapping[str, int], put: Mapping[str, Any], *, newer: str | None = None
    ) -> bool:
        if not add and not put:
            return True
        names: dict[str, str] = {}
        values: dict[str, Any] = {}
        adds, sets = [], []
        for n, (name, amount) in enumerate(add.items()):
            _check_attribute(name)
            names[f"#a{n}"], values[f":a{n}"] = name, amount
            adds.append(f"#a{n} :a{n}")
        for n, (name, value) in enumerate(put.items()):
            _check_attribute(name)
            names[f"#p{n}"], values[f":p{n}"] = name, value
            sets.append(f"#p{n} = :p{n}")
        expression = " ".join(
            part
            for part in (f"SET {', '.join(sets)}" if sets else "", f"ADD {', '.join(adds)}" if adds else "")
            if part
        )
        request: dict[str, Any] = {}
        if newer is not None:
            if newer not in put:
                raise StoreError(f"add_to_item: {newer!r} is not among the attributes put")
            names["#newer"], values[":newer"] = newer, put[newer]
            request["ConditionExpression"] = "attribute_not_exists(#newer) OR #newer < :newer"
        try:
            self._call(
                "UpdateItem",
                Key=self._key(pk, sk),
                UpdateExpression=expression,
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=self._codec_().serialize_values(values),
                **request,
            )
        except _ConditionFailed:
            return False
        return True

    def update_item(
        self, pk: str, sk: str, changes: Mapping[str, Any], *, expect: Mapping[str, Any] | None = None
    ) -> bool:
        names: dict[str, str] = {"#expires_at": TTL_ATTRIBUTE}
        values: dict[str, Any] = {":now": self._clock.now()}
        sets, removes = [], []
        for n, (name, value) in enumerate(changes.items()):
            _check_attribute(name)
            names[f"#c{n}"] = name
            if value is None:
                removes.append(f"#c{n}")
            else:
                values[f":c{n}"] = value
                sets.append(f"#c{n} = :c{n}")
        conditions = ["attribute_exists(PK)", "(attribute_not_exists(#expires_at) OR #expires_at >= :now)"]
        for n, (name, value) in enumerate((expect or {}).items()):
            names[f"#e{n}"] = name
            if value is None:
                conditions.append(f"attribute_not_exists(#e{n})")
            else:
                values[f":e{n}"] = value
                conditions.append(f"#e{n} = :e{n}")
        expression = " ".join(
            part
            for part in (
                f"SET {', '.join(sets)}" if sets else "",
                f"REMOVE {', '.join(removes)}" if removes else "",
            )
            if part
        )
        if not expression:
            return self.get_item(pk, sk) is not None
        try:
            self._call(
                "UpdateItem",
                Key=self._key(pk, sk),
                UpdateExpression=expression,
                ConditionExpression=" AND ".join(conditions),
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=self._codec_().serialize_values(values),
            )
        except _ConditionFailed:
            return False
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
        pk_name, sk_name = (f"{index}PK", f"{index}SK") if index else ("PK", "SK")
        values: dict[str, Any] = {":pk": pk}
        condition = "#pk = :pk"
        if below is not None and prefix:
            values.update({":low": prefix, ":below": below})
            condition += " AND #sk BETWEEN :low AND :below"
        elif below is not None:
            values[":below"] = below
            condition += " AND #sk < :below"
        elif prefix:
            values[":prefix"] = prefix
            condition += " AND begins_with(#sk, :prefix)"
        request: dict[str, Any] = {
            "KeyConditionExpression": condition,
            "ExpressionAttributeNames": {"#pk": pk_name, "#sk": sk_name}
            if len(values) > 1
            else {"#pk": pk_name},
            "ScanIndexForward": not newest_first,
        }
        if index:
            request["IndexName"] = index
        if limit is not None and below is None:
            request["Limit"] = min(limit, self._page_size or limit)
        returned = 0
        for raw in self._query(values, **request):
            sort_key = str(raw.get(sk_name, ""))
            if below is not None and (sort_key >= below or not sort_key.startswith(prefix)):
                continue
            yield _generic_item(raw)
            returned += 1
            if limit is not None and returned >= limit:
                return

    def scan_items(self, pk_prefix: str) -> Iterator[Item]:
        # A Scan's filter is applied after the read: the whole table is read (and charged) whatever the
        # prefix (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Scan.html#Scan.FilterExpression).
        request: dict[str, Any] = {}
        if pk_prefix:
            request = {
                "FilterExpression": "begins_with(#pk, :prefix)",
                "ExpressionAttributeNames": {"#pk": "PK"},
                "ExpressionAttributeValues": self._codec_().serialize_values({":prefix": pk_prefix}),
            }
        if self._page_size is not None:
            request["Limit"] = self._page_size
        codec = self._codec_()
        while True:
            response = self._call("Scan", **request)
            for raw in response.get("Items", []):
                found = codec.deserialize_item(raw)
                if self._alive(found):
                    yield _generic_item(found)
            last_key = response.get("LastEvaluatedKey")
            if not last_key:
                return
            request["ExclusiveStartKey"] = last_key

    def query_partitions(self, pks: Sequence[str], *, index: Index | None = None) -> list[Item]:
        """The Queries side by side (boto3's clients are thread-safe): a page that reads the eight shards
        of the open cards waits for the slowest Query, not for the sum of them."""
        if len(pks) <= 1:
            return super().query_partitions(pks, index=index)
        from concurrent.futures import ThreadPoolExecutor

        self._dynamodb()  # the client, built once before the threads share it
        with ThreadPoolExecutor(max_workers=min(PARALLEL_QUERIES, len(pks))) as pool:
            parts = list(pool.map(lambda pk: list(self.query_items(pk, index=index)), pks))
        return [item for part in parts for item in part]

    def transact_write(self, puts: Sequence[Item] = (), increments: Sequence[Increment] = ()) -> None:
        codec = self._codec_()
        actions: list[dict[str, Any]] = [
            {"Put": {"TableName": self.table_name, "Item": codec.serialize_item(_raw_item(item))}}
            for item in puts
        ]
        for inc in increments:
            _check_attribute(inc.attribute)
            names = {"#a": inc.attribute}
            values: dict[str, Any] = {":amount": inc.amount}
            sets = []
            for n, (name, value) in enumerate(inc.also.items()):
                _check_attribute(name)
                names[f"#s{n}"] = name
                values[f":s{n}"] = value
                sets.append(f"#s{n} = :s{n}")
            expression = "ADD #a :amount" + (f" SET {', '.join(sets)}" if sets else "")
            actions.append(
                {
                    "Update": {
                        "TableName": self.table_name,
                        "Key": self._key(inc.pk, inc.sk),
                        "UpdateExpression": expression,
                        "ExpressionAttributeNames": names,
                        "ExpressionAttributeValues": codec.serialize_values(values),
                    }
                }
            )
        if actions:
            self._call("TransactWriteItems", TransactItems=actions)

    # Plumbing ------------------------------------------------------------------------------------
    def _batch_get(
        self, wanted: Sequence[tuple[str, str]], *, keys_only: bool = False
    ) -> Iterator[dict[str, Any]]:
        """The live items among `wanted` keys, 100 a BatchGetItem; unprocessed keys asked again."""
        codec = self._codec_()
        for start in range(0, len(wanted), BATCH_GET_KEYS):
            request: dict[str, Any] = {
                "Keys": [self._key(pk, sk) for pk, sk in wanted[start : start + BATCH_GET_KEYS]]
            }
            if keys_only:
                request["ProjectionExpression"] = "PK, SK, #expires_at"
                request["ExpressionAttributeNames"] = {"#expires_at": TTL_ATTRIBUTE}
            pending: dict[str, Any] = {self.table_name: request}
            for attempt in range(BATCH_ATTEMPTS):
                response = self._call("BatchGetItem", RequestItems=pending)
                for raw in response.get("Responses", {}).get(self.table_name, []):
                    found = codec.deserialize_item(raw)
                    if self._alive(found):
                        yield found
                pending = response.get("UnprocessedKeys") or {}
                if not pending:
                    break
                time.sleep(0.05 * 2**attempt)
            if pending:
                raise StoreError("DynamoDB BatchGetItem left keys unprocessed")

    def _get(self, pk: str, sk: str) -> dict[str, Any] | None:
        response = self._call("GetItem", Key=self._key(pk, sk))
        raw = response.get("Item")
        if raw is None:
            return None
        item = self._codec_().deserialize_item(raw)
        return item if self._alive(item) else None

    def _put(self, item: Mapping[str, Any]) -> None:
        self._call("PutItem", Item=self._codec_().serialize_item(item))

    def _query(self, values: Mapping[str, Any], **request: Any) -> Iterator[dict[str, Any]]:
        """Every live item the Query matches, page after page (items past `expires_at` are skipped).
        `values` are the plain Python ExpressionAttributeValues."""
        codec = self._codec_()
        request["ExpressionAttributeValues"] = codec.serialize_values(values)
        if self._page_size is not None:
            request.setdefault("Limit", self._page_size)
        while True:
            response = self._call("Query", **request)
            for raw in response.get("Items", []):
                item = codec.deserialize_item(raw)
                if self._alive(item):
                    yield item
            last_key = response.get("LastEvaluatedKey")
            if not last_key:
                return
            request["ExclusiveStartKey"] = last_key

    def _alive(self, item: Mapping[str, Any]) -> bool:
        expires_at = item.get(TTL_ATTRIBUTE)
        return expires_at is None or expires_at >= self._clock.now()

    @staticmethod
    def _key(pk: str, sk: str) -> dict[str, Any]:
        return {"PK": {"S": pk}, "SK": {"S": sk}}

    def _call(self, operation: str, **request: Any) -> dict[str, Any]:
        """One request to the table. Records its cost in `usage`; raises `_ConditionFailed` when the
        condition was false and `StoreError` for anything else that went wrong."""
        from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped, unused-ignore]

        method = getattr(self._dynamodb(), _CLIENT_METHODS[operation])
        try:
            if operation not in _MULTI_TABLE:
                request["TableName"] = self.table_name
            response: dict[str, Any] = method(ReturnConsumedCapacity="TOTAL", **request)
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", "Unknown"))
            if code == CONDITION_FAILED:
                self.usage.record(operation, write_units=REFUSED_WRITE_UNITS)
                raise _ConditionFailed from None
            self.usage.record(operation)
            raise StoreError(f"DynamoDB {operation} failed: {code}") from None
        except BotoCoreError as exc:
            self.usage.record(operation)
            raise StoreError(f"DynamoDB {operation} failed: {type(exc).__name__}") from None
        consumed = response.get("ConsumedCapacity", {})
        entries = consumed if isinstance(consumed, list) else [consumed]
        units = sum(float(entry.get("CapacityUnits", 0.0)) for entry in entries)
        if operation in READ_OPERATIONS:
            items_read = int(response.get("ScannedCount", 1 if "Item" in response else 0))
            self.usage.record(operation, read_units=units, items_read=items_read)
        else:
            self.usage.record(operation, write_units=units)
        return response

    def _dynamodb(self) -> Any:
        """The client, built once on first use (boto3 loads slowly; the ingress path may never need it)."""
        if self._client is None:
            with self._client_lock:
                if self._client is None:
                    import boto3  # type: ignore[import-untyped, unused-ignore]

                    self._client = boto3.session.Session().client(
                        "dynamodb", endpoint_url=self._endpoint_url, config=client_config()
                    )
        return self._client

    def _codec_(self) -> _Codec:
        if self._codec is None:
            self._codec = _Codec()
        return self._codec


class _Codec:
    """Python values <-> DynamoDB attribute values, through boto3's TypeSerializer/TypeDeserializer.

    The serializer refuses floats (they may not be exact); each goes in as the Decimal of its shortest
    repr, which DynamoDB stores exactly and which turns back into the same float. Strings, booleans,
    whole numbers, floats, lists and dicts of them, nearly every value the table holds, are written here
    directly, exactly as TypeSerializer writes them (numbers through its own decimal context, so its
    limits hold): its dispatch by type cost more than the rest of serialising a page's claims."""

    def __init__(self) -> None:
        from boto3.dynamodb.types import (  # type: ignore[import-untyped, unused-ignore]
            DYNAMODB_CONTEXT,
            TypeDeserializer,
            TypeSerializer,
        )

        self._serializer = TypeSerializer()
        self._deserializer = TypeDeserializer()
        self._number = DYNAMODB_CONTEXT.create_decimal

    def serialize_item(self, item: Mapping[str, Any]) -> dict[str, Any]:
        return {name: self.serialize(value) for name, value in item.items()}

    serialize_values = serialize_item

    def serialize(self, value: Any) -> dict[str, Any]:
        kind = type(value)
        if kind is str:
            return {"S": value}
        if kind is bool:
            return {"BOOL": value}
        if kind is int and -_SHORT_INT < value < _SHORT_INT:  # str(int) is its Decimal's string
            return {"N": str(value)}
        if kind is float and math.isfinite(value):
            return {"N": str(self._number(repr(value)))}
        if kind is list or kind is tuple:
            return {"L": [self.serialize(inner) for inner in value]}
        if kind is dict:
            return {"M": {str(name): self.serialize(inner) for name, inner in value.items()}}
        serialized: dict[str, Any] = self._serializer.serialize(_to_dynamo(value))
        return serialized

    def deserialize_item(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        item = {name: _from_dynamo(self._deserializer.deserialize(value)) for name, value in raw.items()}
        packed = [name for name in item if name[:1] == PACKED_PREFIX]
        for name in packed:  # `bump_counters`' packed additions, added to the plain attributes
            for counter, amount in json.loads(item.pop(name)).items():
                item[counter] = item.get(counter, 0) + amount
        return item


_SHORT_INT = 10**38  # DynamoDB's numbers hold 38 significant digits


def _to_dynamo(value: Any) -> Any:
    if isinstance(value, float):
        if not math.isfinite(value):
            raise StoreError("DynamoDB cannot store a number that is not finite")
        return Decimal(repr(value))
    if isinstance(value, Mapping):
        return {str(name): _to_dynamo(inner) for name, inner in value.items()}
    if isinstance(value, list | tuple):
        return [_to_dynamo(inner) for inner in value]
    return value


def _from_dynamo(value: Any) -> Any:
    if isinstance(value, Decimal):
        # A whole number written without a fractional part was an int; anything else was a float.
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent >= 0:
            return int(value)
        return float(value)
    if isinstance(value, dict):
        return {name: _from_dynamo(inner) for name, inner in value.items()}
    if isinstance(value, list):
        return [_from_dynamo(inner) for inner in value]
    return value


# Items <-> records ---------------------------------------------------------------------------------
def _without_none(item: dict[str, Any]) -> dict[str, Any]:
    """Absent rather than NULL: a missing attribute reads back as the record's default."""
    return {name: value for name, value in item.items() if value is not None}


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)


def _group_item(group: GroupRecord) -> dict[str, Any]:
    return _without_none(
        {
            "PK": keys.group_pk(group.gid),
            "SK": keys.META,
            "GSI1PK": keys.GROUPS_BY_NAME_PK,
            "GSI1SK": keys.group_name_sk(group.name or group.chat, group.gid),
            "GSI2PK": keys.groups_index_pk(keys.group_shard(group.gid)),
            "GSI2SK": group.gid,
            "gid": group.gid,
            "platform": group.platform,
            "tenant": group.tenant,
            "chat": group.chat,
            "name": group.name,
            "enabled": group.enabled,
            "locale": group.locale,
            "app_created": group.app_created,
            "admins": list(group.admins),
            "added_admins": list(group.added_admins) or None,
            "removed_admins": list(group.removed_admins) or None,
            "org_admins": list(group.org_admins) or None,
            "described_at": group.described_at or None,
            "named_by_members": group.named_by_members or None,
            "created_at": group.created_at,
        }
    )


def _group_record(item: Mapping[str, Any]) -> GroupRecord:
    return GroupRecord(
        gid=item["gid"],
        platform=item.get("platform", ""),
        tenant=item.get("tenant", ""),
        chat=item.get("chat", ""),
        name=item.get("name", ""),
        enabled=bool(item.get("enabled", True)),
        locale=item.get("locale"),
        app_created=bool(item.get("app_created", False)),
        admins=tuple(str(admin) for admin in item.get("admins", ())),
        added_admins=tuple(str(admin) for admin in item.get("added_admins", ())),
        removed_admins=tuple(str(admin) for admin in item.get("removed_admins", ())),
        org_admins=tuple(str(admin) for admin in item.get("org_admins", ())),
        described_at=float(item.get("described_at", 0.0)),
        named_by_members=bool(item.get("named_by_members", False)),
        created_at=float(item.get("created_at", 0.0)),
    )


def _member_item(member: MemberRecord) -> dict[str, Any]:
    item: dict[str, Any] = {
        "PK": keys.group_pk(member.gid),
        "SK": keys.member_sk(member.uid),
        "gid": member.gid,
        "uid": member.uid,
        "user": member.user,
        "display_name": member.display_name,
        "role": member.role,
        "last_active": member.last_active,
        "joined_at": member.joined_at,
        "points": member.points,
        "points_at": member.points_at,
        "locale": member.locale,
        "ads_pass": member.ads_pass or None,
    }
    if member.last_active is not None:  # the activity index is sparse: never-active members stay out
        item["GSI1PK"] = keys.activity_index_pk(member.gid)
        item["GSI1SK"] = keys.activity_index_sk(member.last_active, member.uid)
    return _without_none(item)


def _member_record(item: Mapping[str, Any]) -> MemberRecord:
    return MemberRecord(
        gid=item.get("gid") or str(item["PK"]).removeprefix("GRP#"),
        uid=item.get("uid") or str(item["SK"]).removeprefix("MEM#"),
        user=item.get("user", ""),
        display_name=item.get("display_name", ""),
        role=item.get("role", "member"),
        last_active=_optional_float(item.get("last_active")),
        joined_at=_optional_float(item.get("joined_at")),
        points=float(item.get("points", 0.0)),
        points_at=_optional_float(item.get("points_at")),
        locale=item.get("locale"),
        ads_pass=bool(item.get("ads_pass", False)),
    )


def _audit_item(record: AuditRecord) -> dict[str, Any]:
    return _without_none(
        {
            "PK": keys.group_pk(record.gid),
            "SK": keys.audit_sk(record.at, record.audit_id),
            "gid": record.gid,
            "audit_id": record.audit_id,
            "at": record.at,
            "event_type": record.event_type,
            "actor": record.actor,
            "actions": list(record.actions),
            "outcome": record.outcome,
            "detail": record.detail,
            TTL_ATTRIBUTE: record.expires_at,
        }
    )


def _audit_record(item: Mapping[str, Any]) -> AuditRecord:
    expires_at = item.get(TTL_ATTRIBUTE)
    return AuditRecord(
        gid=item["gid"],
        audit_id=item["audit_id"],
        at=float(item["at"]),
        event_type=item.get("event_type", ""),
        actor=item.get("actor", ""),
        actions=tuple(item.get("actions", ())),
        outcome=item.get("outcome", "done"),
        detail=dict(item.get("detail", {})),
        expires_at=None if expires_at is None else int(expires_at),
    )


def _check_attribute(name: str) -> None:
    if name in RESERVED or name[:1] == PACKED_PREFIX:
        raise StoreError(f"attribute {name!r} is the table's own")


def _raw_item(item: Item) -> dict[str, Any]:
    for name in item.data:
        _check_attribute(name)
    raw: dict[str, Any] = {"PK": item.pk, "SK": item.sk, **item.data}
    if item.gsi1:
        raw["GSI1PK"], raw["GSI1SK"] = item.gsi1
    if item.gsi2:
        raw["GSI2PK"], raw["GSI2SK"] = item.gsi2
    if item.expires_at is not None:
        raw[TTL_ATTRIBUTE] = item.expires_at
    return _without_none(raw)


def _generic_item(raw: Mapping[str, Any]) -> Item:
    data = {name: value for name, value in raw.items() if name not in RESERVED}
    gsi1 = (str(raw["GSI1PK"]), str(raw["GSI1SK"])) if "GSI1PK" in raw else None
    gsi2 = (str(raw["GSI2PK"]), str(raw["GSI2SK"])) if "GSI2PK" in raw else None
    expires = raw.get(TTL_ATTRIBUTE)
    return Item(str(raw["PK"]), str(raw["SK"]), data, gsi1, gsi2, None if expires is None else int(expires))
