"""Fixtures for the jobs' tests: a fresh table on the session's embedded DynamoDB (moto, which also serves
S3 at the same endpoint), a frozen clock, a recording messenger, and the worker wired inline."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.bootstrap import Deps
from chalicelib.clock import FrozenClock
from chalicelib.settings import Settings
from chalicelib.store.dynamodb import DynamoStore
from chalicelib.store.records import GroupRecord
from local.dynamo import DUMMY_CREDENTIAL, REGION, EmbeddedDynamo
from tests.jobs.support import ADMIN, GID, T0, RecordingDispatcher
from tests.support.messenger import RecordingMessenger

_numbers = itertools.count()


@pytest.fixture
def table_name(dynamodb: EmbeddedDynamo, dynamodb_client: Any) -> Iterator[str]:
    name = f"qunguan-jobs-{next(_numbers)}"
    dynamodb.create_table(name)
    yield name
    dynamodb_client.delete_table(TableName=name)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0)


@pytest.fixture
def store(table_name: str, dynamodb_client: Any, clock: FrozenClock) -> DynamoStore:
    return DynamoStore(table_name, client=dynamodb_client, clock=clock, page_size=100)


@pytest.fixture
def messenger() -> RecordingMessenger:
    return RecordingMessenger()


@pytest.fixture
def dispatcher() -> RecordingDispatcher:
    return RecordingDispatcher()


@pytest.fixture
def deps(
    store: DynamoStore, clock: FrozenClock, messenger: RecordingMessenger, dispatcher: RecordingDispatcher
) -> Deps:
    settings = Settings(_env_file=None, qg_dispatch="inline", qg_table_name=store.table_name)
    built = Deps(settings=settings, clock=clock, store=store, messenger_factory=lambda platform: messenger)
    built.dispatcher = dispatcher
    dispatcher.deps = built
    return built


@pytest.fixture
def group(store: DynamoStore) -> GroupRecord:
    record = GroupRecord(
        gid=GID, platform="slack", tenant="T1", chat="C1", name="Project Alpha", locale="en", admins=(ADMIN,)
    )
    store.put_group(record)
    return record


@pytest.fixture
def s3(dynamodb: EmbeddedDynamo) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client(
        "s3",
        endpoint_url=dynamodb.endpoint_url,
        region_name=REGION,
        aws_access_key_id=DUMMY_CREDENTIAL,
        aws_secret_access_key=DUMMY_CREDENTIAL,
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )


@pytest.fixture
def bucket(s3: Any) -> str:
    name = f"qunguan-archive-{next(_numbers)}"
    s3.create_bucket(Bucket=name)
    return name
