"""The store fixtures of tests/store (a repository test runs against `MemoryStore` and `DynamoStore`)."""

from tests.store.conftest import clock, dynamo_store, store, table_name

__all__ = ["clock", "dynamo_store", "store", "table_name"]
