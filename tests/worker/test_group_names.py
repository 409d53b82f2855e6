"""A group nobody named is called by its members, as WeCom's clients call it: WeCom answers an empty name
for it (appchat/get, externalcontact/groupchat/get, msgaudit/groupchat/get), and the bot names it by its
first members' names, in the group's language, counting the rest, and never by an id. The name is kept on
the group's record like any name, so every text that names the group reads the same."""

from __future__ import annotations

from dataclasses import replace

import pytest

from chalicelib.adapters.base import GroupInfo
from chalicelib.bootstrap import Deps
from chalicelib.clock import FrozenClock
from chalicelib.core.events import MessagePosted
from chalicelib.kernel.group_info import DESCRIBE_EVERY, describe
from chalicelib.settings import Settings
from chalicelib.store.memory import MemoryStore
from chalicelib.store.records import GroupRecord, MemberRecord
from chalicelib.worker.pipeline import process
from tests.support.messenger import RecordingMessenger

T0 = 1_700_000_000.0
GID = "wecom:corp:wr1"
NAMES = {"zhangsan": "张三", "lisi": "李四", "wangwu": "王五", "zhaoliu": "赵六", "qianqi": "钱七"}


def unnamed(*members: str, given: dict[str, str] | None = None) -> GroupInfo:
    """The group as WeCom describes one nobody named: an empty name, its members listed."""
    listed = tuple((member, (given or {}).get(member, "")) for member in members)
    return GroupInfo("wr1", "", "zhangsan", ("zhangsan",), listed)


def make(info: GroupInfo, *, locale: str = "zh-CN", names: dict[str, str] | None = None) -> Deps:
    messenger = RecordingMessenger(
        platform="wecom", groups={"wr1": info}, names=NAMES if names is None else names
    )
    clock = FrozenClock(T0)
    settings = Settings(_env_file=None, qg_default_locale=locale)
    return Deps(
        settings=settings, clock=clock, store=MemoryStore(clock=clock), messenger_factory=lambda p: messenger
    )


def said(deps: Deps) -> None:
    event = MessagePosted(
        platform="wecom",
        tenant="corp",
        event_id="m1",
        occurred_at=T0,
        chat="wr1",
        user="lisi",
        message_id="m1",
        text="周会改到下午三点",
    )
    process(event, deps)


def setup_titles(deps: Deps) -> list[str]:
    messenger = deps.messenger("wecom")
    assert isinstance(messenger, RecordingMessenger)
    cards = [call["card"] for verb, call in messenger.calls if verb == "post_card"]
    return [card.title for card in cards if card.card_id.startswith("setup:")]


def test_a_group_nobody_named_is_named_by_its_members_in_the_notice_of_the_bots_arrival() -> None:
    deps = make(unnamed("zhangsan", "lisi", "wangwu"))
    said(deps)
    assert setup_titles(deps) == ["群管已加入「张三、李四、王五」"]
    group = deps.store.get_group(GID)
    assert group is not None and group.name == "张三、李四、王五" and group.named_by_members


@pytest.mark.parametrize(
    ("locale", "shown"),
    [
        ("zh-CN", "张三、李四、王五和另外2人"),
        ("zh-TW", "张三、李四、王五和另外2人"),
        ("en", "张三, 李四, 王五 and 2 others"),
    ],
)
def test_beyond_three_members_the_rest_are_counted_in_the_groups_language(locale: str, shown: str) -> None:
    deps = make(unnamed("zhangsan", "lisi", "wangwu", "zhaoliu", "qianqi"), locale=locale)
    said(deps)
    group = deps.store.get_group(GID)
    assert group is not None and group.name == shown


def test_members_whose_names_the_bot_does_not_know_are_counted_never_shown_by_id() -> None:
    # "wm-guest" has no name anywhere (the directory knows only its id); "wm-wang" is named by WeCom
    # itself (a customer group's member_list), "zhaoliu" by his record in the group.
    deps = make(unnamed("wm-guest", "wm-wang", "zhaoliu", given={"wm-wang": "王语嫣"}), names={})
    deps.store.put_member(MemberRecord(GID, "wecom:corp:zhaoliu", "zhaoliu", display_name="赵六"))
    said(deps)
    group = deps.store.get_group(GID)
    assert group is not None and group.name == "王语嫣、赵六和另外1人"


def test_a_member_the_directory_gives_no_name_is_called_by_their_alias() -> None:
    # A WeCom app made after 2022-06-20 gets no `name` from user/get: the id stands in for it, the alias not.
    deps = make(unnamed("zhangsan", "lisi"), names={"zhangsan": "张三"})
    messenger = deps.messenger("wecom")
    assert isinstance(messenger, RecordingMessenger)
    messenger.aliases["lisi"] = "Leo"
    said(deps)
    group = deps.store.get_group(GID)
    assert group is not None and group.name == "张三、Leo"


def test_a_group_none_of_whose_members_has_a_known_name_is_a_group_chat_of_so_many() -> None:
    deps = make(unnamed("u1", "u2", "u3", "u4"), locale="en", names={})
    said(deps)
    group = deps.store.get_group(GID)
    assert group is not None and group.name == "Group chat (4 members)"


def test_the_members_names_give_way_to_a_name_given_later_and_follow_the_members_until_then() -> None:
    deps = make(unnamed("zhangsan", "lisi"))
    said(deps)
    group = deps.store.get_group(GID)
    assert group is not None and group.name == "张三、李四"
    messenger = deps.messenger("wecom")
    assert isinstance(messenger, RecordingMessenger)
    messenger.groups["wr1"] = unnamed("zhangsan", "lisi", "wangwu")
    regrouped = describe(group, deps, T0 + DESCRIBE_EVERY)
    assert regrouped.name == "张三、李四、王五"
    messenger.groups["wr1"] = replace(unnamed("zhangsan", "lisi", "wangwu"), name="华东项目群")
    renamed = describe(regrouped, deps, T0 + 2 * DESCRIBE_EVERY)
    assert (renamed.name, renamed.named_by_members) == ("华东项目群", False)


def test_a_name_the_bot_has_is_never_replaced_by_the_members_names() -> None:
    deps = make(unnamed("zhangsan", "lisi"))
    group = GroupRecord(GID, "wecom", "corp", "wr1", name="研发部周会群")
    assert describe(group, deps, T0).name == "研发部周会群"
