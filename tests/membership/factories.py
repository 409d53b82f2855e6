"""Small factories for the membership tests: settings with overrides, people, groups."""

from __future__ import annotations

from typing import Any

from chalicelib.adapters.base import DirectoryUser
from chalicelib.membership.settings import MembershipSettings
from chalicelib.membership.views import GroupView, Person

NOW = 1_750_000_000.0  # 2025-06-15, UTC
DAY = 86400.0
HOUR = 3600.0
GID = "slack:T1:C1"


def settings(**sections: dict[str, Any]) -> MembershipSettings:
    """`settings(join={"unqualified": "remove"})`: the defaults with some sections overridden."""
    return MembershipSettings.model_validate(sections)


def employee(user: str = "U1", name: str = "张三", **fields: Any) -> DirectoryUser:
    return DirectoryUser(user=user, name=name, **fields)


def person(user: str = "U1", label: str = "张三") -> Person:
    return Person(user=user, uid=f"slack:T1:{user}", label=label)


def group(**fields: Any) -> GroupView:
    values: dict[str, Any] = {
        "gid": GID,
        "chat": "C1",
        "label": "项目周会",
        "locale": "en",
        "can_remove": True,
        "can_post": True,
        "admins": ("UADMIN",),
        "approvers": ("UAPPROVER",),
    }
    values.update(fields)
    return GroupView(**values)
