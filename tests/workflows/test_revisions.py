"""Policy revisions, decided purely: a change as `path=value` words, and the diff people read."""

from __future__ import annotations

import pytest

from chalicelib.core.policy import DEFAULT_ORG_POLICY
from chalicelib.workflows.common import ArgumentError
from chalicelib.workflows.revisions import Revision, changes, notice_text, parse_patch


@pytest.mark.parametrize(
    ("words", "patch", "reason"),
    [
        (["rules.flood.max_messages=6"], {"rules": {"flood": {"max_messages": 6}}}, ""),
        (
            ["rules.flood.max_messages=6", "rules.flood.mode=warn", "--", "刷屏", "太多"],
            {"rules": {"flood": {"max_messages": 6, "mode": "warn"}}},
            "刷屏 太多",
        ),
        (["locale=en"], {"locale": "en"}, ""),
        (
            ["rules.ads.allowed_domains+=[wiki.example.com]"],
            {"rules": {"ads": {"allowed_domains+": ["wiki.example.com"]}}},
            "",
        ),
    ],
)
def test_a_revision_is_written_as_path_value_words(
    words: list[str], patch: dict[str, object], reason: str
) -> None:
    assert parse_patch(words) == (patch, reason)


@pytest.mark.parametrize(
    "words",
    [[], ["--", "why"], ["rules.flood"], ["groups.x=1"], ["version=3"], ["a=[unclosed"]],
    ids=["nothing", "only-reason", "no-value", "groups", "version", "bad-yaml"],
)
def test_anything_else_is_refused(words: list[str]) -> None:
    with pytest.raises(ArgumentError):
        parse_patch(words)


def test_the_diff_reads_path_old_and_new() -> None:
    before = DEFAULT_ORG_POLICY.model_dump(mode="json")
    after = DEFAULT_ORG_POLICY.model_copy(update={"appeal_days": 14}).model_dump(mode="json")
    assert changes(before, after) == ("appeal_days: 7 → 14",)


def test_a_notice_lists_the_changes_and_the_reason() -> None:
    revision = Revision("R1", "U1", 0.0, "slack:T1:C1", {}, "why not", ("a: 1 → 2",))
    assert (
        notice_text(revision, "rollout", "en")
        == "📜 Rule revision R1 now applies to every group (why: why not):\n• a: 1 → 2"
    )
