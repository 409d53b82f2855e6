"""Admin commands name their member by a platform mention or `@id`, and a mute's length in any of the
usual spellings."""

from __future__ import annotations

import pytest

from chalicelib.core.events import CommandIssued
from chalicelib.moderation.targets import MAX_MUTE_SECONDS, duration_of, target_of


def command(*args: str, mentions: tuple[str, ...] = ()) -> CommandIssued:
    return CommandIssued(
        platform="slack",
        tenant="T",
        event_id="e",
        occurred_at=0,
        chat="C",
        user="U",
        name="mute",
        args=args,
        mentions=mentions,
    )


@pytest.mark.parametrize(
    ("cmd", "member", "rest"),
    [
        (command("<@U123|bob>", "30m"), "U123", ["30m"]),
        (command("<@U123>"), "U123", []),
        (command("@zhangsan", "刷屏"), "zhangsan", ["刷屏"]),
        (command("@张三", "2h", mentions=("staff9",)), "staff9", ["2h"]),
        (command("30m"), None, ["30m"]),
    ],
)
def test_the_member_a_command_names(cmd: CommandIssued, member: str | None, rest: list[str]) -> None:
    assert target_of(cmd) == (member, rest)


@pytest.mark.parametrize(
    ("words", "seconds"),
    [
        (["30m"], 1800),
        (["2h"], 7200),
        (["1d"], 86400),
        (["90"], 5400),
        (["30分钟"], 1800),
        (["2小時"], 7200),
        (["刷屏"], 3600),
        (["999d"], MAX_MUTE_SECONDS),
        (["5s"], 60),
    ],
)
def test_mute_lengths(words: list[str], seconds: int) -> None:
    assert duration_of(words, default=3600) == seconds
