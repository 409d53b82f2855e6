"""Day one in a real company (issue 16): the bot is simply added to a Slack channel, a WeCom group and a
DingTalk group, with the default policy, which names no admin. It finds the admins on the platform
(whoever invited it, the channel's creator, the group's owner and sub-admins, a sender DingTalk marks as
admin; else the organisation's admins), and their admin cards name the group and the member; the case
records who was told. Whoever added the bot gets a setup card, and the group a short introduction."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from chalicelib.cardsign import seal
from chalicelib.kernel.policies import PolicyRepo
from chalicelib.moderation.cases import CaseRepo
from chalicelib.store import keys
from local.fakes.blockkit import block_kit_errors
from local.fakes.dingtalk_cards import card_param_errors
from local.fakes.server import Call, FakeMessengers
from local.fakes.wecom_archive import set_room
from local.fakes.wecom_cards import template_card_errors
from tests.functional import conversations as talk
from tests.functional import conversations as talk_module
from tests.functional import membership_talk
from tests.functional import test_persons as persons
from tests.functional.test_membership import CASTS, send
from tests.support.stack import Stack, running_stack

ABUSE = "你是个傻逼"
TEAM = talk.SLACK_TEAM


def slack_dm(fake: FakeMessengers, user: str) -> list[Call]:
    """What the bot posted in its direct message with `user` (the fake's DM ids are D + the user id)."""
    return [c for c in fake.sent("chat.postMessage") if c.body.get("channel") == "D" + user[1:]]


def actions_of(call: Call) -> set[str]:
    blocks = call.body.get("blocks") or []
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
    return {e["action_id"] for b in blocks for e in b.get("elements", []) if e.get("type") == "button"}


def slack_cards(fake: FakeMessengers, user: str, prefix: str) -> list[Call]:
    return [c for c in slack_dm(fake, user) if any(a.startswith(prefix) for a in actions_of(c))]


def blocks_of(call: Call) -> list[dict[str, Any]]:
    blocks = call.body.get("blocks") or []
    return list(json.loads(blocks) if isinstance(blocks, str) else blocks)


def selects_of(call: Call) -> list[str]:
    return [
        b["block_id"].removeprefix("select:")
        for b in blocks_of(call)
        if b.get("block_id", "").startswith("select:")
    ]


def button_value(call: Call, action: str) -> str:
    values = [
        e["value"] for b in blocks_of(call) for e in b.get("elements", []) if e.get("action_id") == action
    ]
    return str(values[0])


def slack_state(**chosen: str | list[str]) -> dict[str, Any]:
    """`state.values` as Slack sends it with a click: each select's block id -> action id -> its state."""
    values: dict[str, Any] = {}
    for key, value in chosen.items():
        ident = f"select:{key}"
        if isinstance(value, list):
            state: dict[str, Any] = {"type": "multi_users_select", "selected_users": value}
        else:
            option = {"text": {"type": "plain_text", "text": value}, "value": value}
            state = {"type": "static_select", "selected_option": option}
        values[ident] = {ident: state}
    return values


def dingtalk_setup_card(fake: FakeMessengers, user: str) -> dict[str, Any]:
    """The setup card delivered to `user` (one per admin, each in their own space)."""
    cards: list[dict[str, Any]] = [
        c.body
        for c in fake.sent("createAndDeliver")
        if "setup.apply" in json.dumps(c.body) and str(c.body["openSpaceId"]).endswith("." + user)
    ]
    (card,) = cards
    return card


def told(stack: Stack, gid: str, uid: str) -> dict[str, Any]:
    (case,) = CaseRepo(stack.store).for_member(gid, uid)
    return dict(case.data["admins_told"])


def wecom_cards(fake: FakeMessengers) -> dict[str, str]:
    """Recipient -> the violation card sent to them."""
    sent = [c.body for c in fake.sent("message/send") if c.body.get("msgtype") == "template_card"]
    shown = [json.dumps(body, ensure_ascii=False) for body in sent]
    return {body["touser"]: text for body, text in zip(sent, shown, strict=True) if '"mod.' in text}


def dingtalk_cards(fake: FakeMessengers) -> dict[str, str]:
    """Recipient -> the violation card delivered to them."""
    found = {}
    for call in fake.sent("createAndDeliver"):
        space = str(call.body["openSpaceId"]).rsplit(".", 1)[-1]
        text = json.dumps(call.body["cardData"], ensure_ascii=False)
        if "mod.warn" in text:  # the violation cards, not the setup card
            found[space] = text
    return found


# --- Slack ------------------------------------------------------------------------------------------


def test_a_slack_channel_the_bot_is_invited_to_cards_the_inviter_and_creator_by_name(
    fake: FakeMessengers,
) -> None:
    with running_stack(fake) as stack:
        stack.send(talk.slack_bot_joined("C0DAYONE", inviter="U0INVITER"))
        (setup,) = slack_cards(fake, "U0INVITER", "setup.")
        assert actions_of(setup) == {"setup.apply"}
        assert selects_of(setup) == ["mode", "preset", "locale", "zone", "admins"]
        assert "#dayone" in json.dumps(setup.body, ensure_ascii=False)
        intro = [c for c in fake.sent("chat.postMessage") if c.body["channel"] == "C0DAYONE"]
        assert len(intro) == 1 and "help" in intro[0].body["text"]

        stack.send(talk.slack_message(ABUSE, user="U0BOB", channel="C0DAYONE"))
        for admin in ("U0INVITER", "U0CREATOR"):  # whoever invited the bot, the channel's creator
            (card,) = slack_cards(fake, admin, "mod.")
            shown = json.dumps(card.body["blocks"], ensure_ascii=False)
            assert "#dayone" in shown and "Member 0BOB" in shown  # the group's name, the member's
            assert "U0BOB" not in shown and "本群" not in shown and "C0DAYONE/p" in shown  # and a permalink
        gid = f"slack:{TEAM}:C0DAYONE"
        assert told(stack, gid, f"slack:{TEAM}:U0BOB") == {"to": ["U0CREATOR", "U0INVITER"], "why": "group"}
        to_member = " ".join(c.body["text"] for c in slack_dm(fake, "U0BOB"))
        assert "#dayone" in to_member and "本群" not in to_member


def test_a_slack_channel_with_no_known_admin_tells_the_workspace_admins_and_the_case_says_so(
    fake: FakeMessengers,
) -> None:
    with running_stack(fake) as stack:
        stack.send(talk.slack_message(ABUSE, user="U0BOB", channel="CNOCREATOR1"))
        for admin in ("UWSADMIN", "UWSOWNER"):
            assert len(slack_cards(fake, admin, "mod.")) == 1
        gid = f"slack:{TEAM}:CNOCREATOR1"
        assert told(stack, gid, f"slack:{TEAM}:U0BOB") == {"to": ["UWSADMIN", "UWSOWNER"], "why": "org"}


def test_the_slack_setup_card_applies_mode_preset_language_zone_and_admins_for_its_admin_only(
    fake: FakeMessengers,
) -> None:
    with running_stack(fake) as stack:
        stack.send(talk.slack_bot_joined("C0SETUP", inviter="U0INVITER"))
        (setup,) = slack_cards(fake, "U0INVITER", "setup.")
        assert block_kit_errors(blocks_of(setup)) == []
        admins = next(b for b in blocks_of(setup) if b.get("block_id") == "select:admins")["accessory"]
        assert admins["type"] == "multi_users_select"
        assert set(admins["initial_users"]) == {"U0INVITER", "U0CREATOR"}  # the platform's, to confirm
        value = button_value(setup, "setup.apply")
        hook = fake.hook_url("setup")
        state = slack_state(
            mode="enforce", preset="strict", locale="en", zone="-5", admins=["U0INVITER", "U0CAROL"]
        )
        stack.send(
            talk.slack_click(
                hook, action="setup.apply", value=value, user="U0BOB", channel="D0BOB", state=state
            )
        )
        scope = keys.group_policy_scope(f"slack:{TEAM}:C0SETUP")
        assert PolicyRepo(stack.store).current(scope) is None  # a member cannot choose

        stack.send(
            talk.slack_click(
                hook, action="setup.apply", value=value, user="U0INVITER", channel="D0INVITER", state=state
            )
        )
        live = PolicyRepo(stack.store).current(scope)
        assert live is not None and live.author == "U0INVITER"
        override = yaml.safe_load(live.text)
        assert override["mode"] == "enforce" and override["locale"] == "en"
        assert override["jobs"] == {"utc_offset_hours": -5.0}
        assert override["escalation"]["thresholds"][0]["points"] == 2  # the strict preset
        audit = stack.store.list_audit(f"slack:{TEAM}:C0SETUP")
        (applied,) = [r.detail["audit"] for r in audit if "version" in r.detail.get("audit", {})]
        assert applied["version"] == live.version and applied["setup"]["preset"] == "strict"  # audited
        (answer,) = [c.body for c in fake.sent("/hooks/setup") if "Strict" in json.dumps(c.body)]
        assert "UTC-5" in json.dumps(answer, ensure_ascii=False)
        # A click in a private chat never registers that chat as a group.
        assert stack.store.get_group(f"slack:{TEAM}:D0INVITER") is None
        assert stack.store.get_group(f"slack:{TEAM}:D0BOB") is None

        fake.clear()  # the admins chosen get the admin cards, in the language chosen
        stack.send(talk.slack_message(ABUSE, user="U0BOB", channel="C0SETUP"))
        assert (
            len(slack_cards(fake, "U0CAROL", "mod.")) == 1
            and len(slack_cards(fake, "U0INVITER", "mod.")) == 1
        )
        assert slack_cards(fake, "U0CREATOR", "mod.") == []
        to_member = " ".join(c.body["text"] for c in slack_dm(fake, "U0BOB"))
        assert "appeal" in to_member


def test_a_setup_card_of_the_old_kind_still_sets_the_mode(fake: FakeMessengers) -> None:
    with running_stack(fake) as stack:
        stack.send(talk.slack_bot_joined("C0OLDCARD", inviter="U0INVITER"))
        assert len(slack_cards(fake, "U0INVITER", "setup.")) == 1
        value = seal(
            stack.settings,
            platform="slack",
            tenant=TEAM,
            chat="C0OLDCARD",
            ref="C0OLDCARD",
            action="setup.warn",
        )
        stack.send(
            talk.slack_click(
                fake.hook_url("setup"),
                action="setup.warn",
                value=value,
                user="U0INVITER",
                channel="D0INVITER",
            )
        )
        live = PolicyRepo(stack.store).current(keys.group_policy_scope(f"slack:{TEAM}:C0OLDCARD"))
        assert live is not None and yaml.safe_load(live.text) == {"mode": "warn"}


def test_admins_can_be_added_listed_and_removed_but_never_the_last(fake: FakeMessengers) -> None:
    with running_stack(fake) as stack:
        stack.send(talk.slack_bot_joined("CNOCREATOR2", inviter="U0INVITER"))
        hook = fake.hook_url("admins")
        stack.send(talk.slack_command("admins add <@U0CAROL>", hook, user="U0INVITER", channel="CNOCREATOR2"))
        stack.send(talk.slack_command("admins list", hook, user="U0BOB", channel="CNOCREATOR2"))
        stack.send(
            talk.slack_command("admins remove <@U0INVITER>", hook, user="U0CAROL", channel="CNOCREATOR2")
        )
        stack.send(
            talk.slack_command("admins remove <@U0CAROL>", hook, user="U0CAROL", channel="CNOCREATOR2")
        )
        answers = [c.body["text"] for c in fake.sent("/hooks/admins")]
        assert "Member AROL" in answers[0]  # added, by name
        assert "Member ITER" in answers[1] and "Member AROL" in answers[1]  # anyone may list them
        assert "不再是" in answers[2]  # removed
        assert "唯一" in answers[3]  # the last admin stays

        fake.clear()
        stack.send(talk.slack_message(ABUSE, user="U0BOB", channel="CNOCREATOR2"))
        assert len(slack_cards(fake, "U0CAROL", "mod.")) == 1
        assert slack_cards(fake, "U0INVITER", "mod.") == []


# --- WeCom ------------------------------------------------------------------------------------------


def test_a_wecom_customer_group_cards_its_owner_and_admin_with_its_name(fake: FakeMessengers) -> None:
    with running_stack(fake) as stack:
        set_room(
            fake,
            "wrCustomerA1",
            name="客户群A1",
            owner="wecomowner",
            admins=("wecomsubadmin",),
            external=True,
        )
        stack.send(talk.wecom_aibot_mention(ABUSE, fake.hook_url("w"), user="zhangsan", chat="wrCustomerA1"))
        cards = wecom_cards(fake)
        assert set(cards) >= {"wecomowner", "wecomsubadmin"}
        card = cards["wecomowner"]
        assert "客户群A1" in card and "zhangsan" in card and "本群" not in card
        gid = f"wecom:{stack.settings.wecom_corp_id}:wrCustomerA1"
        uid = f"wecom:{stack.settings.wecom_corp_id}:zhangsan"
        assert told(stack, gid, uid) == {"to": ["wecomowner", "wecomsubadmin"], "why": "group"}


def test_a_wecom_group_the_platform_does_not_describe_tells_the_app_admins(fake: FakeMessengers) -> None:
    with running_stack(fake) as stack:
        stack.send(talk.wecom_aibot_mention(ABUSE, fake.hook_url("w"), user="lisi", chat="wrInternal1"))
        assert "wecomappadmin" in wecom_cards(fake)
        gid = f"wecom:{stack.settings.wecom_corp_id}:wrInternal1"
        uid = f"wecom:{stack.settings.wecom_corp_id}:lisi"
        assert told(stack, gid, uid) == {"to": ["wecomappadmin"], "why": "org"}


def test_a_wecom_group_gets_a_choice_card_that_sets_it_up(fake: FakeMessengers) -> None:
    with running_stack(fake) as stack:
        set_room(
            fake, "wrSetupW1", name="客户群S1", owner="wecomowner", admins=("wecomsubadmin",), external=True
        )
        stack.send(talk.wecom_aibot_mention("大家好", fake.hook_url("w"), user="zhangsan", chat="wrSetupW1"))
        cards = [
            c.body
            for c in fake.sent("message/send")
            if c.body.get("template_card", {}).get("card_type") == "multiple_interaction"
        ]
        assert {card["touser"] for card in cards} == {"wecomowner", "wecomsubadmin"}
        card = cards[0]["template_card"]
        assert template_card_errors(card) == []
        assert [s["question_key"] for s in card["select_list"]] == ["mode", "preset", "region"]
        assert "wecomowner" in card["main_title"]["desc"] and "客户群S1" in card["main_title"]["title"]
        region = next(s for s in card["select_list"] if s["question_key"] == "region")
        assert region["selected_id"] == "zh-CN@8"

        fake.clear()
        code = fake.wecom.click_response_code()
        chosen = {"mode": ["shadow"], "preset": ["meeting"], "region": ["zh-TW@8"]}
        click = talk.wecom_card_click(
            card["submit_button"]["key"],
            user="wecomowner",
            task_id=card["task_id"],
            response_code=code,
            selected=chosen,
        )
        stack.send(click)
        scope = keys.group_policy_scope(f"wecom:{stack.settings.wecom_corp_id}:wrSetupW1")
        live = PolicyRepo(stack.store).current(scope)
        assert live is not None
        override = yaml.safe_load(live.text)
        assert (override["mode"], override["locale"]) == ("shadow", "zh-TW")
        assert override["rules"]["length"]["max_chars"] == 800  # the meeting preset
        (update,) = fake.sent("update_template_card")
        assert "會議群" in json.dumps(update.body, ensure_ascii=False)  # read back in the language chosen


# --- DingTalk ---------------------------------------------------------------------------------------


def test_a_dingtalk_scene_group_cards_its_owner_and_sub_admin_by_name(fake: FakeMessengers) -> None:
    with running_stack(fake, dingtalk_card_template_id="tpl-qunguan") as stack:
        request = talk.dingtalk_robot(
            ABUSE, fake.hook_url("d"), user="lisi", chat="cidDayOne", title="周会群", nick="李四"
        )
        stack.send(request)
        cards = dingtalk_cards(fake)
        assert set(cards) >= {"dingowner", "dingsubadmin"}
        assert "周会群" in cards["dingowner"] and "李四" in cards["dingowner"]
        gid = f"dingtalk:{talk.DINGTALK_CORP}:cidDayOne"
        uid = f"dingtalk:{talk.DINGTALK_CORP}:lisi"
        assert told(stack, gid, uid) == {"to": ["dingowner", "dingsubadmin"], "why": "group"}


def test_a_dingtalk_group_cards_the_sender_dingtalk_marks_as_its_admin(fake: FakeMessengers) -> None:
    with running_stack(fake, dingtalk_card_template_id="tpl-qunguan") as stack:
        hook = fake.hook_url("d")
        chat, title = "cidPlainDayOne", "项目群"
        stack.send(talk.dingtalk_robot("help", hook, user="dingboss", chat=chat, title=title, is_admin=True))
        fake.clear()
        stack.send(talk.dingtalk_robot(ABUSE, hook, user="lisi", chat=chat, title=title, nick="李四"))
        cards = dingtalk_cards(fake)
        assert set(cards) == {"dingboss"}
        assert "项目群" in cards["dingboss"] and "李四" in cards["dingboss"]


def test_a_dingtalk_group_gets_a_setup_card_that_sets_it_up(fake: FakeMessengers) -> None:
    with running_stack(fake, dingtalk_card_template_id="tpl-qunguan") as stack:
        hook = fake.hook_url("d")
        stack.send(
            talk.dingtalk_robot("大家好", hook, user="lisi", chat="cidDayOne", title="周会群", nick="李四")
        )
        delivered = dingtalk_setup_card(fake, "dingowner")
        (intro,) = [
            c.body for c in fake.sent("groupMessages/send") if c.body["openConversationId"] == "cidDayOne"
        ]
        assert "help" in intro["msgParam"]  # a short introduction in the group
        params = delivered["cardData"]["cardParamMap"]
        assert card_param_errors(params) == []
        selects = json.loads(params["selects"])
        assert [s["key"] for s in selects] == ["mode", "preset", "locale", "zone", "admins"]
        admins = selects[-1]
        assert admins["multiple"] and set(admins["initial"]) == {"dingowner", "dingsubadmin"}
        (apply,) = json.loads(params["buttons"])

        fake.clear()
        choices = {"mode": "warn", "preset": "relaxed", "locale": "en", "zone": "9", "admins": ["dingowner"]}
        click = talk.dingtalk_card_click(
            apply["action"], apply["value"], user="dingowner", chat="cidDayOne", choices=choices
        )
        stack.send(click)
        scope = keys.group_policy_scope(f"dingtalk:{talk.DINGTALK_CORP}:cidDayOne")
        live = PolicyRepo(stack.store).current(scope)
        assert live is not None
        override = yaml.safe_load(live.text)
        assert (override["mode"], override["locale"], override["jobs"]["utc_offset_hours"]) == (
            "warn",
            "en",
            9.0,
        )
        assert override["rules"]["ads"]["links"] == "signal"  # the relaxed preset
        group = stack.store.get_group(f"dingtalk:{talk.DINGTALK_CORP}:cidDayOne")
        assert group is not None and group.removed_admins == ("dingsubadmin",)
        (update,) = [c for c in fake.sent("card/instances") if c.method == "PUT"]
        assert "Relaxed" in json.dumps(update.body) and "UTC+9" in json.dumps(update.body)
        assert json.loads(update.body["cardData"]["cardParamMap"]["selects"]) == []  # the form is gone


def test_a_setup_choice_the_card_never_offered_is_refused(fake: FakeMessengers) -> None:
    with running_stack(fake, dingtalk_card_template_id="tpl-qunguan") as stack:
        stack.send(
            talk.dingtalk_robot("大家好", fake.hook_url("d"), user="lisi", chat="cidDayOne", title="周会群")
        )
        delivered = dingtalk_setup_card(fake, "dingowner")
        (apply,) = json.loads(delivered["cardData"]["cardParamMap"]["buttons"])
        for choices in ({"mode": "anarchy"}, {"zone": "99"}, {"preset": "lenient"}, {"admins": ["intruder"]}):
            stack.send(
                talk.dingtalk_card_click(
                    apply["action"], apply["value"], user="dingowner", chat="cidDayOne", choices=choices
                )
            )
        scope = keys.group_policy_scope(f"dingtalk:{talk.DINGTALK_CORP}:cidDayOne")
        assert PolicyRepo(stack.store).current(scope) is None
        group = stack.store.get_group(f"dingtalk:{talk.DINGTALK_CORP}:cidDayOne")
        assert group is not None and group.added_admins == ()
        audit = stack.store.list_audit(f"dingtalk:{talk.DINGTALK_CORP}:cidDayOne")
        assert sum("setup:" in str(record.detail) for record in audit) == 4  # each refusal on the record


# --- One removal proposal, edited in place ------------------------------------------------------------

INSULTS = [f"{ABUSE} {n}" for n in range(7)]  # 1 point each: the fifth reaches the removal threshold


def test_a_slack_removal_proposal_is_edited_in_place_as_further_points_come(fake: FakeMessengers) -> None:
    with running_stack(fake) as stack:
        stack.send(talk.slack_bot_joined("C0REPEAT", inviter="U0INVITER"))
        for text in INSULTS:
            stack.send(talk.slack_message(text, user="U0BOB", channel="C0REPEAT"))
        (proposal,) = [
            c for c in slack_cards(fake, "U0INVITER", "mod.") if "mod.confirm_remove" in actions_of(c)
        ]
        edits = [c.body for c in fake.sent("chat.update") if c.body["channel"] == proposal.body["channel"]]
        assert len(edits) == 2  # the sixth and seventh points, on the card the admin already has
        assert len({edit["ts"] for edit in edits}) == 1  # one card, edited twice
        assert "7.0" in json.dumps(edits[-1]["blocks"]) and "mod.confirm_remove" in json.dumps(
            edits[-1]["blocks"]
        )


def test_a_wecom_removal_proposal_is_edited_once_with_its_response_code(fake: FakeMessengers) -> None:
    with running_stack(fake) as stack:
        set_room(fake, "wrRepeat1", name="客户群R1", owner="wecomowner", external=True)
        for text in INSULTS:
            stack.send(talk.wecom_aibot_mention(text, fake.hook_url("w"), user="zhangsan", chat="wrRepeat1"))
        proposals = [
            c.body
            for c in fake.sent("message/send")
            if c.body.get("touser") == "wecomowner" and "confirm_remove" in json.dumps(c.body)
        ]
        assert len(proposals) == 1
        # A response_code updates its card once (path/94945): the sixth point edits the card, the
        # seventh goes on the case only; nothing is refused, nothing is sent twice.
        (edit,) = fake.sent("update_template_card")
        assert template_card_errors(edit.body["template_card"]) == []
        assert "6.0" in json.dumps(edit.body, ensure_ascii=False)
        assert edit.body["template_card"]["task_id"] == proposals[0]["template_card"]["task_id"]


def test_a_dingtalk_removal_proposal_is_edited_in_place(fake: FakeMessengers) -> None:
    with running_stack(fake, dingtalk_card_template_id="tpl-qunguan") as stack:
        hook = fake.hook_url("d")
        for text in INSULTS:
            stack.send(
                talk.dingtalk_robot(text, hook, user="lisi", chat="cidDayOne", title="周会群", nick="李四")
            )
        delivered = [
            c.body
            for c in fake.sent("createAndDeliver")
            if "confirm_remove" in json.dumps(c.body) and str(c.body["openSpaceId"]).endswith(".dingowner")
        ]
        assert len(delivered) == 1
        edits = [
            c.body
            for c in fake.sent("card/instances")
            if c.method == "PUT" and c.body["outTrackId"] == delivered[0]["outTrackId"]
        ]
        assert len(edits) == 2
        assert card_param_errors(edits[-1]["cardData"]["cardParamMap"]) == []
        assert "7.0" in edits[-1]["cardData"]["cardParamMap"]["body"]


# --- Persons: names, not ids ----------------------------------------------------------------------------


@pytest.mark.parametrize("platform", ["slack", "wecom", "dingtalk"])
def test_a_persons_history_names_the_people_and_groups_in_the_groups_time(
    fake: FakeMessengers, platform: str
) -> None:
    with persons.company(fake) as (stack, _):
        for name, talk in membership_talk.TALKS.items():
            send(stack, talk.join(CASTS[name].joins, persons.MALLORY[name]))
        persons.ban_org_wide(stack, "--for 30d")
        told = " ".join(persons.SLACK.direct_texts(fake, "U0MALLORY"))  # the ban, told to the member
        assert "decided in Sync C0MEMB" in told and "(UTC+8)" in told  # the group's name, its time

        talk, cast = membership_talk.TALKS[platform], CASTS[platform]
        fake.clear()
        named = "<@U0MALLORY>" if platform == "slack" else "@" + persons.MALLORY[platform]
        send(stack, talk.command(cast.group, cast.admin, f"cases {named} --all", fake.hook_url("h")))
        (answer,) = [json.dumps(c.body, ensure_ascii=False) for c in fake.sent("/hooks/h")]
        for who in ("slack", "wecom", "dingtalk"):  # each account by the directory's name and platform
            assert talk_module.directory_name(who, persons.MALLORY[who]) in answer
        assert "Slack" in answer and "WeCom" in answer and "DingTalk" in answer
        assert "slack:T0MEMB:" not in answer and "wecom:" not in answer  # no qualified ids
        assert "Sync C0MEMB" in answer and "(UTC+8)" in answer  # the case's group by name, local time
