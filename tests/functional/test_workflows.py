"""The workflows as members, admins and owners see them, on all three platforms, through signed commands
and card clicks (`workflow_talk`): announcements that must be acknowledged, with their reminders, report
and withdrawal from the scheduled job; publishing approval; corrections; incidents with isolation,
escalation and a report; spike alerts; polls; suggestions; policy revisions from proposal to rollback.
Refusals included: a member cannot announce, approve or open an incident, and a second click does nothing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import pytest
import yaml

from chalicelib.clock import FrozenClock
from chalicelib.core.events import JobRequested
from chalicelib.core.policy import default_policy_text
from chalicelib.jobs import catalog
from chalicelib.jobs.posts import BotPosts
from chalicelib.kernel.context import load_context
from chalicelib.kernel.executor import execute
from chalicelib.kernel.policies import PolicyRepo
from chalicelib.store import keys
from chalicelib.store.records import GroupRecord
from chalicelib.workflows.announcements import Announcements
from chalicelib.workflows.reminders import WorkflowReminders
from chalicelib.workflows.revisions import Revisions
from local.demo_settings import DEMO_SETTINGS as S
from local.fakes.server import FakeMessengers
from local.peers import slack as slack_peer
from tests.functional import conversations as talk
from tests.functional.workflow_talk import (
    DINGTALK,
    SIDES,
    SLACK,
    WECOM,
    Side,
    card_updates,
    directory_name,
    named,
    replies,
    wecom_direct_command,
)
from tests.support.stack import Stack, running_stack

HOUR = 3600
ADMINS = [admin for side in SIDES for admin in side.admins]


@pytest.fixture(params=SIDES, ids=[side.platform for side in SIDES])
def side(request: pytest.FixtureRequest) -> Side:
    chosen: Side = request.param
    return chosen


@contextmanager
def governed(fake: FakeMessengers, side: Side, **policy: Any) -> Iterator[Stack]:
    """A stack whose org policy names the admins, with the side's two members known to the bot, on a
    clock that moves only when a test says (it starts now, so signed requests are fresh)."""
    clock = FrozenClock(time.time())
    with running_stack(fake, clock=clock, dingtalk_card_template_id="tpl-qunguan") as stack:
        document = {**yaml.safe_load(default_policy_text()), "admins": ADMINS, **policy}
        PolicyRepo(stack.store).apply(
            keys.ORG_SCOPE, yaml.safe_dump(document, allow_unicode=True), author="ops", now=0
        )
        for user in (side.member, side.member2):
            stack.store.record_activity(side.gid, side.uid(user), user, clock.now())
        yield stack


def clock_of(stack: Stack) -> FrozenClock:
    clock = stack.deps.clock
    assert isinstance(clock, FrozenClock)
    return clock


def run_scheduled(stack: Stack, side: Side) -> None:
    """One run of the `workflows` job for the side's group, at the stack's time: through the scheduler
    once the job is in its catalogue, else as the worker runs a job (the report's actions through the
    executor, in the group's context)."""
    now = stack.deps.clock.now()
    job = WorkflowReminders()
    if "workflows" in catalog.GROUP_JOBS:
        from chalicelib.jobs.scheduler import schedule

        schedule(stack.deps, "workflows", now, gids=[side.gid])
        return
    event = JobRequested(
        platform=side.platform,
        tenant=side.tenant,
        event_id=f"job:workflows:{job.period(now)}:{side.chat}",
        occurred_at=now,
        chat=side.chat,
        job="workflows",
        period=job.period(now),
    )
    report = job.run(stack.deps, side.gid, now)
    execute(report.actions, event, load_context(event, stack.deps), stack.deps.messenger(side.platform))


def latest_card(fake: FakeMessengers, side: Side, where: str) -> dict[str, str]:
    cards = side.cards(fake, where)
    assert cards, f"no card reached {where}"
    return cards[-1].buttons


def ack_button(fake: FakeMessengers, side: Side) -> str:
    """The acknowledge button of the announcement: on the group's card, or on the member's own (WeCom)."""
    where = side.member if side.platform == "wecom" else side.chat
    return latest_card(fake, side, where)["ann.ack"]


def said(fake: FakeMessengers, side: Side, user: str) -> str:
    """Everything the bot told `user` directly, texts and cards."""
    return " ".join([*side.to(fake, user), *(card.text for card in side.cards(fake, user))])


def group_saw(fake: FakeMessengers, side: Side) -> str:
    """What the group was told: in the group, or (WeCom) what its members were sent instead."""
    if side.platform == "wecom":
        return said(fake, side, side.member) + said(fake, side, side.member2)
    return " ".join([*side.in_group(fake), *(card.text for card in side.cards(fake, side.chat))])


# Announcements -----------------------------------------------------------------------------------------


def test_an_announcement_is_acknowledged_once_and_its_status_shows_who(
    fake: FakeMessengers, side: Side
) -> None:
    with governed(fake, side) as stack:
        stack.send(
            side.command("announce --ack 周五下午三点全员会议，请准时参加", side.admin, fake.hook_url("a"))
        )
        assert "周五下午三点全员会议" in group_saw(fake, side)
        value = ack_button(fake, side)

        fake.clear()
        stack.send(side.click(fake, "ann.ack", value, side.member))
        assert any("已确认" in text for text in side.to(fake, side.member))
        fake.clear()
        stack.send(side.click(fake, "ann.ack", value, side.member))
        assert side.to(fake, side.member) == []  # a second click does nothing

        fake.clear()
        stack.send(side.command("announce status", side.admin, fake.hook_url("s")))
        status = replies(fake, "s")
        carol = directory_name(stack, side, side.member2)
        assert "1/2" in status and f"未确认：{carol}" in status  # by name
        assert carol == side.member2 or side.member2 not in status.replace(carol, "")


def test_a_banned_member_leaves_the_announcement_roster(fake: FakeMessengers, side: Side) -> None:
    with governed(fake, side) as stack:
        stack.send(side.command("announce --ack 周五下午三点全员会议", side.admin, fake.hook_url("a")))
        stack.send(side.command(f"ban @{side.member2} 骚扰", side.admin, fake.hook_url("b")))
        fake.clear()
        stack.send(side.command("announce status", side.admin, fake.hook_url("s")))
        status = replies(fake, "s")
        assert "0/1" in status and side.member2 not in status  # not counted as "not acknowledged"


def test_a_member_cannot_announce(fake: FakeMessengers, side: Side) -> None:
    with governed(fake, side) as stack:
        stack.send(side.command("announce 大家明天放假", side.member, fake.hook_url("a")))
        assert "只有本群管理员" in replies(fake, "a")
        assert "放假" not in group_saw(fake, side)
        assert Announcements(stack.store).latest(side.gid) is None


def test_reminders_come_from_the_scheduler_then_the_report_then_the_withdrawal(
    fake: FakeMessengers, side: Side
) -> None:
    with governed(fake, side) as stack:
        clock = clock_of(stack)
        posted = clock.now()
        stack.send(
            side.command("announce --ack --expires 3d 新的报销制度已生效", side.admin, fake.hook_url("a"))
        )
        stack.send(side.click(fake, "ann.ack", ack_button(fake, side), side.member))

        for hours, n in ((4, 1), (24, 2), (48, 3)):
            fake.clear()
            clock.at = posted + hours * HOUR + 1
            run_scheduled(stack, side)
            assert f"第 {n} 次提醒" in said(fake, side, side.member2)
            assert said(fake, side, side.member) == ""  # who acknowledged is left alone

        fake.clear()
        clock.at = posted + 72 * HOUR + 1  # the report, and the expiry of 3 days
        run_scheduled(stack, side)
        report = said(fake, side, side.admin)
        carol = directory_name(stack, side, side.member2)
        assert "确认报告" in report and "1/2" in report and f"未确认：{carol}" in report  # by name
        assert "已到期" in group_saw(fake, side)
        ref = Announcements(stack.store).latest(side.gid)
        assert ref is not None
        assert Announcements(stack.store).get(side.gid, ref).state == "expired"  # type: ignore[union-attr]

        fake.clear()
        clock.advance(7 * 24 * HOUR)
        run_scheduled(stack, side)
        assert group_saw(fake, side) == "" and said(fake, side, side.member2) == ""  # nothing more


def recalled(fake: FakeMessengers, side: Side) -> list[Any]:
    """The bot's own posts it withdrew: deleted (Slack), recalled (WeCom, DingTalk texts)."""
    paths = {"slack": "chat.delete", "wecom": "message/recall", "dingtalk": "Messages/recall"}
    return fake.sent(paths[side.platform]) + (fake.sent("batchRecall") if side.platform == "dingtalk" else [])


def test_an_expired_announcement_is_taken_off_the_chat_where_the_platform_allows(
    fake: FakeMessengers, side: Side
) -> None:
    with governed(fake, side) as stack:
        clock = clock_of(stack)
        stack.send(side.command("announce --ack --expires 1d 周五停电检修", side.admin, fake.hook_url("a")))
        fake.clear()
        clock.advance(24 * HOUR + 1)
        run_scheduled(stack, side)
        assert "已到期" in group_saw(fake, side)
        if side.platform == "dingtalk":
            # An interactive card has no recall: its content is replaced, buttons gone.
            assert recalled(fake, side) == []
            assert "已撤回" in card_updates(fake) and "ann.ack" not in card_updates(fake)
        else:
            # Slack: the card in the channel; WeCom: the card each member was sent (a run this late sends
            # no reminder for what it withdraws).
            assert len(recalled(fake, side)) == (1 if side.platform == "slack" else 2)
        gid_posts = BotPosts(stack.store).of_source(
            side.gid, f"ann:{Announcements(stack.store).latest(side.gid)}"
        )
        assert gid_posts == []  # settled: the cleanup does not try again

        fake.clear()
        clock.advance(2 * 24 * HOUR)
        run_scheduled(stack, side)
        assert recalled(fake, side) == [] and card_updates(fake) == ""


def test_an_announcement_withdrawn_early_is_recalled_at_once(fake: FakeMessengers) -> None:
    with governed(fake, SLACK) as stack:
        stack.send(SLACK.command("announce 下午三点开会", SLACK.admin, fake.hook_url("a")))
        ref = Announcements(stack.store).latest(SLACK.gid)
        stack.send(SLACK.command(f"announce withdraw {ref}", SLACK.admin, fake.hook_url("w")))
        (delete,) = recalled(fake, SLACK)  # the notice in the channel, by its ts
        assert delete.body["channel"] == SLACK.chat and delete.body["ts"]
        assert "已撤回" in group_saw(fake, SLACK)


def test_acknowledgements_are_counted_by_the_assessment(fake: FakeMessengers) -> None:
    with governed(fake, SLACK) as stack:
        stack.send(SLACK.command("announce --ack 安全培训必修", SLACK.admin, fake.hook_url("a")))
        value = ack_button(fake, SLACK)
        now = stack.deps.clock.now()
        (post,) = BotPosts(stack.store).announcements(SLACK.gid, now - 60, now + 60)
        assert post.ack and post.ref == value  # the ref the activity log records for the click


# Publishing approval -----------------------------------------------------------------------------------


def test_a_submission_is_approved_once_and_published_as_an_announcement(
    fake: FakeMessengers, side: Side
) -> None:
    with governed(fake, side) as stack:
        stack.send(side.command("publish 下周一系统升级，暂停服务两小时", side.member, fake.hook_url("p")))
        assert "已提交" in replies(fake, "p")
        buttons = latest_card(fake, side, side.admin)
        assert set(buttons) == {"pub.approve", "pub.reject"}

        fake.clear()
        stack.send(side.click(fake, "pub.approve", buttons["pub.approve"], side.member2))
        assert "系统升级" not in group_saw(fake, side)  # a member cannot approve

        fake.clear()
        stack.send(side.click(fake, "pub.approve", buttons["pub.approve"], side.admin))
        assert "系统升级" in group_saw(fake, side)  # published
        assert any("批准" in text for text in side.to(fake, side.member))
        admin = directory_name(stack, side, side.admin)
        assert named(card_updates(fake), " 已处理", admin, side.admin)  # who decided, by name

        fake.clear()
        stack.send(side.click(fake, "pub.approve", buttons["pub.approve"], side.admin2))
        assert "系统升级" not in group_saw(fake, side)  # a second click publishes nothing again
        told = " ".join(side.to(fake, side.admin2))
        assert named(told, " 处理", admin, side.admin)  # who decided it, by name


def test_a_rejection_tells_the_member_why(fake: FakeMessengers, side: Side) -> None:
    with governed(fake, side) as stack:
        stack.send(side.command("publish 明天全员放假", side.member, fake.hook_url("p")))
        ref = replies(fake, "p").split("申请 ", 1)[1][:7]
        fake.clear()
        stack.send(side.command(f"publish reject {ref} 需要人事部确认", side.admin, fake.hook_url("r")))
        assert any("需要人事部确认" in text for text in side.to(fake, side.member))
        assert "放假" not in group_saw(fake, side)


def test_a_wecom_approver_can_approve_in_a_direct_message_to_the_app(fake: FakeMessengers) -> None:
    with governed(fake, WECOM) as stack:
        stack.send(WECOM.command("publish 年会报名开始了", WECOM.member, fake.hook_url("p")))
        ref = replies(fake, "p").split("申请 ", 1)[1][:7]
        fake.clear()
        stack.send(wecom_direct_command(f"publish approve {ref}", WECOM.admin))
        assert "年会报名开始了" in said(fake, WECOM, WECOM.member2)  # published to each member
        assert any("批准" in text for text in WECOM.to(fake, WECOM.member))


def test_an_approver_is_reminded_and_an_undecided_submission_lapses(fake: FakeMessengers) -> None:
    with governed(fake, DINGTALK) as stack:
        clock = clock_of(stack)
        stack.send(DINGTALK.command("publish 招聘信息", DINGTALK.member, fake.hook_url("p")))
        fake.clear()
        clock.advance(24 * HOUR + 1)
        run_scheduled(stack, DINGTALK)
        assert "待审核" in said(fake, DINGTALK, DINGTALK.admin)
        fake.clear()
        clock.advance(48 * HOUR)
        run_scheduled(stack, DINGTALK)
        assert any("已失效" in text for text in DINGTALK.to(fake, DINGTALK.member))


# Corrections -------------------------------------------------------------------------------------------


def test_a_correction_notice_links_the_original(fake: FakeMessengers, side: Side) -> None:
    link = "https://example.com/archives/C0FUNC/p1700000000000100"
    with governed(fake, side) as stack:
        stack.send(side.command(f"correct {link} 会议改到周五", side.admin, fake.hook_url("c")))
        notice = group_saw(fake, side)
        assert "更正" in notice and link in notice and "会议改到周五" in notice

        fake.clear()
        stack.send(side.command(f"correct --unverified {link} 尚无官方通知", side.member, fake.hook_url("m")))
        assert "只有本群管理员" in replies(fake, "m") and group_saw(fake, side) == ""


# Incidents ---------------------------------------------------------------------------------------------


def test_an_incident_pages_isolates_or_escalates_and_ends_with_a_report(
    fake: FakeMessengers, side: Side
) -> None:
    with governed(fake, side) as stack:
        if side.platform == "dingtalk":  # a scene group the app created: there the bot may mute
            stack.store.put_group(
                GroupRecord(
                    gid=side.gid, platform="dingtalk", tenant=side.tenant, chat=side.chat, app_created=True
                )
            )
        stack.send(side.command("incident open high 群内出现钓鱼链接", side.member, fake.hook_url("x")))
        assert "只有本群管理员" in replies(fake, "x")  # a member cannot open one

        fake.clear()
        stack.send(side.command("incident open high 群内出现钓鱼链接", side.admin, fake.hook_url("o")))
        assert "钓鱼链接" in group_saw(fake, side)
        page = latest_card(fake, side, side.admin2)
        policy = PolicyRepo(stack.store).for_group(side.gid, stack.deps.clock.now() + 3600)
        assert policy.membership.join.review_all  # newcomers wait for approval
        if side.platform == "dingtalk":
            muted = {c.body["userIdList"][0] for c in fake.sent("muteMembers") if c.body["muteStatus"] == 1}
            assert muted == {side.member, side.member2}
        else:  # Slack and WeCom cannot mute: the responders are asked to restrict posting by hand
            assert any("手动限制发言" in text for text in side.to(fake, side.admin2))

        stack.send(side.click(fake, "inc.ack", page["inc.ack"], side.admin2))
        fake.clear()
        stack.send(side.click(fake, "inc.ack", page["inc.ack"], side.admin2))
        assert side.to(fake, side.admin2) == []  # a second click does nothing

        stack.send(side.command("incident update 已删除链接，正在排查来源", side.admin, fake.hook_url("u")))
        assert "正在排查来源" in group_saw(fake, side)

        fake.clear()
        stack.send(side.command("incident close", side.admin, fake.hook_url("c")))
        assert "总结" in replies(fake, "c")  # closing asks for a summary

        fake.clear()
        stack.send(side.command("incident close 链接已清除，无人受损", side.admin, fake.hook_url("c2")))
        report = " ".join(side.to(fake, side.admin2))
        assert "事件报告" in report and "链接已清除" in report
        assert "开启事件" in report and "正在排查来源" in report  # the timeline
        responders = report.split("响应人：", 1)[1].split("\n", 1)[0]
        assert directory_name(stack, side, side.admin2) in responders  # by name
        later = PolicyRepo(stack.store).for_group(side.gid, stack.deps.clock.now() + 7200)
        assert not later.membership.join.review_all
        if side.platform == "dingtalk":
            lifted = {c.body["userIdList"][0] for c in fake.sent("muteMembers") if c.body["muteStatus"] == 0}
            assert lifted == {side.member, side.member2}


def violation_request(fake: FakeMessengers, side: Side, n: int) -> Any:
    text = f"你是个傻逼 {n}"
    if side.platform == "slack":
        return talk.slack_message(text, user=side.member)
    if side.platform == "wecom":
        return talk.wecom_aibot_mention(text, fake.hook_url(f"v{n}"), user=side.member)
    return talk.dingtalk_robot(text, fake.hook_url(f"v{n}"), user=side.member)


def test_a_spike_of_violations_alerts_the_responders_who_can_open_an_incident(
    fake: FakeMessengers, side: Side
) -> None:
    spikes = {"window_minutes": 10, "joins": 20, "leaves": 20, "violations": 2}
    with governed(fake, side, workflows={"incidents": {"spikes": spikes}}) as stack:
        for n in range(3):
            stack.send(violation_request(fake, side, n))
        alerts = [card for card in side.cards(fake, side.admin) if "inc.open" in card.buttons]
        assert len(alerts) == 1  # once per window, at the threshold

        fake.clear()
        stack.send(side.click(fake, "inc.open", alerts[0].buttons["inc.open"], side.admin))
        assert "异常" in group_saw(fake, side)
        stack.send(side.click(fake, "inc.open", alerts[0].buttons["inc.open"], side.admin2))
        assert any("已有进行中的事件" in text for text in side.to(fake, side.admin2))


def test_a_wave_of_joins_alerts_the_responders(fake: FakeMessengers) -> None:
    spikes = {"window_minutes": 10, "joins": 3, "leaves": 20, "violations": 10}
    with governed(fake, SLACK, workflows={"incidents": {"spikes": spikes}}) as stack:
        for n in range(4):
            event = {
                "type": "member_joined_channel",
                "user": f"U0NEW{n}",
                "channel": "C0FUNC",
                "event_ts": f"{time.time():.6f}",
            }
            envelope = slack_peer.envelope(event, team=talk.SLACK_TEAM)
            stack.send(slack_peer.event_request(envelope, S["SLACK_SIGNING_SECRET"]))
        alerts = [card for card in SLACK.cards(fake, SLACK.admin) if "inc.open" in card.buttons]
        assert len(alerts) == 1 and "入群" in alerts[0].text


# Polls -------------------------------------------------------------------------------------------------


def test_a_poll_takes_one_vote_per_member_and_posts_its_results(fake: FakeMessengers, side: Side) -> None:
    with governed(fake, side) as stack:
        stack.send(side.command('poll "团建去哪里" 爬山 露营 密室', side.member, fake.hook_url("p")))
        ref = replies(fake, "p").split("投票 ", 1)[1][:7]
        options = option_values(fake, side, side.member2 if side.platform == "wecom" else side.chat)
        assert len(options) == 3

        stack.send(side.click(fake, "poll.vote", options[1], side.member2))
        fake.clear()
        stack.send(side.click(fake, "poll.vote", options[0], side.member2))
        assert side.to(fake, side.member2) == []  # a second vote does nothing
        stack.send(side.click(fake, "poll.vote", options[1], side.member))

        fake.clear()
        stack.send(side.command("poll results", side.member2, fake.hook_url("r")))
        assert "露营: 2 (100%)" in replies(fake, "r")

        stack.send(side.command(f"poll close {ref}", side.member2, fake.hook_url("x")))
        assert "只有本群管理员" in replies(fake, "x")  # neither its creator nor an admin
        fake.clear()
        stack.send(side.command(f"poll close {ref}", side.member, fake.hook_url("c")))
        assert "共 2 票" in group_saw(fake, side)


def option_values(fake: FakeMessengers, side: Side, where: str) -> list[str]:
    """Each option's sealed value, in order (cards hold several `poll.vote` buttons)."""
    if side.platform == "slack":
        call = [
            c
            for c in fake.sent("chat.postMessage")
            if c.body.get("channel") == where and c.body.get("blocks")
        ][-1]
        blocks = (
            json.loads(call.body["blocks"]) if isinstance(call.body["blocks"], str) else call.body["blocks"]
        )
        return [e["value"] for b in blocks for e in b.get("elements", []) if e.get("type") == "button"]
    if side.platform == "wecom":
        body = [
            c.body
            for c in fake.sent("message/send")
            if c.body.get("touser") == where and c.body.get("msgtype") == "template_card"
        ][-1]
        return [str(b["key"]).split("|", 1)[1] for b in body["template_card"]["button_list"]]
    call = [c for c in fake.sent("createAndDeliver") if c.body["openSpaceId"].endswith(where)][-1]
    return [b["value"] for b in json.loads(call.body["cardData"]["cardParamMap"]["buttons"])]


# Suggestions -------------------------------------------------------------------------------------------


def test_an_anonymous_suggestion_reaches_the_admins_and_its_answer_the_member(
    fake: FakeMessengers, side: Side
) -> None:
    with governed(fake, side) as stack:
        stack.send(
            side.command("suggest --anonymous 希望会议纪要能在当天发出", side.member, fake.hook_url("s"))
        )
        assert "谢谢" in replies(fake, "s")
        card = side.cards(fake, side.admin)[-1]
        assert "会议纪要" in card.text and side.member not in card.text and "匿名" in card.text

        fake.clear()
        stack.send(side.click(fake, "sug.accept", card.buttons["sug.accept"], side.member2))
        assert side.to(fake, side.member) == []  # a member cannot answer it
        stack.send(side.click(fake, "sug.accept", card.buttons["sug.accept"], side.admin))
        assert any("采纳" in text for text in side.to(fake, side.member))
        admin = directory_name(stack, side, side.admin)
        assert named(card_updates(fake), " 已处理", admin, side.admin)  # who answered, by name
        fake.clear()
        stack.send(side.click(fake, "sug.noted", card.buttons["sug.noted"], side.admin2))
        assert side.to(fake, side.member) == []  # answered once


# Policy revisions --------------------------------------------------------------------------------------


def test_a_revision_is_proposed_approved_piloted_rolled_out_and_rolled_back(
    fake: FakeMessengers, side: Side
) -> None:
    proposal = "revision propose rules.flood.max_messages=6 -- 刷屏太多"
    with governed(fake, side, workflows={"revisions": {"owners": ADMINS}}) as stack:
        other = replace(side, chat=f"{side.chat}2")
        stack.store.put_group(
            GroupRecord(gid=other.gid, platform=side.platform, tenant=side.tenant, chat=other.chat)
        )
        stack.store.record_activity(other.gid, other.uid(side.member), side.member, stack.deps.clock.now())
        repo = PolicyRepo(stack.store)
        stack.send(side.command(proposal, side.member, fake.hook_url("m")))
        assert "只有本群管理员" in replies(fake, "m")

        stack.send(side.command(proposal, side.admin, fake.hook_url("p")))
        assert "rules.flood.max_messages: 8 → 6" in group_saw(fake, side)  # the poll card shows the diff
        decide = latest_card(fake, side, side.admin2)
        ref = replies(fake, "p").split("修订 ", 1)[1][:7]

        fake.clear()
        stack.send(side.click(fake, "rev.approve", decide["rev.approve"], side.member))
        assert Revisions(stack.store).get(ref).state == "proposed"  # type: ignore[union-attr]
        stack.send(side.command(f"revision approve {ref}", side.admin, fake.hook_url("own")))
        assert "另一位负责人" in replies(fake, "own")  # four eyes: not by its own proposer
        assert Revisions(stack.store).get(ref).state == "proposed"  # type: ignore[union-attr]
        stack.send(side.click(fake, "rev.approve", decide["rev.approve"], side.admin2))
        assert "已批准" in group_saw(fake, side)  # the notice of what changes
        admin, admin2 = directory_name(stack, side, side.admin), directory_name(stack, side, side.admin2)
        assert named(card_updates(fake), " 已处理", admin2, side.admin2)  # who decided, by name
        assert side.platform == "wecom" or named(
            card_updates(fake), " 提议", admin, side.admin
        )  # who proposed
        stack.send(side.command(f"revision status {ref}", side.admin, fake.hook_url("status")))
        assert f"批准：{admin2}；" in replies(fake, "status")  # who approved, by name (WeCom: its id)
        assert admin2 == side.admin2 or side.admin2 not in replies(fake, "status").replace(admin2, "")
        fake.clear()
        stack.send(side.click(fake, "rev.approve", decide["rev.approve"], side.admin2))
        assert group_saw(fake, side) == ""  # a second click does nothing

        later = stack.deps.clock.now() + 3600  # past the policy cache
        stack.send(side.command(f"revision pilot {ref}", side.admin, fake.hook_url("pilot")))
        assert repo.for_group(side.gid, later).rules.flood.max_messages == 6
        assert repo.for_group(other.gid, later).rules.flood.max_messages == 8

        fake.clear()
        stack.send(side.command(f"revision rollout {ref}", side.admin, fake.hook_url("out")))
        assert "所有群生效" in group_saw(fake, side)
        assert repo.for_group(other.gid, later + 100).rules.flood.max_messages == 6
        assert repo.current(keys.group_policy_scope(side.gid)).text == ""  # type: ignore[union-attr]
        fake.clear()
        run_scheduled(stack, other)
        assert "所有群生效" in group_saw(fake, other)  # the other group hears it from the job

        stack.send(side.command(f"revision rollback {ref}", side.admin, fake.hook_url("back")))
        assert repo.for_group(other.gid, later + 200).rules.flood.max_messages == 8
        assert repo.for_group(side.gid, later + 200).rules.flood.max_messages == 8
        assert Revisions(stack.store).get(ref).state == "rolled_back"  # type: ignore[union-attr]


def test_where_one_owner_runs_the_rules_the_policy_may_let_the_proposer_approve(
    fake: FakeMessengers,
) -> None:
    alone = {"owners": [SLACK.uid(SLACK.admin)], "self_approval": True}
    with governed(fake, SLACK, workflows={"revisions": alone}) as stack:
        stack.send(
            SLACK.command("revision propose rules.flood.max_messages=6", SLACK.admin, fake.hook_url("p"))
        )
        ref = replies(fake, "p").split("修订 ", 1)[1][:7]
        stack.send(SLACK.command(f"revision approve {ref}", SLACK.admin, fake.hook_url("own")))
        assert Revisions(stack.store).get(ref).state == "approved"  # type: ignore[union-attr]
