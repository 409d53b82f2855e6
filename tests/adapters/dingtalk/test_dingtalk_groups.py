"""DingTalkMessenger's group verbs against the fake: scene groups (场景群) are created from the app's
group template with `POST /v1.0/im/sceneGroup/create` (the oapi `scenegroup/create` is archived and closed
to new apps) and list their members page by page (`/v1.0/im/sceneGroups/members/batchQuery`); ordinary
groups cannot be listed."""

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

    (created,) = fake.sent("/dingtalk/v1.0/im/sceneGroup/create")
    assert created.body == {
        "title": "项目周会",
        "template_id": "scene-tpl-1",
        "owner_user_id": "manager01",
        "user_ids": ["manager01", "zhaoliu", "sunqi"],
    }
    assert chat.startswith("cidScene")
    assert not fake.sent("/dingtalk-oapi/topapi/im/chat/scenegroup/create")
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

    pages = [call.body.get("nextToken") for call in fake.sent("sceneGroups/members/batchQuery")]
    assert pages == [None, "1000"]


def test_an_ordinary_group_cannot_be_listed(fake: FakeMessengers) -> None:
    with pytest.raises(MessengerError, match="notSceneGroup"):
        client_for(fake).list_members("dingcorp", "cidPlainGroup")


def test_a_title_over_thirty_characters_is_cut_to_one_dingtalk_accepts(fake: FakeMessengers) -> None:
    dingtalk = client_for(fake, scene_template_id="scene-tpl-1")
    long_name = "二〇二六年第四季度华东区域销售与渠道合作伙伴联合周会"  # 26 characters: kept
    dingtalk.create_group("dingcorp", long_name, "manager01", ("zhaoliu",))
    dingtalk.create_group("dingcorp", long_name + "（含海外团队列席）", "manager01", ("zhaoliu",))

    first, second = (call.body["title"] for call in fake.sent("sceneGroup/create"))
    assert first == long_name
    assert len(second) == 30 and second.startswith(long_name) and second.endswith("…")


def test_the_fake_refuses_a_title_over_thirty_characters_as_dingtalk_does(fake: FakeMessengers) -> None:
    import requests

    from local.fakes.dingtalk import FakeDingTalk

    answer = requests.post(
        f"{fake.url}/dingtalk/v1.0/im/sceneGroup/create",
        headers={"x-acs-dingtalk-access-token": FakeDingTalk().api_token},
        json={"title": "群" * 31, "template_id": "t", "owner_user_id": "manager01"},
        timeout=5,
    )
    assert answer.status_code == 400 and "30" in answer.json()["message"]


def test_the_fake_refuses_the_archived_oapi_group_creation_as_dingtalk_does_for_new_apps(
    fake: FakeMessengers,
) -> None:
    import requests

    from local.fakes.dingtalk import FakeDingTalk

    answer = requests.post(
        f"{fake.url}/dingtalk-oapi/topapi/im/chat/scenegroup/create",
        params={"access_token": FakeDingTalk().oapi_token},
        json={"title": "项目周会", "template_id": "t", "owner_user_id": "manager01"},
        timeout=5,
    ).json()
    assert answer["errcode"] == 60011 and "/v1.0/im/sceneGroup/create" in answer["errmsg"]
