"""R2.3: does the name shown in the group conform to the directory's real name or the group's pattern?"""

from __future__ import annotations

import pytest

from chalicelib.membership.names import check_name, nudge_text
from chalicelib.membership.settings import RealNameSettings

DEPT_PATTERN = r"^(?P<name>[^-]+)-(?P<dept>.+)$"


@pytest.mark.parametrize(
    ("shown", "real", "pattern", "conforms", "why"),
    [
        ("张三", "张三", None, True, ""),
        ("", "张三", None, True, ""),  # no display name: the platform shows the real name
        ("张三-研发部", "张三", None, True, ""),
        ("Zhang San", "zhang san", None, True, ""),
        ("ｚｈａｎｇｓａｎ", "Zhang San", None, True, ""),  # full-width letters, case, spaces
        ("Bob", "Bob Smith", None, True, ""),  # a given name is a real name
        ("Bobby", "Bob Smith", None, False, "directory"),
        ("小胖", "张三", None, False, "directory"),
        ("CoolCat", None, None, True, ""),  # the directory does not know the real name
        ("张三-研发部", "张三", DEPT_PATTERN, True, ""),
        ("张三", "张三", DEPT_PATTERN, False, "pattern"),
        ("李四-研发部", "张三", DEPT_PATTERN, False, "directory"),
        ("", "用户wangwu", DEPT_PATTERN, False, "pattern"),  # DingTalk: the directory name must follow it
    ],
)
def test_shown_names_against_the_directory_and_the_pattern(
    shown: str, real: str | None, pattern: str | None, conforms: bool, why: str
) -> None:
    check = check_name(shown, real, RealNameSettings(pattern=pattern))
    assert (check.conforms, check.why) == (conforms, why)


def test_without_directory_matching_only_the_pattern_counts() -> None:
    settings = RealNameSettings(pattern=DEPT_PATTERN, match_directory=False)
    assert check_name("李四-研发部", "张三", settings).conforms


def test_the_nudge_names_the_real_name_and_the_grace_period_privately() -> None:
    settings = RealNameSettings(grace_hours=72, example="张三-研发部")
    check = check_name("小胖", "张三", settings)
    text = nudge_text(check, "项目周会", settings, "zh-CN")
    assert "小胖" in text and "张三" in text and "72" in text and "张三-研发部" in text


def test_a_pattern_that_does_not_compile_is_refused() -> None:
    with pytest.raises(ValueError, match="regular expression"):
        RealNameSettings(pattern="(unclosed")
