"""How the bot names groups and people (issue 16, item 3): by name where one is known, `#channel` on
Slack, the id only as the last resort; long lists cut with "…"."""

from __future__ import annotations

import pytest

from chalicelib.core.naming import group_label, listed, person_label


@pytest.mark.parametrize(
    ("platform", "chat", "name", "shown"),
    [
        ("slack", "C0DEMO", "design-review", "#design-review"),
        ("slack", "C0DEMO", "Weekly sync", "Weekly sync"),  # a title given by hand, not a channel name
        ("slack", "C0DEMO", "", "C0DEMO"),
        ("dingtalk", "cid1", "项目群", "项目群"),
        ("wecom", "wr1", "", "wr1"),
    ],
)
def test_a_group_is_named_as_its_members_know_it(platform: str, chat: str, name: str, shown: str) -> None:
    assert group_label(platform, chat, name) == shown


def test_a_person_is_named_by_name_and_by_id_only_when_no_name_is_known() -> None:
    assert person_label("U0BOB", "Bob Li") == "Bob Li"
    assert person_label("U0BOB", "  ") == "U0BOB"


def test_a_long_list_is_cut_with_an_ellipsis() -> None:
    assert listed(["a", "b", "c"], limit=2) == "a, b, …"
    assert listed(["a", "b"], limit=2) == "a, b"
