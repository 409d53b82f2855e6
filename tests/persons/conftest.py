"""The persons tests use the membership tests' worker fixtures: a store of each kind, a recording
messenger, and dependencies around them."""

from __future__ import annotations

from tests.membership.conftest import (  # noqa: F401 - fixtures, found by name
    clock,
    dynamo_store,
    memory_deps,
    messenger,
    store,
    table_name,
)
