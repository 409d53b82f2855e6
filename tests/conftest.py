"""Fixtures shared by the whole suite: the recording messenger fake and a whole stack around it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from local.fakes.server import FakeMessengers
from tests.support.stack import Stack, running_stack


@pytest.fixture(scope="session")
def fake_messengers() -> Iterator[FakeMessengers]:
    fake = FakeMessengers().start()
    yield fake
    fake.stop()


@pytest.fixture
def fake(fake_messengers: FakeMessengers) -> Iterator[FakeMessengers]:
    fake_messengers.clear()
    yield fake_messengers
    fake_messengers.clear()


@pytest.fixture
def stack(fake: FakeMessengers) -> Iterator[Stack]:
    with running_stack(fake) as running:
        yield running
