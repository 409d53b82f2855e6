"""How every command is used: its syntax, an example and what it does, in the reader's language (issue 16,
item 5). `help <command>` shows it; a command that needs arguments and got none shows it instead of
failing; an unknown command gets the nearest known one ("did you mean"); chatter addressed to the bot
that is no command gets a short pointer, privately.

`USAGE` is the one table: name -> (syntax, example, needs arguments). Placeholders in angle brackets are
named in the reader's language (`<member>` reads `<成员>`); in examples `{m}` is a person and `{t}` some
text. What each command does is `help.cmd.<name>` in the catalogue. A test checks that every registered
command has a row here and a description there.
"""

from __future__ import annotations

import difflib
import re

from chalicelib.i18n import t

# name: (syntax after the command, example after the command, needs arguments)
USAGE: dict[str, tuple[str, str, bool]] = {
    "help": ("[<command>]", "mute", False),
    "report": ("@<member> <reason>", "@{m} {t}", True),
    "appeal": ("<case> <reason>", "3f2a9c1d0b7e4a55 {t}", True),
    "publish": ("[--expires 3d] <text> | approve <ref> | reject <ref> <reason>", "{t}", True),
    "suggest": ("[--anonymous] <text> | list", "--anonymous {t}", True),
    "poll": (
        '[--closes 2d] "<question>" <option> <option> ... | results [<ref>] | close <ref>',
        '"{t}" A B',
        True,
    ),
    "discussion": (
        "<when> [--remind 1h,10m] <topic> | status | attend <ref> | decline <ref>",
        "15:00 {t}",
        False,
    ),
    "remind": ("on | off", "off", False),
    "files": ("[<words>]", "{t}", False),
    "file": ("<id> | note <id> <text> | log <id> | upload", "F0001", True),
    "slowmode": ("[status] | on [10m] | off", "on 10m", False),
    "handle": ("<case> warn|mute|remove|dismiss|uphold|reverse", "3f2a9c1d0b7e4a55 dismiss", True),
    "pending": ("", "", False),
    "open": ("", "", False),
    "warn": ("@<member> <reason>", "@{m} {t}", True),
    "mute": ("@<member> [30m|2h|1d]", "@{m} 30m", True),
    "unmute": ("@<member>", "@{m}", True),
    "remove": ("@<member>", "@{m}", True),
    "kick": ("@<member>", "@{m}", True),
    "ban": ("@<member> [--scope group|org|tag:<tag>] [--for 30d] [<reason>]", "@{m} --for 30d {t}", True),
    "unban": ("@<member> [--scope group|org|tag:<tag>]", "@{m}", True),
    "watch": ("@<member> [--scope group|org|tag:<tag>] [--for 30d] [<reason>]", "@{m} --for 30d", True),
    "unwatch": ("@<member> [--scope group|org|tag:<tag>]", "@{m}", True),
    "person": ("@<member> | link @<member> <id>", "@{m}", True),
    "mydata": ("", "", False),
    "pass": ("@<member>", "@{m}", True),
    "cases": ("@<member>", "@{m}", True),
    "policy": ("[set <path> <value>]", "set rules.flood.max_messages 6", False),
    "admins": ("list | add @<member> | remove @<member>", "add @{m}", True),
    "enable": ("", "", False),
    "disable": ("", "", False),
    "create": ("<name> @<member> ...", "{t} @{m}", True),
    "sync": ("", "", False),
    "guest": ("add @<member> [<days>|YYYY-MM-DD] | remove @<member> | list", "add @{m} 30", True),
    "away": ("@<member> <days>|YYYY-MM-DD", "@{m} 14", True),
    "unacked": ("", "", False),
    "approve": ("@<member>", "@{m}", True),
    "reject": ("@<member>", "@{m}", True),
    "announce": ("[--ack] [--expires 3d] <text> | status [<ref>] | withdraw <ref>", "--ack {t}", True),
    "correct": ("[--unverified] <link> <note>", "https://… {t}", True),
    "incident": ("open <severity> <summary> | update <text> | close <summary>", "open high {t}", False),
    "revision": (
        "propose <path>=<value> [-- <why>] | approve|reject|pilot|rollout|rollback <ref>",
        "propose rules.flood.max_messages=6",
        False,
    ),
}

PLACEHOLDERS: dict[str, dict[str, str]] = {
    "zh-CN": {
        "member": "成员", "reason": "原因", "text": "内容", "case": "案件号", "ref": "编号", "id": "文件号",
        "command": "命令", "question": "问题", "option": "选项", "when": "时间", "topic": "主题",
        "words": "关键词", "path": "路径", "value": "值", "name": "群名", "days": "天数",
        "severity": "级别", "summary": "摘要", "note": "说明", "link": "消息链接",
        "tag": "标签", "why": "理由",
    },
    "zh-TW": {
        "member": "成員", "reason": "原因", "text": "內容", "case": "案件號", "ref": "編號", "id": "檔案號",
        "command": "指令", "question": "問題", "option": "選項", "when": "時間", "topic": "主題",
        "words": "關鍵字", "path": "路徑", "value": "值", "name": "群組名", "days": "天數",
        "severity": "級別", "summary": "摘要", "note": "說明", "link": "訊息連結",
        "tag": "標籤", "why": "理由",
    },
    "en": {},
}  # fmt: skip
EXAMPLE_WORDS = {
    "zh-CN": {"m": "张三", "t": "周五全员大会"},
    "zh-TW": {"m": "張三", "t": "週五全員大會"},
    "en": {"m": "alice", "t": "all-hands-on-Friday"},
}
# How alike a typo and a command must be (difflib's ratio): `mtue`/`mute` and `warm`/`warn` are 0.75, while
# words that merely share letters with a command (`dance`/`announce`, 0.62) are chatter, not typos.
CLOSE_ENOUGH = 0.7
_PLACEHOLDER = re.compile(r"<([a-z]+)>")


def known(name: str) -> bool:
    return name in USAGE


def needs_arguments(name: str) -> bool:
    return name in USAGE and USAGE[name][2]


def _localised(syntax: str, locale: str) -> str:
    names = PLACEHOLDERS.get(locale, {})
    return _PLACEHOLDER.sub(lambda m: f"<{names.get(m.group(1), m.group(1))}>", syntax)


def usage_line(name: str, prefix: str, locale: str) -> str:
    """`/qg mute @<member> [30m|2h|1d]` in the reader's words."""
    syntax = _localised(USAGE[name][0], locale) if name in USAGE else ""
    return f"{prefix} {name} {syntax}".rstrip()


def example_line(name: str, prefix: str, locale: str) -> str:
    example = USAGE[name][1] if name in USAGE else ""
    words = EXAMPLE_WORDS.get(locale, EXAMPLE_WORDS["en"])
    return f"{prefix} {name} {example.format(**words)}".rstrip()


def command_help(name: str, prefix: str, locale: str) -> str:
    """What `help <name>` shows: what it does, how to use it, an example."""
    return t(
        locale,
        "help.command",
        what=t(locale, f"help.cmd.{name}"),
        usage=usage_line(name, prefix, locale),
        example=example_line(name, prefix, locale),
    )


def nearest(name: str, names: list[str]) -> str | None:
    """The known command a mistyped one most likely meant (`mtue` -> `mute`), if any is close."""
    found = difflib.get_close_matches(name.lower(), names, n=1, cutoff=CLOSE_ENOUGH)
    return found[0] if found else None


__all__ = ["USAGE", "command_help", "example_line", "known", "nearest", "needs_arguments", "usage_line"]
