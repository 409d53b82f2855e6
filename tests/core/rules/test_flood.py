"""R5.5 flood: N messages in T seconds per member."""

from __future__ import annotations

import pytest

from chalicelib.core.policy import FloodSettings
from chalicelib.core.rules.flood import FloodRule
from tests.core.factories import context, message

RULE = FloodRule(FloodSettings(max_messages=8, window_seconds=10, mute_seconds=600, points=1))


@pytest.mark.parametrize("count", [1, 7, 8])
def test_flood_allows_up_to_the_limit(count: int) -> None:
    assert RULE.evaluate(message(), context(flood_count=count)) == []


def test_flood_mutes_after_limit_within_window() -> None:
    [finding] = RULE.evaluate(message(), context(flood_count=9))
    assert (finding.rule, finding.points, finding.mute_seconds, finding.explain) == ("flood", 1, 600, True)
    assert finding.params == {"count": 9, "seconds": 10, "max": 8}


def test_flood_records_the_rest_of_the_burst_without_repeating_itself() -> None:
    [finding] = RULE.evaluate(message(), context(flood_count=12))
    assert (finding.points, finding.mute_seconds, finding.explain) == (0, 0, False)
