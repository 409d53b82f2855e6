"""Help that helps (issue 16, item 5): `help <command>` gives the usage and an example of every command;
an unknown command gets the one it likely meant; chatter addressed to the bot gets a short pointer in
private (on DingTalk and WeCom a direct message, never a reply in the group); a command that needs
arguments and got none shows its usage; member help lists `files` and `file <id>`."""

from __future__ import annotations

from dataclasses import replace

import pytest

from chalicelib.bootstrap import Deps
from chalicelib.clock import FrozenClock
from chalicelib.core.events import CommandIssued, MessagePosted
from chalicelib.core.ids import Platform
from chalicelib.i18n import LOCALES, catalogue
from chalicelib.kernel.usage import USAGE, command_help
from chalicelib.settings import Settings
from chalicelib.store.memory import MemoryStore
from chalicelib.store.records import GroupRecord
from chalicelib.worker.pipeline import process
from chalicelib.worker.registry import registry
from tests.support.messenger import RecordingMessenger

T0 = 1_700_000_000.0


def make(platform: Platform = "slack") -> tuple[Deps, RecordingMessenger]:
    messenger = RecordingMessenger(platform=platform)
    clock = FrozenClock(T0)
    deps = Deps(
        settings=Settings(_env_file=None, qg_default_locale="zh-CN"),
        clock=clock,
        store=MemoryStore(clock=clock),
        messenger_factory=lambda p: messenger,
    )
    return deps, messenger


def slash(text: str, *, chat: str = "C1") -> CommandIssued:
    name, *args = text.split()
    return CommandIssued(
        platform="slack",
        tenant="T1",
        event_id=f"e-{text}",
        occurred_at=T0,
        chat=chat,
        user="U1",
        name=name,
        args=tuple(args),
        text=text,
        reply_url="https://hooks.example/r",
    )


def mention(text: str, platform: Platform) -> MessagePosted:
    return MessagePosted(
        platform=platform,
        tenant="T1",
        event_id=f"m-{text}",
        occurred_at=T0,
        chat="cid1",
        user="wangwu",
        message_id=f"m-{text}",
        text=text,
        mentions_bot=True,
        reply_url="https://hooks.example/session",
    )


def texts(messenger: RecordingMessenger) -> list[str]:
    return [str(kwargs.get("text", "")) for _, kwargs in messenger.calls]


def test_every_command_has_a_usage_an_example_and_a_description_in_every_language() -> None:
    assert set(registry().commands) <= set(USAGE)
    for name in registry().commands:
        assert f"help.cmd.{name}" in catalogue()
        for locale in LOCALES:
            shown = command_help(name, "/qg", locale)
            assert f"/qg {name}" in shown


@pytest.mark.parametrize("name", ["mute", "incident", "files", "admins"])
def test_help_with_a_command_shows_its_usage_and_an_example(name: str) -> None:
    deps, messenger = make()
    process(slash(f"help {name}"), deps)
    (answer,) = texts(messenger)
    assert "用法：" in answer and "例如：" in answer and f"/qg {name}" in answer


def test_the_usage_names_its_placeholders_in_the_readers_language() -> None:
    assert "/qg mute @<成员> [30m|2h|1d]" in command_help("mute", "/qg", "zh-CN")
    assert "/qg mute @<member> [30m|2h|1d]" in command_help("mute", "/qg", "en")
    assert "/qg mute @张三 30m" in command_help("mute", "/qg", "zh-CN")


def test_a_mistyped_command_gets_the_one_it_likely_meant() -> None:
    deps, messenger = make()
    process(slash("mtue <@U2>"), deps)
    (answer,) = texts(messenger)
    assert "mtue" in answer and "「mute」" in answer and "/qg mute @<成员>" in answer


def test_help_about_an_unknown_command_suggests_too() -> None:
    deps, messenger = make()
    process(slash("help mtue"), deps)
    assert "「mute」" in texts(messenger)[0]


@pytest.mark.parametrize("platform", ["dingtalk", "wecom"])
def test_chatter_to_the_bot_in_a_group_gets_a_pointer_as_a_direct_message(platform: Platform) -> None:
    deps, messenger = make(platform)
    process(mention("谢谢", platform), deps)
    assert messenger.verbs() == ["send_direct"]  # never a reply in the group
    (_, call) = messenger.calls[0]
    assert call["user"] == "wangwu" and "@qunguan help" in call["text"]


@pytest.mark.parametrize("command", ["warn", "report", "appeal", "ban", "announce"])
def test_a_command_that_needs_arguments_shows_its_usage_when_they_are_missing(command: str) -> None:
    deps, messenger = make()
    process(slash(command), deps)
    (answer,) = texts(messenger)
    assert "需要参数" in answer and f"/qg {command}" in answer and "例如：" in answer


def test_incident_alone_with_nothing_open_says_how_to_open_one() -> None:
    deps, messenger = make()
    deps.store.put_group(
        GroupRecord(gid="slack:T1:C1", platform="slack", tenant="T1", chat="C1", admins=("U1",))
    )
    process(slash("incident"), deps)
    assert "incident open" in texts(messenger)[-1]


def test_member_help_lists_the_files_commands() -> None:
    deps, messenger = make()
    process(slash("help"), deps)
    (answer,) = texts(messenger)
    assert "files" in answer and "file 文件号" in answer


def test_times_in_answers_are_in_the_group_time_zone_labelled() -> None:
    deps, messenger = make()
    deps.store.put_group(
        GroupRecord(gid="slack:T1:C1", platform="slack", tenant="T1", chat="C1", admins=("U1",))
    )
    process(slash("incident open high 支付接口超时"), deps)
    messenger.calls.clear()
    process(replace(slash("incident"), event_id="e-incident-2"), deps)  # what is open, and since when
    assert "2023-11-15 06:13 (UTC+8)" in texts(messenger)[-1]  # T0 is 22:13 UTC
