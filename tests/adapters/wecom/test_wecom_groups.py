"""WeComMessenger's group verbs against the fake: `appchat/create` makes a group the app owns (and may
then manage), `appchat/get` lists the members of such a group only (doc path/90245, 98914). A group nobody
named is described with an empty name and its members (customer groups with the names WeCom gives them,
path/92707's `need_name`), for the bot to call it by them."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from chalicelib.adapters.wecom.client import WeComMessenger
from chalicelib.clock import FrozenClock
from chalicelib.errors import MessengerError
from chalicelib.settings import Settings
from local.fakes.server import FakeMessengers
from local.fakes.wecom_archive import set_room

CORP_ID = "wwcorp0001"


@pytest.fixture
def wecom(fake: FakeMessengers) -> WeComMessenger:
    values: dict[str, Any] = {
        "wecom_corp_id": CORP_ID,
        "wecom_secret": "s3cret",
        "wecom_agent_id": "1000002",
        **fake.settings(),
    }
    return WeComMessenger(Settings(_env_file=None, **values), clock=FrozenClock(1_700_000_000))


def api_calls(fake: FakeMessengers, name: str) -> list[Any]:
    return [call.body for call in fake.sent(f"/wecom/cgi-bin/{name}")]


def test_a_group_made_by_the_app_lists_its_members(wecom: WeComMessenger, fake: FakeMessengers) -> None:
    chat = wecom.create_group(CORP_ID, "项目周会", "zhangsan", ("lisi", "wangwu", "zhangsan"))

    assert api_calls(fake, "appchat/create") == [
        {"name": "项目周会", "owner": "zhangsan", "userlist": ["zhangsan", "lisi", "wangwu"]}
    ]
    assert wecom.list_members(CORP_ID, chat) == ("zhangsan", "lisi", "wangwu")


def test_a_group_needs_two_members(wecom: WeComMessenger, fake: FakeMessengers) -> None:
    with pytest.raises(MessengerError, match="at least 2"):
        wecom.create_group(CORP_ID, "alone", "zhangsan", ())
    assert api_calls(fake, "appchat/create") == []


def test_a_group_the_app_did_not_create_cannot_be_listed(wecom: WeComMessenger) -> None:
    with pytest.raises(MessengerError, match="86003"):
        wecom.list_members(CORP_ID, "wrCustomerGroup")


def test_a_group_the_app_made_without_a_name_is_described_with_an_empty_name_and_its_members(
    wecom: WeComMessenger,
) -> None:
    chat = wecom.create_group(CORP_ID, "", "zhangsan", ("lisi", "wangwu"))

    info = wecom.group_info(CORP_ID, chat)

    assert info is not None and info.name == ""
    assert info.members == (("zhangsan", ""), ("lisi", ""), ("wangwu", ""))


def test_a_customer_group_lists_its_members_with_the_names_wecom_gives_them(
    wecom: WeComMessenger, fake: FakeMessengers
) -> None:
    room = f"wrNONAME{uuid.uuid4().hex[:8]}"  # the fake's rooms outlive a test: each test its own
    names = {"qunzhu": "张三丰", "wmGuest": "王语嫣"}
    set_room(fake, room, name="", owner="qunzhu", members=("qunzhu", "wmGuest"), external=True, names=names)

    info = wecom.group_info(CORP_ID, room)

    assert api_calls(fake, "externalcontact/groupchat/get")[-1] == {"chat_id": room, "need_name": 1}
    assert info is not None and info.name == ""
    assert info.members == (("qunzhu", "张三丰"), ("wmGuest", "王语嫣"))
