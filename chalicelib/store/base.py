"""The store interface. `DynamoStore` and `MemoryStore` both implement it and pass one contract suite
(tests/store/test_contract.py); the rest of the code depends only on this."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Literal

from chalicelib.store import keys, summaries
from chalicelib.store.records import (
    AuditRecord,
    GroupRecord,
    GroupSummary,
    Increment,
    Item,
    MemberRecord,
    OrgSummary,
)

Index = Literal["GSI1", "GSI2"]

EVENT_CLAIM_TTL = 24 * 3600
ACTIVITY_WRITE_INTERVAL = 3600


class Store(ABC):
    # Exactly once --------------------------------------------------------------------------------
    @abstractmethod
    def claim_event(self, platform: str, claim_key: str, now: float, ttl: int = EVENT_CLAIM_TTL) -> bool:
        """Claim an inbound event id with a conditional put. True for the first claim; False for any
        later one while the claim lives (an expired claim, past `expires_at`, may be claimed again)."""

    @abstractmethod
    def release_event(self, platform: str, claim_key: str) -> None:
        """Drop a claim, so that the platform's retry of an event that could not be queued gets through."""

    # Groups --------------------------------------------------------------------------------------
    @abstractmethod
    def get_group(self, gid: str) -> GroupRecord | None: ...

    @abstractmethod
    def put_group(self, group: GroupRecord) -> None: ...

    @abstractmethod
    def list_groups(self) -> Iterator[GroupRecord]:
        """Every group, through the sharded GSI2 (a Query per shard, never a Scan)."""

    @abstractmethod
    def groups_by_name(self, *, after: str = "", before: str = "", limit: int) -> list[GroupRecord]:
        """A page of groups in the order of `keys.group_name_sk` (one GSI1 Query): the first `limit`
        whose key sorts above `after`, or with `before`, the last `limit` below it (still in order)."""

    @abstractmethod
    def groups_named(self, prefix: str, *, after: str = "", limit: int) -> list[GroupRecord]:
        """The first `limit` groups whose folded name starts with `prefix` (`keys.name_prefix`), in the
        order of `keys.group_name_sk`, after the key `after` (a cursor outside the prefix is ignored):
        one GSI1 Query on the sort key's prefix, which reads the matches only."""

    def get_groups(self, gids: Sequence[str]) -> dict[str, GroupRecord]:
        """The groups of `gids` that exist, by gid. The DynamoDB store reads them 100 a request
        (BatchGetItem); this default reads them one by one."""
        found = {gid: self.get_group(gid) for gid in dict.fromkeys(gids)}
        return {gid: group for gid, group in found.items() if group is not None}

    def groups_administered_by(self, uid: str) -> list[str]:
        """The gids whose platform admins named `uid` when the group was written (one Query of the
        pointers `keys.admin_groups_pk`; a pointer may be stale: check the group)."""
        return [item.sk for item in self.query_items(keys.admin_groups_pk(uid))]

    # Members -------------------------------------------------------------------------------------
    @abstractmethod
    def get_member(self, gid: str, uid: str) -> MemberRecord | None: ...

    def get_members(self, gid: str, uids: Sequence[str]) -> dict[str, MemberRecord]:
        """The members of `uids` that exist, by uid. The DynamoDB store reads them 100 a request
        (BatchGetItem); this default reads them one by one."""
        found = {uid: self.get_member(gid, uid) for uid in dict.fromkeys(uids)}
        return {uid: member for uid, member in found.items() if member is not None}

    def get_memberships(self, uid: str, gids: Sequence[str]) -> dict[str, MemberRecord]:
        """One person's member records in the groups of `gids` that have one, by gid."""
        found = self.get_members_in([(gid, uid) for gid in gids])
        return {gid: member for (gid, _), member in found.items()}

    def get_members_in(self, pairs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], MemberRecord]:
        """The member records of these (gid, uid) pairs that exist, across groups. The DynamoDB store
        reads them 100 a request (BatchGetItem); this default reads them one by one."""
        found = {pair: self.get_member(*pair) for pair in dict.fromkeys(pairs)}
        return {pair: member for pair, member in found.items() if member is not None}

    @abstractmethod
    def put_member(self, member: MemberRecord) -> None: ...

    @abstractmethod
    def delete_member(self, gid: str, uid: str) -> None:
        """Forget a member's record altogether (a person's erasure, `chalicelib.persons.erasure`)."""

    def record_activity(
        self, gid: str, uid: str, user: str, at: float, *, min_interval: int = ACTIVITY_WRITE_INTERVAL
    ) -> bool:
        """Set the member's `last_active` to `at`, creating the member if needed, unless the stored
        value is less than `min_interval` seconds older. True when written (and then the group's summary
        takes the activity, and the new member, in one more write)."""
        written, created = self.write_activity(gid, uid, user, at, min_interval=min_interval)
        if written:
            self.count_members(gid, int(created), at)
        return written

    def record_activities(self, entries: Sequence[tuple[str, str, str, float, int]]) -> None:
        """`record_activity` of many members (gid, uid, user, at, min_interval), as a page of messages
        gathers them: each member's write, then one summary write a group, not one a member."""
        groups: dict[str, tuple[int, float]] = {}
        for gid, uid, user, at, interval in entries:
            written, created = self.write_activity(gid, uid, user, at, min_interval=interval)
            if written:
                count, last = groups.get(gid, (0, at))
                groups[gid] = (count + int(created), max(last, at))
        for gid, (count, last) in groups.items():
            self.count_members(gid, count, last)

    @abstractmethod
    def write_activity(
        self, gid: str, uid: str, user: str, at: float, *, min_interval: int = ACTIVITY_WRITE_INTERVAL
    ) -> tuple[bool, bool]:
        """`record_activity`'s write of the member alone, leaving the summary to the caller: (written,
        whether the member item was created by it)."""

    @abstractmethod
    def members_inactive_since(self, gid: str, cutoff: float) -> Iterator[MemberRecord]:
        """Members whose `last_active` is before `cutoff`, oldest first (a GSI1 Query)."""

    @abstractmethod
    def groups_of_member(self, uid: str) -> list[str]:
        """The gids of the groups `uid` is a member of (one Query of the pointers written when each of
        their member items was created)."""

    @abstractmethod
    def members_of(self, gid: str) -> Iterator[MemberRecord]:
        """Every member item of the group, former members too (one Query of its partition's `MEM#` keys,
        page after page): for recounts, never for a page."""

    @abstractmethod
    def members_active_recently(self, gid: str, limit: int) -> list[MemberRecord]:
        """The `limit` members active most recently, newest first (one GSI1 Query, read backwards)."""

    # Counters ------------------------------------------------------------------------------------
    @abstractmethod
    def hit_counter(self, pk: str, sk: str, expires_at: int) -> int:
        """Atomically add one to a counter item and return the new count."""

    @abstractmethod
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
        """In one write: add to several counters of one item and set some attributes; return the item's
        attributes as they were before (keys and expiry left out; absent ones are absent), or nothing
        with `old=False` (a writer that already knows them saves reading the item back). One message's
        flood, duplicate and last-message signals cost this single write, which is billed by the item's
        size whatever it returns."""

    @abstractmethod
    def update_member(self, gid: str, uid: str, user: str, changes: Mapping[str, Any]) -> None:
        """Set fields of a member (creating it if needed): role, display name, one-time passes, ..."""

    # Audit ---------------------------------------------------------------------------------------
    @abstractmethod
    def append_audit(self, record: AuditRecord) -> None: ...

    @abstractmethod
    def list_audit(self, gid: str, limit: int = 50) -> list[AuditRecord]:
        """The newest audit records of a group, newest first."""

    # Generic items, for the domains' repositories ----------------------------------------------------
    @abstractmethod
    def put_item(self, item: Item, *, if_absent: bool = False) -> bool:
        """Write `item` (replacing it). With `if_absent`, only if no live item has its key: False then."""

    def claim_items(self, items: Sequence[Item]) -> list[bool]:
        """Write each item that has no live item under its key; for each, whether it was written. For
        one writer per key at a time (the archive puller holds a lease): the DynamoDB store reads the
        keys in batches and writes the absent ones in batches, which is not one atomic step. This
        default is a conditional put per item."""
        return [self.put_item(item, if_absent=True) for item in items]

    @abstractmethod
    def get_item(self, pk: str, sk: str) -> Item | None: ...

    def get_items(self, wanted: Sequence[tuple[str, str]]) -> list[Item]:
        """The live items among the keys `wanted` (100 a BatchGetItem on DynamoDB; one by one here)."""
        found = [self.get_item(pk, sk) for pk, sk in dict.fromkeys(wanted)]
        return [item for item in found if item is not None]

    def pop_item(self, pk: str, sk: str) -> Item | None:
        """Delete an item and return it as it was (None: there was no live item). DynamoDB answers this
        in the delete itself (`ReturnValues=ALL_OLD`); this default reads it first."""
        item = self.get_item(pk, sk)
        self.delete_item(pk, sk)
        return item

    @abstractmethod
    def add_to_item(
        self, pk: str, sk: str, add: Mapping[str, int], put: Mapping[str, Any], *, newer: str | None = None
    ) -> bool:
        """In one write, add to counters of an item and set attributes, creating it (it never expires).
        With `newer` (the name of an attribute in `put`), only if the stored value is absent or lower
        than the one put: False (nothing written) otherwise."""

    @abstractmethod
    def delete_item(self, pk: str, sk: str) -> None: ...

    @abstractmethod
    def update_item(
        self, pk: str, sk: str, changes: Mapping[str, Any], *, expect: Mapping[str, Any] | None = None
    ) -> bool:
        """Set attributes of an existing live item, only if each attribute in `expect` has the given value
        (None: absent). False when the item is missing or the expectation fails: a state transition
        happens once, whoever clicks twice."""

    @abstractmethod
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
        """Live items of one partition (of the table or an index) whose sort key starts with `prefix`
        and, if given, sorts below `below`; in sort-key order, or newest first."""

    @abstractmethod
    def scan_items(self, pk_prefix: str) -> Iterator[Item]:
        """Every live item whose partition key starts with `pk_prefix` (empty: every item), in no given
        order, as generic items (the records of the typed verbs may come too, under their `GRP#` keys): a
        Scan, which reads the whole table whatever the prefix. For rare operator work only (a person's
        erasure finds what has no index by person this way); never on an event's path."""

    def query_partitions(self, pks: Sequence[str], *, index: Index | None = None) -> list[Item]:
        """Every live item of several partitions (the shards of a sparse index), partition after
        partition. The DynamoDB store sends the Queries side by side; this default one after another."""
        return [item for pk in pks for item in self.query_items(pk, index=index)]

    @abstractmethod
    def transact_write(self, puts: Sequence[Item] = (), increments: Sequence[Increment] = ()) -> None:
        """All the writes at once, or none (a case and the member's points, say)."""

    # Summaries (the console's overview; chalicelib/store/summaries.py) ----------------------------------
    def group_summaries(self, gids: Sequence[str]) -> dict[str, GroupSummary]:
        """Each group's summary, by gid (a group with none yet has zeros): one BatchGetItem a hundred."""
        wanted = [(keys.group_pk(gid), keys.GROUP_SUMMARY_SK) for gid in dict.fromkeys(gids)]
        found = {item.pk: item for item in self.get_items(wanted)}
        return {gid: summaries.summary_of(gid, found.get(keys.group_pk(gid))) for gid in dict.fromkeys(gids)}

    def org_summary(self) -> OrgSummary:
        return summaries.org_of(self.get_item(keys.ORG_SUMMARY_PK, keys.ORG_SUMMARY_SK))

    def count_members(self, gid: str, delta: int, last_active: float | None = None) -> None:
        """A member came or went (`delta`), and/or one spoke at `last_active`: one write, none if neither."""
        pk, sk = keys.group_pk(gid), keys.GROUP_SUMMARY_SK
        add = {"members": delta} if delta else {}
        if last_active is None:
            if add:
                self.add_to_item(pk, sk, add, {})
            return
        if not self.add_to_item(pk, sk, add, {"last_active": last_active}, newer="last_active") and add:
            self.add_to_item(pk, sk, add, {})  # a later activity is kept already: the count still moves

    def count_open_cases(self, gid: str, delta: int) -> None:
        """An admin card opened (+1) or closed (-1): the group's count and the org's."""
        self.add_to_item(keys.group_pk(gid), keys.GROUP_SUMMARY_SK, {"open_cases": delta}, {})
        self.add_to_item(keys.ORG_SUMMARY_PK, keys.ORG_SUMMARY_SK, {"open_cases": delta}, {})

    def note_assessment(self, gid: str, period: str, score: float | None, active_members: int | None) -> None:
        """The assessment of `period`: kept unless the summary holds a later period's."""
        put: dict[str, Any] = {"period": period}
        if score is not None:
            put["score"] = score
        if active_members is not None:
            put["active_members"] = active_members
        self.add_to_item(keys.group_pk(gid), keys.GROUP_SUMMARY_SK, {}, put, newer="period")

    def group_written(self, before: GroupRecord | None, after: GroupRecord) -> None:
        """Keep the summaries and the admin pointers after a group's item was written over `before`."""
        put, org, new_admins = summaries.group_change(before, after)
        if put:
            self.add_to_item(keys.group_pk(after.gid), keys.GROUP_SUMMARY_SK, {}, put)
        if org:
            self.add_to_item(keys.ORG_SUMMARY_PK, keys.ORG_SUMMARY_SK, org, {})
        for uid in sorted(new_admins):
            self.put_item(Item(keys.admin_groups_pk(uid), after.gid, {"gid": after.gid}))
