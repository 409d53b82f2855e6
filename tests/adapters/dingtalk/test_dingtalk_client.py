"""`DingTalkMessenger` against the recording fake of DingTalk's APIs (local/fakes/dingtalk.py): what goes
over the wire, token caching, errors and retries."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from chalicelib.adapters.base import Capability, DirectoryUser, NotSupported, Target
from chalicelib.adapters.dingtalk.cards import card_param_map
from chalicelib.adapters.dingtalk.client import DingTalkMessenger, messenger
from chalicelib.adapters.http_client import ApiClient
from chalicelib.clock import FrozenClock
from chalicelib.core.cards import Button, Card
from chalicelib.errors import MessengerError
from chalicelib.settings import Settings
from local.fakes.server import Answer, Call, FakeMessengers, Fault

APP_KEY = "dingAppKey0001"
APP_SECRET = "app-secret-0001"
ROBOT_CODE = "dingRobotCode0001"
TEMPLATE = "card-template-0001.schema"
TENANT = "dingcorp"
GROUP = "cidGroup0001=="
CARD = Card(
    card_id="case-42-card",
    title="违规处理",
    body="张三 发送了广告链接",
    buttons=(
        Button("批准", "approve", "case-42.sig", "primary"),
        Button("驳回", "reject", "case-42.sig", "danger"),
    ),
    fields=(("规则", "links"), ("次数", "3")),
    footer="qunguan",
)


@pytest.fixture
def fake() -> Iterator[FakeMessengers]:
    """A fake of its own per test: tests here revoke tokens and add routes."""
    server = FakeMessengers().start()
    yield server
    server.stop()


def settings_for(fake: FakeMessengers, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "dingtalk_app_key": APP_KEY,
        "dingtalk_app_secret": APP_SECRET,
        "dingtalk_robot_code": ROBOT_CODE,
        **fake.settings(),
        **overrides,
    }
    return Settings(_env_file=None, **values)


def client_for(
    fake: FakeMessengers,
    *,
    clock: FrozenClock | None = None,
    sleeps: list[float] | None = None,
    **overrides: Any,
) -> DingTalkMessenger:
    """A messenger pointed at the fake, whose retries do not sleep but note each wait in `sleeps`."""
    settings = settings_for(fake, **overrides)
    waits = sleeps if sleeps is not None else []
    return DingTalkMessenger(
        settings,
        clock=clock,
        api=ApiClient("dingtalk", settings.dingtalk_api_base, sleep=waits.append),
        oapi=ApiClient("dingtalk", settings.dingtalk_oapi_base, sleep=waits.append),
        card_template_id=TEMPLATE,
    )


def only(fake: FakeMessengers, path_part: str) -> Call:
    (call,) = fake.sent(path_part)
    return call


# Tokens -------------------------------------------------------------------------------------------
def test_the_access_token_is_fetched_once_and_sent_in_the_acs_header(fake: FakeMessengers) -> None:
    client = client_for(fake)
    client.post_text(Target(tenant=TENANT, chat=GROUP), "一")
    client.post_text(Target(tenant=TENANT, chat=GROUP), "二")

    token_call = only(fake, "/v1.0/oauth2/accessToken")
    assert token_call.method == "POST"
    assert token_call.body == {"appKey": APP_KEY, "appSecret": APP_SECRET}
    sends = fake.sent("/groupMessages/send")
    assert len(sends) == 2
    assert {call.headers["x-acs-dingtalk-access-token"] for call in sends} == {"fake-dingtalk-token-1"}


def test_the_token_is_fetched_again_once_it_nears_expiry(fake: FakeMessengers) -> None:
    clock = FrozenClock(1_700_000_000)
    client = client_for(fake, clock=clock)
    client.post_text(Target(tenant=TENANT, chat=GROUP), "before")
    clock.advance(7200 - 299)
    client.post_text(Target(tenant=TENANT, chat=GROUP), "after")
    assert len(fake.sent("/oauth2/accessToken")) == 2


def test_a_revoked_token_is_replaced_and_the_call_made_once_more(fake: FakeMessengers) -> None:
    client = client_for(fake)
    client.post_text(Target(tenant=TENANT, chat=GROUP), "first")
    client.get_user(TENANT, "zhangsan")
    requests.post(f"{fake.url}/dingtalk/_expire_tokens", timeout=5)

    client.post_text(Target(tenant=TENANT, chat=GROUP), "second")
    assert client.get_user(TENANT, "zhangsan") is not None

    assert len(fake.sent("/oauth2/accessToken")) == 2
    assert len(fake.sent("/gettoken")) == 2
    tokens = [call.headers["x-acs-dingtalk-access-token"] for call in fake.sent("/groupMessages/send")]
    assert tokens == ["fake-dingtalk-token-1", "fake-dingtalk-token-1", "fake-dingtalk-token-2"]


def test_the_legacy_oapi_token_is_cached_separately_and_sent_as_a_query_parameter(
    fake: FakeMessengers,
) -> None:
    client = client_for(fake)
    client.get_user(TENANT, "zhangsan")
    client.get_user(TENANT, "lisi")

    gettoken = only(fake, "/gettoken")
    assert (gettoken.method, gettoken.query) == ("GET", {"appkey": APP_KEY, "appsecret": APP_SECRET})
    assert fake.sent("/oauth2/accessToken") == []
    assert {call.query["access_token"] for call in fake.sent("/topapi/v2/user/get")} == {
        "fake-dingtalk-oapi-token-1"
    }


def test_a_refused_token_request_is_a_messenger_error(fake: FakeMessengers) -> None:
    client = client_for(fake, dingtalk_app_secret=None)
    with pytest.raises(MessengerError, match="accessToken"):
        client.post_text(Target(tenant=TENANT, chat=GROUP), "x")


# Messages -----------------------------------------------------------------------------------------
def test_a_group_message_goes_through_the_robot_with_a_sample_text_param(fake: FakeMessengers) -> None:
    sent = client_for(fake).post_text(Target(tenant=TENANT, chat=GROUP), "请勿发送广告")

    call = only(fake, "/dingtalk/v1.0/robot/groupMessages/send")
    assert call.method == "POST"
    assert call.body == {
        "robotCode": ROBOT_CODE,
        "openConversationId": GROUP,
        "msgKey": "sampleText",
        "msgParam": '{"content":"请勿发送广告"}',
    }
    assert json.loads(call.body["msgParam"]) == {"content": "请勿发送广告"}
    assert sent.message_id is not None and sent.message_id.startswith("fake-")


def test_the_robot_code_defaults_to_the_app_key(fake: FakeMessengers) -> None:
    client_for(fake, dingtalk_robot_code=None).post_text(Target(tenant=TENANT, chat=GROUP), "x")
    assert only(fake, "groupMessages/send").body["robotCode"] == APP_KEY


def test_a_reply_goes_to_the_session_webhook_without_a_token(fake: FakeMessengers) -> None:
    hook = fake.hook_url("dingtalk-session-1")
    client_for(fake).post_text(Target(tenant=TENANT, chat=GROUP, reply_url=hook), "收到")

    call = only(fake, "/hooks/dingtalk-session-1")
    assert call.body == {"msgtype": "text", "text": {"content": "收到"}}
    assert "x-acs-dingtalk-access-token" not in call.headers
    assert fake.sent("/oauth2/accessToken") == []
    assert fake.sent("groupMessages/send") == []


def test_an_expired_session_webhook_falls_back_to_the_group(fake: FakeMessengers) -> None:
    fake.route("/hooks/expired", lambda call: Answer(body={"errcode": 300001, "errmsg": "session expired"}))
    client_for(fake).post_text(Target(tenant=TENANT, chat=GROUP, reply_url=fake.hook_url("expired")), "晚了")
    assert len(fake.sent("/hooks/expired")) == 1
    assert only(fake, "groupMessages/send").body["openConversationId"] == GROUP


def test_an_expired_session_webhook_with_nowhere_else_to_go_is_an_error(fake: FakeMessengers) -> None:
    fake.inject(Fault(path="/hooks/lonely", status=404))
    with pytest.raises(MessengerError, match="sendBySession"):
        client_for(fake).post_text(Target(tenant=TENANT, reply_url=fake.hook_url("lonely")), "x")


def test_a_direct_message_is_a_robot_one_to_one_batch_send(fake: FakeMessengers) -> None:
    sent = client_for(fake).send_direct(TENANT, "zhangsan", "请撤回刚才的消息")

    call = only(fake, "/dingtalk/v1.0/robot/oToMessages/batchSend")
    assert call.body == {
        "robotCode": ROBOT_CODE,
        "userIds": ["zhangsan"],
        "msgKey": "sampleText",
        "msgParam": '{"content":"请撤回刚才的消息"}',
    }
    assert sent.message_id is not None


def test_a_target_naming_only_a_user_is_sent_directly(fake: FakeMessengers) -> None:
    client_for(fake).post_text(Target(tenant=TENANT, user="lisi"), "hi")
    assert only(fake, "oToMessages/batchSend").body["userIds"] == ["lisi"]


def test_a_direct_message_to_someone_not_in_the_org_is_an_error(fake: FakeMessengers) -> None:
    with pytest.raises(MessengerError, match="not in the robot's organisation"):
        client_for(fake).send_direct(TENANT, "gone-wangwu", "x")


def test_a_target_without_chat_user_or_reply_url_is_a_programming_error(fake: FakeMessengers) -> None:
    with pytest.raises(ValueError, match="target"):
        client_for(fake).post_text(Target(tenant=TENANT), "x")


# Cards --------------------------------------------------------------------------------------------
def test_a_card_is_created_and_delivered_to_the_group_from_the_template(fake: FakeMessengers) -> None:
    sent = client_for(fake).post_card(Target(tenant=TENANT, chat=GROUP), CARD)

    call = only(fake, "/dingtalk/v1.0/card/instances/createAndDeliver")
    assert call.body == {
        "cardTemplateId": TEMPLATE,
        "outTrackId": f"case-42-card-{GROUP}",  # one instance per recipient
        "callbackType": "HTTP",
        "callbackRouteKey": "qunguan",
        "cardData": {"cardParamMap": card_param_map(CARD, chat=GROUP)},
        "userIdType": 1,
        "openSpaceId": f"dtv1.card//IM_GROUP.{GROUP}",
        "imGroupOpenSpaceModel": {"supportForward": False},
        "imGroupOpenDeliverModel": {"robotCode": ROBOT_CODE},
    }
    assert (sent.message_id, sent.token) == (f"case-42-card-{GROUP}", f"case-42-card-{GROUP}")


def test_a_card_to_a_user_goes_to_the_robot_chat(fake: FakeMessengers) -> None:
    client_for(fake).post_card(Target(tenant=TENANT, user="manager01"), CARD)
    body = only(fake, "createAndDeliver").body
    assert body["openSpaceId"] == "dtv1.card//IM_ROBOT.manager01"
    assert body["imRobotOpenDeliverModel"] == {"spaceType": "IM_ROBOT", "robotCode": ROBOT_CODE}
    assert "imGroupOpenDeliverModel" not in body
    assert body["cardData"]["cardParamMap"]["chat"] == ""


def test_a_card_that_was_not_delivered_is_an_error(fake: FakeMessengers) -> None:
    with pytest.raises(MessengerError, match="not delivered"):
        client_for(fake).post_card(Target(tenant=TENANT, chat="cidGone=="), CARD)


def test_without_a_card_template_cards_are_not_supported(fake: FakeMessengers) -> None:
    settings = settings_for(fake)
    with pytest.raises(NotSupported, match="DINGTALK_CARD_TEMPLATE_ID"):
        DingTalkMessenger(settings).post_card(Target(tenant=TENANT, chat=GROUP), CARD)
    assert fake.sent("createAndDeliver") == []


def test_a_card_is_updated_by_key_without_touching_its_chat(fake: FakeMessengers) -> None:
    client = client_for(fake)
    sent = client.post_card(Target(tenant=TENANT, chat=GROUP), CARD)
    assert sent.token is not None
    done = Card(card_id="case-42-card", title="已处理", body="管理员已批准")
    client.update_card(TENANT, sent.token, done)

    (call,) = [call for call in fake.sent("/dingtalk/v1.0/card/instances") if call.method == "PUT"]
    assert call.body == {
        "outTrackId": sent.token,
        "cardData": {"cardParamMap": card_param_map(done)},
        "cardUpdateOptions": {"updateCardDataByKey": True},
        "userIdType": 1,
    }
    assert "chat" not in call.body["cardData"]["cardParamMap"]


def test_updating_a_card_dingtalk_never_delivered_is_an_error(fake: FakeMessengers) -> None:
    with pytest.raises(MessengerError, match="outTrackId"):
        client_for(fake).update_card(TENANT, "never-delivered", Card(card_id="x", title="t", body="b"))


def test_card_params_are_strings_with_buttons_and_fields_as_json() -> None:
    params = card_param_map(CARD, chat=GROUP)
    assert all(isinstance(value, str) for value in params.values())
    assert params["title"] == "违规处理"
    assert params["chat"] == GROUP
    assert json.loads(params["buttons"]) == [
        {"label": "批准", "action": "approve", "value": "case-42.sig", "style": "primary"},
        {"label": "驳回", "action": "reject", "value": "case-42.sig", "style": "danger"},
    ]
    assert json.loads(params["fields"]) == [
        {"label": "规则", "value": "links"},
        {"label": "次数", "value": "3"},
    ]


# Members and the directory ------------------------------------------------------------------------
def test_a_member_is_removed_from_a_scene_group_through_the_api_open_to_new_apps(
    fake: FakeMessengers,
) -> None:
    client_for(fake).remove_member(TENANT, GROUP, "zhangsan")
    call = only(fake, "/dingtalk/v1.0/im/sceneGroup/member/delete")
    assert call.body == {"open_conversation_id": GROUP, "user_ids": ["zhangsan"]}
    assert call.headers["x-acs-dingtalk-access-token"] == "fake-dingtalk-token-1"
    assert fake.sent("/topapi/im/chat/scenegroup/member/delete") == []


def test_the_closed_oapi_removal_is_refused_as_dingtalk_refuses_it(fake: FakeMessengers) -> None:
    import requests

    answer = requests.post(
        f"{fake.url}/dingtalk-oapi/topapi/im/chat/scenegroup/member/delete",
        params={"access_token": "fake-dingtalk-oapi-token-1"},
        json={"open_conversation_id": GROUP, "user_ids": "zhangsan"},
        timeout=5,
    ).json()
    assert answer["errcode"] == 60011 and "/v1.0/im/sceneGroup/member/delete" in answer["errmsg"]


def test_removing_from_an_ordinary_group_is_an_error(fake: FakeMessengers) -> None:
    with pytest.raises(MessengerError, match="notSceneGroup"):
        client_for(fake).remove_member(TENANT, "cidPlain==", "zhangsan")


def test_a_member_is_muted_for_a_number_of_milliseconds(fake: FakeMessengers) -> None:
    client = client_for(fake)
    client.mute_member(TENANT, GROUP, "zhangsan", 600)
    client.mute_member(TENANT, GROUP, "zhangsan", 0)
    mute, unmute = (call.body for call in fake.sent("/dingtalk/v1.0/im/sceneGroups/muteMembers/set"))
    assert mute == {
        "openConversationId": GROUP,
        "userIdList": ["zhangsan"],
        "muteStatus": 1,
        "muteDuration": 600_000,
    }
    assert (unmute["muteStatus"], unmute["muteDuration"]) == (0, 0)


def test_muting_in_an_ordinary_group_is_an_error_with_dingtalks_code(fake: FakeMessengers) -> None:
    with pytest.raises(MessengerError, match="notSceneGroup") as caught:
        client_for(fake).mute_member(TENANT, "cidPlain==", "zhangsan", 60)
    assert caught.value.retryable is False


def test_a_directory_user_is_read_from_the_oapi(fake: FakeMessengers) -> None:
    user = client_for(fake).get_user(TENANT, "zhangsan")
    assert user == DirectoryUser(user="zhangsan", name="用户zhangsan", active=True, departments=("1", "42"))
    assert only(fake, "/topapi/v2/user/get").body == {"userid": "zhangsan", "language": "zh_CN"}


def test_a_directory_user_carries_the_org_mailbox_and_the_mobile_with_its_country_code(
    fake: FakeMessengers,
) -> None:
    fake.contacts["dingtalk:zhangsan"] = {"email": "zhangsan@corp.example", "mobile": "13800000000"}
    found = client_for(fake).get_user(TENANT, "zhangsan")
    assert found is not None and (found.email, found.mobile) == ("zhangsan@corp.example", "+86 13800000000")


def test_a_user_the_directory_does_not_know_is_none(fake: FakeMessengers) -> None:
    assert client_for(fake).get_user(TENANT, "gone-lisi") is None


# Errors and retries -------------------------------------------------------------------------------
def test_an_api_error_carries_dingtalks_code_and_message(fake: FakeMessengers) -> None:
    with pytest.raises(MessengerError) as caught:
        client_for(fake).post_text(Target(tenant=TENANT, chat="cidGone=="), "x")
    assert caught.value.platform == "dingtalk"
    assert caught.value.method == "send"
    assert "invalidParameter.openConversationId.notExist" in caught.value.detail
    assert "群不存在" in caught.value.detail
    assert caught.value.retryable is False


@pytest.mark.parametrize(
    ("fault", "retries"),
    [
        (Fault(path="groupMessages/send", status=503, times=2), 2),
        (Fault(path="groupMessages/send", status=429, retry_after=0), 1),
    ],
)
def test_server_errors_and_throttling_are_retried(fake: FakeMessengers, fault: Fault, retries: int) -> None:
    sleeps: list[float] = []
    fake.inject(fault)
    sent = client_for(fake, sleeps=sleeps).post_text(Target(tenant=TENANT, chat=GROUP), "x")
    assert sent.message_id is not None
    assert len(sleeps) == retries
    assert len(fake.sent("groupMessages/send")) == 1  # the fake records only the call it answered


def test_a_429_waits_as_long_as_retry_after_says(fake: FakeMessengers) -> None:
    sleeps: list[float] = []
    fake.inject(Fault(path="groupMessages/send", status=429, retry_after=2))
    client_for(fake, sleeps=sleeps).post_text(Target(tenant=TENANT, chat=GROUP), "x")
    assert sleeps == [2.0]


def test_a_persistent_server_error_is_a_retryable_messenger_error(fake: FakeMessengers) -> None:
    sleeps: list[float] = []
    fake.inject(Fault(path="groupMessages/send", status=502, times=4))
    with pytest.raises(MessengerError) as caught:
        client_for(fake, sleeps=sleeps).post_text(Target(tenant=TENANT, chat=GROUP), "x")
    assert caught.value.retryable is True
    assert len(sleeps) == 3
    assert fake.sent("groupMessages/send") == []


def test_an_oapi_server_error_is_retried_too(fake: FakeMessengers) -> None:
    sleeps: list[float] = []
    fake.inject(Fault(path="/topapi/v2/user/get", status=500))
    assert client_for(fake, sleeps=sleeps).get_user(TENANT, "zhangsan") is not None
    assert len(sleeps) == 1


# What DingTalk cannot do --------------------------------------------------------------------------
def test_deleting_a_members_message_is_not_supported_and_nothing_is_sent(fake: FakeMessengers) -> None:
    client = client_for(fake)
    with pytest.raises(NotSupported, match="recall"):
        client.delete_message(TENANT, GROUP, "msg1")
    assert fake.sent() == []


def test_capabilities_say_what_dingtalk_allows_and_where() -> None:
    capabilities = DingTalkMessenger.capabilities
    for always in (
        Capability.POST_TO_GROUP,
        Capability.SEND_DIRECT,
        Capability.POST_CARD,
        Capability.RECALL_OWN,
    ):
        assert capabilities.allows(always)
    for scene_group_only in (Capability.REMOVE_MEMBER, Capability.MUTE_MEMBER):
        assert not capabilities.allows(scene_group_only)
        assert capabilities.allows(scene_group_only, app_group=True)
    for never in (Capability.DELETE_MESSAGE, Capability.SEE_ALL_MESSAGES):
        assert not capabilities.allows(never, app_group=True)
        assert capabilities.notes[never]


def test_the_robot_has_no_bot_user_id_and_the_factory_builds_a_messenger(fake: FakeMessengers) -> None:
    built = messenger(settings_for(fake), FrozenClock(0))
    assert isinstance(built, DingTalkMessenger)
    assert built.platform == "dingtalk"
    assert built.bot_user_id(TENANT) is None
