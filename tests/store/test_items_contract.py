"""The generic item primitives the domains' repositories build on, against both stores: conditional
creation, state transitions that happen once, range queries on the table and on both indexes, TTL,
and transactions that write a case together with a member's points."""

from __future__ import annotations

import pytest

from chalicelib.errors import StoreError
from chalicelib.store.base import Store
from chalicelib.store.records import Increment, Item
from tests.store.conftest import T0

PK = "GRP#slack:T1:C1"


def test_an_item_reads_back_as_it_was_put(store: Store) -> None:
    item = Item(
        PK,
        "JOIN#u1",
        {"state": "pending", "tries": 2, "ratio": 0.5, "tags": ["a"], "meta": {"k": "v"}},
        gsi2=("OPEN#join", "2024#u1"),
        expires_at=int(T0) + 60,
    )
    assert store.put_item(item)
    assert store.get_item(PK, "JOIN#u1") == item


def test_put_if_absent_refuses_a_live_item_but_not_an_expired_one(store: Store) -> None:
    assert store.put_item(Item(PK, "X#1", {"n": 1}), if_absent=True)
    assert not store.put_item(Item(PK, "X#1", {"n": 2}), if_absent=True)
    assert store.put_item(Item(PK, "X#2", {"n": 1}, expires_at=int(T0) - 1))
    assert store.get_item(PK, "X#2") is None
    assert store.put_item(Item(PK, "X#2", {"n": 2}), if_absent=True)


def test_a_state_transition_happens_once_whoever_clicks_twice(store: Store) -> None:
    store.put_item(Item(PK, "APPROVAL#1", {"state": "pending"}))
    assert store.update_item(
        PK, "APPROVAL#1", {"state": "approved", "by": "admin1"}, expect={"state": "pending"}
    )
    assert not store.update_item(
        PK, "APPROVAL#1", {"state": "rejected", "by": "admin2"}, expect={"state": "pending"}
    )
    item = store.get_item(PK, "APPROVAL#1")
    assert item is not None and item.data == {"state": "approved", "by": "admin1"}


def test_an_update_can_remove_an_attribute_and_expect_one_absent(store: Store) -> None:
    store.put_item(Item(PK, "A#1", {"state": "open", "note": "x"}))
    assert store.update_item(PK, "A#1", {"note": None, "closed_by": "u"}, expect={"closed_by": None})
    assert store.get_item(PK, "A#1").data == {"state": "open", "closed_by": "u"}  # type: ignore[union-attr]


def test_updating_a_missing_item_changes_nothing(store: Store) -> None:
    assert not store.update_item(PK, "NOPE#1", {"state": "x"})
    assert store.get_item(PK, "NOPE#1") is None


def test_query_by_prefix_in_order_and_newest_first(store: Store) -> None:
    for sk in ("CASE#2024-01-02#b", "CASE#2024-01-01#a", "CASE#2024-01-03#c", "OTHER#1"):
        store.put_item(Item(PK, sk))
    assert [i.sk for i in store.query_items(PK, prefix="CASE#")] == [
        "CASE#2024-01-01#a",
        "CASE#2024-01-02#b",
        "CASE#2024-01-03#c",
    ]
    assert [i.sk for i in store.query_items(PK, prefix="CASE#", newest_first=True, limit=2)] == [
        "CASE#2024-01-03#c",
        "CASE#2024-01-02#b",
    ]


def test_query_below_a_bound_stays_within_the_prefix(store: Store) -> None:
    for sk in ("MUTE#2024-01-01#a", "MUTE#2024-01-05#b", "MUTE#2024-02-01#c", "MUTEX#0"):
        store.put_item(Item(PK, sk))
    due = [i.sk for i in store.query_items(PK, prefix="MUTE#", below="MUTE#2024-01-06")]
    assert due == ["MUTE#2024-01-01#a", "MUTE#2024-01-05#b"]


@pytest.mark.parametrize("index", ["GSI1", "GSI2"])
def test_an_index_partition_can_be_queried(store: Store, index: str) -> None:
    for n in range(3):
        keys = (f"OPEN#{index}", f"2024-01-0{n + 1}#{n}")
        store.put_item(
            Item(
                f"P#{n}",
                "S",
                {"n": n},
                gsi1=keys if index == "GSI1" else None,
                gsi2=keys if index == "GSI2" else None,
            )
        )
    found = list(store.query_items(f"OPEN#{index}", index=index, below="2024-01-03"))  # type: ignore[arg-type]
    assert [i.data["n"] for i in found] == [0, 1]


def test_expired_items_are_absent_from_queries(store: Store) -> None:
    store.put_item(Item(PK, "T#old", expires_at=int(T0) - 10))
    store.put_item(Item(PK, "T#new", expires_at=int(T0) + 10))
    assert [i.sk for i in store.query_items(PK, prefix="T#")] == ["T#new"]


def test_a_scan_finds_the_live_items_of_every_partition_with_the_prefix(store: Store) -> None:
    store.put_item(Item("OUT#slack#T1#Ev1", "OUT", {"actions": [{"user": "U1"}]}, gsi1=("G", "1")))
    store.put_item(Item("OUT#wecom#ww1#m2", "OUT", {"n": 2}))
    store.put_item(Item("OUT#slack#T1#old", "OUT", {"n": 3}, expires_at=int(T0) - 10))
    store.put_item(Item(PK, "OUT#not-a-partition", {"n": 4}))
    for n in range(10):  # more than a page of the DynamoDB store's Scan
        store.put_item(Item(f"X#{n}", "X", {"n": n}))

    found = sorted(store.scan_items("OUT#"), key=lambda item: item.pk)

    assert [(item.pk, item.data) for item in found] == [
        ("OUT#slack#T1#Ev1", {"actions": [{"user": "U1"}]}),
        ("OUT#wecom#ww1#m2", {"n": 2}),
    ]
    assert found[0].gsi1 == ("G", "1")


def test_a_case_and_the_members_points_are_written_together(store: Store) -> None:
    case = Item(PK, "CASE#2024-03-01T00:00:00Z#k1", {"rule": "flood", "points": 1.5})
    points = Increment(PK, "MEM#slack:T1:U1", "points", 1.5, also={"points_at": T0, "user": "U1"})
    store.transact_write([case], [points])
    store.transact_write([], [Increment(PK, "MEM#slack:T1:U1", "points", 1.0, also={"points_at": T0 + 5})])
    member = store.get_member("slack:T1:C1", "slack:T1:U1")
    assert member is not None and (member.points, member.points_at) == (2.5, T0 + 5)
    assert store.get_item(PK, "CASE#2024-03-01T00:00:00Z#k1") == case


def test_the_tables_own_attributes_cannot_be_overwritten_by_data(store: Store) -> None:
    with pytest.raises(StoreError):
        store.put_item(Item(PK, "BAD#1", {"PK": "elsewhere"}))


def test_one_write_bumps_several_counters_and_returns_what_they_were(store: Store) -> None:
    first = store.bump_counters("RATE#g", "W#1", {"n_u1": 1, "f_abc": 1}, {"t_u1": T0}, int(T0) + 600)
    second = store.bump_counters(
        "RATE#g", "W#1", {"n_u1": 1, "f_abc": 1, "n_u2": 1}, {"t_u1": T0 + 2}, int(T0) + 600
    )
    assert first == {}
    assert second == {"n_u1": 1, "f_abc": 1, "t_u1": T0}


def many(prefix: str, count: int = 20, amount: int = 1) -> dict[str, int]:
    """More counters than one write names one by one (`DynamoStore` packs them)."""
    return {f"{prefix}{n}": amount for n in range(count)}


def test_many_counters_added_in_one_write_add_up_with_every_other_write(store: Store) -> None:
    expires = int(T0) + 600
    store.bump_counters("RATE#g", "W#1", {"f_0": 1, "n_u1": 2}, {"t_u1": T0}, expires)
    store.bump_counters("RATE#g", "W#1", {**many("f_"), "n_u1": 3}, {"t_u1": T0 + 1}, expires, old=False)
    store.bump_counters("RATE#g", "W#1", many("f_", amount=2), {}, expires, old=False)
    before = store.bump_counters("RATE#g", "W#1", {"f_0": 1, "f_19": 1, "n_u1": 1}, {}, expires)
    assert (before["f_0"], before["f_19"], before["n_u1"], before["t_u1"]) == (4, 3, 5, T0 + 1)
    stored = store.get_item("RATE#g", "W#1")
    assert stored is not None
    assert stored.data == {**many("f_", amount=3), "f_0": 5, "f_19": 4, "n_u1": 6, "t_u1": T0 + 1}
    assert [item.data for item in store.query_items("RATE#g")] == [stored.data]
    assert [item.data for item in store.get_items([("RATE#g", "W#1")])] == [stored.data]


def test_an_item_of_many_counters_rewritten_whole_holds_what_it_was_given(store: Store) -> None:
    """An erasure rewrites a window item with the person's names replaced: the counters as read."""
    store.bump_counters("RATE#g", "W#1", many("m_u1_"), {}, int(T0) + 600, old=False)
    store.put_item(Item("RATE#g", "W#1", {"m_x_0": 1}, expires_at=int(T0) + 600))
    stored = store.get_item("RATE#g", "W#1")
    assert stored is not None and stored.data == {"m_x_0": 1}


def test_counter_names_of_the_stores_own_encoding_are_refused(store: Store) -> None:
    with pytest.raises(StoreError):
        store.bump_counters("RATE#g", "W#1", {"~1": 1}, {}, int(T0) + 600)
    with pytest.raises(StoreError):
        store.put_item(Item(PK, "BAD#2", {"~1": "x"}))


def test_member_fields_can_be_set_and_cleared(store: Store) -> None:
    store.update_member("slack:T1:C1", "slack:T1:U1", "U1", {"role": "admin", "ads_pass": True})
    member = store.get_member("slack:T1:C1", "slack:T1:U1")
    assert member is not None and (member.role, member.ads_pass, member.user) == ("admin", True, "U1")
    store.update_member("slack:T1:C1", "slack:T1:U1", "U1", {"ads_pass": None})
    assert store.get_member("slack:T1:C1", "slack:T1:U1").ads_pass is False  # type: ignore[union-attr]
