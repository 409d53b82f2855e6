"""How the bot names groups and people in what it writes: by name wherever a name is known, never by a
raw id where one is, and never "this group" in a private message. Pure.

A name comes from the platform (Slack conversations.info and users.info, WeCom appchat/get and
groupchat/get, DingTalk conversationTitle, senderNick and the directory); the id is the last resort.
"""

from __future__ import annotations


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


def listed(items: tuple[str, ...] | list[str], limit: int = 8, separator: str = ", ") -> str:
    """A list as a line: its first `limit` items, and "…" for the rest (a refusal names a few of the 33
    allowed file types, not all of them)."""
    shown = separator.join(items[:limit])
    return f"{shown}{separator}…" if len(items) > limit else shown


__all__ = ["group_label", "listed", "person_label"]
