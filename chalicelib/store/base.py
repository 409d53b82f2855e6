"""The store interface. `DynamoStore` and `MemoryStore` both implement it and pass one contract suite
(tests/store/test_contract.py); the rest of the code depends only on this."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator

from chalicelib.store.records import AuditRecord, GroupRecord, MemberRecord

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

    # Members -------------------------------------------------------------------------------------
    @abstractmethod
    def get_member(self, gid: str, uid: str) -> MemberRecord | None: ...

    @abstractmethod
    def put_member(self, member: MemberRecord) -> None: ...

    @abstractmethod
    def record_activity(
        self, gid: str, uid: str, user: str, at: float, *, min_interval: int = ACTIVITY_WRITE_INTERVAL
    ) -> bool:
        """Set the member's `last_active` to `at`, creating the member if needed, unless the stored
        value is less than `min_interval` seconds older. True when written."""

    @abstractmethod
    def members_inactive_since(self, gid: str, cutoff: float) -> Iterator[MemberRecord]:
        """Members whose `last_active` is before `cutoff`, oldest first (a GSI1 Query)."""

    # Counters ------------------------------------------------------------------------------------
    @abstractmethod
    def hit_counter(self, pk: str, sk: str, expires_at: int) -> int:
        """Atomically add one to a counter item and return the new count."""

    # Audit ---------------------------------------------------------------------------------------
    @abstractmethod
    def append_audit(self, record: AuditRecord) -> None: ...

    @abstractmethod
    def list_audit(self, gid: str, limit: int = 50) -> list[AuditRecord]:
        """The newest audit records of a group, newest first."""
