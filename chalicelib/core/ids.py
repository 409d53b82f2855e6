"""Identifiers that carry platform and tenant, so ids from different messengers never collide.

`gid = {platform}:{tenant}:{chat}` names a group, `uid = {platform}:{tenant}:{user}` a member. People
a policy names (admins, approvers, owners, responders) are named by uid only: a bare native id would
match the same id on every platform and in every tenant.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, get_args

Platform = Literal["slack", "wecom", "dingtalk"]
PLATFORMS: tuple[Platform, ...] = get_args(Platform)


def group_id(platform: str, tenant: str, chat: str) -> str:
    return f"{platform}:{tenant}:{chat}"


def user_id(platform: str, tenant: str, user: str) -> str:
    return f"{platform}:{tenant}:{user}"


def split_id(qualified: str) -> tuple[str, str, str]:
    """Split a gid or uid into (platform, tenant, native id); the native id may itself hold colons."""
    platform, tenant, native = qualified.split(":", 2)
    return platform, tenant, native


def is_qualified(value: str) -> bool:
    """Whether `value` names one person on one platform and tenant: `platform:tenant:user`, the platform
    one of ours and neither part empty. A bare id (`zhangsan`) names nobody: the same native id exists on
    every platform and in every tenant."""
    parts = value.split(":", 2)
    return len(parts) == 3 and parts[0] in PLATFORMS and all(part.strip() for part in parts[1:])


def natives_in(ids: Iterable[str], platform: str, tenant: str) -> tuple[str, ...]:
    """The native ids, of `platform` and `tenant`, that a list of qualified ids names, in order and once
    each; ids of another platform or tenant, and bare ids, are left out."""
    found = [split_id(one)[2] for one in ids if is_qualified(one) and split_id(one)[:2] == (platform, tenant)]
    return tuple(dict.fromkeys(found))
