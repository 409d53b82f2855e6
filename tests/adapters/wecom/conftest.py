"""WeCom test set-up: the official sample's secrets (PROTOCOLS.md 1.4), a frozen clock, both endpoints."""

from __future__ import annotations

import pytest

from chalicelib.adapters.wecom.endpoints import WeComAIBot, WeComCallback
from chalicelib.clock import FrozenClock

TOKEN = "QDG6eK"
AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
CORP_ID = "wx5823bf96d3bd56c7"
NOW = 1_700_000_000


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture
def callback(clock: FrozenClock) -> WeComCallback:
    return WeComCallback(TOKEN, AES_KEY, CORP_ID, clock)


@pytest.fixture
def aibot(clock: FrozenClock) -> WeComAIBot:
    return WeComAIBot(TOKEN, AES_KEY, CORP_ID, clock)
