"""The flood window slides (R5.5): a burst is counted whole wherever it falls against the clock, and
messages spread wider than the window never add up to a flood. What the signals read of the group and
its policy is worked out once for them, and a new policy version or a changed group is read at once."""

from __future__ import annotations

from dataclasses import replace

import yaml

from chalicelib.bootstrap import Deps
from chalicelib.clock import FrozenClock
from chalicelib.core.events import MessagePosted
from chalicelib.core.rules.base import RuleContext
from chalicelib.kernel.context import load_context
from chalicelib.kernel.policies import PolicyRepo
from chalicelib.moderation.signals import group_signals, rule_context
from chalicelib.settings import Settings
from chalicelib.store import keys
from chalicelib.store.memory import MemoryStore
from tests.support.messenger import RecordingMessenger

WINDOW = 10.0  # the default flood window: 8 messages in 10 s
BOUNDARY = 1_800_000_000.0  # a multiple of the window, where fixed buckets would split a burst
GID = "slack:T1:C1"


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


# What the signals read of the group and its policy is worked out once per group and policy -----------


def container() -> tuple[Deps, FrozenClock]:
    clock = FrozenClock(BOUNDARY + 30)
    messenger = RecordingMessenger()
    deps = Deps(
        settings=Settings(_env_file=None),
        clock=clock,
        store=MemoryStore(clock=clock),
        messenger_factory=lambda platform: messenger,
    )
    return deps, clock


def said(n: int, *, at: float = BOUNDARY + 30, user: str = "U1") -> MessagePosted:
    return MessagePosted(
        platform="slack",
        tenant="T1",
        event_id=f"e{n}",
        occurred_at=at,
        chat="C1",
        user=user,
        message_id=f"m{n}",
        text=f"progress {n}",
    )


def signals_of(event: MessagePosted, deps: Deps) -> RuleContext:
    return rule_context(event, load_context(event, deps), deps)


def test_the_groups_signals_are_worked_out_once_for_the_same_group_and_policy() -> None:
    deps, _ = container()
    first, second = said(1), said(2, user="U2")
    once = group_signals(first, load_context(first, deps), deps)
    assert group_signals(second, load_context(second, deps), deps) is once
    assert signals_of(second, deps).group_name == once.group_name


def test_a_new_policy_version_is_read_by_the_very_next_message() -> None:
    deps, clock = container()
    assert signals_of(said(1), deps).admins == ()
    text = yaml.safe_dump({"admins": ["slack:T1:UBOSS"]})
    PolicyRepo(deps.store, deps.policies).apply(
        keys.group_policy_scope(GID), text, author="t", now=clock.now()
    )
    assert signals_of(said(2), deps).admins == ("UBOSS",)


def test_a_changed_group_is_read_by_the_very_next_message() -> None:
    deps, _ = container()
    before = signals_of(said(1), deps)
    group = deps.store.get_group(GID)
    assert group is not None and before.admins == ()
    deps.store.put_group(replace(group, name="Weekly sync", admins=("UOWNER",)))
    deps.groups.drop(GID)
    after = signals_of(said(2), deps)
    assert (after.admins, after.group_name) == (("UOWNER",), "Weekly sync")


def test_the_last_message_in_the_window_item_before_is_still_the_members_last() -> None:
    deps, clock = container()
    clock.at = BOUNDARY - 3
    signals_of(said(1, at=clock.at), deps)
    clock.at = BOUNDARY + 1  # a new 5-minute window item, within a flood window of its start
    assert signals_of(said(2, at=clock.at), deps).last_message_at == BOUNDARY - 3
