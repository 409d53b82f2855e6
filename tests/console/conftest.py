from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.console.world import ConsoleWorld, console_world


@pytest.fixture
def world() -> Iterator[ConsoleWorld]:
    with console_world() as running:
        yield running
