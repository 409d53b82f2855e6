"""The robot and card endpoints beyond the golden payloads: verification first, then strict parsing;
and `endpoints()` building only the routes whose settings are present."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from chalicelib.adapters.dingtalk.endpoints import DingTalkCards, DingTalkEvents, DingTalkRobot, endpoints
from chalicelib.adapters.reply_urls import ReplyUrls
from chalicelib.clock import FrozenClock
from chalicelib.core.events import CardClicked, MessagePosted
from chalicelib.errors import MalformedRequest, VerificationFailed
from chalicelib.http import InboundRequest
from chalicelib.settings import Settings
from local.peers.dingtalk import card_request, robot_request

NOW_MS = 1700000000000
HOUR_MS = 3600 * 1000
APP_SECRET = "robot-app-secret"
CARD_SECRET = "card-api-secret"
ROBOT_ID = "$:LWCP_v1:$robot"


def robot() -> DingTalkRobot:
    return DingTalkRobot(
        APP_SECRET, FrozenClock(NOW_MS / 1000), corp_id="dingcorp", replies=ReplyUrls.of("dingtalk")
    )


def cards() -> DingTalkCards:
    return DingTalkCards(CARD_SECRET, FrozenClock(NOW_MS / 1000), corp_id="dingcorp")


def group_text(**changes: Any) -> dict[str, Any]:
    message: dict[str, Any] = {
        "conversationId": "cidGroup==",
        "chatbotCorpId": "dingcorp",
        "chatbotUserId": ROBOT_ID,
        "msgId": "msg1",
        "senderStaffId": "zhangsan",
        "senderId": "$:LWCP_v1:$zhangsan",
        "senderCorpId": "dingcorp",
        "conversationType": "2",
        "isInAtList": True,
        "text": {"content": "hello"},
        "msgtype": "text",
    }
    message.update(changes)
    return {key: value for key, value in message.items() if value is not None}


def robot_parse(payload: dict[str, Any]) -> MessagePosted:
    endpoint = robot()
    (event,) = endpoint.parse(
        endpoint.verify(robot_request(payload, app_secret=APP_SECRET, timestamp_ms=NOW_MS).to_inbound())
    ).events
    assert isinstance(event, MessagePosted)
    return event


def raw(path: str, headers: dict[str, str], body: bytes) -> InboundRequest:
    return InboundRequest.build("POST", path, {"Content-Type": "application/json", **headers}, {}, body)


# Robot --------------------------------------------------------------------------------------------
def test_robot_refuses_a_request_signed_with_another_secret() -> None:
    request = robot_request(group_text(), app_secret="other", timestamp_ms=NOW_MS)
    with pytest.raises(VerificationFailed):
        robot().verify(request.to_inbound())


@pytest.mark.parametrize("offset_ms", [HOUR_MS + 1, -(HOUR_MS + 1)])
def test_robot_refuses_stale_and_future_requests(offset_ms: int) -> None:
    request = robot_request(group_text(), app_secret=APP_SECRET, timestamp_ms=NOW_MS + offset_ms)
    with pytest.raises(VerificationFailed, match="window"):
        robot().verify(request.to_inbound())


@pytest.mark.parametrize("dropped", ["timestamp", "sign"])
def test_robot_refuses_a_request_missing_a_signature_header(dropped: str) -> None:
    request = robot_request(group_text(), app_secret=APP_SECRET, timestamp_ms=NOW_MS)
    headers = {name: value for name, value in request.headers.items() if name != dropped}
    with pytest.raises(VerificationFailed, match="missing"):
        robot().verify(raw(request.path, headers, request.body))


def test_robot_verifies_the_headers_before_it_reads_the_body() -> None:
    with pytest.raises(VerificationFailed):
        robot().verify(raw("/dingtalk/robot", {"timestamp": str(NOW_MS), "sign": "forged"}, b"not json"))


@pytest.mark.parametrize("body", [b"not json", b"[]", b'"text"', b"\xff"])
def test_robot_refuses_an_authentic_body_that_is_not_a_json_object(body: bytes) -> None:
    # The signature is checked first; then the body is read for the corp it names (never trusted before).
    signed = robot_request({}, app_secret=APP_SECRET, timestamp_ms=NOW_MS)
    with pytest.raises(MalformedRequest):
        robot().verify(raw(signed.path, signed.headers, body))


@pytest.mark.parametrize(
    "changes",
    [
        {"msgId": None},
        {"conversationId": None},
        {"senderStaffId": None, "senderId": None},
        {"text": None},
        {"text": {"content": 7}},
    ],
)
def test_robot_refuses_a_text_message_missing_what_it_needs(changes: dict[str, Any]) -> None:
    endpoint = robot()
    verified = endpoint.verify(
        robot_request(group_text(**changes), app_secret=APP_SECRET, timestamp_ms=NOW_MS).to_inbound()
    )
    with pytest.raises(MalformedRequest):
        endpoint.parse(verified)


def test_robot_refuses_a_file_message_without_download_code() -> None:
    payload = group_text(msgtype="file", text=None, content={"fileName": "a.pdf"})
    endpoint = robot()
    verified = endpoint.verify(
        robot_request(payload, app_secret=APP_SECRET, timestamp_ms=NOW_MS).to_inbound()
    )
    with pytest.raises(MalformedRequest, match="downloadCode"):
        endpoint.parse(verified)


@pytest.mark.parametrize(
    ("runs", "text"),
    [
        (
            ["这个问题示例图如下：", None, "通过以上示意图可以明白完整的交互流程"],
            "这个问题示例图如下：\n通过以上示意图可以明白完整的交互流程",
        ),
        (["截图如下", None, "\n请处理"], "截图如下\n请处理"),
        (["截图如下\n", None, "请处理"], "截图如下\n请处理"),
        ([None, "看图", None], "看图"),
        (["上半句", "下半句"], "上半句下半句"),
    ],
)
def test_rich_text_breaks_the_line_where_a_picture_sits_between_two_runs(
    runs: list[str | None], text: str
) -> None:
    parts = [{"text": run} if run is not None else {"type": "picture", "downloadCode": "dl1"} for run in runs]
    message = group_text(text=None, msgtype="richText", content={"richText": parts})

    posted = robot_parse(message)

    assert posted.text == text
    assert [file.file_id for file in posted.files] == ["dl1"] * runs.count(None)


def test_robot_falls_back_to_sender_id_for_people_outside_the_org_and_keeps_the_robots_corp() -> None:
    event = robot_parse(group_text(senderStaffId=None, senderCorpId="dingothercorp"))
    assert (event.user, event.tenant) == ("$:LWCP_v1:$zhangsan", "dingcorp")


@pytest.mark.parametrize(
    "changes",
    [
        {"chatbotCorpId": "dingothercorp"},
        {"chatbotCorpId": None, "senderCorpId": "dingothercorp"},
        {"chatbotCorpId": None, "senderCorpId": None},
        {"chatbotCorpId": 7},
    ],
)
def test_robot_refuses_a_body_naming_another_corp(changes: dict[str, Any]) -> None:
    signed = robot_request(group_text(**changes), app_secret=APP_SECRET, timestamp_ms=NOW_MS)
    with pytest.raises(VerificationFailed, match="DINGTALK_CORP_ID"):
        robot().verify(signed.to_inbound())


def test_robot_mentions_leave_out_the_robot_duplicates_and_users_without_staff_id() -> None:
    at_users = [
        {"dingtalkId": ROBOT_ID},
        {"dingtalkId": "$:1", "staffId": "lisi"},
        {"dingtalkId": "$:2"},
        {"dingtalkId": "$:1", "staffId": "lisi"},
        {"dingtalkId": "$:3", "staffId": "wangwu"},
        "garbage",
    ]
    assert robot_parse(group_text(atUsers=at_users)).mentions == ("lisi", "wangwu")


def test_robot_message_is_dated_by_its_header_when_create_at_is_absent() -> None:
    assert robot_parse(group_text()).occurred_at == NOW_MS / 1000
    assert robot_parse(group_text(createAt=1699999000000)).occurred_at == 1699999000.0


def test_robot_message_not_in_the_at_list_does_not_mention_the_bot() -> None:
    assert robot_parse(group_text(isInAtList=None)).mentions_bot is False


def test_robot_ack_is_an_empty_200() -> None:
    endpoint = robot()
    verified = endpoint.verify(
        robot_request(group_text(), app_secret=APP_SECRET, timestamp_ms=NOW_MS).to_inbound()
    )
    reply = endpoint.ack(verified, endpoint.parse(verified))
    assert (reply.status, reply.body) == (200, "")


# Cards --------------------------------------------------------------------------------------------
def click(params: dict[str, Any] | None = None, **changes: Any) -> dict[str, Any]:
    content = {
        "cardPrivateData": {
            "actionIds": ["a"],
            "params": params if params is not None else {"action": "approve"},
        }
    }
    payload: dict[str, Any] = {
        "type": "actionCallback",
        "outTrackId": "card-1",
        "corpId": "dingcorp",
        "userId": "manager01",
        "content": json.dumps(content),
    }
    payload.update(changes)
    return payload


def cards_parse(payload: dict[str, Any], timestamp_ms: int = NOW_MS) -> tuple[CardClicked, ...]:
    endpoint = cards()
    verified = endpoint.verify(
        card_request(payload, card_secret=CARD_SECRET, timestamp_ms=timestamp_ms).to_inbound()
    )
    events = endpoint.parse(verified).events
    assert all(isinstance(event, CardClicked) for event in events)
    return events  # type: ignore[return-value]


def test_cards_refuse_a_click_signed_with_another_secret() -> None:
    with pytest.raises(VerificationFailed, match="mismatch"):
        cards().verify(card_request(click(), card_secret="other", timestamp_ms=NOW_MS).to_inbound())


@pytest.mark.parametrize("offset_ms", [HOUR_MS + 1, -(HOUR_MS + 1)])
def test_cards_refuse_stale_and_future_clicks(offset_ms: int) -> None:
    request = card_request(click(), card_secret=CARD_SECRET, timestamp_ms=NOW_MS + offset_ms)
    with pytest.raises(VerificationFailed, match="window"):
        cards().verify(request.to_inbound())


@pytest.mark.parametrize("dropped", ["x-ddpaas-signature-timestamp", "x-ddpaas-signature"])
def test_cards_refuse_a_click_missing_a_signature_header(dropped: str) -> None:
    request = card_request(click(), card_secret=CARD_SECRET, timestamp_ms=NOW_MS)
    headers = {name: value for name, value in request.headers.items() if name != dropped}
    with pytest.raises(VerificationFailed, match="missing"):
        cards().verify(raw(request.path, headers, request.body))


def test_a_click_without_value_or_chat_gives_empty_strings() -> None:
    (event,) = cards_parse(click({"action": "dismiss"}))
    assert (event.action, event.value, event.chat, event.card_id) == ("dismiss", "", "", "card-1")


def test_a_callback_of_another_type_or_without_an_action_is_ignored() -> None:
    assert cards_parse(click(type="cardUpdate")) == ()
    assert cards_parse(click({"value": "x"})) == ()
    assert cards_parse(click(content=json.dumps({"cardPrivateData": {}}))) == ()


@pytest.mark.parametrize(
    "changes",
    [
        {"content": "not json"},
        {"content": {"cardPrivateData": {}}},
        {"userId": None},
        {"outTrackId": ""},
    ],
)
def test_a_malformed_click_is_refused(changes: dict[str, Any]) -> None:
    payload = {key: value for key, value in click(**changes).items() if value is not None}
    endpoint = cards()
    verified = endpoint.verify(
        card_request(payload, card_secret=CARD_SECRET, timestamp_ms=NOW_MS).to_inbound()
    )
    with pytest.raises(MalformedRequest):
        endpoint.parse(verified)


def test_a_redelivered_click_keeps_its_id_and_a_later_click_gets_a_new_one() -> None:
    (first,) = cards_parse(click())
    (again,) = cards_parse(click())
    (later,) = cards_parse(click(), timestamp_ms=NOW_MS + 5000)
    assert first.event_id == again.event_id != later.event_id
    assert len(first.event_id) == 32
    assert later.occurred_at == (NOW_MS + 5000) / 1000


def test_a_non_string_value_is_passed_on_as_compact_json() -> None:
    (event,) = cards_parse(click({"action": "rate", "value": {"score": 5}}))
    assert event.value == '{"score":5}'


# endpoints() --------------------------------------------------------------------------------------
def settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)


ALL_DINGTALK = {
    "dingtalk_app_key": "dingAppKey",
    "dingtalk_corp_id": "dingcorp",
    "dingtalk_app_secret": APP_SECRET,
    "dingtalk_token": "token",
    "dingtalk_aes_key": "Yue0EfdN5900c1ce5cf6A152c63DDe1808a60c5ecd7",
    "dingtalk_card_secret": CARD_SECRET,
}


def test_endpoints_builds_every_route_whose_settings_are_present() -> None:
    found = endpoints(settings(**ALL_DINGTALK), FrozenClock(NOW_MS / 1000))
    assert set(found) == {"dingtalk.robot", "dingtalk.events", "dingtalk.cards"}
    assert isinstance(found["dingtalk.robot"], DingTalkRobot)
    assert isinstance(found["dingtalk.events"], DingTalkEvents)
    assert isinstance(found["dingtalk.cards"], DingTalkCards)
    for endpoint in found.values():
        assert endpoint.platform == "dingtalk"
        assert endpoint.content_types == frozenset({"application/json"})


def test_endpoints_leaves_out_routes_whose_settings_are_absent() -> None:
    blank = {key: None for key in ALL_DINGTALK}
    assert endpoints(settings(**blank), FrozenClock(0)) == {}
    only_robot = {**blank, "dingtalk_app_secret": APP_SECRET, "dingtalk_corp_id": "dingcorp"}
    assert set(endpoints(settings(**only_robot), FrozenClock(0))) == {"dingtalk.robot"}
    without_corp = {**ALL_DINGTALK, "dingtalk_corp_id": None}  # nothing would pin the tenant
    assert set(endpoints(settings(**without_corp), FrozenClock(0))) == {"dingtalk.events"}
    events_without_key = {**ALL_DINGTALK, "dingtalk_app_key": None}
    assert "dingtalk.events" not in endpoints(settings(**events_without_key), FrozenClock(0))


def test_endpoints_from_settings_verify_with_the_configured_secrets() -> None:
    found = endpoints(settings(**ALL_DINGTALK), FrozenClock(NOW_MS / 1000))
    found["dingtalk.robot"].verify(
        robot_request(group_text(), app_secret=APP_SECRET, timestamp_ms=NOW_MS).to_inbound()
    )
    found["dingtalk.cards"].verify(
        card_request(click(), card_secret=CARD_SECRET, timestamp_ms=NOW_MS).to_inbound()
    )


def test_the_ingress_modules_do_not_import_requests_boto3_or_pydantic() -> None:
    code = (
        "import sys\n"
        "import chalicelib.adapters.dingtalk.endpoints\n"
        "heavy = {'requests', 'boto3', 'pydantic', 'pydantic_settings'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    root = Path(__file__).resolve().parents[3]
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root)
