"""A case acted on in the console is its card's button pressed: the same sealed `CardClicked` the card
would send (`mod.<choice>` on a case, `appeal.<choice>` on an appeal), claimed once like every inbound
event and dispatched to the worker, which opens it through the same gate (`ClickGate`: the seal, then
`authz.is_admin` in the sealed group) and decides it through the same `decide_case` / `decide_appeal`.
So a case is handled once whoever clicks where, and every admin's copy of its card shows who handled
it: the click answers the first one sent (by its token), the decision updates the others once each
through the outbox (`chalicelib.moderation.case_cards`). The console checks the right first only to
answer 403 instead of a queued refusal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.console.press import press
from chalicelib.console.roles import NotFound
from chalicelib.console.web import BadRequest
from chalicelib.core.events import CardClicked
from chalicelib.moderation.cases import CaseRepo
from chalicelib.moderation.followups import (
    APPEAL,
    APPEAL_CHOICES,
    CASE_CHOICES,
    FollowUp,
    FollowUps,
    still_open,
)

if TYPE_CHECKING:
    from chalicelib.console.web import View

PREFIX = {"case": "mod", APPEAL: "appeal"}
ALL_CHOICES = (*CASE_CHOICES, *APPEAL_CHOICES)


def choices(followup: FollowUp) -> tuple[str, ...]:
    """The buttons its card has: uphold or reverse an appeal; confirm a removal proposal, or warn, mute,
    remove or dismiss a violation or a report."""
    if followup.kind == APPEAL:
        return APPEAL_CHOICES
    if followup.card == "removal":
        return ("confirm_remove", "dismiss")
    return tuple(choice for choice in CASE_CHOICES if choice != "confirm_remove")


def click_of(view: View, followup: FollowUp, choice: str) -> CardClicked:
    viewer = view.viewer
    token = followup.cards[0] if followup.cards else None
    return press(
        viewer,
        action=f"{PREFIX[followup.kind]}.{choice}",
        chat=followup.chat,
        ref=followup.ref,
        event_id=f"console:{followup.kind}:{followup.ref}:{choice}:{viewer.user}",
        card_id=token or f"{'appeal' if followup.kind == APPEAL else 'case'}:{followup.ref}",
        response_token=token,
    )


def act(view: View) -> str:
    """The queue's button: checks the form and the right, then presses the card's button once; the
    notice key to show (`sent`, or `gone` when the case no longer waits)."""
    form = view.form
    gid, ref, kind, choice = (form.get(name, "") for name in ("gid", "ref", "kind", "choice"))
    if kind not in PREFIX or choice not in (*CASE_CHOICES, *APPEAL_CHOICES):
        raise BadRequest()
    viewer = view.viewer
    group = viewer.group(gid, act=True)  # 403 for an auditor, a member, an admin of another group
    deps = viewer.deps
    followup = FollowUps(deps.store).get(group.gid, kind, ref)
    if followup is None:  # handled already (its follow-up closed), or no such case at all
        if CaseRepo(deps.store).get(group.gid, ref) is None:
            raise NotFound(ref)
        return "gone"
    if choice not in choices(followup):
        raise BadRequest()
    if not still_open(deps, followup):
        return "gone"
    click = click_of(view, followup, choice)
    if not deps.store.claim_event(click.platform, click.claim_key, viewer.now):
        return "gone"  # pressed already (a double submit): the first press decides
    deps.dispatch([click])
    return "sent"
