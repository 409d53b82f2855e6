"""`/console/people/<uid>`: one person across every group and messenger (their linked identities, each
group's cases, mutes and acknowledgements from their ledgers, their points in each group, and their
sanctions), as `person @member` shows it in chat (`chalicelib.persons.history`).

Who sees what, decided on the server:
- owners and auditors, and the person themself (any of their identities signed in): everything;
- a group admin, where the org policy lets admins see histories (`people.history: admins`, as the chat
  command): only the rows of the groups they administer, and only the identities seen there; a person
  with nothing in their groups is not theirs to look up (403, as for an admin of another group);
- anyone else: 403.

Reads: the person (one item), each identity's ledger (a Query each), the sanctions (a Query), the
groups the identities belong to (a Query each), the groups the page names and the member records (a
batch each). Times are in each row's group's time zone; people and groups by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalicelib.console.names import name_of
from chalicelib.console.roles import Forbidden, NotFound
from chalicelib.core.engine import rule_label
from chalicelib.core.ids import is_qualified, split_id
from chalicelib.core.localtime import local
from chalicelib.http import Reply
from chalicelib.kernel.context import policies
from chalicelib.store.records import GroupRecord

if TYPE_CHECKING:
    from chalicelib.console.roles import Viewer
    from chalicelib.console.web import View
    from chalicelib.persons.records import Sanction

MAX_ROWS = 200


@dataclass(frozen=True)
class Identity:
    uid: str
    platform: str
    name: str


@dataclass(frozen=True)
class HistoryRow:
    when: str
    group: GroupRecord | None
    group_label: str
    what: str  # the rule (a case), or the kind of entry, in the viewer's words
    kind: str  # case | mute | ack | ...
    points: float | None
    ref: str


@dataclass(frozen=True)
class GroupPoints:
    group: GroupRecord
    points: float


@dataclass(frozen=True)
class SanctionRow:
    kind: str
    scope: str
    target: str
    reason: str
    since: str
    until: str
    lifted: bool


def person_page(view: View) -> Reply:
    viewer = view.viewer
    uid = view.param("uid")
    if not is_qualified(uid):
        raise NotFound(uid)
    from chalicelib.persons.repository import PersonRepo

    repo = PersonRepo(viewer.deps.store)
    person = repo.person_of(uid)
    identities = tuple(person.identities) if person is not None and person.identities else (uid,)
    everything = viewer.reads_all or viewer.uid in identities
    allowed = None if everything else _admin_groups(viewer)
    if not viewer.reads_all:
        _ = viewer.administered  # the role the navigation shows: a group admin looking at themself
    store = viewer.deps.store
    ledger = repo.ledger(identities)
    member_of = {identity: store.groups_of_member(identity) for identity in identities}
    every_sanction = repo.sanctions(person.pid) if person is not None else []
    named = [str(entry.get("gid", "")) for entry in ledger]
    named += [gid for gids in member_of.values() for gid in gids]
    named += [gid for s in every_sanction for gid in (s.gid, s.target if s.scope == "group" else "")]
    groups = store.get_groups([gid for gid in named if gid])  # the groups the page names, in one batch
    rows = _rows(view, ledger, groups, allowed)
    points = _points(viewer, member_of, groups, allowed)
    if allowed is not None and not rows and not points:
        raise Forbidden(uid)  # nothing of this person in the admin's groups: not theirs to look up
    sanctions = [
        _sanction_row(viewer, sanction, groups)
        for sanction in every_sanction
        if allowed is None or sanction.gid in allowed
    ]
    seen = {uid} | {f"{p.group.platform}:{p.group.tenant}" for p in points}
    shown = [
        Identity(one, split_id(one)[0], name_of(viewer.deps, one))
        for one in identities
        if allowed is None or one == uid or ":".join(split_id(one)[:2]) in seen
    ]
    return view.render(
        "person.html",
        active="groups" if viewer.role != "member" else "me",
        name=name_of(viewer.deps, uid),
        uid=uid,
        identities=shown,
        rows=rows[:MAX_ROWS],
        more=max(0, len(rows) - MAX_ROWS),
        points=points,
        sanctions=sanctions,
        partial_view=allowed is not None,
    )


def _admin_groups(viewer: Viewer) -> set[str]:
    """The groups whose rows a group admin sees: those they administer, where admins see histories."""
    if policies(viewer.deps).org().people.history != "admins":
        raise Forbidden("history is for owners")
    allowed = set(viewer.administered)
    if not allowed:
        raise Forbidden("no group")
    return allowed


def _offset(viewer: Viewer, gid: str) -> float:
    return policies(viewer.deps).for_group(gid, viewer.now).jobs.utc_offset_hours


def _rows(
    view: View, entries: list[dict[str, object]], groups: dict[str, GroupRecord], allowed: set[str] | None
) -> list[HistoryRow]:
    viewer = view.viewer
    rows = []
    for entry in entries:
        gid = str(entry.get("gid", ""))
        if allowed is not None and gid not in allowed:
            continue
        kind = str(entry.get("kind", ""))
        group = groups.get(gid)
        points = entry.get("points")
        rows.append(
            HistoryRow(
                when=local(float(str(entry.get("at", 0.0))), _offset(viewer, gid) if group else 0.0),
                group=group,
                group_label=(group.name or group.chat) if group else "–",
                what=rule_label(view.locale, str(entry.get("rule", ""))) if kind == "case" else "",
                kind=kind,
                points=float(str(points)) if points is not None else None,
                ref=str(entry.get("ref", "")) if kind == "case" else "",
            )
        )
    return rows


def _points(
    viewer: Viewer, member_of: dict[str, list[str]], groups: dict[str, GroupRecord], allowed: set[str] | None
) -> list[GroupPoints]:
    """The person's points in each group they are a member of (of the admin's groups, for an admin):
    their member records read in one batch."""
    pairs = [
        (gid, identity)
        for identity, gids in member_of.items()
        for gid in gids
        if gid in groups and (allowed is None or gid in allowed)
    ]
    members = viewer.deps.store.get_members_in(pairs)
    found = []
    for pair in pairs:
        member = members.get(pair)
        if member is not None:
            found.append(GroupPoints(groups[pair[0]], member.points))
    return sorted(found, key=lambda row: (row.group.name or row.group.chat).lower())


def _sanction_row(viewer: Viewer, sanction: Sanction, groups: dict[str, GroupRecord]) -> SanctionRow:
    offset = _offset(viewer, sanction.gid) if sanction.gid in groups else 0.0
    target = groups.get(sanction.target) if sanction.scope == "group" else None
    return SanctionRow(
        kind=sanction.kind,
        scope=sanction.scope,
        target=(target.name or target.chat) if target else sanction.target,
        reason=sanction.reason,
        since=local(sanction.at, offset),
        until=local(sanction.until, offset),
        lifted=sanction.lifted_at is not None,
    )
