"""The table's definition, in one place: the local stack, the tests and infra/ all build from it."""

from __future__ import annotations

from typing import Any

TTL_ATTRIBUTE = "expires_at"

KEY_ATTRIBUTES = ("PK", "SK", "GSI1PK", "GSI1SK", "GSI2PK", "GSI2SK")

TABLE_DEFINITION: dict[str, Any] = {
    "AttributeDefinitions": [{"AttributeName": name, "AttributeType": "S"} for name in KEY_ATTRIBUTES],
    "KeySchema": [
        {"AttributeName": "PK", "KeyType": "HASH"},
        {"AttributeName": "SK", "KeyType": "RANGE"},
    ],
    "GlobalSecondaryIndexes": [
        {
            "IndexName": index,
            "KeySchema": [
                {"AttributeName": f"{index}PK", "KeyType": "HASH"},
                {"AttributeName": f"{index}SK", "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "ALL"},
        }
        for index in ("GSI1", "GSI2")
    ],
    "BillingMode": "PAY_PER_REQUEST",
}


def create_table(client: Any, name: str) -> None:
    """Create the table (if absent) and switch on TTL, with a boto3 DynamoDB client."""
    existing = client.list_tables().get("TableNames", [])
    if name not in existing:
        client.create_table(TableName=name, **TABLE_DEFINITION)
        client.get_waiter("table_exists").wait(TableName=name)
    client.update_time_to_live(
        TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE}
    )
