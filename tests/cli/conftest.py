"""The embedded DynamoDB's per-test tables (tests/store/conftest.py) for the command's own targets."""

from tests.store.conftest import table_name

__all__ = ["table_name"]
