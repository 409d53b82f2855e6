"""The store contract: every test runs against MemoryStore and against DynamoStore on moto, so the fake
the other suites use behaves as the table does."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from chalicelib.clock import FrozenClock
from chalicelib.store import keys
from chalicelib.store.base import Store
from chalicelib.store.records import AuditRecord, GroupRecord, MemberRecord
from tests.store.conftest import T0

HOUR = 3600
GID = "slack:T1:C1"
OTHER_GID = "slack:T1:C2"

R = TypeVar("R")


def run_concurrently(count: int, work: Callable[[int], R]) -> list[R]:
    """Run `work(i)` for i in range(count) on as many threads, released together."""
    start = threading.Barrier(count)
    results: list[R] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        start.wait()
        try:
            result = work(i)
        except BaseException as exc:
            with lock:
                errors.append(exc)
            return
        with lock:
            results.append(result)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results


def group(gid: str, **fields: object) -> GroupRecord:
    platform, tenant, chat = gid.split(":")
    return GroupRecord(gid=gid, platform=platform, tenant=tenant, chat=chat, **fields)  # type: ignore[arg-type]


def member(uid: str, *, gid: str = GID, last_active: float | None = None) -> MemberRecord:
    return MemberRecord(gid=gid, uid=uid, user=uid.rsplit(":", 1)[-1], last_active=last_active)


def audit(audit_id: str, at: float, *, gid: str = GID, expires_at: int | None = None) -> AuditRecord:
    return AuditRecord(
        gid=gid,
        audit_id=audit_id,
        at=at,
        event_type="MessagePosted",
        actor="slack:T1:U1",
        actions=("Warn",),
        expires_at=expires_at,
    )


# Exactly once ------------------------------------------------------------------------------------
def test_the_first_claim_of_an_event_wins(store: Store) -> None:
    assert store.claim_event("slack", "Ev1", T0) is True


def test_claim_event_is_refused_while_the_first_claim_lives(store: Store) -> None:
    store.claim_event("slack", "Ev1", T0, ttl=600)

    assert store.claim_event("slack", "Ev1", T0) is False
    assert store.claim_event("slack", "Ev1", T0 + 599) is False


def test_an_expired_claim_can_be_claimed_again(store: Store) -> None:
    store.claim_event("slack", "Ev1", T0, ttl=600)

    assert store.claim_event("slack", "Ev1", T0 + 601, ttl=600) is True
    assert store.claim_event("slack", "Ev1", T0 + 602, ttl=600) is False


def test_the_same_event_id_on_two_platforms_is_two_events(store: Store) -> None:
    assert store.claim_event("slack", "Ev1", T0) is True
    assert store.claim_event("wecom", "Ev1", T0) is True


def test_exactly_one_of_thirty_concurrent_claims_wins(store: Store) -> None:
    results = run_concurrently(30, lambda _: store.claim_event("dingtalk", "evt-race", T0))

    assert sorted(results) == [False] * 29 + [True]


def test_a_released_claim_can_be_claimed_again(store) -> None:
    # release_event is not (yet) part of the Store ABC; both implementations provide it.
    store.claim_event("slack", "Ev1", T0)

    store.release_event("slack", "Ev1")

    assert store.claim_event("slack", "Ev1", T0 + 1) is True


# Groups ------------------------------------------------------------------------------------------
def test_a_group_reads_back_as_it_was_put(store: Store) -> None:
    original = group(
        GID, name="研发周会", enabled=False, locale="zh-CN", app_created=True, created_at=T0 + 0.25
    )

    store.put_group(original)

    assert store.get_group(GID) == original


def test_a_group_named_by_its_members_reads_back_so(store: Store) -> None:
    original = group(GID, name="张三、李四、王五和另外2人", named_by_members=True, described_at=T0)

    store.put_group(original)

    assert store.get_group(GID) == original


def test_an_unknown_group_reads_as_none(store: Store) -> None:
    assert store.get_group("slack:T1:nope") is None


def test_putting_a_group_again_replaces_it(store: Store) -> None:
    store.put_group(group(GID, name="old", locale="en"))

    store.put_group(group(GID, name="new"))

    assert store.get_group(GID) == group(GID, name="new")


def test_list_groups_returns_every_group_from_every_shard(store: Store) -> None:
    gids = [f"wecom:corp{i % 3}:chat{i}" for i in range(40)]
    for gid in gids:
        store.put_group(group(gid))

    listed = [g.gid for g in store.list_groups()]

    assert sorted(listed) == sorted(gids)
    assert len({keys.group_shard(gid) for gid in gids}) >= 4  # the test does span several shards


# Members -----------------------------------------------------------------------------------------
def test_a_member_reads_back_as_it_was_put(store: Store) -> None:
    original = MemberRecord(
        gid=GID,
        uid="slack:T1:U1",
        user="U1",
        display_name="王小明",
        role="admin",
        last_active=T0 + 0.123456,
        joined_at=T0 - 86400.5,
        points=2.5,
        locale="zh-TW",
    )

    store.put_member(original)

    got = store.get_member(GID, "slack:T1:U1")
    assert got == original
    assert got is not None and isinstance(got.points, float) and isinstance(got.last_active, float)


def test_a_deleted_member_is_gone_from_the_group_and_its_activity_index(store: Store) -> None:
    store.record_activity(GID, "slack:T1:U1", "U1", 1000.0, min_interval=0)
    store.delete_member(GID, "slack:T1:U1")
    assert store.get_member(GID, "slack:T1:U1") is None
    assert list(store.members_inactive_since(GID, 5000.0)) == []


def test_an_unknown_member_reads_as_none(store: Store) -> None:
    assert store.get_member(GID, "slack:T1:nobody") is None


def test_record_activity_creates_a_missing_member(store: Store) -> None:
    assert store.record_activity(GID, "slack:T1:U1", "U1", T0) is True

    assert store.get_member(GID, "slack:T1:U1") == MemberRecord(
        gid=GID, uid="slack:T1:U1", user="U1", last_active=T0
    )


def test_record_activity_writes_at_most_once_per_interval(store: Store) -> None:
    store.record_activity(GID, "slack:T1:U1", "U1", T0)

    assert store.record_activity(GID, "slack:T1:U1", "U1", T0 + 60) is False
    assert store.record_activity(GID, "slack:T1:U1", "U1", T0 + HOUR - 0.5) is False
    got = store.get_member(GID, "slack:T1:U1")
    assert got is not None and got.last_active == T0


def test_record_activity_writes_again_once_the_stored_value_is_an_interval_old(store: Store) -> None:
    store.record_activity(GID, "slack:T1:U1", "U1", T0)

    assert store.record_activity(GID, "slack:T1:U1", "U1", T0 + HOUR) is True
    got = store.get_member(GID, "slack:T1:U1")
    assert got is not None and got.last_active == T0 + HOUR


def test_record_activity_never_moves_activity_backwards(store: Store) -> None:
    store.record_activity(GID, "slack:T1:U1", "U1", T0)

    assert store.record_activity(GID, "slack:T1:U1", "U1", T0 - 2 * HOUR) is False


def test_record_activity_honours_a_shorter_interval(store: Store) -> None:
    store.record_activity(GID, "slack:T1:U1", "U1", T0, min_interval=10)

    assert store.record_activity(GID, "slack:T1:U1", "U1", T0 + 5, min_interval=10) is False
    assert store.record_activity(GID, "slack:T1:U1", "U1", T0 + 10, min_interval=10) is True


def test_record_activity_keeps_the_members_other_fields(store: Store) -> None:
    original = MemberRecord(gid=GID, uid="slack:T1:U1", user="U1", role="admin", points=3.0, joined_at=T0 - 9)
    store.put_member(original)

    assert store.record_activity(GID, "slack:T1:U1", "someone-else", T0) is True

    assert store.get_member(GID, "slack:T1:U1") == MemberRecord(
        gid=GID, uid="slack:T1:U1", user="U1", role="admin", points=3.0, joined_at=T0 - 9, last_active=T0
    )


def test_record_activity_moves_the_member_in_the_activity_index(store: Store) -> None:
    store.record_activity(GID, "slack:T1:U1", "U1", T0 - 30 * 86400)
    assert [m.uid for m in store.members_inactive_since(GID, T0 - 86400)] == ["slack:T1:U1"]

    store.record_activity(GID, "slack:T1:U1", "U1", T0)

    assert list(store.members_inactive_since(GID, T0 - 86400)) == []
    assert [m.uid for m in store.members_inactive_since(GID, T0 + 1)] == ["slack:T1:U1"]


def test_a_persons_groups_are_found_however_they_became_a_member(store: Store) -> None:
    store.put_member(MemberRecord(gid="slack:T1:CA", uid="slack:T1:U1", user="U1"))
    store.record_activity("slack:T1:CB", "slack:T1:U1", "U1", T0)
    store.update_member("slack:T1:CC", "slack:T1:U1", "U1", {"role": "admin"})
    store.record_activity("slack:T1:CA", "slack:T1:U2", "U2", T0)

    assert sorted(store.groups_of_member("slack:T1:U1")) == ["slack:T1:CA", "slack:T1:CB", "slack:T1:CC"]
    assert store.groups_of_member("slack:T1:U2") == ["slack:T1:CA"]
    assert store.groups_of_member("slack:T1:UNONE") == []


def test_members_active_recently_are_the_newest_first_and_no_more_than_asked(store: Store) -> None:
    for i in range(12):  # several Query pages on DynamoDB
        store.record_activity(GID, f"slack:T1:U{i:02d}", f"U{i:02d}", T0 - 3600 * (12 - i))
    store.put_member(MemberRecord(gid=GID, uid="slack:T1:UQUIET", user="UQUIET"))  # never active: not listed

    assert [m.uid for m in store.members_active_recently(GID, 3)] == [
        "slack:T1:U11",
        "slack:T1:U10",
        "slack:T1:U09",
    ]
    assert len(store.members_active_recently(GID, 50)) == 12
    assert store.members_active_recently(GID, 0) == []


def test_members_inactive_since_returns_exactly_those_before_the_cutoff_oldest_first(store: Store) -> None:
    # 40 members an hour apart (several Query pages on DynamoDB); the 25 oldest are before the cutoff.
    uids = [f"slack:T1:U{i:02d}" for i in range(40)]
    for i, uid in enumerate(reversed(uids)):  # written newest first: the order must come from the index
        store.put_member(member(uid, last_active=T0 - (i + 1) * HOUR))
    cutoff = T0 - 15 * HOUR

    inactive = list(store.members_inactive_since(GID, cutoff))

    assert [m.uid for m in inactive] == uids[:25]
    activity = [m.last_active for m in inactive]
    assert activity == sorted(activity)  # type: ignore[type-var]
    assert all(a is not None and a < cutoff for a in activity)


def test_members_never_active_are_not_listed_as_inactive(store: Store) -> None:
    store.put_member(member("slack:T1:U1"))
    store.put_member(member("slack:T1:U2", last_active=T0 - HOUR))

    assert [m.uid for m in store.members_inactive_since(GID, T0)] == ["slack:T1:U2"]


def test_members_inactive_since_lists_only_the_groups_members(store: Store) -> None:
    store.put_member(member("slack:T1:U1", last_active=T0 - HOUR))
    store.put_member(member("slack:T1:U2", gid=OTHER_GID, last_active=T0 - HOUR))

    assert [m.uid for m in store.members_inactive_since(GID, T0)] == ["slack:T1:U1"]


# Counters ----------------------------------------------------------------------------------------
def test_hit_counter_counts_from_one(store: Store) -> None:
    pk, sk = keys.rate_pk(GID, "slack:T1:U1"), keys.rate_sk(int(T0))

    assert [store.hit_counter(pk, sk, int(T0) + 120) for _ in range(3)] == [1, 2, 3]


def test_counters_under_different_keys_are_independent(store: Store) -> None:
    pk = keys.rate_pk(GID, "slack:T1:U1")
    store.hit_counter(pk, keys.rate_sk(int(T0)), int(T0) + 120)

    assert store.hit_counter(pk, keys.rate_sk(int(T0) + 60), int(T0) + 180) == 1
    assert store.hit_counter(keys.rate_pk(GID, "slack:T1:U2"), keys.rate_sk(int(T0)), int(T0) + 120) == 1


def test_hit_counter_is_exact_under_twenty_threads(store: Store) -> None:
    pk, sk = keys.rate_pk(GID, "slack:T1:U1"), keys.rate_sk(int(T0))

    counts = run_concurrently(20, lambda _: store.hit_counter(pk, sk, int(T0) + 120))

    assert sorted(counts) == list(range(1, 21))


def test_a_counter_past_expires_at_starts_again_from_one(store: Store, clock: FrozenClock) -> None:
    pk, sk = keys.rate_pk(GID, "slack:T1:U1"), keys.rate_sk(int(T0))
    store.hit_counter(pk, sk, int(T0) + 60)
    store.hit_counter(pk, sk, int(T0) + 60)

    clock.advance(61)

    assert store.hit_counter(pk, sk, int(T0) + 200) == 1
    assert store.hit_counter(pk, sk, int(T0) + 200) == 2


# Audit -------------------------------------------------------------------------------------------
def test_audit_lists_newest_first_up_to_the_limit(store: Store) -> None:
    for i in range(12):
        store.append_audit(audit(f"a{i:02d}", T0 + i * 60))

    listed = store.list_audit(GID, limit=5)

    assert [r.audit_id for r in listed] == ["a11", "a10", "a09", "a08", "a07"]
    assert len(store.list_audit(GID)) == 12


def test_an_audit_record_reads_back_as_it_was_written(store: Store) -> None:
    original = AuditRecord(
        gid=GID,
        audit_id="a1",
        at=T0 + 0.5,
        event_type="MessagePosted",
        actor="slack:T1:U1",
        actions=("DeleteMessage", "Warn"),
        outcome="substituted",
        detail={"rule": "links", "score": 0.75, "hits": 3, "flags": [True, None, "x"], "nested": {"n": 1.5}},
        expires_at=int(T0) + 90 * 86400,
    )

    store.append_audit(original)

    assert store.list_audit(GID) == [original]


def test_audit_is_kept_per_group(store: Store) -> None:
    store.append_audit(audit("a1", T0))
    store.append_audit(audit("b1", T0, gid=OTHER_GID))

    assert [r.audit_id for r in store.list_audit(GID)] == ["a1"]
    assert store.list_audit("slack:T1:empty") == []


def test_an_audit_record_past_expires_at_is_not_listed(store: Store) -> None:
    # TTL deletes late: an expired record may still be in the table, and must read as absent.
    for i in range(10):
        expires_at = int(T0) - 1 if i % 2 else int(T0) + 3600
        store.append_audit(audit(f"a{i}", T0 - 600 + i, expires_at=expires_at))

    listed = store.list_audit(GID, limit=3)

    assert [r.audit_id for r in listed] == ["a8", "a6", "a4"]
