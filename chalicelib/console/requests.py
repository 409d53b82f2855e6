"""Join requests and publishing drafts in the case queue, beside the open admin cards.

They come from the sparse index of pending requests (`chalicelib.kernel.open_requests`), each checked
against the request itself before it is shown (a marker whose request was decided some other way is
dropped). A button of the queue is the request card's button pressed: the same sealed `CardClicked`
(`join.approve|reject`, `pub.approve|reject`) claimed once and dispatched to the worker, which opens it
through the card's own gate (the seal, then the approver's right in the sealed group) and decides it
with the card's conditional transition; so a request is decided once, whoever clicks where. The click
names no card: the decision shows on every approver's card by the tokens kept when each was sent
(`chalicelib.kernel.request_cards`). The buttons are shown only to whom `may_press` (the same checks as
the press: an admin of the group, not the request's author, and the card's own right). Nobody
decides their own request or draft (four eyes): the console refuses it with 403, as the worker would.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalicelib.console.press import press
from chalicelib.console.roles import Forbidden, NotFound, Viewer
from chalicelib.console.web import BadRequest
from chalicelib.core.events import CardClicked
from chalicelib.i18n import catalogue, t
from chalicelib.kernel.open_requests import DRAFT, JOIN, OpenRequest, OpenRequests
from chalicelib.membership.repository import MembershipRepo
from chalicelib.store.records import GroupRecord
from chalicelib.workflows.publishing import Submissions

if TYPE_CHECKING:
    from chalicelib.console.web import View

KINDS = (JOIN, DRAFT)
CHOICES = ("approve", "reject")
PREFIX = {JOIN: "join", DRAFT: "pub"}  # the cards' action prefixes (`joins.APPROVE`, `pub.approve`)
EXCERPT = 120


@dataclass(frozen=True)
class Pending:
    """A request checked against its record: still pending, with what the queue shows of it."""

    request: OpenRequest
    detail: str  # a join request's standing; a draft's text, shortened


@dataclass(frozen=True)
class RequestEntry:
    """A row of the queue for a join request or a draft."""

    group: GroupRecord
    pending: Pending
    who: str  # the newcomer's or the author's name
    may_act: bool
    own: bool  # the viewer's own request or draft: no buttons (four eyes)
    is_request = True
    choices = CHOICES

    @property
    def request(self) -> OpenRequest:
        return self.pending.request

    @property
    def person(self) -> str:
        """Who asks, as a qualified id (their person page)."""
        return f"{self.group.platform}:{self.group.tenant}:{self.request.user}"

    def detail(self, locale: str) -> str:
        """A join request's standing (`an outsider`), in the viewer's words; a draft's text."""
        key = f"membership.standing.{self.pending.detail}"
        if self.request.kind == JOIN and key in catalogue():
            return t(locale, key)
        return self.pending.detail


def waiting(viewer: Viewer, groups: dict[str, GroupRecord]) -> list[OpenRequest]:
    """The pending requests of the groups the viewer may read, oldest first."""
    return [request for request in OpenRequests(viewer.deps.store).all_open() if request.gid in groups]


def checked(viewer: Viewer, request: OpenRequest) -> Pending | None:
    """The request as it stands (one read), or None once it is decided or gone (its marker dropped)."""
    store = viewer.deps.store
    pending: Pending | None = None
    if request.kind == JOIN:
        join = MembershipRepo(store).request(request.gid, request.key)
        if join is not None and join.status == "pending" and join.ref == request.ref:
            pending = Pending(request, join.standing)
    elif request.kind == DRAFT:
        draft = Submissions(store).get(request.gid, request.key)
        if draft is not None and draft.state == "pending":
            text = " ".join(draft.text.split())
            pending = Pending(request, text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…")
    if pending is None:
        OpenRequests(store).close(request.gid, request.kind, request.key)
    return pending


def own(viewer: Viewer, group: GroupRecord, request: OpenRequest) -> bool:
    return (group.platform, group.tenant, request.user) == (viewer.platform, viewer.tenant, viewer.user)


def click_of(viewer: Viewer, group: GroupRecord, request: OpenRequest, choice: str) -> CardClicked:
    """The click the request's card would send, its value sealed for the group and the request; no card
    was clicked, so the decision updates every approver's card by its tokens."""
    return press(
        viewer,
        action=f"{PREFIX[request.kind]}.{choice}",
        chat=group.chat,
        ref=request.ref,
        event_id=f"console:{request.kind}:{group.chat}:{request.ref}:{choice}:{viewer.user}",
    )


def may_decide(viewer: Viewer, group: GroupRecord, click: CardClicked) -> bool:
    """The card's own right, asked as its gate will: a join's approvers (`approval: approvers`) or the
    admins; a draft's approvers or the admins."""
    from dataclasses import replace

    from chalicelib.membership.clicks import may_approve as may_admit
    from chalicelib.workflows.common import may_approve as may_publish

    located = replace(click, chat=group.chat)
    allowed = may_admit if click.action.startswith("join.") else may_publish
    return allowed(located, viewer.user, viewer.context(group), viewer.deps)


def may_press(viewer: Viewer, group: GroupRecord, request: OpenRequest) -> bool:
    """Whether the queue shows the request's buttons to the viewer: what `act` checks before it
    presses one (an admin of the group, not the request's own author, and the card's own right)."""
    if not viewer.acts_in(group) or own(viewer, group, request):
        return False
    return may_decide(viewer, group, click_of(viewer, group, request, CHOICES[0]))


def act(view: View) -> str:
    """The queue's button on a request: checks the form, the right and the four eyes, then presses the
    card's button once; the notice key to show (`sent`, or `gone` when it no longer waits)."""
    form = view.form
    gid, kind, key, choice = (form.get(name, "") for name in ("gid", "kind", "ref", "choice"))
    if kind not in KINDS or choice not in CHOICES or not key:
        raise BadRequest()
    viewer = view.viewer
    group = viewer.group(gid, act=True)  # 403 for an auditor, a member, an admin of another group
    request = _marker(viewer, group, kind, key)
    if request is None:
        return "gone"
    if own(viewer, group, request):
        raise Forbidden("own request")
    click = click_of(viewer, group, request, choice)
    if not may_decide(viewer, group, click):
        raise Forbidden("not an approver")  # the row showed no buttons (`may_press`)
    deps = viewer.deps
    if not deps.store.claim_event(click.platform, click.claim_key, viewer.now):
        return "gone"  # pressed already (a double submit): the first press decides
    deps.dispatch([click])
    return "sent"


def _marker(viewer: Viewer, group: GroupRecord, kind: str, key: str) -> OpenRequest | None:
    """The pending request `key` of the group, checked; NotFound when there never was one."""
    store = viewer.deps.store
    if kind == JOIN:
        join = MembershipRepo(store).request(group.gid, key)
        if join is None:
            raise NotFound(key)
        request = OpenRequest(group.gid, JOIN, key, join.ref, join.user, join.requested_at)
    else:
        draft = Submissions(store).get(group.gid, key)
        if draft is None:
            raise NotFound(key)
        request = OpenRequest(group.gid, DRAFT, key, draft.ref, draft.by, draft.at)
    return request if checked(viewer, request) is not None else None
