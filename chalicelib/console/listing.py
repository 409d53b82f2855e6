"""The console's lists of groups, a page at a time, from the summaries the store keeps
(`chalicelib.store.summaries`), so that no page reads every group, member, case or assessment.

- Owners and auditors read every group: a page is one GSI1 Query of the groups by name
  (`Store.groups_by_name`, the URL carrying a cursor, `?after=` or `?before=`, and the page's number
  for show), the page's summaries in one BatchGetItem, and the org's rollup in one GetItem.
- A group admin reads their own few groups (`Viewer.administered`): sorted and paged in memory, their
  summaries in one BatchGetItem, the totals added up from them.
- `ReadableGroups` is the case queue's view of the groups: for owners and auditors it reads only the
  groups of the cards it shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from chalicelib.console.roles import Viewer
from chalicelib.console.web import View
from chalicelib.kernel.context import policies
from chalicelib.store import keys
from chalicelib.store.records import GroupRecord, GroupSummary
from chalicelib.store.summaries import known_admins

PAGE_SIZE = 25
CURSOR_CHARS = 400  # a sort key is a name of at most keys.NAME_KEY_CHARS and a gid


@dataclass(frozen=True)
class GroupRow:
    group: GroupRecord
    open_cases: int
    score: float | None
    members: int | None
    active: int | None
    admins: int
    last_active: float | None = None

    @property
    def label(self) -> str:
        return self.group.name or self.group.chat


@dataclass(frozen=True)
class GroupPage:
    """A page of groups, the links to the pages beside it (a query string, "" where there is none), and
    the totals of every group the viewer reads."""

    rows: list[GroupRow]
    number: int
    pages: int
    prev_query: str
    next_query: str
    total: int
    open_total: int
    no_admin: int


def name_key(group: GroupRecord) -> str:
    return keys.group_name_sk(group.name or group.chat, group.gid)


def rows_of(viewer: Viewer, groups: list[GroupRecord], found: dict[str, GroupSummary]) -> list[GroupRow]:
    """A row a group, from its summary; the admins its policy names are added to those the platform
    names (the policies not cached are read in one batch, `PolicyRepo.for_groups`)."""
    rows = []
    in_force = policies(viewer.deps).for_groups([group.gid for group in groups], viewer.now)
    for group in groups:
        summary = found.get(group.gid) or GroupSummary(group.gid)
        policy = in_force[group.gid]
        rows.append(
            GroupRow(
                group=group,
                open_cases=summary.open_cases,
                score=summary.score,
                members=summary.members,
                active=summary.active_members,
                admins=known_admins(group) + len(policy.admins),
                last_active=summary.last_active,
            )
        )
    return rows


def _number(view: View, pages: int) -> int:
    try:
        return min(max(1, int(view.query("page", "1"))), max(1, pages))
    except ValueError:
        return 1


def group_page(view: View) -> GroupPage:
    """The page of groups the URL asks for, of the groups the viewer may read."""
    viewer = view.viewer
    if viewer.reads_all:
        return _readers_page(view)
    return _admins_page(view, list(viewer.administered.values()))


def _readers_page(view: View) -> GroupPage:
    store = view.viewer.deps.store
    org = store.org_summary()
    after, before = view.query("after")[:CURSOR_CHARS], view.query("before")[:CURSOR_CHARS]
    found = store.groups_by_name(after=after if not before else "", before=before, limit=PAGE_SIZE + 1)
    if before:
        has_prev, has_next = len(found) > PAGE_SIZE, True
        shown = found[-PAGE_SIZE:]
    else:
        has_prev, has_next = bool(after), len(found) > PAGE_SIZE
        shown = found[:PAGE_SIZE]
    pages = max(1, -(-org.groups // PAGE_SIZE))
    number = 1 if not (after or before) else _number(view, pages)
    if has_next:
        pages = max(pages, number + 1)
    prev_query = (
        urlencode({"before": name_key(shown[0]), "page": max(1, number - 1)}) if has_prev and shown else ""
    )
    next_query = urlencode({"after": name_key(shown[-1]), "page": number + 1}) if has_next and shown else ""
    no_admin = 0 if view.viewer.org_policy().admins else org.no_admin
    summaries = store.group_summaries([group.gid for group in shown])
    return GroupPage(
        rows=rows_of(view.viewer, shown, summaries),
        number=number,
        pages=pages,
        prev_query=prev_query,
        next_query=next_query,
        total=org.groups,
        open_total=org.open_cases,
        no_admin=no_admin,
    )


def _admins_page(view: View, groups: list[GroupRecord]) -> GroupPage:
    everything = sorted(groups, key=name_key)
    pages = max(1, -(-len(everything) // PAGE_SIZE))
    number = _number(view, pages)
    summaries = view.viewer.deps.store.group_summaries([group.gid for group in everything])
    rows = rows_of(view.viewer, everything, summaries)
    return GroupPage(
        rows=rows[(number - 1) * PAGE_SIZE : number * PAGE_SIZE],
        number=number,
        pages=pages,
        prev_query=urlencode({"page": number - 1}) if number > 1 else "",
        next_query=urlencode({"page": number + 1}) if number < pages else "",
        total=len(everything),
        open_total=sum(row.open_cases for row in rows),
        no_admin=sum(1 for row in rows if row.admins == 0),
    )


def first_groups(viewer: Viewer, limit: int) -> list[GroupRecord]:
    """The groups a picker offers: the first `limit` by name of those the viewer reads (one Query)."""
    if viewer.reads_all:
        return viewer.deps.store.groups_by_name(limit=limit)
    return sorted(viewer.administered.values(), key=name_key)[:limit]


class ReadableGroups(dict[str, GroupRecord]):
    """The groups the viewer may read, by gid, as the case queue asks for them: a group admin's are all
    here; for owners and auditors every group is readable, and each is read when first asked for
    (`load` reads a page's in one batch)."""

    def __init__(self, viewer: Viewer, groups: Iterable[GroupRecord] | None = None) -> None:
        self.lazy = groups is None and viewer.reads_all
        self.viewer = viewer
        super().__init__(
            {} if self.lazy else {group.gid: group for group in (groups or viewer.administered.values())}
        )

    def __contains__(self, gid: object) -> bool:
        return self.lazy or super().__contains__(gid)

    def __bool__(self) -> bool:
        return self.lazy or len(self) > 0

    def __missing__(self, gid: str) -> GroupRecord:
        group = self.viewer.deps.store.get_group(gid) if self.lazy else None
        if group is None:
            raise KeyError(gid)
        self[gid] = group
        return group

    def load(self, gids: Iterable[str]) -> None:
        """Read the groups of `gids` not read yet, in one batch."""
        wanted = [gid for gid in dict.fromkeys(gids) if dict.get(self, gid) is None]
        if self.lazy and wanted:
            self.update(self.viewer.deps.store.get_groups(wanted))
