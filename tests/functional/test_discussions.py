"""R5.9 on all three platforms, through signed requests and the schedulers: an admin schedules a
discussion, members answer on its card (once), who attends and who has not answered are reminded before
the start, the group gets the attendance at the start; a member can neither schedule nor cancel one."""

from __future__ import annotations

import time

from chalicelib.jobs import minutely
from chalicelib.workflows.discussions import Discussions
from local.fakes.server import FakeMessengers
from tests.functional.test_workflows import (
    clock_of,
    governed,
    group_saw,
    latest_card,
    run_scheduled,
    said,
    side,
)
from tests.functional.workflow_talk import Side, directory_name, replies

__all__ = ["side"]  # the fixture: each test runs on Slack, WeCom and DingTalk
HOUR = 3600


def the_card(fake: FakeMessengers, side: Side) -> dict[str, str]:
    """The discussion's buttons: on the group's card, or on the member's own (WeCom)."""
    return latest_card(fake, side, side.member if side.platform == "wecom" else side.chat)


def test_a_discussion_with_attendance_reminders_and_the_list_at_the_start(
    fake: FakeMessengers, side: Side
) -> None:
    with governed(fake, side) as stack:
        clock = clock_of(stack)
        stack.send(side.command("discussion +2h --remind 1h,10m 季度复盘", side.admin, fake.hook_url("d")))
        assert "已安排" in replies(fake, "d")
        assert "季度复盘" in group_saw(fake, side)
        buttons = the_card(fake, side)
        assert set(buttons) == {"disc.yes", "disc.no"}
        ref = Discussions(stack.store).latest(side.gid)
        assert ref is not None
        starts = Discussions(stack.store).get(side.gid, ref).starts_at  # type: ignore[union-attr]

        fake.clear()
        stack.send(side.click(fake, "disc.yes", buttons["disc.yes"], side.member))
        assert any("会参加" in text for text in side.to(fake, side.member))
        fake.clear()
        stack.send(side.click(fake, "disc.yes", buttons["disc.yes"], side.member))
        assert side.to(fake, side.member) == []  # a second click does nothing

        fake.clear()
        clock.at = starts - HOUR + 60
        run_scheduled(stack, side)  # the hourly job takes the first reminder
        assert "还有 59 分钟" in said(fake, side, side.member)  # who attends
        assert "即将开始" in said(fake, side, side.member2)  # who has not answered: the card again
        fake.clear()
        clock.at = starts - 600 + 30
        minutely.run(stack.deps, clock.now())  # the five-minute pass takes the one the hour cannot
        assert "还有 10 分钟" in said(fake, side, side.member)

        fake.clear()
        clock.at = starts + 30
        minutely.run(stack.deps, clock.now())
        start = group_saw(fake, side)
        admin, bob, carol = (
            directory_name(stack, side, user) for user in (side.admin, side.member, side.member2)
        )
        assert "现在开始" in start and f"出席（2 人）：{admin}, {bob}" in start  # by name
        assert f"未回复（1）：{carol}" in said(fake, side, side.admin)  # the organiser's list

        clock.at = time.time()  # signed requests must be fresh
        stack.send(side.command(f"discussion status {ref}", side.member2, fake.hook_url("s")))
        assert "已开始" in replies(fake, "s") and "参加（2）" in replies(fake, "s")


def test_a_member_can_neither_schedule_nor_cancel_and_the_organiser_cancels(
    fake: FakeMessengers, side: Side
) -> None:
    with governed(fake, side) as stack:
        stack.send(side.command("discussion 明天 15:00 团建安排", side.member, fake.hook_url("m")))
        assert "只有本群管理员" in replies(fake, "m")
        assert Discussions(stack.store).latest(side.gid) is None

        stack.send(side.command("discussion 明天 15:00 团建安排", side.admin, fake.hook_url("a")))
        ref = Discussions(stack.store).latest(side.gid)
        assert ref is not None
        stack.send(side.command(f"discussion cancel {ref}", side.member, fake.hook_url("c")))
        assert "只有本群管理员" in replies(fake, "c")
        fake.clear()
        stack.send(side.command(f"discussion cancel {ref}", side.admin, fake.hook_url("o")))
        assert "取消" in group_saw(fake, side)
        assert Discussions(stack.store).get(side.gid, ref).state == "cancelled"  # type: ignore[union-attr]
