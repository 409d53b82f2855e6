"""What the store's calls cost on DynamoDB (DESIGN.md section 6): an ordinary message at most 1 read and 2
writes; jobs read about what they act on.

Moto reports ConsumedCapacity as constants per operation (GetItem 0.5, UpdateItem 0.5, PutItem, DeleteItem
and Query 1.0 whatever the item count), and nothing for a refused conditional write (DynamoDB reports
nothing there either; `Usage` counts one unit). So these tests assert on the calls per operation and the
items a Query examined (ScannedCount), and check the reported units only against the budgets.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from chalicelib.store import keys
from chalicelib.store.dynamodb import DynamoStore
from chalicelib.store.records import MemberRecord
from tests.store.conftest import T0

pytestmark = pytest.mark.dynamodb

GID = "slack:T1:C1"
UID = "slack:T1:U1"
HOUR = 3600


@pytest.fixture
def store(table_name: str, dynamodb_client: Any) -> DynamoStore:
    return DynamoStore(table_name, client=dynamodb_client)  # one page per Query, as in production


def test_claiming_an_event_costs_one_write_and_no_read(store: DynamoStore) -> None:
    store.claim_event("slack", "Ev1", T0)

    assert dict(store.usage.calls) == {"PutItem": 1}
    assert 0 < store.usage.write_units <= 1
    assert store.usage.read_units == 0


def test_a_duplicate_claim_costs_one_write_attempt_and_no_read(store: DynamoStore) -> None:
    store.claim_event("slack", "Ev1", T0)
    store.usage.reset()

    assert store.claim_event("slack", "Ev1", T0) is False

    assert dict(store.usage.calls) == {"PutItem": 1}
    assert store.usage.write_units <= 1
    assert store.usage.read_units == 0


def test_reading_a_member_costs_one_read_of_at_most_one_unit(store: DynamoStore) -> None:
    store.put_member(MemberRecord(gid=GID, uid=UID, user="U1", display_name="x" * 200, last_active=T0))
    store.usage.reset()

    store.get_member(GID, UID)

    assert dict(store.usage.calls) == {"GetItem": 1}
    assert 0 < store.usage.read_units <= 1
    assert store.usage.write_units == 0


def test_recording_activity_that_is_still_fresh_costs_one_write_attempt_only(store: DynamoStore) -> None:
    store.record_activity(GID, UID, "U1", T0)
    store.usage.reset()

    assert store.record_activity(GID, UID, "U1", T0 + 60) is False

    assert dict(store.usage.calls) == {"UpdateItem": 1}
    assert store.usage.read_units == 0
    assert store.usage.write_units <= 1


def test_recording_activity_of_a_new_member_costs_one_write_and_once_the_membership_pointer(
    store: DynamoStore,
) -> None:
    assert store.record_activity(GID, UID, "U1", T0) is True

    # The pointer from the person to the group (`groups_of_member`, the console's own page) is written
    # once, when the member item is created; the group's summary (one more member, its last activity)
    # takes one write. Their later activity (at most hourly) costs the member's write and the summary's.
    assert dict(store.usage.calls) == {"UpdateItem": 2, "PutItem": 1}
    assert store.usage.read_units == 0
    store.usage.reset()
    assert store.record_activity(GID, UID, "U1", T0 + 7200) is True
    assert dict(store.usage.calls) == {"UpdateItem": 2}


def test_counting_a_hit_costs_one_write(store: DynamoStore) -> None:
    store.hit_counter(keys.rate_pk(GID, UID), keys.rate_sk(int(T0)), int(T0) + 120)

    assert dict(store.usage.calls) == {"UpdateItem": 1}
    assert store.usage.read_units == 0


def test_an_ordinary_message_costs_at_most_one_read_and_two_writes(store: DynamoStore) -> None:
    store.record_activity(GID, UID, "U1", T0 - 60)  # an earlier message
    store.usage.reset()

    # The store calls behind one message: claim it at ingress; in the worker read the member, touch activity.
    store.claim_event("slack", "Ev2", T0)
    store.get_member(GID, UID)
    store.record_activity(GID, UID, "U1", T0)

    assert store.usage.calls["GetItem"] + store.usage.calls["Query"] <= 1
    assert store.usage.calls["PutItem"] + store.usage.calls["UpdateItem"] <= 2
    assert store.usage.read_units <= 1
    assert store.usage.write_units <= 2


def test_members_inactive_since_reads_about_as_many_items_as_it_returns(store: DynamoStore) -> None:
    # 2 000 members, 50 of them silent for a month: the Query examines those 50, not the group.
    members = [
        MemberRecord(
            gid=GID,
            uid=f"slack:T1:U{i:04d}",
            user=f"U{i:04d}",
            last_active=T0 - 30 * 86400 - i if i < 50 else T0 - (i % 600),
        )
        for i in range(2000)
    ]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(store.put_member, members))
    store.usage.reset()

    inactive = list(store.members_inactive_since(GID, T0 - 7 * 86400))

    assert len(inactive) == 50
    assert store.usage.items_read <= 50 + 1
    assert store.usage.calls["Query"] <= 2
    assert store.usage.read_units <= 2
    assert dict(store.usage.calls).keys() == {"Query"}  # an index Query: no Scan, no GetItem per member
