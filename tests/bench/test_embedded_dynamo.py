"""`bench.embedded_dynamo`: the job benchmarks' faster moto gives moto's own answers. The same script of
reads and writes runs against moto as it is and against the patched moto (with `check=True`, which also
serialises every fast answer the slow way and compares), on the application's table holding several
partitions, pages of more than 1 MB, index entries and every attribute type; the answers must be equal,
page for page, counts and start keys included."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest

from bench.embedded_dynamo import STOPWATCH, faster_moto, moto_table, put_items
from local.dynamo import EmbeddedDynamo, start_dynamodb

pytestmark = pytest.mark.dynamodb  # moto's DynamoDB server on loopback

TABLE = "qunguan-bench-embedded-dynamo-test"
FILLER = "x" * 6_000  # 170 such items make a 1 MB page
BIG = 360
MAX_PAGES = 60


@pytest.fixture(scope="module")
def server() -> Iterator[EmbeddedDynamo]:
    running = start_dynamodb()
    yield running
    running.stop()


def items() -> Iterator[dict[str, Any]]:
    """Items as boto3's client takes them: three partitions, one of them large, index keys on some."""
    for n in range(BIG):
        item: dict[str, Any] = {
            "PK": {"S": "G#big"},
            "SK": {"S": f"M#{n:05d}"},
            "n": {"N": str(n * 3 % 101)},
            "f": {"S": FILLER},
        }
        if n % 3:
            item["GSI1PK"] = {"S": "A#big"}
            item["GSI1SK"] = {"S": f"{n % 17:03d}#{n:05d}"}  # many equal prefixes: ties on the index
        yield item
    for n in range(40):
        yield {
            "PK": {"S": f"G#small{n % 2}"},
            "SK": {"S": f"C#{n:03d}"},
            "b": {"B": bytes([n, 0, 255])},
            "m": {"M": {"k": {"L": [{"N": "1.5"}, {"BOOL": True}, {"NULL": True}]}}},
            "ss": {"SS": ["a", "b"]},
            "ns": {"NS": ["1", "2"]},
            "GSI2PK": {"S": "D#due"},
            "GSI2SK": {"S": f"{n:03d}"},
        }


def paged(call: Callable[..., dict[str, Any]], **request: Any) -> list[dict[str, Any]]:
    pages = []
    for _ in range(MAX_PAGES):  # a broken start key could page forever
        page = call(**request)
        page.pop("ResponseMetadata", None)
        pages.append(page)
        if "LastEvaluatedKey" not in page:
            return pages
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    raise AssertionError(f"more than {MAX_PAGES} pages")


def script(client: Any) -> list[Any]:
    """Reads of every shape the store and the jobs make, with writes between them."""
    query, scan = client.query, client.scan
    t = {"TableName": TABLE, "ReturnConsumedCapacity": "TOTAL"}
    pk = {"KeyConditionExpression": "PK = :pk", "ExpressionAttributeValues": {":pk": {"S": "G#big"}}}
    answers: list[Any] = [
        paged(query, **t, **pk),
        paged(query, **t, **pk, ScanIndexForward=False, Limit=45),
        paged(
            query,
            **t,
            KeyConditionExpression="PK = :pk AND begins_with(SK, :p)",
            ExpressionAttributeValues={":pk": {"S": "G#big"}, ":p": {"S": "M#001"}},
        ),
        paged(
            query,
            **t,
            KeyConditionExpression="PK = :pk AND SK BETWEEN :a AND :b",
            FilterExpression="n > :n",
            ProjectionExpression="SK, n",
            ExpressionAttributeValues={
                ":pk": {"S": "G#big"},
                ":a": {"S": "M#00100"},
                ":b": {"S": "M#00400"},
                ":n": {"N": "50"},
            },
        ),
        paged(
            query,
            **t,
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk AND GSI1SK < :s",
            ExpressionAttributeValues={":pk": {"S": "A#big"}, ":s": {"S": "009"}},
        ),
        paged(
            query,
            **t,
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk",
            ExpressionAttributeValues={":pk": {"S": "A#big"}},
            ScanIndexForward=False,
            Limit=60,
        ),
        paged(
            query, **t, KeyConditionExpression="PK = :pk", ExpressionAttributeValues={":pk": {"S": "G#none"}}
        ),
        paged(
            query,
            **t,
            IndexName="GSI2",
            KeyConditionExpression="GSI2PK = :pk",
            ExpressionAttributeValues={":pk": {"S": "D#due"}},
        ),
        paged(scan, **t),
        paged(scan, **t, Limit=97),
        paged(scan, **t, IndexName="GSI2", FilterExpression="attribute_exists(b)"),
        client.get_item(**t, Key={"PK": {"S": "G#small1"}, "SK": {"S": "C#003"}})["Item"],
        client.get_item(**t, Key={"PK": {"S": "G#small1"}, "SK": {"S": "C#004"}}).get("Item"),
        client.batch_get_item(
            RequestItems={
                TABLE: {
                    "Keys": [
                        {"PK": {"S": "G#big"}, "SK": {"S": f"M#{n:05d}"}} for n in (1, 5, BIG - 1, BIG + 9)
                    ]
                }
            }
        )["Responses"],
    ]
    # Writes, then the same reads: the sorted items kept between writes must follow them.
    client.put_item(TableName=TABLE, Item={"PK": {"S": "G#big"}, "SK": {"S": "M#00050a"}, "n": {"N": "7"}})
    client.delete_item(TableName=TABLE, Key={"PK": {"S": "G#big"}, "SK": {"S": "M#00051"}})
    client.update_item(
        TableName=TABLE,
        Key={"PK": {"S": "G#big"}, "SK": {"S": "M#00052"}},
        UpdateExpression="SET GSI1PK = :a, GSI1SK = :s",
        ExpressionAttributeValues={":a": {"S": "A#big"}, ":s": {"S": "000#zz"}},
    )
    client.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": TABLE, "Item": {"PK": {"S": "G#small0"}, "SK": {"S": "C#999"}}}},
            {"Delete": {"TableName": TABLE, "Key": {"PK": {"S": "G#small1"}, "SK": {"S": "C#001"}}}},
        ]
    )
    answers += [
        paged(query, **t, **pk, Limit=100),
        paged(
            query,
            **t,
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk",
            ExpressionAttributeValues={":pk": {"S": "A#big"}},
        ),
        paged(scan, **t, Limit=150),
    ]
    return answers


def run(server: EmbeddedDynamo, seed: Callable[[Any], None]) -> list[Any]:
    client = server.client()
    server.create_table(TABLE)
    try:
        seed(client)
        return script(client)
    finally:
        client.delete_table(TableName=TABLE)


def wire(item: dict[str, Any]) -> dict[str, Any]:
    """The item as it travels (binary values in base64), which is what moto stores."""
    return {
        name: {"B": base64.b64encode(value["B"]).decode()} if "B" in value else value
        for name, value in item.items()
    }


def seed_through_the_api(client: Any) -> None:
    batch: list[dict[str, Any]] = []
    for item in items():
        batch.append({"PutRequest": {"Item": item}})
        if len(batch) == 25:
            client.batch_write_item(RequestItems={TABLE: batch})
            batch = []
    if batch:
        client.batch_write_item(RequestItems={TABLE: batch})


def test_the_faster_moto_answers_as_moto_does_page_for_page(server: EmbeddedDynamo) -> None:
    slow = run(server, seed_through_the_api)
    with faster_moto(check=True) as stopwatch:
        fast = run(server, seed_through_the_api)
        assert stopwatch.requests > 50 and stopwatch.seconds > 0

    assert len(slow[0]) > 2, "the large partition should take several 1 MB pages"
    assert fast == slow


def test_items_put_straight_into_moto_are_those_the_api_writes(server: EmbeddedDynamo) -> None:
    through_the_api = run(server, seed_through_the_api)

    def straight(client: Any) -> None:
        assert put_items(TABLE, (wire(item) for item in items())) == BIG + 40

    with faster_moto(check=True):
        assert run(server, straight) == through_the_api


def test_moto_is_left_as_it_was(server: EmbeddedDynamo) -> None:
    from moto.dynamodb.models.table import Table
    from moto.dynamodb.responses import DynamoHandler, DynamoResult

    before = [Table.all_items, Table.query, DynamoResult.execute_result, DynamoHandler._dispatch]
    with faster_moto():
        assert Table.all_items is not before[0]
    assert [Table.all_items, Table.query, DynamoResult.execute_result, DynamoHandler._dispatch] == before
    requests = STOPWATCH.requests
    server.client().list_tables()
    assert STOPWATCH.requests == requests


def test_a_missing_table_is_said_to_be_missing() -> None:
    with pytest.raises(LookupError):
        moto_table("no-such-table")


def test_numbers_sort_as_numbers(server: EmbeddedDynamo) -> None:
    """A numeric sort key (none in qunguan's table, but moto's order must hold for it too)."""
    client = server.client()
    name = "qunguan-bench-numeric"
    client.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "p", "KeyType": "HASH"}, {"AttributeName": "r", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "p", "AttributeType": "S"},
            {"AttributeName": "r", "AttributeType": "N"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    try:
        for r in (10, 9, Decimal("9.5"), -1, 100):
            client.put_item(TableName=name, Item={"p": {"S": "a"}, "r": {"N": str(r)}})
        request = {
            "TableName": name,
            "KeyConditionExpression": "p = :p",
            "ExpressionAttributeValues": {":p": {"S": "a"}},
        }
        slow = paged(client.query, **request, Limit=2)
        with faster_moto(check=True):
            fast = paged(client.query, **request, Limit=2)
        assert fast == slow
        assert [item["r"]["N"] for page in slow for item in page["Items"]] == ["-1", "9", "9.5", "10", "100"]
    finally:
        client.delete_table(TableName=name)
