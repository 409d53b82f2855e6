"""Fixtures shared by the whole suite: the recording messenger fake, a whole stack around it, and the
embedded DynamoDB."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from local.dynamo import EmbeddedDynamo, start_dynamodb
from local.fakes.server import FakeMessengers
from tests.support.stack import Stack, running_stack

if TYPE_CHECKING:
    from local.fakes.wecom_archive import FakeArchive


@pytest.fixture(scope="session")
def fake_messengers() -> Iterator[FakeMessengers]:
    fake = FakeMessengers().start()
    yield fake
    fake.stop()


@pytest.fixture
def fake(fake_messengers: FakeMessengers) -> Iterator[FakeMessengers]:
    """The fake, cleared. Every Block Kit payload a test made the code send was checked by slack_sdk's
    models on the way in (`local.fakes.blockkit`); a test after which the fake refused one fails."""
    fake_messengers.clear()
    yield fake_messengers
    refused = list(fake_messengers.slack.refused_blocks)
    fake_messengers.clear()
    assert not refused, f"Slack would refuse these blocks: {refused}"


@pytest.fixture
def stack(fake: FakeMessengers) -> Iterator[Stack]:
    with running_stack(fake) as running:
        yield running


@pytest.fixture(scope="session")
def dynamodb() -> Iterator[EmbeddedDynamo]:
    """moto's DynamoDB server on loopback, once for the whole session."""
    server = start_dynamodb()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def dynamodb_client(dynamodb: EmbeddedDynamo) -> Any:
    return dynamodb.client()


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[FakeArchive]:
    """A fresh fake of WeCom's message archive, which the fake Finance SDK serves. The SDK reads its
    directory with C's getenv, so it is set in the process environment itself (`os.putenv`), whatever
    object `os.environ` is at the time: chalice's test client swaps it during requests, and threads
    swapping it at once can leave a copy behind."""
    from local.fakes.wecom_archive import FakeArchive

    directory = tmp_path / "archive"
    os.putenv("QG_FAKE_FINANCE_DIR", str(directory))
    yield FakeArchive(directory)
    os.unsetenv("QG_FAKE_FINANCE_DIR")


@pytest.fixture(scope="session")
def finance_sdk_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fake WeCom Finance SDK (the vendor's C ABI), built once from local/fakes/finance_sdk/."""
    from local.fakes.finance_sdk.build import build

    return build(tmp_path_factory.mktemp("finance-sdk"))
