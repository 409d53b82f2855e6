"""The store's batch verbs on both stores: a page of claims (`claim_items`) and of members (`get_members`)."""

from __future__ import annotations

from dataclasses import replace

from chalicelib.clock import FrozenClock
from chalicelib.store.base import Store
from chalicelib.store.dynamodb import DynamoStore
from chalicelib.store.records import Item
from tests.store.conftest import T0


def _claims(n: int, *, expires_at: int | None = None) -> list[Item]:
    return [Item(f"EVT#wecom#corp#m{i}", "EVT", data={"n": i}, expires_at=expires_at) for i in range(n)]


def test_claim_items_writes_the_absent_and_refuses_the_live(store: Store) -> None:
    store.put_item(_claims(3)[1])
    assert store.claim_items(_claims(3)) == [True, False, True]
    assert store.claim_items(_claims(3)) == [False, False, False]
    assert store.get_item("EVT#wecom#corp#m2", "EVT") is not None


def test_an_expired_claim_is_claimed_again(store: Store, clock: FrozenClock) -> None:
    store.put_item(Item("EVT#wecom#corp#m0", "EVT", expires_at=int(T0 + 10)))
    clock.advance(11)
    assert store.claim_items(_claims(1)) == [True]


def test_a_key_given_twice_in_one_batch_is_claimed_once(store: Store) -> None:
    twice = [_claims(1)[0], _claims(1)[0]]
    assert store.claim_items(twice) == [True, False]


def _logged(n: int, *, first: int = 0, gid: str = "wecom:corp:wr1") -> list[Item]:
    """A page's message-log claims: one group's messages of one day, a second apart."""
    return [
        Item(f"MSG#{gid}#2024-03-01", f"2024-03-01T00:{i // 60:02d}:{i % 60:02d}Z#m{i}", {"u": "a"})
        for i in range(first, first + n)
    ]


def test_a_page_of_a_thousand_claims_of_many_partitions_costs_fifty_requests(
    dynamo_store: DynamoStore,
) -> None:
    dynamo_store.usage.reset()
    assert all(dynamo_store.claim_items(_claims(1000, expires_at=int(T0 + 3600))))
    calls = dynamo_store.usage.snapshot().calls
    assert calls["BatchGetItem"] == 10  # 100 keys a request
    assert calls["BatchWriteItem"] == 40  # 25 items a request


def test_a_page_of_a_thousand_claims_of_one_group_is_read_with_one_query(
    dynamo_store: DynamoStore,
) -> None:
    dynamo_store.usage.reset()
    assert all(dynamo_store.claim_items(_logged(1000)))
    calls = dynamo_store.usage.snapshot().calls
    assert (calls["Query"], calls["BatchGetItem"], calls["BatchWriteItem"]) == (1, 0, 40)


def test_claims_read_by_range_see_only_the_keys_asked_and_live(store: Store, clock: FrozenClock) -> None:
    """The range between a page's first and last claim holds others' items: they claim nothing."""
    logged = _logged(300)
    store.put_item(logged[0])  # claimed before: refused
    store.put_item(replace(logged[1], expires_at=int(T0 - 1)))  # expired: claimed again
    store.put_item(Item(logged[2].pk, logged[2].sk[:-1] + "x", {"u": "b"}))  # in the range, not asked
    asked = [item for n, item in enumerate(logged) if n != 2]
    claimed = store.claim_items(asked)
    assert claimed == [False] + [True] * (len(asked) - 1)
    assert store.claim_items(asked + _logged(120, first=300)) == [False] * len(asked) + [True] * 120


def test_get_members_returns_those_that_exist(store: Store) -> None:
    store.record_activity("wecom:corp:wr1", "wecom:corp:a", "a", T0)
    store.record_activity("wecom:corp:wr1", "wecom:corp:b", "b", T0)
    found = store.get_members("wecom:corp:wr1", ["wecom:corp:a", "wecom:corp:b", "wecom:corp:nobody"])
    assert sorted(found) == ["wecom:corp:a", "wecom:corp:b"]
    assert found["wecom:corp:a"].last_active == T0


def test_two_hundred_members_are_read_in_two_requests(dynamo_store: DynamoStore) -> None:
    uids = [f"wecom:corp:u{n}" for n in range(200)]
    for uid in uids:
        dynamo_store.record_activity("wecom:corp:wr1", uid, uid, T0)
    dynamo_store.usage.reset()
    assert len(dynamo_store.get_members("wecom:corp:wr1", uids)) == 200
    assert dynamo_store.usage.snapshot().calls["BatchGetItem"] == 2


def test_a_late_message_stretching_the_range_costs_at_most_one_query_more(
    dynamo_store: DynamoStore,
) -> None:
    """One message of the page is hours older than the rest: the range between holds the group's other
    messages, which the Query stops reading at twice the keys asked; the keys past it go by key."""
    others = _logged(1000)
    page = [replace(others[0], sk="2024-03-01T00:00:00Z#late"), *_logged(150, first=3000)]
    for start in range(0, 1000, 25):
        dynamo_store.claim_items(others[start : start + 25])  # claimed by earlier pages, key by key
    dynamo_store.claim_items([page[5]])
    dynamo_store.usage.reset()
    claimed = dynamo_store.claim_items(page)
    assert claimed == [True] * 5 + [False] + [True] * 145
    calls = dynamo_store.usage.snapshot().calls
    assert (calls["Query"], calls["BatchGetItem"]) == (1, 2)
    assert dynamo_store.usage.items_read <= 2 * len(page)  # what the Query read
