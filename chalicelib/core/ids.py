"""Identifiers that carry platform and tenant, so ids from different messengers never collide.

`gid = {platform}:{tenant}:{chat}` names a group, `uid = {platform}:{tenant}:{user}` a member.
"""

from __future__ import annotations

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
