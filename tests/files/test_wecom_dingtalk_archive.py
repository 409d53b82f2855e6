"""The archive on WeCom and DingTalk, where the bot sees no files shared in a group: a member says
`file upload` in the group (an @-mention), then sends the file to the bot privately (WeCom: to the
self-built app, `media/get`; DingTalk: to the robot one-to-one, `messageFiles/download`), and it is
archived for that group. A file sent without it, or to the WeCom AI bot (encrypted for it), is not, and
the sender is told what to do. DingTalk pictures in an @-message in the group are archived there."""

from __future__ import annotations

import hashlib

from local.fakes.server import FakeMessengers
from tests.files import talk
from tests.files.support import archived, follow, said, token_in
from tests.functional import conversations as conv
from tests.support.stack import Stack

WECOM_GID = f"wecom:{conv.WECOM_APP['corp_id']}:wrFUNC"
DINGTALK_GID = f"dingtalk:{conv.DINGTALK_CORP}:cidFUNC"
DOCX = b"PK\x03\x04 word document" * 300
PNG = b"\x89PNG\r\n\x1a\n whiteboard" * 100


def wecom_sent_to(fake: FakeMessengers, user: str, needle: str) -> list[str]:
    return [
        call.body["text"]["content"]
        for call in fake.sent("message/send")
        if call.body.get("touser") == user and needle in str(call.body.get("text", {}).get("content", ""))
    ]


def test_wecom_a_file_sent_to_the_app_after_file_upload_is_archived_for_the_group_and_linked(
    files_stack: Stack, fake: FakeMessengers
) -> None:
    hook = fake.hook_url("wecom-files")
    assert files_stack.send(conv.wecom_aibot_mention("file upload", hook, user="zhangsan")).status_code == 200
    assert said(fake, "/hooks/wecom-files", "本应用")

    fake.files.add("wecom", "MEDIA0001", DOCX, name="需求说明-v3.docx", content_type="application/msword")
    assert files_stack.send(talk.wecom_app_file("MEDIA0001", name="需求说明-v3.docx")).status_code == 200
    (file,) = archived(files_stack, WECOM_GID)
    assert (file.name, file.version, file.sha256) == (
        "需求说明-v3.docx",
        (3,),
        hashlib.sha256(DOCX).hexdigest(),
    )
    assert wecom_sent_to(fake, "zhangsan", file.file_id)

    files_stack.send(
        conv.wecom_aibot_mention(f"file {file.file_id}", fake.hook_url("wecom-get"), user="lisi")
    )
    (dm,) = wecom_sent_to(fake, "lisi", "qunguan.example.com")
    assert follow(files_stack, token_in(dm))[:2] == (303, DOCX)


def test_wecom_a_file_without_file_upload_or_sent_to_the_ai_bot_is_not_archived_and_the_sender_told(
    files_stack: Stack, fake: FakeMessengers
) -> None:
    fake.files.add("wecom", "MEDIA0002", DOCX, name="随手.docx")
    files_stack.send(talk.wecom_app_file("MEDIA0002", name="随手.docx", user="wangwu"))
    assert wecom_sent_to(fake, "wangwu", "file upload")

    files_stack.send(conv.wecom_aibot_mention("file upload", fake.hook_url("wecom-files"), user="wangwu"))
    files_stack.send(talk.wecom_aibot_file("https://wework.example.com/enc/abc", user="wangwu"))
    assert wecom_sent_to(fake, "wangwu", "不是智能机器人")
    assert archived(files_stack, WECOM_GID) == []


def test_dingtalk_a_file_sent_one_to_one_after_file_upload_is_archived_for_the_group(
    files_stack: Stack, fake: FakeMessengers
) -> None:
    hook = fake.hook_url("dingtalk-files")
    assert files_stack.send(conv.dingtalk_robot("file upload", hook, user="wangwu")).status_code == 200
    assert said(fake, "/hooks/dingtalk-files", "单聊")

    fake.files.add("dingtalk", "dlCode0001", DOCX, name="季度报告.docx")
    request = talk.dingtalk_direct_file(
        "dlCode0001", name="季度报告.docx", session_webhook=fake.hook_url("dt-1to1")
    )
    assert files_stack.send(request).status_code == 200
    (file,) = archived(files_stack, DINGTALK_GID)
    assert (file.name, file.size) == ("季度报告.docx", len(DOCX))
    assert said(fake, "/hooks/dt-1to1", file.file_id) or said(fake, "batchSend", file.file_id)

    files_stack.send(conv.dingtalk_robot(f"file {file.file_id}", hook, user="zhaoliu"))
    (dm,) = said(fake, "batchSend", "qunguan.example.com")
    assert follow(files_stack, token_in(dm))[:2] == (303, DOCX)


def test_dingtalk_a_picture_in_an_at_message_in_the_group_is_archived_there(
    files_stack: Stack, fake: FakeMessengers
) -> None:
    fake.files.add("dingtalk", "dlPic0001", PNG, name="", content_type="image/png")
    request = talk.dingtalk_group_picture("dlPic0001", session_webhook=fake.hook_url("dt-group"))
    assert files_stack.send(request).status_code == 200
    (file,) = archived(files_stack, DINGTALK_GID)
    assert file.name.startswith("image-") and file.name.endswith(".png") and file.content_type == "image/png"
    assert said(fake, "/hooks/dt-group", file.file_id)
    assert not said(fake, "/hooks/dt-group", "help")  # the picture's words are not an unknown command
