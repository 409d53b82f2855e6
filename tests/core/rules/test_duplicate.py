"""R3.4 duplicates: the same normalised text within a window, per member and across the group."""

from __future__ import annotations

import pytest

from chalicelib.core.policy import DuplicateSettings
from chalicelib.core.rules.duplicate import DuplicateRule
from tests.core.factories import context, message

RULE = DuplicateRule(DuplicateSettings())
LONG = "明天下午三点在会议室开项目周会，请准时参加"


@pytest.mark.parametrize(
    ("text", "member", "group", "reason"),
    [
        (LONG, 2, 2, "moderation.reason.duplicate.member"),  # the member's second copy
        ("请查收附件", 2, 2, "moderation.reason.duplicate.member"),
        (LONG, 1, 4, "moderation.reason.duplicate.group"),  # the fourth copy in the group
    ],
)
def test_duplicates_are_flagged(text: str, member: int, group: int, reason: str) -> None:
    [finding] = RULE.evaluate(message(text), context(member_duplicates=member, group_duplicates=group))
    assert finding.reason_key == reason
    assert finding.delete


@pytest.mark.parametrize(
    ("text", "member", "group"),
    [
        (LONG, 1, 1),  # the first copy
        (LONG, 1, 3),  # three members saying the same thing is a conversation
        ("收到", 3, 3),  # acknowledgements are short, never duplicates
        ("+1", 5, 5),
        ("好的，收到了", 1, 9),  # short for the group threshold
    ],
)
def test_near_misses_are_not_duplicates(text: str, member: int, group: int) -> None:
    assert RULE.evaluate(message(text), context(member_duplicates=member, group_duplicates=group)) == []


def test_duplicate_evidence_carries_the_fingerprint_not_the_text() -> None:
    [finding] = RULE.evaluate(message(LONG), context(member_duplicates=2))
    assert LONG not in str(finding.evidence)
    assert len(finding.evidence["fingerprint"]) == 16
