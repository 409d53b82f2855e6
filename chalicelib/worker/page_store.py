"""The store one page of archived messages is moderated through: the real store, with the requests that
every message would make gathered into a few.

- Members: read for the whole page at once (`preload_members`, BatchGetItem of 100), then served from
  memory; a member the page changes (a case's points, a role) is read again from the table.
- Moderation windows (`RATE#{gid}` / `W#{bucket}`, chalicelib/moderation/signals.py): each window item is
  read once, every message's `bump_counters` is applied in memory and answered with what the item held
  before it, in the page's order, exactly as the table would have answered; `flush` writes each item
  once, with the sum of the page's additions (which `DynamoStore` packs into one attribute). So the
  flood and duplicate counters cost one write per group and window per page, not one per message.
- Activity: `record_activity` is kept per member (the latest time) and written once by `flush`.
- Conditional puts (`put_item(..., if_absent=True)`, a once-only claim such as a group's `SETUP` item on
  the bot's arrival, asked by every message of a group registered minutes ago): a key the page has seen
  live is refused from memory while it stays live. The page knows the item's expiry when it wrote it
  itself; a key refused by the table once is read on its second attempt (GetItem, which also gives its
  expiry), so a claim asked once costs one request as before, and one asked by every message two. The
  expiry is compared with the real clock, as the table's condition does (`expires_at < now`).

Everything else goes straight to the real store. One page is moderated by one worker at a time (the
archive's lease), which is what makes holding the counters in memory for the page correct.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from chalicelib.clock import Clock
from chalicelib.store import keys
from chalicelib.store.base import ACTIVITY_WRITE_INTERVAL, EVENT_CLAIM_TTL, Index, Store
from chalicelib.store.records import AuditRecord, GroupRecord, Increment, Item, MemberRecord

_WINDOW_PK = keys.moderation_window_pk("")
_WINDOW_SK = keys.moderation_window_sk(0)[:-1]
_MEMBER_PK = keys.group_pk("")
# An UpdateItem's expression is at most 4 KB (DynamoDB's quotas: "The maximum length of any expression
# string is 4 KB"), about 250 attributes as `DynamoStore.bump_counters` names them; the embedded DynamoDB
# (moto) parses an expression recursively and overflows Python's stack at about 200. Hence at most 150
# attributes set a write. The additions all go in the first write: `DynamoStore` sends more than
# `PACKED_ABOVE` (8) of them as one packed attribute, not named in the expression.
ATTRIBUTES_PER_WRITE = 150


_ABSENT = object()


class _Before(Mapping[str, Any]):
    """What a window item held before one write: the item as it is now, with the attributes that write
    changed seen as they were. Copying the whole item for every message cost more than the rest of the
    message's signals, so it is a view: valid until the page's next write, which is how
    `chalicelib.moderation.signals` reads it (at once)."""

    def __init__(self, now: dict[str, Any], replaced: dict[str, Any]) -> None:
        self._now = now
        self._replaced = replaced

    def __getitem__(self, name: str) -> Any:
        value = self._replaced[name] if name in self._replaced else self._now[name]
        if value is _ABSENT:
            raise KeyError(name)
        return value

    def get(self, name: str, default: Any = None) -> Any:
        """`Mapping.get` without its exception for every absent name (the signals read several)."""
        value = self._replaced[name] if name in self._replaced else self._now.get(name, _ABSENT)
        return default if value is _ABSENT else value

    def __iter__(self) -> Iterator[str]:
        for name in self._now:
            if self._replaced.get(name, None) is not _ABSENT:
                yield name

    def __len__(self) -> int:
        return sum(1 for _ in self)


@dataclass
class _Window:
    data: dict[str, Any]
    expires_at: int | None
    add: dict[str, int] = field(default_factory=dict)
    put: dict[str, Any] = field(default_factory=dict)
    read: Item | None = None  # what `get_item` answered since the last write (read-only, shared)


class PageStore(Store):
    """`inner` is the real store; `clock` the real clock, the one `inner`'s conditions are written with
    (not the page's clock of each message's own time)."""

    def __init__(self, inner: Store, clock: Clock) -> None:
        self.inner = inner
        self._clock = clock
        self._members: dict[tuple[str, str], MemberRecord | None] = {}
        self._windows: dict[tuple[str, str], _Window] = {}
        self._activity: dict[tuple[str, str], tuple[str, float, int]] = {}
        self._live: dict[tuple[str, str], int | None] = {}  # key -> the live item's expiry (None: never)
        self._refused: set[tuple[str, str]] = set()  # refused once by the table, expiry not known yet

    # The page's own work -------------------------------------------------------------------------
    def preload_members(self, gid: str, uids: Sequence[str]) -> None:
        wanted = [uid for uid in dict.fromkeys(uids) if (gid, uid) not in self._members]
        if not wanted:
            return
        found = self.inner.get_members(gid, wanted)
        for uid in wanted:
            self._members[(gid, uid)] = found.get(uid)

    def flush(self) -> None:
        """Write what the page gathered: each window item once, each member's activity once."""
        windows, self._windows = self._windows, {}
        for (pk, sk), window in windows.items():
            puts = list(window.put.items())
            add: Mapping[str, int] = window.add
            for start in range(0, max(len(puts), 1), ATTRIBUTES_PER_WRITE):
                put = dict(puts[start : start + ATTRIBUTES_PER_WRITE])
                self.inner.bump_counters(pk, sk, add, put, window.expires_at or 0, old=False)
                add = {}
        activity, self._activity = self._activity, {}
        self.inner.record_activities(
            [(gid, uid, user, at, interval) for (gid, uid), (user, at, interval) in activity.items()]
        )

    # Served from the page ------------------------------------------------------------------------
    def get_member(self, gid: str, uid: str) -> MemberRecord | None:
        if (gid, uid) in self._members:
            return self._members[(gid, uid)]
        return self.inner.get_member(gid, uid)

    def get_members(self, gid: str, uids: Sequence[str]) -> dict[str, MemberRecord]:
        self.preload_members(gid, uids)
        found = {uid: self._members.get((gid, uid)) for uid in uids}
        return {uid: member for uid, member in found.items() if member is not None}

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
        if not _is_window(pk, sk):
            self._wrote(pk, sk)
            return self.inner.bump_counters(pk, sk, add, put, expires_at, old=old)
        window = self._window(pk, sk)
        data, added = window.data, window.add
        replaced: dict[str, Any] = {}
        for name, amount in add.items():
            before = replaced[name] = data.get(name, _ABSENT)
            data[name] = (0 if before is _ABSENT else int(before)) + amount
            added[name] = added.get(name, 0) + amount  # plain dict: no Counter.__missing__ call
        for name, value in put.items():
            if name not in replaced:
                replaced[name] = data.get(name, _ABSENT)
            data[name] = value
        window.put.update(put)
        window.expires_at = max(window.expires_at or 0, expires_at)
        window.read = None
        return _Before(window.data, replaced)

    def get_item(self, pk: str, sk: str) -> Item | None:
        """A window item as the page holds it. The copy is made once per write of the window and shared
        by the reads until the next: the first messages of each window read the one before it, which
        holds thousands of attributes by then (`chalicelib.moderation.signals`, which only reads it)."""
        if not _is_window(pk, sk):
            return self.inner.get_item(pk, sk)
        window = self._window(pk, sk)
        if not window.data:
            return None
        if window.read is None:
            window.read = Item(pk, sk, data=dict(window.data), expires_at=window.expires_at)
        return window.read

    def record_activity(
        self, gid: str, uid: str, user: str, at: float, *, min_interval: int = ACTIVITY_WRITE_INTERVAL
    ) -> bool:
        known = self._activity.get((gid, uid))
        if known is None or at > known[1]:
            self._activity[(gid, uid)] = (user, at, min_interval)
        return known is None

    def write_activity(
        self, gid: str, uid: str, user: str, at: float, *, min_interval: int = ACTIVITY_WRITE_INTERVAL
    ) -> tuple[bool, bool]:
        return self.inner.write_activity(gid, uid, user, at, min_interval=min_interval)

    def _window(self, pk: str, sk: str) -> _Window:
        window = self._windows.get((pk, sk))
        if window is None:
            stored = self.inner.get_item(pk, sk)
            window = _Window(
                data=dict(stored.data) if stored else {}, expires_at=stored.expires_at if stored else None
            )
            self._windows[(pk, sk)] = window
        return window

    # Writes that make what the page knows stale --------------------------------------------------
    def put_member(self, member: MemberRecord) -> None:
        self._wrote(keys.group_pk(member.gid), keys.member_sk(member.uid))
        self.inner.put_member(member)

    def update_member(self, gid: str, uid: str, user: str, changes: Mapping[str, Any]) -> None:
        self._wrote(keys.group_pk(gid), keys.member_sk(uid))
        self.inner.update_member(gid, uid, user, changes)

    def delete_member(self, gid: str, uid: str) -> None:
        self._wrote(keys.group_pk(gid), keys.member_sk(uid))
        self.inner.delete_member(gid, uid)

    def transact_write(self, puts: Sequence[Item] = (), increments: Sequence[Increment] = ()) -> None:
        for pk, sk in [(i.pk, i.sk) for i in puts] + [(i.pk, i.sk) for i in increments]:
            self._wrote(pk, sk)
        self.inner.transact_write(puts, increments)

    def put_item(self, item: Item, *, if_absent: bool = False) -> bool:
        key = (item.pk, item.sk)
        if if_absent and self._still_live(key):
            return False
        self._wrote(*key)
        written = self.inner.put_item(item, if_absent=if_absent)
        if written:
            self._live[key] = item.expires_at
        else:
            self._refused.add(key)
        return written

    def _still_live(self, key: tuple[str, str]) -> bool:
        """Whether the item at `key` is known to be live: written or read by this page, and not expired."""
        if key in self._refused:
            self._refused.discard(key)
            stored = self.inner.get_item(*key)
            if stored is None:  # expired or deleted since: the put decides
                return False
            self._live[key] = stored.expires_at
        if key not in self._live:
            return False
        expires_at = self._live[key]
        return expires_at is None or expires_at >= self._clock.now()

    def update_item(
        self, pk: str, sk: str, changes: Mapping[str, Any], *, expect: Mapping[str, Any] | None = None
    ) -> bool:
        self._wrote(pk, sk)
        return self.inner.update_item(pk, sk, changes, expect=expect)

    def _wrote(self, pk: str, sk: str) -> None:
        """A write to `pk`/`sk`: what the page knew of that item (live, refused, a member) is stale."""
        self._live.pop((pk, sk), None)
        self._refused.discard((pk, sk))
        if pk.startswith(_MEMBER_PK) and sk.startswith(keys.MEMBER_SK_PREFIX):
            self._members.pop((pk.removeprefix(_MEMBER_PK), sk.removeprefix(keys.MEMBER_SK_PREFIX)), None)

    # Straight through ----------------------------------------------------------------------------
    def claim_event(self, platform: str, claim_key: str, now: float, ttl: int = EVENT_CLAIM_TTL) -> bool:
        self._wrote(keys.event_claim_pk(platform, claim_key), keys.EVENT_CLAIM_SK)
        return self.inner.claim_event(platform, claim_key, now, ttl)

    def release_event(self, platform: str, claim_key: str) -> None:
        self._wrote(keys.event_claim_pk(platform, claim_key), keys.EVENT_CLAIM_SK)
        self.inner.release_event(platform, claim_key)

    def get_group(self, gid: str) -> GroupRecord | None:
        return self.inner.get_group(gid)

    def put_group(self, group: GroupRecord) -> None:
        self._wrote(keys.group_pk(group.gid), keys.META)
        self.inner.put_group(group)

    def list_groups(self) -> Iterator[GroupRecord]:
        return self.inner.list_groups()

    def groups_by_name(self, *, after: str = "", before: str = "", limit: int) -> list[GroupRecord]:
        return self.inner.groups_by_name(after=after, before=before, limit=limit)

    def groups_named(self, prefix: str, *, after: str = "", limit: int) -> list[GroupRecord]:
        return self.inner.groups_named(prefix, after=after, limit=limit)

    def get_members_in(self, pairs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], MemberRecord]:
        return self.inner.get_members_in(pairs)

    def get_groups(self, gids: Sequence[str]) -> dict[str, GroupRecord]:
        return self.inner.get_groups(gids)

    def get_items(self, wanted: Sequence[tuple[str, str]]) -> list[Item]:
        return self.inner.get_items(wanted)

    def pop_item(self, pk: str, sk: str) -> Item | None:
        self._wrote(pk, sk)
        return self.inner.pop_item(pk, sk)

    def query_partitions(self, pks: Sequence[str], *, index: Index | None = None) -> list[Item]:
        return self.inner.query_partitions(pks, index=index)

    def add_to_item(
        self, pk: str, sk: str, add: Mapping[str, int], put: Mapping[str, Any], *, newer: str | None = None
    ) -> bool:
        self._wrote(pk, sk)
        return self.inner.add_to_item(pk, sk, add, put, newer=newer)

    def members_inactive_since(self, gid: str, cutoff: float) -> Iterator[MemberRecord]:
        return self.inner.members_inactive_since(gid, cutoff)

    def members_of(self, gid: str) -> Iterator[MemberRecord]:
        return self.inner.members_of(gid)

    def members_active_recently(self, gid: str, limit: int) -> list[MemberRecord]:
        return self.inner.members_active_recently(gid, limit)

    def groups_of_member(self, uid: str) -> list[str]:
        return self.inner.groups_of_member(uid)

    def hit_counter(self, pk: str, sk: str, expires_at: int) -> int:
        self._wrote(pk, sk)
        return self.inner.hit_counter(pk, sk, expires_at)

    def append_audit(self, record: AuditRecord) -> None:
        self.inner.append_audit(record)

    def list_audit(self, gid: str, limit: int = 50) -> list[AuditRecord]:
        return self.inner.list_audit(gid, limit)

    def claim_items(self, items: Sequence[Item]) -> list[bool]:
        for item in items:
            self._wrote(item.pk, item.sk)
        return self.inner.claim_items(items)

    def delete_item(self, pk: str, sk: str) -> None:
        self._wrote(pk, sk)
        self.inner.delete_item(pk, sk)

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
        return self.inner.query_items(
            pk, prefix=prefix, below=below, index=index, newest_first=newest_first, limit=limit
        )

    def scan_items(self, pk_prefix: str) -> Iterator[Item]:
        return self.inner.scan_items(pk_prefix)


def _is_window(pk: str, sk: str) -> bool:
    """A group's window item (`RATE#{gid}`), not a member's rate counter (`RATE#{gid}#{uid}`)."""
    return pk.startswith(_WINDOW_PK) and pk.count("#") == 1 and sk.startswith(_WINDOW_SK)
