"""`PageStore`: one page's counters and activity gathered in memory and written once, members read
once, and everything answered exactly as the table would have answered it message by message."""

from __future__ import annotations

from chalicelib.clock import FrozenClock
from chalicelib.store import keys
from chalicelib.store.memory import MemoryStore
from chalicelib.store.records import Item
from chalicelib.worker.page_store import ATTRIBUTES_PER_WRITE, PageStore

T0 = 1_750_000_000.0
GID = "wecom:corp:wr1"
PK, SK = keys.moderation_window_pk(GID), keys.moderation_window_sk(5_833_333)


def stores(clock: FrozenClock | None = None) -> tuple[MemoryStore, PageStore]:
    clock = clock or FrozenClock(T0)
    inner = MemoryStore(clock=clock)
    return inner, PageStore(inner, clock)


def test_each_bump_answers_what_the_item_held_before_it_in_the_pages_order() -> None:
    inner, page = stores()
    inner.bump_counters(PK, SK, {"n_a_1": 2}, {}, expires_at=int(T0 + 600))
    first = page.bump_counters(PK, SK, {"n_a_1": 1, "f_x": 1}, {"t_a": T0}, expires_at=int(T0 + 600))
    assert dict(first) == {"n_a_1": 2}
    second = page.bump_counters(PK, SK, {"n_a_1": 1, "f_x": 1}, {"t_a": T0 + 1}, expires_at=int(T0 + 600))
    assert dict(second) == {"n_a_1": 3, "f_x": 1, "t_a": T0}
    assert second.get("absent") is None


def test_a_bumps_answer_is_read_name_by_name_as_the_tables_would_be() -> None:
    inner, page = stores()
    inner.bump_counters(PK, SK, {"n_a_1": 2}, {"t_a": T0 - 5}, expires_at=int(T0 + 600))
    before = page.bump_counters(PK, SK, {"n_a_1": 1, "f_x": 1}, {"t_a": T0}, expires_at=int(T0 + 600))
    assert [before.get(name) for name in ("n_a_1", "t_a", "f_x", "m_a_x")] == [2, T0 - 5, None, None]
    assert before.get("f_x", 0) == 0 and "f_x" not in before and before["n_a_1"] == 2


def test_a_window_is_read_once_and_written_once_per_page() -> None:
    inner, page = stores()
    inner.usage.reset()
    for n in range(50):
        page.bump_counters(PK, SK, {"n_a_1": 1, f"f_{n}": 1}, {"t_a": T0 + n}, expires_at=int(T0 + 600))
    assert inner.usage.calls["UpdateItem"] == 0
    page.flush()
    assert inner.usage.calls == {"GetItem": 1, "UpdateItem": 1}
    stored = inner.get_item(PK, SK)
    assert stored is not None
    assert stored.data["n_a_1"] == 50 and stored.data["t_a"] == T0 + 49 and stored.data["f_49"] == 1


def test_a_window_with_many_attributes_set_is_written_in_parts_its_additions_in_the_first() -> None:
    inner, page = stores()
    for n in range(ATTRIBUTES_PER_WRITE * 2):
        page.bump_counters(PK, SK, {f"f_{n}": 1}, {f"t_{n}": T0 + n}, expires_at=int(T0 + 600))
    inner.usage.reset()
    page.flush()
    assert inner.usage.calls["UpdateItem"] == 2
    stored = inner.get_item(PK, SK)
    assert stored is not None and len(stored.data) == ATTRIBUTES_PER_WRITE * 4


def test_a_window_with_many_counters_is_written_once() -> None:
    inner, page = stores()
    for n in range(ATTRIBUTES_PER_WRITE * 2):
        page.bump_counters(PK, SK, {f"f_{n}": 1, "n_a_1": 1}, {"t_a": T0 + n}, expires_at=int(T0 + 600))
    inner.usage.reset()
    page.flush()
    assert inner.usage.calls["UpdateItem"] == 1
    stored = inner.get_item(PK, SK)
    assert stored is not None and stored.data["n_a_1"] == ATTRIBUTES_PER_WRITE * 2
    assert len(stored.data) == ATTRIBUTES_PER_WRITE * 2 + 2


def test_reading_a_window_item_sees_the_pages_writes() -> None:
    _, page = stores()
    page.bump_counters(PK, SK, {"n_a_1": 1}, {}, expires_at=int(T0 + 600))
    item = page.get_item(PK, SK)
    assert item is not None and item.data == {"n_a_1": 1}


def test_other_counters_go_straight_to_the_table() -> None:
    inner, page = stores()
    member_rate = keys.rate_pk(GID, "wecom:corp:a")
    page.bump_counters(member_rate, "W#1", {"n": 1}, {}, expires_at=int(T0 + 600))
    assert inner.get_item(member_rate, "W#1") is not None


def test_members_are_read_once_for_the_page_and_again_once_changed() -> None:
    inner, page = stores()
    for user in ("a", "b"):
        inner.record_activity(GID, f"wecom:corp:{user}", user, T0 - 7200)
    inner.usage.reset()
    page.preload_members(GID, ["wecom:corp:a", "wecom:corp:b", "wecom:corp:nobody"])
    reads = inner.usage.total_calls
    assert page.get_member(GID, "wecom:corp:a") is not None
    assert page.get_member(GID, "wecom:corp:nobody") is None
    assert inner.usage.total_calls == reads  # served from the page
    page.update_member(GID, "wecom:corp:a", "a", {"role": "admin"})
    member = page.get_member(GID, "wecom:corp:a")
    assert member is not None and member.role == "admin"


def test_activity_is_written_once_per_member_with_the_latest_time_and_once_per_group_summary() -> None:
    inner, page = stores()
    for n in range(5):
        page.record_activity(GID, "wecom:corp:a", "a", T0 + n)
        page.record_activity(GID, "wecom:corp:b", "b", T0 + n)
    inner.usage.reset()
    page.flush()
    assert inner.usage.calls["UpdateItem"] == 3  # each member's, and the group's summary once
    member = inner.get_member(GID, "wecom:corp:a")
    assert member is not None and member.last_active == T0 + 4
    summary = inner.group_summaries([GID])[GID]
    assert (summary.members, summary.last_active) == (2, T0 + 4)


SETUP = keys.group_pk(GID), keys.setup_sk()


def test_a_once_only_claim_the_table_refuses_is_read_once_then_refused_from_memory() -> None:
    inner, page = stores()
    inner.put_item(Item(*SETUP, data={"at": T0}))
    inner.usage.reset()
    assert not any(page.put_item(Item(*SETUP, data={"at": T0 + n}), if_absent=True) for n in range(100))
    assert inner.usage.calls == {"PutItem": 1, "GetItem": 1}
    stored = inner.get_item(*SETUP)
    assert stored is not None and stored.data == {"at": T0}


def test_a_claim_the_page_took_is_refused_again_without_a_request() -> None:
    inner, page = stores()
    assert page.put_item(Item(*SETUP, data={"at": T0}), if_absent=True)
    inner.usage.reset()
    assert not page.put_item(Item(*SETUP, data={"at": T0 + 1}), if_absent=True)
    assert inner.usage.total_calls == 0


def test_a_claim_that_expires_during_the_page_can_be_taken_again_as_the_table_would_allow() -> None:
    clock = FrozenClock(T0)
    inner, page = stores(clock)
    item = Item(keys.group_pk(GID), "REMIND#a", data={"n": 1}, expires_at=int(T0 + 5))
    assert page.put_item(item, if_absent=True)
    assert not page.put_item(item, if_absent=True)
    clock.advance(6)
    assert page.put_item(Item(item.pk, item.sk, data={"n": 2}, expires_at=int(T0 + 60)), if_absent=True)
    stored = inner.get_item(item.pk, item.sk)
    assert stored is not None and stored.data == {"n": 2}


def test_a_claim_refused_by_the_table_and_since_expired_is_taken_on_its_next_attempt() -> None:
    clock = FrozenClock(T0)
    inner, page = stores(clock)
    inner.put_item(Item(*SETUP, data={"at": T0}, expires_at=int(T0 + 5)))
    assert not page.put_item(Item(*SETUP, data={"at": T0}), if_absent=True)
    assert not page.put_item(Item(*SETUP, data={"at": T0}), if_absent=True)  # read: live until T0 + 5
    clock.advance(6)
    assert page.put_item(Item(*SETUP, data={"at": T0 + 6}), if_absent=True)


def test_a_claim_deleted_or_overwritten_through_the_page_is_asked_of_the_table_again() -> None:
    inner, page = stores()
    assert page.put_item(Item(*SETUP, data={"at": T0}), if_absent=True)
    page.delete_item(*SETUP)
    assert page.put_item(Item(*SETUP, data={"at": T0 + 1}), if_absent=True)
    page.update_item(*SETUP, {"at": T0 + 2})
    inner.delete_item(*SETUP)  # by another writer: the page's update made it forget the item
    assert page.put_item(Item(*SETUP, data={"at": T0 + 3}), if_absent=True)


def test_reading_a_window_again_before_its_next_write_gives_the_same_answer_without_copying() -> None:
    _, page = stores()
    page.bump_counters(PK, SK, {"n_a_1": 1}, {}, expires_at=int(T0 + 600))
    first, again = page.get_item(PK, SK), page.get_item(PK, SK)
    assert first is again
    page.bump_counters(PK, SK, {"n_a_1": 1}, {}, expires_at=int(T0 + 600))
    after = page.get_item(PK, SK)
    assert after is not None and after.data == {"n_a_1": 2}
    assert first is not None and first.data == {"n_a_1": 1}  # an earlier answer stays as it was
