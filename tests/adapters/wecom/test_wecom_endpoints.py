"""The WeCom endpoints beyond the golden payloads: which routes exist, what they accept, and the edges of
parsing (PROTOCOLS.md 1.3, 1.6)."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.adapters.wecom.endpoints import WeComAIBot, WeComCallback, endpoints
from chalicelib.clock import FrozenClock
from chalicelib.core.events import CardClicked, Event, FileShared, MemberJoined, MemberLeft, MessagePosted
from chalicelib.errors import MalformedRequest
from chalicelib.settings import Settings
from local.peers.wecom import aibot_request, callback_request, event_xml, text_message_xml

TOKEN = "QDG6eK"
AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
CORP_ID = "wx5823bf96d3bd56c7"
NOW = 1_700_000_000


def app_events(endpoint: WeComCallback, xml: str) -> tuple[Event, ...]:
    request = callback_request(xml, token=TOKEN, aes_key=AES_KEY, corp_id=CORP_ID, timestamp=str(NOW))
    return endpoint.parse(endpoint.verify(request.to_inbound())).events


def bot_events(endpoint: WeComAIBot, payload: dict[str, Any]) -> tuple[Event, ...]:
    request = aibot_request(payload, token=TOKEN, aes_key=AES_KEY, timestamp=str(NOW))
    return endpoint.parse(endpoint.verify(request.to_inbound())).events


def group_text(content: str, **extra: Any) -> dict[str, Any]:
    return {
        "msgid": "m1",
        "chatid": "c1",
        "chattype": "group",
        "from": {"userid": "u1"},
        "msgtype": "text",
        "text": {"content": content},
        **extra,
    }


# Routes --------------------------------------------------------------------------------------------


def test_no_wecom_settings_means_no_wecom_routes() -> None:
    assert endpoints(Settings(_env_file=None), FrozenClock(NOW)) == {}


def test_each_route_appears_with_its_own_settings() -> None:
    app_only = Settings(_env_file=None, wecom_corp_id=CORP_ID, wecom_token=TOKEN, wecom_aes_key=AES_KEY)
    bot_only = Settings(_env_file=None, wecom_aibot_token=TOKEN, wecom_aibot_aes_key=AES_KEY)
    assert set(endpoints(app_only, FrozenClock(NOW))) == {"wecom.callback"}
    routes = endpoints(bot_only, FrozenClock(NOW))
    assert set(routes) == {"wecom.aibot"}
    assert routes["wecom.aibot"].platform == "wecom"


def test_the_ai_bot_without_a_corp_id_uses_an_empty_tenant() -> None:
    bot_only = Settings(_env_file=None, wecom_aibot_token=TOKEN, wecom_aibot_aes_key=AES_KEY)
    endpoint = endpoints(bot_only, FrozenClock(NOW))["wecom.aibot"]
    assert isinstance(endpoint, WeComAIBot)
    (event,) = bot_events(endpoint, group_text("@bot hi"))
    assert event.tenant == ""


def test_content_types_are_xml_for_the_app_and_json_or_text_for_the_ai_bot(
    callback: WeComCallback, aibot: WeComAIBot
) -> None:
    assert callback.content_types == {"application/xml", "text/xml"}
    assert aibot.content_types == {"application/json", "text/plain"}


# Self-built app ------------------------------------------------------------------------------------


def test_a_clicked_button_key_splits_into_action_and_value_at_the_first_bar(callback: WeComCallback) -> None:
    xml = event_xml(
        "template_card_event",
        {"EventKey": "warn|grp|42", "TaskId": "t1", "ResponseCode": "rc"},
        corp_id=CORP_ID,
        create_time=NOW,
        from_user="admin",
    )
    (event,) = app_events(callback, xml)
    assert isinstance(event, CardClicked)
    assert (event.action, event.value, event.card_id, event.response_token) == ("warn", "grp|42", "t1", "rc")


def test_two_buttons_clicked_in_the_same_second_get_different_event_ids(callback: WeComCallback) -> None:
    def click(key: str) -> str:
        xml = event_xml(
            "template_card_event", {"EventKey": key, "TaskId": "t1"}, corp_id=CORP_ID, create_time=NOW
        )
        return app_events(callback, xml)[0].event_id

    assert click("approve|1") != click("reject|1")
    assert len(click("approve|" + "x" * 1000)) < 100


def test_members_listed_as_comma_separated_text_are_read_too(callback: WeComCallback) -> None:
    xml = event_xml(
        "change_external_chat",
        {"ChatId": "wr1", "ChangeType": "update", "UpdateDetail": "del_member", "MemChangeList": "a, b,a"},
        corp_id=CORP_ID,
        create_time=NOW,
    )
    events = app_events(callback, xml)
    assert [(type(e), e.chat, getattr(e, "user", None)) for e in events] == [
        (MemberLeft, "wr1", "a"),
        (MemberLeft, "wr1", "b"),
    ]
    assert len({event.event_id for event in events}) == 2


def test_other_customer_group_changes_are_ignored(callback: WeComCallback) -> None:
    xml = event_xml(
        "change_external_chat",
        {"ChatId": "wr1", "ChangeType": "update", "UpdateDetail": "change_name"},
        corp_id=CORP_ID,
        create_time=NOW,
    )
    assert app_events(callback, xml) == ()


@pytest.mark.parametrize("change_type", ["create_user", "create_party", "update_tag"])
def test_other_directory_changes_are_ignored(callback: WeComCallback, change_type: str) -> None:
    xml = event_xml(
        "change_contact", {"ChangeType": change_type, "UserID": "u1"}, corp_id=CORP_ID, create_time=NOW
    )
    assert app_events(callback, xml) == ()


@pytest.mark.parametrize("msg_type", ["location", "link", "mystery"])
def test_other_message_types_are_ignored(callback: WeComCallback, msg_type: str) -> None:
    xml = text_message_xml(corp_id=CORP_ID, user="u1", content="x", msg_id="1", create_time=NOW)
    assert app_events(callback, xml.replace("[CDATA[text]]", f"[CDATA[{msg_type}]]")) == ()


@pytest.mark.parametrize("field", ["MsgId", "FromUserName", "CreateTime"])
def test_a_text_message_missing_a_required_field_is_malformed(callback: WeComCallback, field: str) -> None:
    xml = text_message_xml(corp_id=CORP_ID, user="u1", content="x", msg_id="1", create_time=NOW)
    start, end = xml.index(f"<{field}>"), xml.index(f"</{field}>") + len(f"</{field}>")
    with pytest.raises(MalformedRequest, match=field):
        app_events(callback, xml[:start] + xml[end:])


def test_a_create_time_that_is_not_a_number_is_malformed(callback: WeComCallback) -> None:
    xml = text_message_xml(corp_id=CORP_ID, user="u1", content="x", msg_id="1", create_time=NOW)
    with pytest.raises(MalformedRequest, match="CreateTime"):
        app_events(callback, xml.replace(str(NOW), "yesterday"))


def test_the_tenant_is_the_configured_corp_id(callback: WeComCallback) -> None:
    xml = text_message_xml(corp_id=CORP_ID, user="u1", content="你好", msg_id="9", create_time=NOW)
    (event,) = app_events(callback, xml)
    assert event.tenant == CORP_ID
    assert event.gid == f"wecom:{CORP_ID}:"


# AI bot --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "text"),
    [
        ("@群管\u2005违规了吗", "违规了吗"),
        ("@qunguan  help", "help"),
        ("  @qunguan help @zhangsan", "help @zhangsan"),
        ("no mention here", "no mention here"),
    ],
)
def test_the_leading_mention_is_stripped_in_groups(aibot: WeComAIBot, content: str, text: str) -> None:
    (event,) = bot_events(aibot, group_text(content))
    assert isinstance(event, MessagePosted)
    assert (event.text, event.mentions_bot, event.direct, event.chat) == (text, True, False, "c1")


def test_a_message_without_a_time_takes_the_signed_request_time(aibot: WeComAIBot) -> None:
    (event,) = bot_events(aibot, group_text("@bot hi"))
    assert event.occurred_at == NOW


def test_a_transcribed_voice_message_is_text(aibot: WeComAIBot) -> None:
    payload = {
        "msgid": "v1",
        "chattype": "single",
        "from": {"userid": "u1"},
        "msgtype": "voice",
        "voice": {"content": "你好"},
    }
    (event,) = bot_events(aibot, payload)
    assert isinstance(event, MessagePosted)
    assert (event.text, event.direct, event.chat) == ("你好", True, "")


@pytest.mark.parametrize("kind", ["image", "file"])
def test_a_download_url_is_trimmed_of_the_space_wecoms_samples_end_it_with(
    aibot: WeComAIBot, kind: str
) -> None:
    url = "https://ww-aibot-img-1258476243.cos.ap-guangzhou.myqcloud.com/BHoPdA3/757?sign=q-signature%3D0f7b"
    payload = {
        "msgid": "m-url",
        "aibotid": "AIBOTID",
        "chattype": "single",
        "from": {"userid": "lisi"},
        "msgtype": kind,
        kind: {"url": url + " "},
    }

    (shared,) = bot_events(aibot, payload)

    assert isinstance(shared, FileShared)
    assert shared.file.file_id == url


def test_a_mixed_messages_picture_urls_are_trimmed_too(aibot: WeComAIBot) -> None:
    url = "https://ww-aibot-img-1258476243.cos.ap-guangzhou.myqcloud.com/BHoPdA3/757?sign=q-signature%3D0f7b"
    items = [
        {"msgtype": "text", "text": {"content": "看图"}},
        {"msgtype": "image", "image": {"url": f" {url} "}},
    ]
    payload = group_text("", msgtype="mixed", mixed={"msg_item": items})

    (posted,) = bot_events(aibot, payload)

    assert isinstance(posted, MessagePosted)
    assert [file.file_id for file in posted.files] == [url]


def test_a_quote_gives_no_reply_to(aibot: WeComAIBot) -> None:
    payload = group_text("@bot 这条", quote={"msgtype": "text", "text": {"content": "old"}})
    (event,) = bot_events(aibot, payload)
    assert isinstance(event, MessagePosted)
    assert event.reply_to is None


@pytest.mark.parametrize(
    "payload",
    [
        {"msgid": "m1", "chattype": "group", "msgtype": "text", "text": {"content": "x"}},
        {"chattype": "group", "from": {"userid": "u1"}, "msgtype": "text", "text": {"content": "x"}},
        {"msgid": "m1", "from": "u1", "msgtype": "text", "text": {"content": "x"}},
        {"msgid": "m1", "from": {"userid": "u1"}, "msgtype": "file", "file": {}},
        {
            "msgid": "m1",
            "from": {"userid": "u1"},
            "msgtype": "event",
            "event": {"eventtype": "template_card_event"},
        },
    ],
    ids=["no-user", "no-msgid", "from-not-object", "file-without-url", "click-without-key"],
)
def test_an_ai_bot_payload_missing_what_it_needs_is_malformed(
    aibot: WeComAIBot, payload: dict[str, Any]
) -> None:
    with pytest.raises(MalformedRequest):
        bot_events(aibot, payload)


@pytest.mark.parametrize(
    "payload",
    [
        {"msgid": "m1", "from": {"userid": "u1"}, "msgtype": "stream", "stream": {"id": "s"}},
        {
            "msgid": "m1",
            "from": {"userid": "u1"},
            "msgtype": "event",
            "event": {"eventtype": "feedback_event"},
        },
        {"msgid": "m1", "from": {"userid": "u1"}, "msgtype": "event", "event": "enter_chat"},
        {"msgid": "m1"},
    ],
    ids=["stream-refresh", "feedback", "event-not-object", "no-msgtype"],
)
def test_other_ai_bot_callbacks_are_ignored(aibot: WeComAIBot, payload: dict[str, Any]) -> None:
    assert bot_events(aibot, payload) == ()


def test_a_card_click_in_the_flat_shape_is_read_too(aibot: WeComAIBot) -> None:
    payload = {
        "msgid": "e1",
        "chattype": "single",
        "from": {"userid": "u1"},
        "msgtype": "event",
        "event": {"eventtype": "template_card_event", "event_key": "ack|a1", "task_id": "t9"},
    }
    (event,) = bot_events(aibot, payload)
    assert isinstance(event, CardClicked)
    assert (event.action, event.value, event.card_id, event.chat, event.event_id) == (
        "ack",
        "a1",
        "t9",
        "",
        "e1",
    )


def test_member_events_carry_the_customer_group(callback: WeComCallback) -> None:
    xml = event_xml(
        "change_external_chat",
        {"ChatId": "wr9", "ChangeType": "update", "UpdateDetail": "add_member", "MemChangeList": ["u1"]},
        corp_id=CORP_ID,
        create_time=NOW,
    )
    (event,) = app_events(callback, xml)
    assert isinstance(event, MemberJoined)
    assert event.gid == f"wecom:{CORP_ID}:wr9"
