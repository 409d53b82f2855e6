"""The person's records: the person, an identity's pointer to them, and a sanction.

A sanction is a `ban` (refused at the join gate of every group in its scope) or a `watch` (let in, the
admins told), scoped to one group (`group`, its gid), the groups of a tag (`tag`, e.g. `project:apollo`),
or the whole org (`org`). It always has a reason and an expiry; lifting it (by `unban`, a reversed
appeal, or an operator) is recorded on it, never by deleting it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

Kind = Literal["ban", "watch"]
Scope = Literal["group", "tag", "org"]
KINDS: tuple[Kind, ...] = ("ban", "watch")
SCOPES: tuple[Scope, ...] = ("group", "tag", "org")


@dataclass(frozen=True)
class Sanction:
    sid: str
    pid: str
    kind: Kind
    scope: Scope
    target: str  # the gid (group scope), the tag (tag scope), "" (org)
    reason: str
    by: str  # the uid of who imposed it
    at: float
    until: float
    gid: str  # the group it was imposed in (where its case, and so its appeal, lives)
    uid: str  # the identity it was imposed on
    case_ref: str = ""
    lifted_at: float | None = None
    lifted_by: str = ""
    lifted_why: str = ""  # unban | appeal | operator

    def active(self, now: float) -> bool:
        return self.lifted_at is None and now < self.until

    def covers(self, gid: str, tags: tuple[str, ...]) -> bool:
        if self.scope == "org":
            return True
        if self.scope == "tag":
            return self.target in tags
        return self.target == gid

    def summary(self) -> dict[str, Any]:
        """What an identity's pointer carries for the join gate (org and tag scopes only)."""
        return {
            "sid": self.sid,
            "kind": self.kind,
            "scope": self.scope,
            "target": self.target,
            "until": self.until,
            "reason": self.reason,
            "gid": self.gid,
            "case_ref": self.case_ref,
        }

    def lifted(self, *, by: str, at: float, why: str) -> Sanction:
        return replace(self, lifted_at=at, lifted_by=by, lifted_why=why)

    def data(self) -> dict[str, Any]:
        """Its attributes; `lifted_*` absent until lifted (the lifting is a conditional update on that)."""
        return {key: value for key, value in asdict(self).items() if value is not None}

    @classmethod
    def of(cls, data: dict[str, Any]) -> Sanction:
        names = cls.__dataclass_fields__
        return cls(**{key: value for key, value in data.items() if key in names})


@dataclass(frozen=True)
class GateSanction:
    """A sanction as the join gate reads it from an identity's pointer."""

    sid: str
    kind: Kind
    scope: Scope
    target: str
    until: float
    reason: str
    gid: str
    case_ref: str = ""

    def applies(self, gid: str, tags: tuple[str, ...], now: float) -> bool:
        if now >= self.until:
            return False
        return self.scope == "org" or (self.scope == "tag" and self.target in tags) or self.target == gid

    @classmethod
    def of(cls, data: dict[str, Any]) -> GateSanction:
        return cls(
            sid=str(data.get("sid", "")),
            kind="watch" if data.get("kind") == "watch" else "ban",
            scope=data["scope"] if data.get("scope") in SCOPES else "org",
            target=str(data.get("target", "")),
            until=float(data.get("until", 0.0)),
            reason=str(data.get("reason", "")),
            gid=str(data.get("gid", "")),
            case_ref=str(data.get("case_ref", "")),
        )


@dataclass(frozen=True)
class Pointer:
    """An identity's (or a contact digest's) link to its person, with the person's wide sanctions."""

    pid: str
    via: str  # directory | admin | sanction | seen
    sanctions: tuple[GateSanction, ...] = ()

    def applying(self, gid: str, tags: tuple[str, ...], now: float) -> list[GateSanction]:
        return [s for s in self.sanctions if s.applies(gid, tags, now)]


@dataclass(frozen=True)
class Person:
    pid: str
    created_at: float
    identities: tuple[str, ...] = ()
    contacts: tuple[str, ...] = ()
    links: tuple[dict[str, Any], ...] = ()  # how each identity was linked: {uid, via, by, at}
    hold: dict[str, Any] | None = None  # a legal hold: {reason, by, at}
    erased_at: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def data(self) -> dict[str, Any]:
        return {
            "pid": self.pid,
            "created_at": self.created_at,
            "identities": list(self.identities),
            "contacts": list(self.contacts),
            "links": list(self.links),
            "hold": self.hold,
            "erased_at": self.erased_at,
        }

    @classmethod
    def of(cls, data: dict[str, Any]) -> Person:
        return cls(
            pid=str(data["pid"]),
            created_at=float(data.get("created_at", 0.0)),
            identities=tuple(data.get("identities") or ()),
            contacts=tuple(data.get("contacts") or ()),
            links=tuple(data.get("links") or ()),
            hold=data.get("hold") or None,
            erased_at=data.get("erased_at"),
        )
