"""The items the store keeps, as frozen dataclasses. The store maps them to and from table items."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class GroupRecord:
    """A group the bot is in. `admins` are the platform's admins of it, as native ids (owner, creator,
    sub-admins, whoever added the bot, senders the platform marked admin); `added_admins` and
    `removed_admins` are the overrides of `admins add|remove`; `org_admins` are the organisation's admins,
    told when the group has none of its own. `described_at` is when the platform last described it.
    `named_by_members`: nobody named the group on the platform, and `name` is its members' names as the
    bot composed them (`chalicelib.kernel.group_info.named`), composed again at each description."""

    gid: str
    platform: str
    tenant: str
    chat: str
    name: str = ""
    enabled: bool = True
    locale: str | None = None
    app_created: bool = False
    created_at: float = 0.0
    admins: tuple[str, ...] = ()
    added_admins: tuple[str, ...] = ()
    removed_admins: tuple[str, ...] = ()
    org_admins: tuple[str, ...] = ()
    described_at: float = 0.0
    named_by_members: bool = False


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
    points_at: float | None = None
    locale: str | None = None
    ads_pass: bool = False


@dataclass(frozen=True)
class GroupSummary:
    """What the console's overview shows of a group, kept up to date where the data changes
    (`chalicelib.store.summaries`): its members (not former ones), when one of them last spoke, its open
    admin cards, its latest assessment, and how many admins the platform names (after `admins add|remove`).
    """

    gid: str
    members: int = 0
    last_active: float | None = None
    open_cases: int = 0
    score: float | None = None
    period: str = ""
    active_members: int | None = None
    admins: int = 0


@dataclass(frozen=True)
class OrgSummary:
    """The org's rollup of the group summaries: groups, open admin cards, groups with no known admin."""

    groups: int = 0
    open_cases: int = 0
    no_admin: int = 0


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


@dataclass(frozen=True)
class Item:
    """A generic item of the table, for the domains that keep their own records (cases, join requests,
    announcements, ...) through their repositories. `data` holds the attributes other than the keys and
    `expires_at`; values are JSON-like (str, int, float, bool, lists, dicts)."""

    pk: str
    sk: str
    data: dict[str, Any] = field(default_factory=dict)
    gsi1: tuple[str, str] | None = None
    gsi2: tuple[str, str] | None = None
    expires_at: int | None = None


@dataclass(frozen=True)
class Increment:
    """Add `amount` to the numeric attribute `attribute` of an item (creating it at 0), and set `also`."""

    pk: str
    sk: str
    attribute: str
    amount: float
    also: dict[str, Any] = field(default_factory=dict)
