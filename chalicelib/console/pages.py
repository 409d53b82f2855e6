"""The signed-in pages: overview, groups, a group, the case queue (with its actions) and a member's own
page. Each reads only what the viewer may read (`chalicelib.console.roles`), by key or index query."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from chalicelib.console import actions, listing, requests
from chalicelib.console.names import names_across, names_in
from chalicelib.console.roles import Forbidden, Viewer
from chalicelib.console.web import Redirect, View
from chalicelib.core.policy import diff
from chalicelib.http import Reply
from chalicelib.kernel.context import policies
from chalicelib.kernel.open_requests import OpenRequest
from chalicelib.moderation.cases import Case, CaseRepo
from chalicelib.moderation.followups import FollowUp, FollowUps, which_still_open
from chalicelib.store import keys
from chalicelib.store.records import GroupRecord

PAGE_SIZE = 25
RECENT = 20


def latest_assessment(viewer: Viewer, gid: str) -> dict[str, Any] | None:
    """The group's most recent assessment summary (its per-member parts are skipped)."""
    for item in viewer.deps.store.query_items(
        keys.group_pk(gid), prefix=keys.ASSESSMENT_SK_PREFIX, newest_first=True
    ):
        if keys.ASSESSMENT_PART_MARK not in item.sk:
            return dict(item.data)
    return None


def _page_args(page: listing.GroupPage) -> dict[str, Any]:
    return {
        "rows": page.rows,
        "page_number": page.number,
        "pages": page.pages,
        "prev_query": page.prev_query,
        "next_query": page.next_query,
    }


def overview(view: View) -> Reply:
    """The org at a glance: the totals from the org's rollup (or a group admin's own groups), and a page
    of groups from their summaries (`chalicelib.console.listing`): a few reads whatever the size."""
    viewer = view.viewer
    if not viewer.reads_all and not viewer.administered:
        raise Redirect("/console/me")
    page = listing.group_page(view)
    from chalicelib.console.deadletters import depth

    return view.render(
        "overview.html",
        active="overview",
        dead_letters=depth(view) if viewer.reads_all else None,
        total=page.total,
        open_total=page.open_total,
        no_admin=page.no_admin,
        **_page_args(page),
    )


def groups_page(view: View) -> Reply:
    viewer = view.viewer
    if not viewer.reads_all and not viewer.administered:
        raise Forbidden("groups")
    page = listing.group_page(view)
    return view.render("groups.html", active="groups", **_page_args(page))


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
    groups = listing.ReadableGroups(viewer, [viewer.group(wanted)] if wanted else None)
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
    `pending` does), with the members named; the groups, cases and members read a batch each."""
    repo = FollowUps(viewer.deps.store)
    if isinstance(groups, listing.ReadableGroups):  # the page's groups, in one batch
        groups.load(item.gid for item in shown)
    cards = [item for item in shown if isinstance(item, FollowUp)]
    still = dict(zip((id(card) for card in cards), which_still_open(viewer.deps, cards), strict=True))
    live: list[tuple[FollowUp | requests.Pending, str]] = []
    for item in shown:
        if isinstance(item, FollowUp):
            if still[id(item)]:
                live.append((item, item.member))
            else:
                repo.close(item.gid, item.kind, item.ref)
        elif (pending := requests.checked(viewer, item)) is not None:
            live.append((pending, item.user))
    by_group: dict[str, set[str]] = {}
    for entry, user in live:
        gid = entry.gid if isinstance(entry, FollowUp) else entry.request.gid
        by_group.setdefault(gid, set()).add(user)
    named = names_across(viewer.deps, by_group)  # every group's members on the page, in one batch
    entries: list[QueueEntry | requests.RequestEntry] = []
    for entry, user in live:
        gid = entry.gid if isinstance(entry, FollowUp) else entry.request.gid
        found = groups.get(gid)  # None: a group that is gone
        if found is None:
            continue
        group = found
        if isinstance(entry, FollowUp):
            who = named[entry.gid].get(user, user)
            entries.append(QueueEntry(group, entry, viewer.acts_in(group), who))
        else:
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
    """A member's own cases and points, in each group they are a member of (a Query for the groups, their
    items and the person's member items in two batches, then one Query a group for the cases)."""
    viewer = view.viewer
    store = viewer.deps.store
    cases = CaseRepo(store)
    gids = store.groups_of_member(viewer.uid)
    groups, members = store.get_groups(gids), store.get_memberships(viewer.uid, gids)
    mine = []
    for gid in gids:
        group, member = groups.get(gid), members.get(gid)
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
