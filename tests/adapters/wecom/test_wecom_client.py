"""WeComMessenger against the recording fake of WeCom's API (local.fakes.wecom): what it sends, how it
keeps its token, and how failures surface (PROTOCOLS.md 1.7)."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.adapters.base import Capability, DirectoryUser, NotSupported, Sent, Target
from chalicelib.adapters.http_client import ApiClient
from chalicelib.adapters.wecom.client import WeComMessenger, messenger
from chalicelib.clock import FrozenClock
from chalicelib.core.actions import PostCard, UpdateCard
from chalicelib.core.cards import Button, Card
from chalicelib.core.events import CardClicked, MessagePosted
from chalicelib.core.policy import DEFAULT_ORG_POLICY
from chalicelib.errors import CardUpdateRefused, MessengerError
from chalicelib.kernel.context import Context
from chalicelib.kernel.executor import execute
from chalicelib.settings import Settings
from chalicelib.store.records import GroupRecord
from local.fakes.server import FakeMessengers, Fault
from local.fakes.wecom import expire_tokens

CORP_ID = "wwcorp0001"
NOW = 1_700_000_000
CARD = Card(
    card_id="case-7",
    title="刷屏提醒",
    body="李四 1 分钟内发了 12 条消息",
    buttons=(Button("禁言", "mute", "u:lisi", "danger"), Button("忽略", "dismiss", "u:lisi")),
)


@pytest.fixture
def settings(fake: FakeMessengers) -> Settings:
    values: dict[str, Any] = {
        "wecom_corp_id": CORP_ID,
        "wecom_secret": "s3cret",
        "wecom_agent_id": "1000002",
        "wecom_token": "tok",
        "wecom_aes_key": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
        **fake.settings(),
    }
    return Settings(_env_file=None, **values)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def wecom(settings: Settings, clock: FrozenClock, sleeps: list[float]) -> WeComMessenger:
    api = ApiClient("wecom", settings.wecom_api_base, sleep=sleeps.append)
    return WeComMessenger(settings, clock=clock, api=api)


@pytest.fixture(autouse=True)
def app_group(fake: FakeMessengers) -> None:
    """`wr-app-1` is a group this app created earlier: the only kind appchat/* reaches."""
    fake.wecom.add_appchat("wr-app-1", ["wangwu", "lisi", "zhaoliu"])


def api_calls(fake: FakeMessengers, name: str) -> list[Any]:
    return [call.body for call in fake.sent(f"/wecom/cgi-bin/{name}")]


# The token ------------------------------------------------------------------------------------------


def test_the_token_is_fetched_once_and_reused(wecom: WeComMessenger, fake: FakeMessengers) -> None:
    wecom.send_direct(CORP_ID, "zhangsan", "你好")
    wecom.post_text(Target(CORP_ID, chat="wr-app-1"), "大家好")
    wecom.remove_member(CORP_ID, "wr-app-1", "lisi")

    (gettoken,) = fake.sent("/wecom/cgi-bin/gettoken")
    assert gettoken.query == {"corpid": CORP_ID, "corpsecret": "s3cret"}
    used = {
        call.query["access_token"] for call in fake.sent("/wecom/cgi-bin/") if "gettoken" not in call.path
    }
    assert len(used) == 1


def test_the_token_is_refetched_when_its_lifetime_is_over(
    wecom: WeComMessenger, fake: FakeMessengers, clock: FrozenClock
) -> None:
    wecom.send_direct(CORP_ID, "zhangsan", "1")
    clock.advance(7200)
    wecom.send_direct(CORP_ID, "zhangsan", "2")
    assert len(fake.sent("/wecom/cgi-bin/gettoken")) == 2


def test_a_revoked_token_is_refetched_and_the_call_retried_once(
    wecom: WeComMessenger, fake: FakeMessengers
) -> None:
    wecom.send_direct(CORP_ID, "zhangsan", "before")
    expire_tokens(fake)

    sent = wecom.send_direct(CORP_ID, "zhangsan", "after")

    assert sent.message_id is not None
    assert len(fake.sent("/wecom/cgi-bin/gettoken")) == 2
    sends = fake.sent("/wecom/cgi-bin/message/send")
    assert [call.body["text"]["content"] for call in sends] == ["before", "after", "after"]
    assert sends[1].query["access_token"] != sends[2].query["access_token"]


def test_without_a_secret_no_token_can_be_had(fake: FakeMessengers) -> None:
    values: dict[str, Any] = {"wecom_corp_id": CORP_ID, "wecom_agent_id": "1", **fake.settings()}
    settings = Settings(_env_file=None, **values)
    with pytest.raises(MessengerError, match="WECOM_SECRET"):
        WeComMessenger(settings).send_direct(CORP_ID, "u", "x")
    assert fake.sent("/wecom/") == []


# Where messages go ------------------------------------------------------------------------------------


def test_a_reply_url_gets_markdown_and_no_token(wecom: WeComMessenger, fake: FakeMessengers) -> None:
    url = fake.hook_url("wecom-aibot-reply")
    assert wecom.post_text(Target(CORP_ID, chat="wrk1", reply_url=url), "**已记录** 感谢举报") == Sent()
    (call,) = fake.sent("/hooks/wecom-aibot-reply")
    assert call.body == {"msgtype": "markdown", "markdown": {"content": "**已记录** 感谢举报"}}
    assert fake.sent("/wecom/cgi-bin/") == []


def test_a_group_message_goes_through_appchat_send(wecom: WeComMessenger, fake: FakeMessengers) -> None:
    wecom.post_text(Target(CORP_ID, chat="wr-app-1"), "请勿刷屏")
    assert api_calls(fake, "appchat/send") == [
        {"chatid": "wr-app-1", "msgtype": "text", "text": {"content": "请勿刷屏"}}
    ]


def test_a_direct_message_goes_through_message_send_with_the_agent_id_and_wecoms_dedupe(
    wecom: WeComMessenger, fake: FakeMessengers
) -> None:
    sent = wecom.post_text(Target(CORP_ID, user="zhangsan"), "请查收")
    assert api_calls(fake, "message/send") == [
        {
            "touser": "zhangsan",
            "agentid": 1000002,
            "msgtype": "text",
            "text": {"content": "请查收"},
            "enable_duplicate_check": 1,  # the second guard behind the outbox (doc path/90236)
            "duplicate_check_interval": 1800,
        }
    ]
    assert sent.message_id and sent.token is None


def test_a_target_with_nowhere_to_go_is_a_programming_error(wecom: WeComMessenger) -> None:
    with pytest.raises(ValueError, match="reply_url, a chat or a user"):
        wecom.post_text(Target(CORP_ID), "x")


# Cards -------------------------------------------------------------------------------------------------


def test_a_card_goes_to_a_person_as_a_template_card(wecom: WeComMessenger, fake: FakeMessengers) -> None:
    sent = wecom.post_card(Target(CORP_ID, user="admin1"), CARD)

    (body,) = api_calls(fake, "message/send")
    assert body["touser"] == "admin1"
    assert body["agentid"] == 1000002
    assert body["msgtype"] == "template_card"
    card = body["template_card"]
    assert isinstance(card, dict)
    assert card["card_type"] == "button_interaction"
    assert card["task_id"].startswith("case-7-")  # unique per send: one card goes to several admins
    assert [button["key"] for button in card["button_list"]] == ["mute|u:lisi", "dismiss|u:lisi"]
    assert sent.message_id and sent.token  # the response_code, for update_card


def test_a_card_can_answer_an_ai_bot_message(wecom: WeComMessenger, fake: FakeMessengers) -> None:
    url = fake.hook_url("wecom-aibot-card")
    wecom.post_card(Target(CORP_ID, chat="wrk1", reply_url=url), CARD)
    (call,) = fake.sent("/hooks/wecom-aibot-card")
    assert call.body["msgtype"] == "template_card"
    assert call.body["template_card"]["task_id"].startswith("case-7-")


def test_a_card_cannot_go_to_a_group(wecom: WeComMessenger, fake: FakeMessengers) -> None:
    with pytest.raises(NotSupported):
        wecom.post_card(Target(CORP_ID, chat="wr-app-1"), CARD)
    assert fake.sent("/wecom/cgi-bin/appchat") == []


def test_a_card_without_buttons_is_never_sent_as_a_template_card(
    wecom: WeComMessenger, fake: FakeMessengers
) -> None:
    notice = Card(card_id="case-8", title="已处理", body="李四已被禁言 10 分钟")
    with pytest.raises(NotSupported, match="1 to 6 buttons"):
        wecom.post_card(Target(CORP_ID, user="admin1"), notice)
    assert api_calls(fake, "message/send") == []


def test_the_executor_sends_a_card_without_buttons_to_each_person_as_text(
    wecom: WeComMessenger, fake: FakeMessengers
) -> None:
    notice = Card(card_id="case-8", title="已处理", body="李四已被禁言 10 分钟", footer="管理员 王五")
    event = MessagePosted(
        platform="wecom",
        tenant=CORP_ID,
        event_id="m",
        occurred_at=NOW,
        chat="wr1",
        user="lisi",
        message_id="m",
        text="x",
    )
    ctx = Context(now=NOW, group=None, member=None, locale="zh-CN", policy=DEFAULT_ORG_POLICY)

    (result,) = execute((PostCard(card=notice, users=("admin1", "admin2")),), event, ctx, wecom)

    assert result.status == "substituted"
    sent = api_calls(fake, "message/send")
    assert [(body["touser"], body["msgtype"]) for body in sent] == [("admin1", "text"), ("admin2", "text")]
    assert sent[0]["text"]["content"] == "已处理\n李四已被禁言 10 分钟\n管理员 王五"


def test_a_card_without_buttons_is_updated_to_a_label(wecom: WeComMessenger, fake: FakeMessengers) -> None:
    done = Card(card_id="case-7", title="刷屏提醒", body="", footer="已禁言（管理员 王五）")
    code = fake.wecom.click_response_code()
    wecom.update_card(CORP_ID, "case-7", done, response_token=code)
    assert api_calls(fake, "message/update_template_card") == [
        {
            "atall": 1,
            "agentid": 1000002,
            "response_code": code,
            "button": {"replace_name": "已禁言（管理员 王五）"},
        }
    ]


def test_a_card_with_buttons_is_replaced_whole(wecom: WeComMessenger, fake: FakeMessengers) -> None:
    code = fake.wecom.click_response_code()
    wecom.update_card(CORP_ID, "case-7", CARD, response_token=code)
    (body,) = api_calls(fake, "message/update_template_card")
    assert body["response_code"] == code
    assert body["template_card"]["task_id"] == "case-7"


def test_the_response_code_a_card_send_returned_updates_that_card_once(
    wecom: WeComMessenger, fake: FakeMessengers
) -> None:
    sent = wecom.post_card(Target(CORP_ID, user="admin1"), CARD)
    assert sent.token
    closed = Card(card_id="case-7", title="刷屏提醒", body="", footer="已过期")
    wecom.update_card(CORP_ID, sent.message_id or "", closed, response_token=sent.token)
    with pytest.raises(MessengerError, match="already used"):
        wecom.update_card(CORP_ID, sent.message_id or "", closed, response_token=sent.token)


@pytest.mark.parametrize("age_hours", [71.9, 72.1])
def test_a_response_code_lasts_72_hours(
    wecom: WeComMessenger, fake: FakeMessengers, age_hours: float
) -> None:
    code = fake.wecom.click_response_code()
    clock = fake.wecom.now
    fake.wecom.now = lambda: clock() + age_hours * 3600
    try:
        if age_hours < 72:
            wecom.update_card(CORP_ID, "case-7", CARD, response_token=code)
        else:
            with pytest.raises(MessengerError, match="expired"):
                wecom.update_card(CORP_ID, "case-7", CARD, response_token=code)
    finally:
        fake.wecom.now = clock


def test_a_used_response_code_is_refused_with_wecoms_errcode_and_the_card_cannot_be_updated(
    wecom: WeComMessenger, fake: FakeMessengers
) -> None:
    sent = wecom.post_card(Target(CORP_ID, user="admin1"), CARD)
    closed = Card(card_id="case-7", title="刷屏提醒", body="", footer="已过期")
    wecom.update_card(CORP_ID, sent.message_id or "", closed, response_token=sent.token)
    with pytest.raises(CardUpdateRefused, match="errcode 42022"):  # "code已经被使用过。只能使用一次"
        wecom.update_card(CORP_ID, sent.message_id or "", closed, response_token=sent.token)


def test_an_expired_response_code_is_refused_as_a_card_that_cannot_be_updated(
    wecom: WeComMessenger, fake: FakeMessengers
) -> None:
    code = fake.wecom.click_response_code()
    clock = fake.wecom.now
    fake.wecom.now = lambda: clock() + 73 * 3600
    try:
        with pytest.raises(CardUpdateRefused, match=r"errcode 40058 .*expired"):
            wecom.update_card(CORP_ID, "case-7", CARD, response_token=code)
    finally:
        fake.wecom.now = clock


def test_a_failure_that_may_pass_is_not_taken_for_a_refused_code(
    wecom: WeComMessenger, fake: FakeMessengers
) -> None:
    code = fake.wecom.click_response_code()
    fake.faults.append(Fault("message/update_template_card", status=503, times=5))
    with pytest.raises(MessengerError) as failed:
        wecom.update_card(CORP_ID, "case-7", CARD, response_token=code)
    assert failed.value.retryable and not isinstance(failed.value, CardUpdateRefused)


def test_a_response_code_wecom_never_issued_is_refused(wecom: WeComMessenger) -> None:
    with pytest.raises(MessengerError, match="never issued"):
        wecom.update_card(CORP_ID, "case-7", CARD, response_token="rc-made-up")


def test_an_ai_bot_card_is_answered_through_the_clicks_response_url_once(
    wecom: WeComMessenger, fake: FakeMessengers
) -> None:
    url = fake.wecom.aibot_response_url()
    wecom.update_card(CORP_ID, "case-7", CARD, response_token=url)
    (call,) = fake.sent("/wecom/cgi-bin/aibot/response")
    assert call.body["msgtype"] == "template_card"
    assert [button["key"] for button in call.body["template_card"]["button_list"]] == [
        "mute|u:lisi",
        "dismiss|u:lisi",
    ]
    closed = Card(card_id="case-7", title="刷屏提醒", body="已处理", footer="管理员 王五")
    with pytest.raises(CardUpdateRefused, match="already used"):  # the executor tells who clicked instead
        wecom.update_card(CORP_ID, "case-7", closed, response_token=url)


def test_an_ai_bot_click_whose_response_url_is_spent_is_answered_by_the_apps_message_to_who_clicked(
    wecom: WeComMessenger, fake: FakeMessengers
) -> None:
    # The AI bot answers a click only through its one-shot response_url (path/101138, no errcode named for
    # a spent one); spent, the decision reaches who clicked as the app's private message, recorded.
    url = fake.wecom.aibot_response_url()
    wecom.update_card(CORP_ID, "case-7", CARD, response_token=url)  # the URL's one call
    click = CardClicked(
        platform="wecom",
        tenant=CORP_ID,
        event_id="aibot-click",
        occurred_at=NOW,
        chat="wr-group",
        user="wangwu",
        action="mod.dismiss",
        card_id="case-7",
        response_token=url,
    )
    closed = Card(card_id="case-7", title="刷屏提醒", body="已处理", footer="管理员 王五 已忽略")
    answer = UpdateCard(card=closed, card_ref="case-7", response_token=url, reason="admin.handled")
    ctx = Context(
        now=NOW,
        group=GroupRecord(gid=f"wecom:{CORP_ID}:wr-group", platform="wecom", tenant=CORP_ID, chat="wr-group"),
        member=None,
        locale="zh-Hans",
        policy=DEFAULT_ORG_POLICY,
    )

    (result,) = execute((answer,), click, ctx, wecom)

    assert result.status == "substituted" and "wangwu" in result.detail
    (told,) = fake.sent("/wecom/cgi-bin/message/send")
    assert told.body["touser"] == "wangwu" and "已忽略" in told.body["text"]["content"]


def test_a_closed_ai_bot_card_is_answered_with_its_text(wecom: WeComMessenger, fake: FakeMessengers) -> None:
    url = fake.wecom.aibot_response_url()
    closed = Card(card_id="case-7", title="刷屏提醒", body="已处理", footer="管理员 王五")
    wecom.update_card(CORP_ID, "case-7", closed, response_token=url)
    (call,) = fake.sent("/wecom/cgi-bin/aibot/response")
    assert call.body == {"msgtype": "markdown", "markdown": {"content": "**刷屏提醒**\n已处理\n管理员 王五"}}


def test_an_ai_bot_response_url_lasts_an_hour(wecom: WeComMessenger, fake: FakeMessengers) -> None:
    url = fake.wecom.aibot_response_url()
    clock = fake.wecom.now
    fake.wecom.now = lambda: clock() + 3601
    try:
        with pytest.raises(CardUpdateRefused, match="expired"):  # no retry serves: told by message
            wecom.update_card(CORP_ID, "case-7", CARD, response_token=url)
    finally:
        fake.wecom.now = clock


def test_a_group_the_app_never_created_is_refused_as_wecom_refuses_it(wecom: WeComMessenger) -> None:
    with pytest.raises(MessengerError, match="86003"):
        wecom.post_text(Target(CORP_ID, chat="wr-not-ours"), "大家好")
    with pytest.raises(MessengerError, match="86003"):
        wecom.remove_member(CORP_ID, "wr-not-ours", "lisi")


def test_a_card_cannot_be_updated_without_a_response_code(
    wecom: WeComMessenger, fake: FakeMessengers
) -> None:
    with pytest.raises(MessengerError, match="response code"):
        wecom.update_card(CORP_ID, "case-7", CARD)
    assert fake.sent("/wecom/") == []


# Membership, directory, recall ----------------------------------------------------------------------------


def test_a_member_is_removed_from_an_app_group_with_appchat_update(
    wecom: WeComMessenger, fake: FakeMessengers
) -> None:
    wecom.remove_member(CORP_ID, "wr-app-1", "lisi")
    assert api_calls(fake, "appchat/update") == [{"chatid": "wr-app-1", "del_user_list": ["lisi"]}]


def test_a_directory_user_is_read_with_user_get(wecom: WeComMessenger, fake: FakeMessengers) -> None:
    assert wecom.get_user(CORP_ID, "zhangsan") == DirectoryUser(
        user="zhangsan", name="zhangsan", display_name="", active=True, departments=("1",)
    )
    (call,) = fake.sent("/wecom/cgi-bin/user/get")
    assert call.query["userid"] == "zhangsan"


def test_a_directory_user_carries_the_company_mailbox_and_mobile_where_granted(
    wecom: WeComMessenger, fake: FakeMessengers
) -> None:
    fake.contacts["wecom:zhangsan"] = {"email": "zhangsan@corp.example", "mobile": "13800000000"}
    found = wecom.get_user(CORP_ID, "zhangsan")
    assert found is not None and (found.email, found.mobile) == ("zhangsan@corp.example", "13800000000")


def test_a_user_who_left_is_inactive_and_an_unknown_one_is_none(wecom: WeComMessenger) -> None:
    left = wecom.get_user(CORP_ID, "left-zhaoliu")
    assert left is not None and not left.active
    assert wecom.get_user(CORP_ID, "unknown-nobody") is None


def test_the_app_recalls_its_own_message(wecom: WeComMessenger, fake: FakeMessengers) -> None:
    sent = wecom.send_direct(CORP_ID, "zhangsan", "oops")
    assert sent.message_id is not None
    wecom.recall(sent.message_id)
    assert api_calls(fake, "message/recall") == [{"msgid": sent.message_id}]


def test_the_app_has_no_user_id_of_its_own(wecom: WeComMessenger) -> None:
    assert wecom.bot_user_id(CORP_ID) is None


# What WeCom cannot do ----------------------------------------------------------------------------------


def test_capabilities_say_what_wecom_allows_and_why_not(wecom: WeComMessenger) -> None:
    caps = wecom.capabilities
    assert caps.allows(Capability.SEND_DIRECT)
    assert caps.allows(Capability.POST_CARD)
    assert caps.allows(Capability.RECALL_OWN)
    assert not caps.allows(Capability.POST_TO_GROUP)
    assert caps.allows(Capability.POST_TO_GROUP, app_group=True)
    assert caps.allows(Capability.REMOVE_MEMBER, app_group=True)
    for missing in (Capability.DELETE_MESSAGE, Capability.MUTE_MEMBER, Capability.SEE_ALL_MESSAGES):
        assert not caps.allows(missing, app_group=True)
        assert caps.notes[missing]


def test_delete_and_mute_are_not_supported(wecom: WeComMessenger, fake: FakeMessengers) -> None:
    with pytest.raises(NotSupported):
        wecom.delete_message(CORP_ID, "wr-app-1", "m1")
    with pytest.raises(NotSupported):
        wecom.mute_member(CORP_ID, "wr-app-1", "lisi", 600)
    assert fake.sent("/wecom/") == []


# Failures ----------------------------------------------------------------------------------------------


def test_an_errcode_becomes_a_messenger_error(wecom: WeComMessenger) -> None:
    with pytest.raises(MessengerError, match="errcode 41011") as caught:
        wecom.send_direct(CORP_ID, "", "to nobody")
    assert not caught.value.retryable


def test_server_errors_are_retried_with_backoff(
    wecom: WeComMessenger, fake: FakeMessengers, sleeps: list[float]
) -> None:
    fake.inject(Fault("/wecom/cgi-bin/message/send", status=503, times=2))
    assert wecom.send_direct(CORP_ID, "zhangsan", "hi").message_id
    assert len(sleeps) == 2


def test_a_429_waits_as_long_as_retry_after_says(
    wecom: WeComMessenger, fake: FakeMessengers, sleeps: list[float]
) -> None:
    fake.inject(Fault("/wecom/cgi-bin/appchat/send", status=429, retry_after=1.5))
    wecom.post_text(Target(CORP_ID, chat="wr-app-1"), "hi")
    assert sleeps == [1.5]


def test_persistent_server_errors_end_in_a_retryable_error(
    wecom: WeComMessenger, fake: FakeMessengers, sleeps: list[float]
) -> None:
    fake.inject(Fault("/wecom/cgi-bin/message/send", status=502, times=10))
    with pytest.raises(MessengerError) as caught:
        wecom.send_direct(CORP_ID, "zhangsan", "hi")
    assert caught.value.retryable
    assert len(sleeps) == 3


def test_a_non_200_that_is_not_retried_is_an_error(wecom: WeComMessenger, fake: FakeMessengers) -> None:
    fake.inject(Fault("/wecom/cgi-bin/user/get", status=403))
    with pytest.raises(MessengerError, match="HTTP 403"):
        wecom.get_user(CORP_ID, "zhangsan")


def test_the_factory_builds_a_messenger_from_settings(settings: Settings, clock: FrozenClock) -> None:
    built = messenger(settings, clock)
    assert isinstance(built, WeComMessenger)
    assert built.platform == "wecom"


def test_a_card_id_becomes_a_valid_task_id_unique_per_send() -> None:
    from chalicelib.adapters.wecom.client import task_id_for

    first, second = task_id_for("case:0123abcd"), task_id_for("case:0123abcd")
    assert first != second
    assert all(char.isalnum() or char in "_@-" for char in first)
    assert first.startswith("case_0123abcd-")
