"""Fixtures shared by the whole suite: the recording messenger fake, a whole stack around it, and the
embedded DynamoDB."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from local.dynamo import EmbeddedDynamo, start_dynamodb
from local.fakes.server import FakeMessengers
from tests.support.stack import Stack, running_stack


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
