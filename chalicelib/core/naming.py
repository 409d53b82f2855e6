"""How the bot names groups and people in what it writes: by name wherever a name is known, never by a
raw id where one is, and never "this group" in a private message. Pure.

A name comes from the platform (Slack conversations.info and users.info, WeCom appchat/get and
groupchat/get, DingTalk conversationTitle, senderNick and the directory); the id is the last resort. A
group nobody named (WeCom answers an empty name) is called by its members' names, as WeCom's own clients
call it (`members_label`).
"""

from __future__ import annotations

from collections.abc import Sequence

from chalicelib.i18n import t

NAMED_MEMBERS = 3  # the members a group nobody named is called by; the rest are counted


def person_label(user: str, name: str = "") -> str:
    """A person as admins and members read them: their name, else their id."""
    shown = name.strip()
    return shown if shown else user


def group_label(platform: str, chat: str, name: str = "") -> str:
    """A group as its members know it: Slack's `#channel` (a channel name has no spaces; a name with
    spaces is a title someone gave it, shown as is), elsewhere its title; else its id."""
    shown = name.strip()
    if not shown:
        return chat
    channel = platform == "slack" and not shown.startswith("#") and not any(c.isspace() for c in shown)
    return f"#{shown}" if channel else shown


def members_label(names: Sequence[str], total: int, locale: str) -> str:
    """A group nobody named, as its members read it: the first members' names joined ("张三、李四、王五",
    "Zhang San, Li Si, Wang Wu"), then how many others it has ("…和另外2人", "… and 2 others"); "群聊（5人）"
    when the bot knows none of their names. `names` are the names known of its first members, in the
    platform's order; `total` how many members it has. Never an id."""
    shown = [name.strip() for name in names if name.strip()][:NAMED_MEMBERS]
    total = max(total, len(shown))
    if not shown:
        return t(locale, "group.members.unknown", total=total)
    joined = t(locale, "group.members.separator").join(shown)
    others = total - len(shown)
    if not others:
        return joined
    if others == 1:
        return t(locale, "group.members.and_one", names=joined)
    return t(locale, "group.members.and_others", names=joined, others=others)


def listed(items: tuple[str, ...] | list[str], limit: int = 8, separator: str = ", ") -> str:
    """A list as a line: its first `limit` items, and "…" for the rest (a refusal names a few of the 33
    allowed file types, not all of them)."""
    shown = separator.join(items[:limit])
    return f"{shown}{separator}…" if len(items) > limit else shown


__all__ = ["NAMED_MEMBERS", "group_label", "listed", "members_label", "person_label"]
