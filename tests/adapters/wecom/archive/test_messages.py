"""The vendor's published archive messages (vendor_messages.json beside this file, doc path/91774)
mapped to the normalised events. The samples of one-to-one types have an empty `roomid`; each test that
needs a group says so by giving it one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from chalicelib.adapters.wecom.archive.messages import to_events
from chalicelib.core.events import ConsentChanged, FileShared, MessagePosted, MessageWithdrawn

SAMPLES: dict[str, Any] = json.loads((Path(__file__).parent / "vendor_messages.json").read_text("utf-8"))
CORP = "ww-corp"
ROOM = "wrjc7bDwYAOAhf9quEwRRxyyoMm0QAAA"


def in_room(name: str) -> dict[str, Any]:
    return {**SAMPLES[name], "roomid": ROOM}


def test_a_group_text_is_a_message_posted_by_its_sender_at_its_time() -> None:
    (event,) = to_events(in_room("text"), CORP).events
    assert event == MessagePosted(
        platform="wecom",
        tenant=CORP,
        event_id="CAQQluDa4QUY0On2rYSAgAMgzPrShAE=",
        occurred_at=1547087894.783,
        chat=ROOM,
        user="XuJinSheng",
        message_id="CAQQluDa4QUY0On2rYSAgAMgzPrShAE=",
        text="test",
    )


def test_a_one_to_one_message_is_not_governed() -> None:
    mapped = to_events(SAMPLES["text"], CORP)
    assert mapped.events == ()
    assert mapped.ignored == "one-to-one"


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("markdown", "请前往系统查看，谢谢。"),
        ("news", "service\ntest\nhttp://xxx"),
    ],
)
def test_markdown_and_news_in_a_group_are_messages_with_their_text(name: str, text: str) -> None:
    (event,) = to_events(SAMPLES[name], CORP).events
    assert isinstance(event, MessagePosted)
    assert event.text == text
    assert event.chat == SAMPLES[name]["roomid"]


def test_a_link_is_read_as_its_title_description_and_url() -> None:
    (event,) = to_events(in_room("link"), CORP).events
    assert isinstance(event, MessagePosted)
    assert "邀请你加入群聊" in event.text
    assert "https://work.weixin.qq.com/wework_admin/external_room/join/exceed?vcode=xxx" in event.text


def test_a_mixed_message_gives_its_text_and_its_images_as_files() -> None:
    (event,) = to_events(SAMPLES["mixed"], CORP).events
    assert isinstance(event, MessagePosted)
    assert event.text == "你好[微笑]\n"
    (image,) = event.files
    assert image.file_id.startswith("sdkfileid:CtYBMzA2OTAy")  # fetched with GetMediaData
    assert image.size == 13177


def test_a_file_is_shared_under_its_sdkfileid_and_name() -> None:
    (event,) = to_events(in_room("file"), CORP).events
    assert isinstance(event, FileShared)
    assert event.file.name == "资料.docx"
    assert event.file.size == 18181
    assert event.file.file_id == "sdkfileid:" + SAMPLES["file"]["file"]["sdkfileid"]
    assert event.message_id == SAMPLES["file"]["msgid"]


def test_an_image_is_a_file_named_by_its_kind_and_checksum() -> None:
    (event,) = to_events(in_room("image"), CORP).events
    assert isinstance(event, FileShared)
    assert event.file.name == "image-50de8e5ae8ff"


def test_a_revoke_withdraws_the_original_message() -> None:
    (event,) = to_events(in_room("revoke"), CORP).events
    assert event == MessageWithdrawn(
        platform="wecom",
        tenant=CORP,
        event_id="15775510700152506326_1603875615",
        occurred_at=1603875615.723,
        chat=ROOM,
        user="kenshin",
        message_id="14822339130656386894_1603875600",
    )


@pytest.mark.parametrize(("name", "agreed"), [("agree", True), ("disagree", False)])
def test_agree_and_disagree_record_the_external_contacts_consent(name: str, agreed: bool) -> None:
    (event,) = to_events(in_room(name), CORP).events
    assert isinstance(event, ConsentChanged)
    assert event.agreed is agreed
    assert event.user.startswith("wm")  # the external contact keeps their own id


def test_a_login_switch_is_ignored() -> None:
    assert to_events(SAMPLES["switch"], CORP).ignored == "switch"


def test_a_type_that_is_not_governed_is_ignored_by_name() -> None:
    assert to_events(SAMPLES["collect"], CORP).ignored == "collect"


@pytest.mark.parametrize(
    "message",
    [
        {},
        {"msgid": "x", "roomid": ROOM, "msgtype": "text"},
        {"msgid": "x", "from": "u", "roomid": ROOM, "msgtype": "text", "text": "not an object"},
        {"msgid": "x", "from": "u", "roomid": ROOM, "msgtype": "mixed", "mixed": {"item": "nope"}},
        {"msgid": "x", "from": "u", "roomid": ROOM, "msgtype": "file", "file": {}},
        {"msgid": "x", "from": "u", "roomid": ROOM, "msgtype": "text", "msgtime": "NaN", "text": {}},
    ],
)
def test_incomplete_messages_give_no_event_and_never_raise(message: dict[str, Any]) -> None:
    mapped = to_events(message, CORP)
    assert mapped.events == ()
    assert mapped.ignored
