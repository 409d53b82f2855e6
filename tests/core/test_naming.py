"""How the bot names groups and people (issue 16, item 3): by name where one is known, `#channel` on
Slack, the id only as the last resort; long lists cut with "…"; a group nobody named by its members, as
WeCom's clients call it."""

from __future__ import annotations

import pytest

from chalicelib.core.naming import group_label, listed, members_label, person_label


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


@pytest.mark.parametrize(
    ("names", "total", "locale", "shown"),
    [
        (["张三", "李四"], 2, "zh-CN", "张三、李四"),
        (["张三", "李四", "王五"], 3, "zh-TW", "张三、李四、王五"),
        (["张三", "李四", "王五"], 4, "zh-CN", "张三、李四、王五和另外1人"),
        (["张三", "李四", "王五", "赵六"], 9, "zh-CN", "张三、李四、王五和另外6人"),
        (["Ann", "Bob", "Cy"], 4, "en", "Ann, Bob, Cy and 1 other"),
        (["Ann", "Bob", "Cy"], 12, "en", "Ann, Bob, Cy and 9 others"),
        (["Ann", " "], 5, "en", "Ann and 4 others"),  # a blank name is no name: counted, not shown
        ([], 3, "zh-CN", "群聊（3人）"),
        ([], 3, "en", "Group chat (3 members)"),
    ],
)
def test_a_group_nobody_named_is_called_by_its_first_members(
    names: list[str], total: int, locale: str, shown: str
) -> None:
    assert members_label(names, total, locale) == shown
