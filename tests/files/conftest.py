"""Fixtures for the archive's tests: S3 on the session's moto server (the embedded DynamoDB's endpoint
serves S3 too), a fresh versioned bucket per test, and a whole stack (signed requests through the real
routes, the worker inline, the recording fake of the messenger APIs serving the files' bytes) whose
archive is that bucket."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.files import wiring
from chalicelib.files.storage import FileStore
from local.dynamo import DUMMY_CREDENTIAL, REGION, EmbeddedDynamo
from local.fakes.server import FakeMessengers
from tests.support.stack import Stack, running_stack

PUBLIC_URL = "https://qunguan.example.com/api"
_numbers = itertools.count()


@pytest.fixture(scope="session")
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
    name = f"qunguan-files-{next(_numbers)}"
    s3.create_bucket(Bucket=name)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return name


@pytest.fixture
def storage(s3: Any, bucket: str) -> FileStore:
    return FileStore(bucket, client=s3)


@pytest.fixture
def files_stack(fake: FakeMessengers, bucket: str, storage: FileStore) -> Iterator[Stack]:
    with running_stack(fake, qg_archive_bucket=bucket, qg_public_url=PUBLIC_URL) as stack:
        wiring.attach(stack.deps, storage=storage)
        yield stack
