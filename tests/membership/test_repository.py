"""The membership state behaves the same on `MemoryStore` and `DynamoStore`: a join request is decided
once whoever clicks twice, what falls due is found through the sparse index, the roster expires, and a
member who leaves drops out of the activity index."""

from __future__ import annotations

from chalicelib.clock import FrozenClock
from chalicelib.membership.lifecycle import Stage
from chalicelib.membership.repository import MembershipRepo, NameRecord
from chalicelib.store.base import Store
from tests.membership.factories import DAY, GID, HOUR, NOW

UID = "slack:T1:U1"


def test_a_join_request_is_decided_once(store: Store) -> None:
    repo = MembershipRepo(store)
    request = repo.open_request(GID, UID, "U1", standing="outsider", now=NOW, due_at=NOW + HOUR)

    assert repo.decide_request(request, "approved", by="UADMIN", at=NOW)
    assert not repo.decide_request(request, "rejected", by="UOTHER", at=NOW)

    decided = repo.request(GID, UID)
    assert decided is not None and (decided.status, decided.decided_by) == ("approved", "UADMIN")
    assert list(repo.due(GID, NOW + DAY)) == []  # off the due index


def test_a_stale_request_from_an_earlier_join_cannot_decide_the_new_one(store: Store) -> None:
    repo = MembershipRepo(store)
    first = repo.open_request(GID, UID, "U1", standing="outsider", now=NOW, due_at=NOW + HOUR)
    repo.open_request(GID, UID, "U1", standing="outsider", now=NOW + 10, due_at=NOW + HOUR)
    assert not repo.decide_request(first, "approved", by="UADMIN", at=NOW)


def test_what_falls_due_is_found_oldest_first_and_nothing_early(store: Store) -> None:
    repo = MembershipRepo(store)
    repo.open_request(GID, UID, "U1", standing="outsider", now=NOW, due_at=NOW + 2 * HOUR)
    repo.nudge_name(NameRecord(GID, "slack:T1:U2", "U2", "CoolCat", "Erin", "directory", NOW, NOW + HOUR))
    repo.expect_ack(GID, "slack:T1:U3", "U3", now=NOW, remind_at=NOW + 3 * HOUR)
    repo.expect_ack(GID, "slack:T1:U4", "U4", now=NOW, remind_at=None)  # nothing to remind: not indexed

    assert [d.kind for d in repo.due(GID, NOW + 1.5 * HOUR)] == ["name"]
    assert [(d.kind, d.uid) for d in repo.due(GID, NOW + 3 * HOUR)] == [
        ("name", "slack:T1:U2"),
        ("join", UID),
        ("ack", "slack:T1:U3"),
    ]
    assert sorted(repo.pending_acks(GID)) == ["U3", "U4"]


def test_the_guest_roster_forgets_an_entry_once_it_expires(store: Store, clock: FrozenClock) -> None:
    repo = MembershipRepo(store)
    repo.add_guest(GID, UID, "U1", until=NOW + DAY, by="UADMIN", now=NOW)
    assert repo.guest_until(GID, UID) == NOW + DAY
    clock.advance(2 * DAY)
    assert repo.guest_until(GID, UID) is None


def test_a_member_who_leaves_drops_out_of_the_activity_index(store: Store) -> None:
    repo = MembershipRepo(store)
    repo.admit(GID, UID, "U1", now=NOW - 40 * DAY, display_name="Erin")
    assert [m.uid for m in store.members_inactive_since(GID, NOW)] == [UID]
    member = store.get_member(GID, UID)
    assert member is not None

    repo.forget_member(member)

    assert list(store.members_inactive_since(GID, NOW)) == []
    assert repo.is_member(GID, UID) is None
    repo.admit(GID, UID, "U1", now=NOW)  # back again
    assert repo.is_member(GID, UID) is not None


def test_inactivity_stages_of_a_group_are_read_in_one_query(store: Store) -> None:
    repo = MembershipRepo(store)
    for n in range(3):
        repo.set_stage(GID, f"slack:T1:U{n}", f"U{n}", Stage("marked", NOW, NOW - 31 * DAY))
    repo.clear_stage(GID, "slack:T1:U1")
    assert sorted(repo.stages(GID)) == ["slack:T1:U0", "slack:T1:U2"]


def test_a_directory_change_is_claimed_once_per_group(store: Store) -> None:
    repo = MembershipRepo(store)
    assert repo.claim_departure(GID, UID, "Ev1@C1", now=NOW)
    assert not repo.claim_departure(GID, UID, "Ev1@C1", now=NOW)
    assert repo.claim_departure("slack:T1:C2", UID, "Ev1@C2", now=NOW)
