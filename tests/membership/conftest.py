"""Fixtures for the membership tests: a store of each kind (the repository must behave the same on both),
a worker's dependencies around a store and a recording messenger, and policies applied to a group."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from chalicelib.bootstrap import Deps
from chalicelib.clock import FrozenClock
from chalicelib.kernel.policies import PolicyRepo
from chalicelib.settings import Settings
from chalicelib.store import keys
from chalicelib.store.base import Store
from chalicelib.store.dynamodb import DynamoStore
from chalicelib.store.memory import MemoryStore
from chalicelib.store.records import GroupRecord
from local.dynamo import EmbeddedDynamo
from tests.membership.factories import GID, NOW
from tests.support.messenger import RecordingMessenger

_tables = itertools.count()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture
def table_name(dynamodb: EmbeddedDynamo, dynamodb_client: Any) -> Iterator[str]:
    name = f"qunguan-membership-{next(_tables)}"
    dynamodb.create_table(name)
    yield name
    dynamodb_client.delete_table(TableName=name)


@pytest.fixture
def dynamo_store(table_name: str, dynamodb_client: Any, clock: FrozenClock) -> DynamoStore:
    return DynamoStore(table_name, client=dynamodb_client, clock=clock)


@pytest.fixture(params=["memory", "dynamodb"])
def store(request: pytest.FixtureRequest, clock: FrozenClock) -> Store:
    if request.param == "memory":
        return MemoryStore(clock=clock)
    dynamo: DynamoStore = request.getfixturevalue("dynamo_store")
    return dynamo


@pytest.fixture
def messenger() -> RecordingMessenger:
    return RecordingMessenger(platform="slack")


def make_deps(store: Store, clock: FrozenClock, messenger: RecordingMessenger) -> Deps:
    settings = Settings(_env_file=None, slack_signing_secret="test-secret", qg_dispatch="inline")
    return Deps(settings=settings, clock=clock, store=store, messenger_factory=lambda platform: messenger)


@pytest.fixture
def memory_deps(clock: FrozenClock, messenger: RecordingMessenger) -> Deps:
    deps = make_deps(MemoryStore(clock=clock), clock, messenger)
    register_group(deps)
    return deps


def register_group(
    deps: Deps, *, gid: str = GID, app_created: bool = False, admins: tuple[str, ...] = ()
) -> None:
    platform, tenant, chat = gid.split(":", 2)
    group = GroupRecord(
        gid=gid,
        platform=platform,
        tenant=tenant,
        chat=chat,
        name="Weekly sync",
        app_created=app_created,
        admins=admins,
    )
    deps.store.put_group(group)


def apply_policy(deps: Deps, override: dict[str, Any], *, gid: str = GID) -> None:
    """A group override, as `/qg policy set` would store it; English for readable assertions."""
    text = yaml.safe_dump({"locale": "en", "admins": ["slack:T1:UADMIN"], **override}, allow_unicode=True)
    PolicyRepo(deps.store, deps.policies).apply(keys.group_policy_scope(gid), text, author="test", now=0)
