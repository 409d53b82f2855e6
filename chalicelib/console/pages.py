"""The signed-in pages: overview, groups, a group, the case queue (with its actions) and a member's own
page. Each reads only what the viewer may read (`chalicelib.console.roles`), by key or index query."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from chalicelib.console import actions, requests
from chalicelib.console.names import names_in
from chalicelib.console.roles import Forbidden, Viewer
from chalicelib.console.web import Redirect, View
from chalicelib.core.policy import diff
from chalicelib.http import Reply
from chalicelib.kernel.context import policies
from chalicelib.kernel.open_requests import OpenRequest
from chalicelib.moderation.cases import Case, CaseRepo
from chalicelib.moderation.followups import FollowUp, FollowUps, still_open
from chalicelib.store import keys
from chalicelib.store.records import GroupRecord

PAGE_SIZE = 25
ROW_READERS = 8  # boto3's clients are thread-safe; a page's rows are read eight at a time
RECENT = 20


@dataclass(frozen=True)
class GroupRow:
    group: GroupRecord
    open_cases: int
    score: float | None
    members: int | None
    active: int | None
    admins: int

    @property
    def label(self) -> str:
        return self.group.name or self.group.chat


def latest_assessment(viewer: Viewer, gid: str) -> dict[str, Any] | None:
    """The group's most recent assessment summary (its per-member parts are skipped)."""
    for item in viewer.deps.store.query_items(
        keys.group_pk(gid), prefix=keys.ASSESSMENT_SK_PREFIX, newest_first=True
    ):
        if "#R#" not in item.sk:
            return dict(item.data)
    return None


def open_by_group(viewer: Viewer) -> dict[str, list[FollowUp]]:
    """Every open admin card, by group (the sparse index: a Query per shard)."""
    found: dict[str, list[FollowUp]] = {}
    for followup in FollowUps(viewer.deps.store).all_open():
        found.setdefault(followup.gid, []).append(followup)
    return found


def group_row(viewer: Viewer, group: GroupRecord, open_cards: dict[str, list[FollowUp]]) -> GroupRow:
    summary = latest_assessment(viewer, group.gid) or {}
    policy = policies(viewer.deps).for_group(group.gid, viewer.now)
    score = summary.get("score")
    return GroupRow(
        group=group,
        open_cases=len(open_cards.get(group.gid, ())),
        score=float(score) if score is not None else None,
        members=summary.get("members"),
        active=summary.get("active_members"),
        admins=len(group.admins) + len(policy.admins),
    )


def group_rows(
    viewer: Viewer, groups: list[GroupRecord], open_cards: dict[str, list[FollowUp]]
) -> list[GroupRow]:
    """A page of rows, their reads side by side (each row is a Query of its own partition)."""
    with ThreadPoolExecutor(max_workers=ROW_READERS) as pool:
        return list(pool.map(lambda group: group_row(viewer, group, open_cards), groups))


def _page_of(view: View, groups: Iterable[GroupRecord]) -> tuple[list[GroupRecord], int, int]:
    everything = sorted(groups, key=lambda g: (g.name or g.chat).lower())
    pages = max(1, -(-len(everything) // PAGE_SIZE))
    try:
        number = min(max(1, int(view.query("page", "1"))), pages)
    except ValueError:
        number = 1
    return everything[(number - 1) * PAGE_SIZE : number * PAGE_SIZE], number, pages


def overview(view: View) -> Reply:
    viewer = view.viewer
    groups = list(viewer.groups())
    if not groups and not viewer.reads_all:
        raise Redirect("/console/me")
    shown, number, pages = _page_of(view, groups)
    open_cards = open_by_group(viewer)
    rows = group_rows(viewer, shown, open_cards)
    readable = {group.gid for group in groups}
    return view.render(
        "overview.html",
        active="overview",
        rows=rows,
        total=len(groups),
        open_total=sum(len(cards) for gid, cards in open_cards.items() if gid in readable),
        no_admin=[row for row in rows if row.admins == 0],
        page_number=number,
        pages=pages,
    )


def groups_page(view: View) -> Reply:
    viewer = view.viewer
    groups = list(viewer.groups())
    if not groups and not viewer.reads_all:
        raise Forbidden("groups")
    shown, number, pages = _page_of(view, groups)
    open_cards = open_by_group(viewer)
    rows = group_rows(viewer, shown, open_cards)
    return view.render("groups.html", active="groups", rows=rows, page_number=number, pages=pages)


def recent_cases(viewer: Viewer, gid: str, limit: int = RECENT) -> list[Case]:
    """A group's newest cases (their events, snapshots and appeals, kept beside them, are skipped)."""
    found: list[Case] = []
    for item in viewer.deps.store.query_items(
        keys.group_pk(gid), prefix=keys.CASE_SK_PREFIX, newest_first=True
    ):
        ref = item.sk.removeprefix(keys.CASE_SK_PREFIX)
        if "#" in ref:
            continue
        found.append(Case(gid, ref, dict(item.data)))
        if len(found) == limit:
            break
    return sorted(found, key=lambda case: case.at, reverse=True)


def group_page(view: View) -> Reply:
    viewer = view.viewer
    group = viewer.group(view.param("gid"))
    repo = policies(viewer.deps)
    policy = repo.for_group(group.gid, viewer.now)
    org = repo.org()
    changed = [path for path in diff(org, policy) if path not in ("version", "override_version", "groups")]
    flat_policy = policy.model_dump(mode="json")
    differences = [(path, _at(org.model_dump(mode="json"), path), _at(flat_policy, path)) for path in changed]
    members = viewer.deps.store.members_active_recently(group.gid, RECENT)
    cases = recent_cases(viewer, group.gid)
    return view.render(
        "group.html",
        active="groups",
        group=group,
        policy=policy,
        differences=differences,
        admins=admin_names(viewer, group, [*policy.admins, *group.admins]),
        members=members,
        cases=cases,
        names=names_in(viewer.deps, group.gid, [case.user for case in cases]),
        summary=latest_assessment(viewer, group.gid),
        may_act=viewer.may_act(group),
    )


def admin_names(viewer: Viewer, group: GroupRecord, admins: list[str]) -> list[str]:
    """The group's admins by name: those of its own platform and tenant from their member records (one
    batch read); others (named by the org on another platform) by their id."""
    prefix = f"{group.platform}:{group.tenant}:"
    natives = [admin.removeprefix(prefix) for admin in dict.fromkeys(admins)]
    named = names_in(viewer.deps, group.gid, [admin for admin in natives if ":" not in admin])
    return [named.get(admin, admin) for admin in natives]


def _at(data: Any, path: str) -> Any:
    for part in path.split("."):
        data = data.get(part) if isinstance(data, dict) else None
    return data


@dataclass(frozen=True)
class QueueEntry:
    group: GroupRecord
    followup: FollowUp
    may_act: bool
    who: str = ""  # the member's name
    is_request = False  # a join request or a draft is a `requests.RequestEntry`

    @property
    def choices(self) -> tuple[str, ...]:
        return actions.choices(self.followup)


def cases_page(view: View) -> Reply:
    """The open admin cards of every group the viewer may read (`?group=`: of one), oldest first, a page
    at a time; each checked against its case before it is shown (a card handled some other way is
    closed here, as `pending` does)."""
    viewer = view.viewer
    wanted = view.query("group")
    groups = {group.gid: group for group in ([viewer.group(wanted)] if wanted else viewer.groups())}
    if not groups and not viewer.reads_all:
        raise Forbidden("cases")
    cards = [followup for followup in FollowUps(viewer.deps.store).all_open() if followup.gid in groups]
    waiting: list[FollowUp | OpenRequest] = sorted(
        [*cards, *requests.waiting(viewer, groups)],
        key=lambda item: item.opened_at if isinstance(item, FollowUp) else item.at,
    )
    try:
        number = max(1, int(view.query("page", "1")))
    except ValueError:
        number = 1
    pages = max(1, -(-len(waiting) // PAGE_SIZE))
    number = min(number, pages)
    entries = queue_entries(viewer, groups, waiting[(number - 1) * PAGE_SIZE : number * PAGE_SIZE])
    what = view.query("what")
    return view.render(
        "cases.html",
        active="cases",
        entries=entries,
        page_number=number,
        pages=pages,
        notice=view.query("notice"),
        notice_ref=view.query("ref")[:40],
        notice_what=what if what in (*actions.ALL_CHOICES, *requests.CHOICES) else "",
    )


def queue_entries(
    viewer: Viewer, groups: dict[str, GroupRecord], shown: list[FollowUp | OpenRequest]
) -> list[QueueEntry | requests.RequestEntry]:
    """The page's rows, each checked against its case or request (what is handled is closed here, as
    `pending` does), with the members named (one batch read per group on the page)."""
    repo = FollowUps(viewer.deps.store)
    live: list[tuple[FollowUp | requests.Pending, str]] = []
    for item in shown:
        if isinstance(item, FollowUp):
            if still_open(viewer.deps, item):
                live.append((item, item.member))
            else:
                repo.close(item.gid, item.kind, item.ref)
        elif (pending := requests.checked(viewer, item)) is not None:
            live.append((pending, item.user))
    by_group: dict[str, set[str]] = {}
    for entry, user in live:
        gid = entry.gid if isinstance(entry, FollowUp) else entry.request.gid
        by_group.setdefault(gid, set()).add(user)
    named = {gid: names_in(viewer.deps, gid, users) for gid, users in by_group.items()}
    entries: list[QueueEntry | requests.RequestEntry] = []
    for entry, user in live:
        if isinstance(entry, FollowUp):
            group = groups[entry.gid]
            who = named[entry.gid].get(user, user)
            entries.append(QueueEntry(group, entry, viewer.acts_in(group), who))
        else:
            group = groups[entry.request.gid]
            who = named[group.gid].get(user, user)
            mine = requests.own(viewer, group, entry.request)
            may = requests.may_press(viewer, group, entry.request)
            entries.append(requests.RequestEntry(group, entry, who, may, mine))
    return entries


def act_on_case(view: View) -> Reply:
    """A button of the case queue: the card's own click, through the worker (`actions.act`; a join
    request's or a draft's, `requests.act`)."""
    notice = requests.act(view) if view.form.get("kind") in requests.KINDS else actions.act(view)
    query = urlencode(
        {"notice": notice, "ref": view.form.get("ref", "")[:40], "what": view.form.get("choice")}
    )
    raise Redirect(f"/console/cases?{query}")


def me_page(view: View) -> Reply:
    """A member's own cases and points, in each group they are a member of (a GSI2 Query for the groups,
    then one read and one Query a group)."""
    viewer = view.viewer
    store = viewer.deps.store
    cases = CaseRepo(store)
    mine = []
    for gid in store.groups_of_member(viewer.uid):
        group, member = store.get_group(gid), store.get_member(gid, viewer.uid)
        if group is not None and member is not None:
            mine.append((group, member, cases.for_member(gid, viewer.uid)))
    return view.render("me.html", active="me", mine=mine, notice=view.query("notice"))


Handler = Callable[[View], Reply]


def routes() -> dict[tuple[str, str], Handler]:
    """The pages by (route, method). A function, not a module-level table: what the module's import
    runs stays empty (the IAM call graph reads a handler named at module level as called)."""
    return {
        ("overview", "GET"): overview,
        ("groups", "GET"): groups_page,
        ("group", "GET"): group_page,
        ("cases", "GET"): cases_page,
        ("cases", "POST"): act_on_case,
        ("me", "GET"): me_page,
    }
