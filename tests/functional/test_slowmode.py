"""R5.3 on all three platforms, through signed requests (on WeCom and DingTalk: the messages the bot can
see, @-mentions): a heated exchange puts the group in slow mode with a calm-down notice, a private word to
the two (muted briefly where the platform lets the bot, DingTalk scene groups), and an admin card whose
buttons work once and only for admins; a message over the rate is withdrawn by substitute; admins turn
slow mode on and off by command, members cannot."""

from __future__ import annotations

import time
from typing import Any

import yaml

from chalicelib.core.policy import default_policy_text
from chalicelib.jobs import minutely
from chalicelib.moderation.slowmode import SlowModes
from chalicelib.store.records import GroupRecord
from local.fakes.server import FakeMessengers
from tests.functional import conversations as talk
from tests.functional.test_workflows import clock_of, governed, group_saw, latest_card, said, side
from tests.functional.workflow_talk import Side, card_updates, directory_name, named, replies

__all__ = ["side"]  # the fixture: each test runs on Slack, WeCom and DingTalk
QUARREL = (
    "这个方案根本不行",
    "你到底懂不懂啊！！",
    "你才不懂！！",
    "STOP TALKING NONSENSE",
    "你再说一遍？？",
    "说就说！！",
    "不可理喻！！",
)


def heated_rules() -> dict[str, Any]:
    rules: dict[str, Any] = yaml.safe_load(default_policy_text())["rules"]
    rules["heated"]["mode"] = "enforce"
    return rules


def message(fake: FakeMessengers, side: Side, user: str, text: str, n: int) -> Any:
    if side.platform == "slack":
        return talk.slack_message(text, user=user)
    if side.platform == "wecom":
        return talk.wecom_aibot_mention(text, fake.hook_url(f"q{n}"), user=user)
    return talk.dingtalk_robot(text, fake.hook_url(f"q{n}"), user=user)


def test_a_heated_exchange_slows_the_group_down_until_an_admin_ends_it(
    fake: FakeMessengers, side: Side
) -> None:
    with governed(fake, side, rules=heated_rules()) as stack:
        clock = clock_of(stack)
        # Who spoke last is kept per five-minute moderation window: the quarrel must not straddle two. Late
        # in a window, move on to the next (at most 200 s ahead: signed requests stay within 5 minutes).
        if clock.now() % 300 > 100:
            clock.at = (clock.now() // 300 + 1) * 300 + 1
        if side.platform == "dingtalk":  # a scene group the app created: there the bot may mute
            stack.store.put_group(
                GroupRecord(
                    gid=side.gid, platform="dingtalk", tenant=side.tenant, chat=side.chat, app_created=True
                )
            )
        for n, text in enumerate(QUARREL):
            clock.advance(5)
            stack.send(message(fake, side, side.member if n % 2 == 0 else side.member2, text, n))
        assert "请大家冷静" in group_saw(fake, side)  # the calm-down notice (on WeCom, to each member)
        for user in (side.member, side.member2):
            assert "冷静" in said(fake, side, user)
        if side.platform == "dingtalk":
            muted = {c.body["userIdList"][0] for c in fake.sent("muteMembers") if c.body["muteStatus"] == 1}
            assert muted == {side.member, side.member2}
        else:
            assert fake.sent("muteMembers") == []
        card = latest_card(fake, side, side.admin)
        assert set(card) == {"slow.end", "slow.extend", "slow.warn"}
        assert SlowModes(stack.store).get(side.gid) is not None

        fake.clear()
        clock.advance(5)
        stack.send(message(fake, side, side.member, "我还要说一句", 99))
        assert "撤回" in said(fake, side, side.member)  # over the rate: asked to withdraw it

        fake.clear()
        stack.send(side.click(fake, "slow.end", card["slow.end"], side.member2))
        assert SlowModes(stack.store).get(side.gid) is not None  # a member cannot end it
        stack.send(side.click(fake, "slow.end", card["slow.end"], side.admin2))
        admin2 = directory_name(
            stack, side, side.admin2
        )  # who ended it, by name in the group and on the card
        assert named(group_saw(fake, side), " 结束了慢速模式", admin2, side.admin2)
        assert named(card_updates(fake), " 已处理", admin2, side.admin2)
        assert SlowModes(stack.store).get(side.gid) is None
        if side.platform == "dingtalk":
            lifted = {c.body["userIdList"][0] for c in fake.sent("muteMembers") if c.body["muteStatus"] == 0}
            assert lifted == {side.member, side.member2}
        fake.clear()
        stack.send(side.click(fake, "slow.end", card["slow.end"], side.admin))
        assert (
            group_saw(fake, side) == "" and said(fake, side, side.admin) == ""
        )  # a second click does nothing


def test_admins_turn_slow_mode_on_and_off_and_it_ends_by_itself(fake: FakeMessengers, side: Side) -> None:
    with governed(fake, side) as stack:
        stack.send(side.command("slowmode on 10m", side.member, fake.hook_url("m")))
        assert "只有本群管理员" in replies(fake, "m") and SlowModes(stack.store).get(side.gid) is None

        stack.send(side.command("slowmode on 10m", side.admin, fake.hook_url("a")))
        assert "慢速模式已开启" in replies(fake, "a")
        if side.platform != "slack":  # the bot hears only @-mentions there: the admin is told what that means
            assert "@ 我的消息" in replies(fake, "a")
        assert "管理员开启了慢速模式" in group_saw(fake, side)
        stack.send(side.command("slowmode status", side.member, fake.hook_url("s")))
        assert "开启中" in replies(fake, "s")

        fake.clear()
        clock = clock_of(stack)
        clock.advance(11 * 60)
        minutely.run(stack.deps, clock.now())  # the five-minute pass ends it
        assert "慢速模式已结束" in group_saw(fake, side)
        clock.at = time.time()
        stack.send(side.command("slowmode off", side.admin, fake.hook_url("o")))
        assert "没有开启" in replies(fake, "o")
