"""The items the store keeps, as frozen dataclasses. The store maps them to and from table items."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class GroupRecord:
    gid: str
    platform: str
    tenant: str
    chat: str
    name: str = ""
    enabled: bool = True
    locale: str | None = None
    app_created: bool = False
    created_at: float = 0.0


@dataclass(frozen=True)
class MemberRecord:
    gid: str
    uid: str
    user: str
    display_name: str = ""
    role: str = "member"
    last_active: float | None = None
    joined_at: float | None = None
    points: float = 0.0
    locale: str | None = None


@dataclass(frozen=True)
class AuditRecord:
    """One decision that was carried out (or recorded in shadow mode): what happened and why."""

    gid: str
    audit_id: str
    at: float
    event_type: str
    actor: str
    actions: tuple[str, ...]
    outcome: str = "done"
    detail: dict[str, Any] = field(default_factory=dict)
    expires_at: int | None = None
