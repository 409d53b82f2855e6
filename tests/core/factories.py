"""Small factories for the moderation tests: events, policies and rule contexts with sane defaults."""

from __future__ import annotations

from typing import Any

from chalicelib.core.events import FileInfo, FileShared, MessagePosted
from chalicelib.core.policy import DEFAULT_ORG_POLICY, GroupPolicy, resolve
from chalicelib.core.rules.base import RuleContext

NOW = 1_750_000_000.0  # 2025-06-15, UTC
DAY = 86400.0


def policy(override: dict[str, Any] | None = None) -> GroupPolicy:
    return resolve(DEFAULT_ORG_POLICY, override)


def rules_override(**sections: dict[str, Any]) -> GroupPolicy:
    """A policy with some rule sections overridden: rules_override(flood={"mode": "shadow"})."""
    return policy({"rules": sections})


def message(text: str = "大家好", *, platform: str = "slack", **fields: Any) -> MessagePosted:
    base: dict[str, Any] = {
        "platform": platform,
        "tenant": "T1",
        "event_id": "ev-1",
        "occurred_at": NOW,
        "chat": "C1",
        "user": "U1",
        "message_id": "M1",
    }
    base.update(fields)
    return MessagePosted(text=text, **base)


def file_shared(name: str, *, caption: str = "", size: int | None = 1024, **fields: Any) -> FileShared:
    base: dict[str, Any] = {
        "platform": "wecom",
        "tenant": "T1",
        "event_id": "ev-f",
        "occurred_at": NOW,
        "chat": "C1",
        "user": "U1",
        "message_id": "MF",
    }
    base.update(fields)
    return FileShared(file=FileInfo(file_id="F1", name=name, size=size), caption=caption, **base)


def context(group_policy: GroupPolicy | None = None, **signals: Any) -> RuleContext:
    return RuleContext(policy=group_policy or policy(), now=NOW, **signals)
