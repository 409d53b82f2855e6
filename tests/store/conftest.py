"""Fixtures for the store tests: the session's embedded DynamoDB (tests/conftest.py), a fresh
table per test, and `store`, which runs a test once against `MemoryStore` and once against `DynamoStore`."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.clock import FrozenClock
from chalicelib.store.base import Store
from chalicelib.store.dynamodb import DynamoStore
from chalicelib.store.memory import MemoryStore
from local.dynamo import EmbeddedDynamo

# 2024-03-01T00:00:00Z: far enough from now that nothing depends on the wall clock.
T0 = 1_709_251_200.0
# Small Query pages, so that a few dozen items already cross page boundaries.
PAGE_SIZE = 7

_table_numbers = itertools.count()


@pytest.fixture
def table_name(dynamodb: EmbeddedDynamo, dynamodb_client: Any) -> Iterator[str]:
    name = f"qunguan-test-{next(_table_numbers)}"
    dynamodb.create_table(name)
    yield name
    dynamodb_client.delete_table(TableName=name)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0)


@pytest.fixture
def dynamo_store(table_name: str, dynamodb_client: Any, clock: FrozenClock) -> DynamoStore:
    return DynamoStore(table_name, client=dynamodb_client, clock=clock, page_size=PAGE_SIZE)


@pytest.fixture(params=["memory", "dynamodb"])
def store(request: pytest.FixtureRequest, clock: FrozenClock) -> Store:
    if request.param == "memory":
        return MemoryStore(clock=clock)
    store: DynamoStore = request.getfixturevalue("dynamo_store")
    return store
