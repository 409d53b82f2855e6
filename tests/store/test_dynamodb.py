"""What only `DynamoStore` has: the items' shape in the table (DESIGN.md section 4), TTL read on items
written by others, errors, and a client that is built on first use only."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from chalicelib.errors import StoreError
from chalicelib.store import keys
from chalicelib.store.dynamodb import DynamoStore
from chalicelib.store.records import GroupRecord, MemberRecord
from tests.store.conftest import T0

pytestmark = pytest.mark.dynamodb

GID = "wecom:corp1:chat1"
UID = "wecom:corp1:zhangsan"


def raw_item(client: Any, table: str, pk: str, sk: str) -> dict[str, Any]:
    item: dict[str, Any] = client.get_item(TableName=table, Key={"PK": {"S": pk}, "SK": {"S": sk}})["Item"]
    return item


def test_a_group_is_indexed_under_its_shard_for_sweeps(
    dynamo_store: DynamoStore, dynamodb_client: Any, table_name: str
) -> None:
    dynamo_store.put_group(GroupRecord(gid=GID, platform="wecom", tenant="corp1", chat="chat1"))

    item = raw_item(dynamodb_client, table_name, keys.group_pk(GID), keys.META)

    assert item["GSI2PK"] == {"S": keys.groups_index_pk(keys.group_shard(GID))}
    assert item["GSI2SK"] == {"S": GID}
    assert "locale" not in item  # None is left out, not stored as NULL


def test_only_an_active_member_is_in_the_activity_index(
    dynamo_store: DynamoStore, dynamodb_client: Any, table_name: str
) -> None:
    dynamo_store.put_member(MemberRecord(gid=GID, uid=UID, user="zhangsan"))
    assert "GSI1PK" not in raw_item(dynamodb_client, table_name, keys.group_pk(GID), keys.member_sk(UID))

    dynamo_store.record_activity(GID, UID, "zhangsan", T0 + 0.5)

    item = raw_item(dynamodb_client, table_name, keys.group_pk(GID), keys.member_sk(UID))
    assert item["GSI1PK"] == {"S": keys.activity_index_pk(GID)}
    assert item["GSI1SK"] == {"S": keys.activity_index_sk(T0 + 0.5, UID)}
    assert item["last_active"] == {"N": "1709251200.5"}


def test_an_item_past_expires_at_reads_as_absent(
    dynamo_store: DynamoStore, dynamodb_client: Any, table_name: str
) -> None:
    # Written by something else with a TTL that passed; DynamoDB has not deleted it yet.
    dynamodb_client.put_item(
        TableName=table_name,
        Item={
            "PK": {"S": keys.group_pk(GID)},
            "SK": {"S": keys.member_sk(UID)},
            "gid": {"S": GID},
            "uid": {"S": UID},
            "user": {"S": "zhangsan"},
            "expires_at": {"N": str(int(T0) - 1)},
        },
    )

    assert dynamo_store.get_member(GID, UID) is None


def test_a_missing_table_is_a_store_error_with_the_code(dynamodb_client: Any) -> None:
    store = DynamoStore("no-such-table", client=dynamodb_client)

    with pytest.raises(StoreError, match="GetItem failed: ResourceNotFoundException"):
        store.get_group(GID)


def test_a_refused_request_is_a_store_error_without_the_items_contents(dynamo_store: DynamoStore) -> None:
    # A sort key over DynamoDB's 1 024 bytes is refused (ValidationException).
    too_long_uid = "wecom:corp1:" + "u" * 2000
    with pytest.raises(StoreError) as refused:
        dynamo_store.put_member(
            MemberRecord(gid=GID, uid=too_long_uid, user="u", display_name="机密-do-not-log")
        )

    assert "ValidationException" in str(refused.value)
    assert "机密" not in str(refused.value)
    assert refused.value.__cause__ is None and refused.value.__suppress_context__


def test_importing_and_constructing_the_store_does_not_load_boto3() -> None:
    program = (
        "import sys\n"
        "from chalicelib.store.dynamodb import DynamoStore\n"
        "DynamoStore('qunguan', endpoint_url='http://127.0.0.1:9')\n"
        "print('boto3' in sys.modules, 'botocore' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)

    assert result.stdout.split() == ["False", "False"]


def test_a_store_built_from_an_endpoint_url_reaches_that_endpoint(
    dynamodb: Any, table_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The lazily built client: region and credentials from the environment, as in Lambda.
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    store = DynamoStore(table_name, endpoint_url=dynamodb.endpoint_url)

    assert store.claim_event("slack", "Ev1", T0) is True
    assert store.claim_event("slack", "Ev1", T0) is False


def test_a_write_of_many_counters_is_one_attribute_and_adds_to_what_plain_writes_added(
    dynamo_store: DynamoStore, dynamodb_client: Any, table_name: str
) -> None:
    pk, sk = keys.moderation_window_pk(GID), keys.moderation_window_sk(1)
    dynamo_store.bump_counters(pk, sk, {"f_a": 2}, {}, int(T0) + 600)
    dynamo_store.usage.reset()
    added = {f"m_{UID}_{n}": 1 for n in range(500)} | {"f_a": 1}
    dynamo_store.bump_counters(pk, sk, added, {"t_x": T0}, int(T0) + 600, old=False)

    assert dynamo_store.usage.calls == {"UpdateItem": 1}
    raw = raw_item(dynamodb_client, table_name, pk, sk)
    packed = [name for name in raw if name.startswith("~")]
    assert len(packed) == 1 and set(raw) == {"PK", "SK", "expires_at", "f_a", "t_x", *packed}
    assert UID in raw[packed[0]]["S"]  # the person's id stays findable in the item (their erasure)
    stored = dynamo_store.get_item(pk, sk)
    assert stored is not None and stored.data["f_a"] == 3 and stored.data[f"m_{UID}_499"] == 1
