"""R5.2 through signed requests and the hourly schedule: on Slack a member @-mentioned in the channel who
has not answered is reminded privately once, naming who mentioned them and when (never the text); an
answer in the group, or `/qg remind off`, means no reminder. On WeCom and DingTalk, where the bot hears only
the @-mentions of itself and so cannot know who answered, nothing is sent."""

from __future__ import annotations

import time
from typing import Any

import pytest
import yaml

from chalicelib.core.policy import default_policy_text
from chalicelib.jobs.scheduler import schedule
from chalicelib.workflows.moments import local
from local.fakes.server import FakeMessengers
from tests.functional import conversations as talk
from tests.functional.test_workflows import clock_of, governed, said
from tests.functional.workflow_talk import DINGTALK, SLACK, WECOM, Side, replies
from tests.support.stack import Stack

HOUR = 3600


def around_the_clock() -> dict[str, Any]:
    """The default workflows, without quiet hours: the test runs whatever the time of day."""
    workflows: dict[str, Any] = yaml.safe_load(default_policy_text())["workflows"]
    workflows["mentions"].update(quiet_from="00:00", quiet_until="00:00")
    return workflows


def hourly(stack: Stack, side: Side, hours: float) -> None:
    """`hours` pass on the stack's clock, then the `reminders` schedule fans the `mentions` job out (the
    worker runs inline)."""
    clock = clock_of(stack)
    clock.advance(hours * HOUR)
    schedule(stack.deps, "mentions", clock.now(), gids=[side.gid])


def test_a_slack_mention_nobody_answered_is_reminded_privately_once(fake: FakeMessengers) -> None:
    side = SLACK
    with governed(fake, side, workflows=around_the_clock()) as stack:
        asked_at = time.time()
        stack.send(talk.slack_message(f"<@{side.member2}> 预算表能帮忙核对一下吗？", user=side.member))
        stack.send(talk.slack_message(f"<@{side.admin}> FYI", user=side.member))
        stack.send(talk.slack_message("收到，我看一下", user=side.admin))  # the admin answers
        fake.clear()

        hourly(stack, side, 1)  # an hour later: not due yet
        assert said(fake, side, side.member2) == ""
        hourly(stack, side, 4)  # five hours later: reminded
        text = said(fake, side, side.member2)
        assert "有人在等你回复" in text and "@了你" in text and "0BOB" in text  # who (the directory's name)
        assert local(asked_at, 8.0)[:13] in text  # when, in the group's time zone
        assert "预算表" not in text  # never the message's text
        assert f"https://qunguan-demo.slack.com/archives/{side.chat}/p" in text  # a link to the message
        assert said(fake, side, side.admin) == ""

        fake.clear()
        hourly(stack, side, 0)  # the same hour again
        hourly(stack, side, 1)
        assert said(fake, side, side.member2) == ""  # once


def test_an_answer_or_remind_off_means_no_reminder(fake: FakeMessengers) -> None:
    side = SLACK
    with governed(fake, side, workflows=around_the_clock()) as stack:
        stack.send(side.command("remind off", side.member2, fake.hook_url("r")))
        assert "不会再私信提醒你" in replies(fake, "r")
        stack.send(talk.slack_message(f"<@{side.member2}> <@{side.admin2}> 周五能交吗？", user=side.member))
        stack.send(talk.slack_message("可以", user=side.admin2))
        fake.clear()
        hourly(stack, side, 5)
        assert said(fake, side, side.member2) == "" and said(fake, side, side.admin2) == ""


@pytest.mark.parametrize("side", [WECOM, DINGTALK], ids=["wecom", "dingtalk"])
def test_wecom_and_dingtalk_send_nothing(fake: FakeMessengers, side: Side) -> None:
    with governed(fake, side, workflows=around_the_clock()) as stack:
        if side.platform == "wecom":
            stack.send(
                talk.wecom_aibot_mention(f"@{side.member2} 看一下？", fake.hook_url("w"), user=side.member)
            )
        else:
            request = talk.dingtalk_robot(
                "看一下？", fake.hook_url("w"), user=side.member, at=(side.member2,)
            )
            stack.send(request)
        fake.clear()
        hourly(stack, side, 5)
        assert said(fake, side, side.member2) == ""
        assert fake.calls == []
