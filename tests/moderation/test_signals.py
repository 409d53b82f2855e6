"""The flood window slides (R5.5): a burst is counted whole wherever it falls against the clock, and
messages spread wider than the window never add up to a flood."""

from __future__ import annotations

from chalicelib.bootstrap import Deps
from chalicelib.clock import FrozenClock
from chalicelib.core.events import MessagePosted
from chalicelib.kernel.context import load_context
from chalicelib.moderation.signals import rule_context
from chalicelib.settings import Settings
from chalicelib.store.memory import MemoryStore
from tests.support.messenger import RecordingMessenger

WINDOW = 10.0  # the default flood window: 8 messages in 10 s
BOUNDARY = 1_800_000_000.0  # a multiple of the window, where fixed buckets would split a burst


def counts_at(times: list[float]) -> list[int]:
    clock = FrozenClock(times[0])
    messenger = RecordingMessenger()
    deps = Deps(
        settings=Settings(_env_file=None),
        clock=clock,
        store=MemoryStore(clock=clock),
        messenger_factory=lambda platform: messenger,
    )
    counts = []
    for n, at in enumerate(times):
        clock.at = at
        event = MessagePosted(
            platform="slack",
            tenant="T1",
            event_id=f"e{n}",
            occurred_at=at,
            chat="C1",
            user="U1",
            message_id=f"m{n}",
            text=f"progress {n}",
        )
        counts.append(rule_context(event, load_context(event, deps), deps).flood_count)
    return counts


def test_a_burst_that_straddles_a_bucket_boundary_is_counted_whole() -> None:
    burst = [BOUNDARY - 4 + n for n in range(8)]  # 8 messages in 8 s, half before the boundary
    assert counts_at(burst)[-1] == 8


def test_a_burst_anywhere_in_the_window_is_counted_whole() -> None:
    for offset in (0.0, 1.3, 2.5, 6.2, 9.9):
        burst = [BOUNDARY + offset + n * (WINDOW - 0.5) / 7 for n in range(8)]
        assert counts_at(burst)[-1] == 8, offset


def test_messages_spread_wider_than_the_window_do_not_add_up() -> None:
    steady = [BOUNDARY + 2.0 * n for n in range(8)]  # one every 2 s: 8 messages over 14 s
    assert max(counts_at(steady)) < 8
