"""R8.8 on all three platforms, through signed requests and the scheduler: an open violation card is
reminded to the admins by the hourly job until it is handled (by its card or by a command), the admins
list what is open, and a member can do neither."""

from __future__ import annotations

import time

from chalicelib.moderation.cases import CaseRepo
from chalicelib.moderation.followups import FollowUps
from local.fakes.server import FakeMessengers
from tests.functional import conversations as talk
from tests.functional.test_workflows import (
    clock_of,
    governed,
    latest_card,
    run_scheduled,
    said,
    side,
    violation_request,
)
from tests.functional.workflow_talk import Side, card_updates, replies

__all__ = ["side"]  # the fixture: each test runs on Slack, WeCom and DingTalk
HOUR = 3600


def open_case(stack: object, side: Side) -> str:
    (followup,) = FollowUps(stack.store).of_group(side.gid)  # type: ignore[attr-defined]
    return followup.ref


def test_an_open_card_is_reminded_until_an_admin_handles_it_by_its_button(
    fake: FakeMessengers, side: Side
) -> None:
    with governed(fake, side) as stack:
        clock = clock_of(stack)
        sent_at = clock.now()
        stack.send(violation_request(fake, side, 1))
        ref = open_case(stack, side)
        assert "mod.dismiss" in latest_card(fake, side, side.admin)

        fake.clear()
        clock.at = sent_at + 4 * HOUR + 60
        run_scheduled(stack, side)
        for admin in (side.admin, side.admin2):
            assert "第 1 次提醒" in said(fake, side, admin) and ref in said(fake, side, admin)
        assert "第 1 次提醒" not in said(fake, side, side.member)  # never to the member it is about
        reminder = latest_card(fake, side, side.admin)
        assert set(reminder) == {"mod.warn", "mod.mute", "mod.remove", "mod.dismiss"}
        clock.at = time.time()  # back to now: signed requests must be fresh

        stack.send(side.command("pending", side.member2, fake.hook_url("m")))
        assert "只有本群管理员" in replies(fake, "m") and ref not in replies(fake, "m")
        stack.send(side.command("pending", side.admin2, fake.hook_url("p")))
        assert ref in replies(fake, "p") and "违规处理" in replies(fake, "p")

        fake.clear()
        stack.send(side.click(fake, "mod.dismiss", reminder["mod.dismiss"], side.member2))
        assert CaseRepo(stack.store).get(side.gid, ref).state == "open"  # type: ignore[union-attr]
        stack.send(side.click(fake, "mod.dismiss", reminder["mod.dismiss"], side.admin2))
        assert CaseRepo(stack.store).get(side.gid, ref).state == "dismissed"  # type: ignore[union-attr]
        assert talk.directory_name(side.platform, side.admin2) in card_updates(fake)  # by name

        fake.clear()
        clock.at = sent_at + 24 * HOUR + 60
        run_scheduled(stack, side)
        assert "提醒" not in said(fake, side, side.admin) + said(fake, side, side.admin2)
        clock.at = time.time()
        stack.send(side.command("pending", side.admin, fake.hook_url("e")))
        assert "没有待处理" in replies(fake, "e")


def test_an_open_card_handled_by_command_is_reminded_no_more(fake: FakeMessengers, side: Side) -> None:
    with governed(fake, side) as stack:
        clock = clock_of(stack)
        sent_at = clock.now()
        stack.send(violation_request(fake, side, 2))
        ref = open_case(stack, side)
        stack.send(side.command(f"handle {ref} warn", side.member2, fake.hook_url("x")))
        assert "只有本群管理员" in replies(fake, "x")
        stack.send(side.command(f"handle {ref} warn", side.admin, fake.hook_url("h")))
        assert talk.directory_name(side.platform, side.admin) in replies(fake, "h")
        assert any("警告" in text for text in side.to(fake, side.member))
        fake.clear()
        clock.at = sent_at + 4 * HOUR + 60
        run_scheduled(stack, side)
        assert "提醒" not in said(fake, side, side.admin) + said(fake, side, side.admin2)
        clock.at = time.time()
        stack.send(side.command(f"handle {ref} dismiss", side.admin2, fake.hook_url("2")))
        assert f"已由 {talk.directory_name(side.platform, side.admin)} 处理" in replies(fake, "2")  # once
