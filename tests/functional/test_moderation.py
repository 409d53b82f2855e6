"""Moderation as members and admins see it, on all three platforms (on WeCom and DingTalk: the messages
the bot can see, @-mentions): a flood, a valid ID-card number and an abusive message each lead to the
right action or its recorded substitute, a private explanation, and an admin card whose buttons work;
an appeal reverses an action; a group in shadow mode records cases and acts on nothing."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import yaml

from chalicelib.clock import FrozenClock
from chalicelib.core.policy import default_policy_text
from chalicelib.kernel.policies import PolicyRepo
from chalicelib.moderation.cases import Case, CaseRepo
from chalicelib.store import keys
from local.fakes.server import Call, FakeMessengers
from tests.functional import conversations as talk
from tests.support.stack import Stack, running_stack

ADMINS = [
    f"slack:{talk.SLACK_TEAM}:UADMIN1",
    f"slack:{talk.SLACK_TEAM}:UADMIN2",
    "wecom:wwdemocorp0001:wecomadmin1",
    "wecom:wwdemocorp0001:wecomadmin2",
    f"dingtalk:{talk.DINGTALK_CORP}:dingadmin1",
    f"dingtalk:{talk.DINGTALK_CORP}:dingadmin2",
]
ID_CARD = "11010519491231002X"
SLACK_GID = f"slack:{talk.SLACK_TEAM}:C0FUNC"


@contextmanager
def moderated(fake: FakeMessengers, *, mode: str = "enforce", **settings: Any) -> Iterator[Stack]:
    """A stack whose org policy names the admins (and, for a pilot, puts every rule in `mode`), on a clock
    that moves only when a test says (it starts now, so signed requests are fresh): a busy machine must not
    spread a burst over two flood windows."""
    settings.setdefault("dingtalk_card_template_id", "tpl-qunguan")
    settings.setdefault("clock", FrozenClock(time.time()))
    with running_stack(fake, **settings) as stack:
        policy = {**yaml.safe_load(default_policy_text()), "admins": ADMINS, "mode": mode}
        PolicyRepo(stack.store).apply(
            keys.ORG_SCOPE, yaml.safe_dump(policy, allow_unicode=True), author="ops", now=0
        )
        yield stack


def slack_posts_to(fake: FakeMessengers, user: str) -> list[Call]:
    """What the bot posted in its direct message with `user` (the fake's DM ids are D + the user id)."""
    dm = "D" + user[1:]
    return [c for c in fake.sent("chat.postMessage") if c.body.get("channel") == dm]


def buttons(blocks: Any) -> dict[str, str]:
    """action_id -> value of every button in Block Kit blocks."""
    found: dict[str, str] = {}
    for block in json.loads(blocks) if isinstance(blocks, str) else blocks:
        for element in block.get("elements", []):
            if element.get("type") == "button":
                found[element["action_id"]] = element.get("value", "")
    return found


def cases_of(stack: Stack, gid: str, uid: str) -> list[Case]:
    return CaseRepo(stack.store).for_member(gid, uid)


def test_a_slack_flood_is_muted_by_substitute_explained_and_carded(fake: FakeMessengers) -> None:
    with moderated(fake) as stack:
        for n in range(9):
            assert stack.send(talk.slack_message(f"update number {n}", user="U0FLOOD")).status_code == 200
        to_member = " ".join(c.body["text"] for c in slack_posts_to(fake, "U0FLOOD"))
        assert "刷屏" in to_member  # the rule, named in the member's language
        assert "禁言" in to_member  # the mute, done by substitute: Slack cannot mute
        (card,) = slack_posts_to(fake, "UADMIN1")
        assert set(buttons(card.body["blocks"])) == {"mod.warn", "mod.mute", "mod.remove", "mod.dismiss"}
        (case,) = cases_of(stack, SLACK_GID, f"slack:{talk.SLACK_TEAM}:U0FLOOD")
        assert case.data["rule"] == "flood" and "substituted" in case.data["outcome"]


def test_a_valid_id_card_number_is_removed_with_an_admin_token_and_never_repeated_to_admins(
    fake: FakeMessengers,
) -> None:
    with moderated(fake, slack_admin_user_token="xoxp-admin") as stack:
        assert (
            stack.send(talk.slack_message(f"我的身份证号 {ID_CARD} 请帮忙报名", user="U0PII")).status_code
            == 200
        )
        assert len(fake.sent("chat.delete")) == 1
        to_member = " ".join(c.body["text"] for c in slack_posts_to(fake, "U0PII"))
        assert ID_CARD in to_member  # the removed text goes back to its author, privately
        for admin in ("UADMIN1", "UADMIN2"):
            assert all(
                ID_CARD not in json.dumps(c.body, ensure_ascii=False) for c in slack_posts_to(fake, admin)
            )
        (case,) = cases_of(stack, SLACK_GID, f"slack:{talk.SLACK_TEAM}:U0PII")
        assert ID_CARD not in json.dumps(case.data, ensure_ascii=False)


def test_without_an_admin_token_slack_asks_the_poster_to_withdraw(fake: FakeMessengers) -> None:
    with moderated(fake) as stack:
        assert stack.send(talk.slack_message(f"身份证 {ID_CARD}", user="U0PII2")).status_code == 200
        assert fake.sent("chat.delete") == []
        texts = [c.body["text"] for c in slack_posts_to(fake, "U0PII2")]
        assert any("撤回" in text for text in texts)


def test_an_admin_card_button_works_once_and_only_for_admins(fake: FakeMessengers) -> None:
    with moderated(fake) as stack:
        stack.send(talk.slack_message("你是个傻逼", user="U0RUDE"))
        (card,) = slack_posts_to(fake, "UADMIN1")
        value = buttons(card.body["blocks"])["mod.remove"]
        hook = fake.hook_url("card")

        fake.clear()
        assert (
            stack.send(talk.slack_click(hook, action="mod.remove", value=value, user="U0RANDOM")).status_code
            == 200
        )
        assert fake.sent("conversations.kick") == []  # a member who is not an admin cannot press it

        assert (
            stack.send(talk.slack_click(hook, action="mod.remove", value=value, user="UADMIN1")).status_code
            == 200
        )
        assert [c.body["user"] for c in fake.sent("conversations.kick")] == ["U0RUDE"]
        shown = [json.dumps(c.body, ensure_ascii=False) for c in fake.sent("/hooks/card")]
        assert any("Member MIN1" in text for text in shown)  # the card shows who, by name

        fake.clear()
        stack.send(talk.slack_click(hook, action="mod.remove", value=value, user="UADMIN2"))
        assert fake.sent("conversations.kick") == []  # handled once
        (case,) = cases_of(stack, SLACK_GID, f"slack:{talk.SLACK_TEAM}:U0RUDE")
        assert (case.state, case.data["handled_by"]) == ("removed", "UADMIN1")


def test_a_button_sealed_for_another_case_is_refused(fake: FakeMessengers) -> None:
    with moderated(fake) as stack:
        stack.send(talk.slack_message("你是个傻逼", user="U0RUDE"))
        (card,) = slack_posts_to(fake, "UADMIN1")
        value = buttons(card.body["blocks"])["mod.dismiss"]
        _chat, ref, tag = value.split("|")
        forged = f"C0OTHER|{ref}|{tag}"
        fake.clear()
        stack.send(talk.slack_click(fake.hook_url("c"), action="mod.remove", value=value, user="UADMIN1"))
        stack.send(talk.slack_click(fake.hook_url("c"), action="mod.dismiss", value=forged, user="UADMIN1"))
        assert (
            fake.sent("conversations.kick") == []
        )  # a remove with the dismiss seal, a dismiss for another group


def test_an_appeal_goes_to_a_second_admin_and_a_reversal_returns_the_points(fake: FakeMessengers) -> None:
    uid = f"slack:{talk.SLACK_TEAM}:U0RUDE"
    with moderated(fake) as stack:
        stack.send(talk.slack_message("你是个傻逼", user="U0RUDE"))
        (case,) = cases_of(stack, SLACK_GID, uid)
        points_before = stack.store.get_member(SLACK_GID, uid).points  # type: ignore[union-attr]
        assert points_before > 0

        fake.clear()
        stack.send(
            talk.slack_command(
                f"appeal {case.ref} 我只是在引用别人的话", fake.hook_url("appeal"), user="U0RUDE"
            )
        )
        appeal_cards = slack_posts_to(fake, "UADMIN1")
        assert len(appeal_cards) == 1 and "appeal.reverse" in buttons(appeal_cards[0].body["blocks"])
        value = buttons(appeal_cards[0].body["blocks"])["appeal.reverse"]

        fake.clear()
        stack.send(talk.slack_click(fake.hook_url("c"), action="appeal.reverse", value=value, user="UADMIN2"))
        assert any("采纳" in c.body["text"] for c in slack_posts_to(fake, "U0RUDE"))
        assert stack.store.get_member(SLACK_GID, uid).points < points_before  # type: ignore[union-attr]
        events = CaseRepo(stack.store).events(SLACK_GID, case.ref)
        assert [e["what"] for e in events] == ["appeal.reverse"]


def test_a_member_cannot_appeal_someone_elses_case(fake: FakeMessengers) -> None:
    with moderated(fake) as stack:
        stack.send(talk.slack_message("你是个傻逼", user="U0RUDE"))
        (case,) = cases_of(stack, SLACK_GID, f"slack:{talk.SLACK_TEAM}:U0RUDE")
        fake.clear()
        stack.send(talk.slack_command(f"appeal {case.ref}", fake.hook_url("a"), user="U0OTHER"))
        (reply,) = fake.sent("/hooks/a")
        assert "不是针对你" in reply.body["text"]


def test_wecom_abuse_is_withdrawn_by_substitute_and_the_admin_card_acts(fake: FakeMessengers) -> None:
    with moderated(fake) as stack:
        stack.send(talk.wecom_aibot_mention("你是个傻逼", fake.hook_url("wecom"), user="zhangsan"))
        sends = fake.sent("message/send")
        to_member = [c.body for c in sends if c.body.get("touser") == "zhangsan"]
        # WeCom cannot delete: one private message asks the member to withdraw it and gives the text back.
        (explained,) = to_member
        assert "请你自行撤回" in explained["text"]["content"] and "你是个傻逼" in explained["text"]["content"]
        cards = [c.body for c in sends if c.body.get("msgtype") == "template_card"]
        assert {b["touser"] for b in cards} == {"wecomadmin1", "wecomadmin2"}
        shown = json.dumps(cards[0], ensure_ascii=False)
        assert "已请成员自行撤回" in shown and "已撤回消息" not in shown  # the admins are told what happened
        keys_by_action = {
            k["key"].split("|", 1)[0]: k["key"] for k in cards[0]["template_card"]["button_list"]
        }

        fake.clear()
        code = fake.wecom.click_response_code()  # what WeCom puts in the click callback
        (mine,) = [c for c in cards if c["touser"] == "wecomadmin1"]  # the click names its card's task id
        task = mine["template_card"]["task_id"]
        click = talk.wecom_card_click(
            keys_by_action["mod.warn"], user="wecomadmin1", task_id=task, response_code=code
        )
        stack.send(click)
        warned = [c.body for c in fake.sent("message/send") if c.body.get("touser") == "zhangsan"]
        assert len(warned) == 1 and "警告" in json.dumps(warned[0], ensure_ascii=False)
        # The clicked card is updated with the click's code, the other admin's copy with its own send code.
        updates = fake.sent("update_template_card")
        assert sorted(u.body["response_code"] == code for u in updates) == [False, True]


def test_dingtalk_abuse_gets_an_interactive_card_whose_buttons_work(fake: FakeMessengers) -> None:
    with moderated(fake) as stack:
        stack.send(talk.dingtalk_robot("你是个傻逼", fake.hook_url("ding"), user="lisi"))
        deliveries = fake.sent("createAndDeliver")
        assert {c.body["openSpaceId"] for c in deliveries} == {
            "dtv1.card//IM_ROBOT.dingadmin1",  # named by the policy
            "dtv1.card//IM_ROBOT.dingadmin2",
            "dtv1.card//IM_ROBOT.dingowner",  # the scene group's owner and sub-admin (scenegroup/get)
            "dtv1.card//IM_ROBOT.dingsubadmin",
        }
        button_list = json.loads(deliveries[0].body["cardData"]["cardParamMap"]["buttons"])
        mute = next(b for b in button_list if b["action"] == "mod.mute")

        fake.clear()
        stack.send(talk.dingtalk_card_click("mod.mute", mute["value"], user="dingadmin2"))
        # cidFUNC is not a scene group the app created: the mute is done by substitute, privately.
        assert fake.sent("muteMembers") == []
        notices = [c.body for c in fake.sent("oToMessages/batchSend") if c.body.get("userIds") == ["lisi"]]
        assert notices and "禁言" in json.dumps(notices, ensure_ascii=False)


def test_a_group_in_shadow_mode_records_cases_and_acts_on_nothing(fake: FakeMessengers) -> None:
    with moderated(fake, mode="shadow") as stack:
        stack.send(talk.slack_message("你是个傻逼", user="U0SHADOW"))
        assert fake.sent("chat.postMessage") == [] and fake.sent("chat.delete") == []
        (case,) = cases_of(stack, SLACK_GID, f"slack:{talk.SLACK_TEAM}:U0SHADOW")
        assert case.data["outcome"] == "shadow" and case.data["shadow_actions"]
        assert stack.store.get_member(SLACK_GID, f"slack:{talk.SLACK_TEAM}:U0SHADOW").points == 0  # type: ignore[union-attr]


def wecom_said(text: str, fake: FakeMessengers, user: str) -> Any:
    return talk.wecom_aibot_mention(text, fake.hook_url("w"), user=user)


def dingtalk_said(text: str, fake: FakeMessengers, user: str) -> Any:
    return talk.dingtalk_robot(text, fake.hook_url("d"), user=user)


def private_to(fake: FakeMessengers, user: str) -> str:
    """Everything the bot sent `user` privately on WeCom (message/send) or DingTalk (batchSend)."""
    wecom = [c.body for c in fake.sent("message/send") if c.body.get("touser") == user]
    ding = [c.body for c in fake.sent("oToMessages/batchSend") if c.body.get("userIds") == [user]]
    return json.dumps(wecom + ding, ensure_ascii=False)


def admin_cards(fake: FakeMessengers) -> list[Any]:
    wecom = [c for c in fake.sent("message/send") if c.body.get("msgtype") == "template_card"]
    return wecom + fake.sent("createAndDeliver")


@pytest.mark.parametrize("said", [wecom_said, dingtalk_said], ids=["wecom", "dingtalk"])
def test_a_flood_of_mentions_is_muted_or_substituted_explained_and_carded(
    fake: FakeMessengers, said: Any
) -> None:
    with moderated(fake) as stack:
        for n in range(9):
            assert stack.send(said(f"进度更新 第{n}条", fake, "floody")).status_code == 200
        told = private_to(fake, "floody")
        assert "刷屏" in told and "禁言" in told
        # One card per admin: the two the policy names, and on DingTalk the scene group's owner and sub-admin.
        assert len(admin_cards(fake)) == (4 if said is dingtalk_said else 2)


@pytest.mark.parametrize("said", [wecom_said, dingtalk_said], ids=["wecom", "dingtalk"])
def test_an_id_card_number_is_explained_privately_and_never_shown_to_admins(
    fake: FakeMessengers, said: Any
) -> None:
    with moderated(fake) as stack:
        assert stack.send(said(f"我的身份证 {ID_CARD}", fake, "leaky")).status_code == 200
        assert ID_CARD in private_to(fake, "leaky")  # returned to its author only
        cards = admin_cards(fake)
        assert cards and all(ID_CARD not in json.dumps(c.body, ensure_ascii=False) for c in cards)
