"""DingTalkMessenger's group verbs against the fake: scene groups (场景群) are created from the app's
group template and list their members cursor by cursor; ordinary groups cannot be listed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chalicelib.adapters.base import NotSupported
from chalicelib.adapters.dingtalk.client import DingTalkMessenger
from chalicelib.errors import MessengerError
from local.fakes.dingtalk import DEFAULT_SCENE_MEMBERS
from local.fakes.server import FakeMessengers
from tests.adapters.dingtalk.test_dingtalk_client import settings_for


def client_for(fake: FakeMessengers, *, scene_template_id: str | None = None) -> DingTalkMessenger:
    return DingTalkMessenger(settings_for(fake), scene_template_id=scene_template_id)


@pytest.fixture
def fake() -> Iterator[FakeMessengers]:
    server = FakeMessengers().start()
    yield server
    server.stop()


def test_a_scene_group_is_created_from_the_template_and_lists_its_members(fake: FakeMessengers) -> None:
    dingtalk = client_for(fake, scene_template_id="scene-tpl-1")

    chat = dingtalk.create_group("dingcorp", "项目周会", "manager01", ("zhaoliu", "sunqi"))

    (created,) = fake.sent("/dingtalk-oapi/topapi/im/chat/scenegroup/create")
    assert created.body == {
        "title": "项目周会",
        "template_id": "scene-tpl-1",
        "owner_user_id": "manager01",
        "user_ids": "manager01,zhaoliu,sunqi",
    }
    assert dingtalk.list_members("dingcorp", chat) == ("manager01", "zhaoliu", "sunqi")


def test_without_a_scene_group_template_groups_cannot_be_created(fake: FakeMessengers) -> None:
    with pytest.raises(NotSupported, match="DINGTALK_SCENE_TEMPLATE_ID"):
        client_for(fake).create_group("dingcorp", "项目周会", "manager01", ())


def test_a_scene_group_the_bot_did_not_make_lists_its_members(fake: FakeMessengers) -> None:
    assert client_for(fake).list_members("dingcorp", "cidScene9") == DEFAULT_SCENE_MEMBERS


def test_members_are_listed_across_every_page(fake: FakeMessengers) -> None:
    dingtalk = client_for(fake, scene_template_id="scene-tpl-1")
    crowd = tuple(f"staff{n:04d}" for n in range(1500))
    chat = dingtalk.create_group("dingcorp", "全员大会", crowd[0], crowd[1:])

    assert dingtalk.list_members("dingcorp", chat) == crowd

    cursors = [call.body["cursor"] for call in fake.sent("scenegroup/member/get")]
    assert cursors == ["0", "1000"]


def test_an_ordinary_group_cannot_be_listed(fake: FakeMessengers) -> None:
    with pytest.raises(MessengerError, match="4000"):
        client_for(fake).list_members("dingcorp", "cidPlainGroup")


def test_a_title_over_thirty_characters_is_cut_to_one_dingtalk_accepts(fake: FakeMessengers) -> None:
    dingtalk = client_for(fake, scene_template_id="scene-tpl-1")
    long_name = "二〇二六年第四季度华东区域销售与渠道合作伙伴联合周会"  # 26 characters: kept
    dingtalk.create_group("dingcorp", long_name, "manager01", ("zhaoliu",))
    dingtalk.create_group("dingcorp", long_name + "（含海外团队列席）", "manager01", ("zhaoliu",))

    first, second = (call.body["title"] for call in fake.sent("scenegroup/create"))
    assert first == long_name
    assert len(second) == 30 and second.startswith(long_name) and second.endswith("…")


def test_the_fake_refuses_a_title_over_thirty_characters_as_dingtalk_does(fake: FakeMessengers) -> None:
    import requests

    from local.fakes.dingtalk import FakeDingTalk

    token = FakeDingTalk().oapi_token
    answer = requests.post(
        f"{fake.url}/dingtalk-oapi/topapi/im/chat/scenegroup/create",
        params={"access_token": token},
        json={"title": "群" * 31, "template_id": "t", "owner_user_id": "manager01"},
        timeout=5,
    ).json()
    assert answer["errcode"] != 0 and "30" in answer["errmsg"]
