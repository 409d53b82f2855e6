"""The two verbs the jobs added to every messenger, against the recording fake of each platform's API:
`post_image` (the assessment's charts) and `recall_own` (the cleanup's outdated bot messages)."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.adapters.base import NotSupported, Target
from chalicelib.adapters.dingtalk.client import DingTalkMessenger
from chalicelib.adapters.slack.client import SlackMessenger
from chalicelib.adapters.wecom.client import WeComMessenger
from chalicelib.errors import MessengerError
from chalicelib.jobs.charts import png
from chalicelib.jobs.charts.spec import Chart, Series
from chalicelib.settings import Settings
from local.fakes.server import FakeMessengers

PNG = png.render(Chart("t", "bar", "t", ("a",), ("A",), (Series("s", "S", (50.0,)),), y_max=100))


def settings(fake: FakeMessengers, **values: Any) -> Settings:
    return Settings(_env_file=None, **{**values, **fake.settings()})


@pytest.fixture
def slack(fake: FakeMessengers) -> SlackMessenger:
    return SlackMessenger(settings(fake, slack_signing_secret="s", slack_bot_token="xoxb-qg-bot"))


@pytest.fixture
def wecom(fake: FakeMessengers) -> WeComMessenger:
    return WeComMessenger(
        settings(fake, wecom_corp_id="wxcorp", wecom_secret="s3cret", wecom_agent_id="1000002")
    )


@pytest.fixture
def dingtalk(fake: FakeMessengers) -> DingTalkMessenger:
    return DingTalkMessenger(
        settings(
            fake, dingtalk_app_key="dingkey", dingtalk_app_secret="secret", dingtalk_robot_code="dingrobot"
        )
    )


def paths(fake: FakeMessengers) -> list[str]:
    return [call.path for call in fake.calls]


def test_slack_uploads_through_an_upload_url_and_shares_the_file_in_the_channel(
    fake: FakeMessengers, slack: SlackMessenger
) -> None:
    sent = slack.post_image(Target(tenant="T0QG", chat="C1"), PNG, "chart.png", "Scores of November")
    assert sent.message_id and sent.message_id.startswith("F")
    assert paths(fake) == [
        "/slack/api/files.getUploadURLExternal",
        f"/slack/upload/{sent.message_id}",
        "/slack/api/files.completeUploadExternal",
    ]
    ticket, upload, share = fake.calls
    assert ticket.body == {"filename": "chart.png", "length": str(len(PNG))}
    assert 'name="file"; filename="chart.png"' in upload.body and "PNG" in upload.body
    assert share.body == {
        "files": [{"id": sent.message_id, "title": "Scores of November"}],
        "channel_id": "C1",
        "initial_comment": "Scores of November",
    }


def test_slack_sends_an_image_to_a_person_in_their_direct_message_channel(
    fake: FakeMessengers, slack: SlackMessenger
) -> None:
    slack.post_image(Target(tenant="T0QG", user="U0ADMIN"), PNG, "chart.png")
    (share,) = fake.sent("files.completeUploadExternal")
    (opened,) = fake.sent("conversations.open")
    assert share.body["channel_id"].startswith("D") and opened.body == {"users": "U0ADMIN"}


def test_slack_recalls_its_own_message_and_reports_one_it_may_not_delete(
    fake: FakeMessengers, slack: SlackMessenger
) -> None:
    posted = slack.post_text(Target(tenant="T0QG", chat="C1"), "outdated notice")
    assert posted.message_id is not None
    slack.recall_own("T0QG", "C1", posted.message_id, token=posted.token)
    (deleted,) = fake.sent("chat.delete")
    assert deleted.body == {"channel": "C1", "ts": posted.message_id}
    with pytest.raises(NotSupported):
        slack.recall_own("T0QG", "C1", "1700000000.000001")  # not the bot's own


def test_wecom_uploads_media_then_sends_an_image_message_and_the_caption(
    fake: FakeMessengers, wecom: WeComMessenger
) -> None:
    wecom.post_image(Target(tenant="wxcorp", user="zhangsan"), PNG, "chart.png", "十一月得分")
    (upload,) = fake.sent("media/upload")
    assert upload.query["type"] == "image" and 'name="media"; filename="chart.png"' in upload.body
    image, caption = fake.sent("message/send")
    assert image.body["msgtype"] == "image" and image.body["image"]["media_id"].startswith("wecom-media-")
    assert (image.body["touser"], caption.body["text"]["content"]) == ("zhangsan", "十一月得分")


def test_wecom_takes_no_image_through_the_ai_bots_reply_url(wecom: WeComMessenger) -> None:
    with pytest.raises(NotSupported):
        wecom.post_image(Target(tenant="wxcorp", reply_url="http://127.0.0.1:1/hook"), PNG, "chart.png")


def test_wecom_recalls_its_own_direct_message_by_its_msgid(
    fake: FakeMessengers, wecom: WeComMessenger
) -> None:
    sent = wecom.send_direct("wxcorp", "zhangsan", "outdated")
    assert sent.message_id is not None
    wecom.recall_own("wxcorp", "", sent.message_id)
    (recall,) = fake.sent("message/recall")
    assert recall.body == {"msgid": sent.message_id}
    with pytest.raises(NotSupported):
        wecom.recall_own("wxcorp", "wrgroup", "")  # appchat messages carry no msgid


def test_dingtalk_uploads_media_then_sends_a_robot_image_message(
    fake: FakeMessengers, dingtalk: DingTalkMessenger
) -> None:
    dingtalk.post_image(Target(tenant="corp", chat="cidGroup1"), PNG, "chart.png")
    (upload,) = fake.sent("/media/upload")
    assert upload.query["type"] == "image" and 'name="media"' in upload.body
    (sent,) = fake.sent("groupMessages/send")
    assert sent.body["msgKey"] == "sampleImageMsg" and "@lADP" in sent.body["msgParam"]


def test_dingtalk_recalls_its_own_messages_in_a_group_and_one_to_one(
    fake: FakeMessengers, dingtalk: DingTalkMessenger
) -> None:
    in_group = dingtalk.post_text(Target(tenant="corp", chat="cidGroup1"), "hello").message_id
    in_direct = dingtalk.send_direct("corp", "zhangsan", "hello").message_id
    assert in_group and in_direct
    dingtalk.recall_own("corp", "cidGroup1", in_group)
    dingtalk.recall_own("corp", "", in_direct)
    group, direct = fake.sent("ecall")
    assert group.path.endswith("/groupMessages/recall") and group.body["processQueryKeys"] == [in_group]
    assert direct.path.endswith("/otoMessages/batchRecall") and direct.body["processQueryKeys"] == [in_direct]


def test_a_dingtalk_recall_listed_under_failed_result_is_an_error_not_done(
    fake: FakeMessengers, dingtalk: DingTalkMessenger
) -> None:
    # DingTalk answers 200 and names the key under `failedResult` when it cannot recall it.
    with pytest.raises(MessengerError, match="not recalled"):
        dingtalk.recall_own("corp", "cidGroup1", "never-sent")
    key = dingtalk.post_text(Target(tenant="corp", chat="cidGroup1"), "hello").message_id
    assert key
    dingtalk.recall_own("corp", "cidGroup1", key)
    with pytest.raises(MessengerError, match="not recalled"):
        dingtalk.recall_own("corp", "cidGroup1", key)  # a second recall of the same message


def test_an_upload_the_platform_refuses_is_a_messenger_error(
    fake: FakeMessengers, dingtalk: DingTalkMessenger
) -> None:
    from local.fakes.server import Fault

    fake.inject(Fault("/media/upload", status=403, times=1))
    with pytest.raises(MessengerError):
        dingtalk.post_image(Target(tenant="corp", user="user1"), PNG, "chart.png")
