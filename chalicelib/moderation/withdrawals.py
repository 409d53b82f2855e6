"""A member withdrew a message the bot had already acted on: WeCom's archive shows the `revoke` in a
later page than the original (a withdrawal in the same page is dropped with its message by the batch
path, `chalicelib.worker.batch`).

The case about the message (found among the member's latest cases by its `message_id`), while its admin
card still waits, is closed as withdrawn by the member, once (a conditional transition from "open"), and
the admins are told privately: the card itself cannot be changed without a click of theirs (WeCom's
`update_template_card` takes the `response_code` of a click, doc path/94888), and a click on it later
answers that the case was handled by the member. A case an admin decided already stays as decided; the
withdrawal is added to its history. What was done when the message went by (the private explanation,
points) stands: withdrawing a message does not undo a violation, it spares the admins a decision.
"""

from __future__ import annotations

from chalicelib.authz import admins_of
from chalicelib.core.actions import Decision, SendDirect
from chalicelib.core.engine import rule_label
from chalicelib.core.events import MessageWithdrawn
from chalicelib.i18n import t
from chalicelib.kernel.context import Context
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.people import name_of
from chalicelib.moderation.admin import group_label
from chalicelib.moderation.cases import CaseRepo

RECENT_CASES = 20  # the member's latest cases searched for the withdrawn message
WITHDRAWN = "withdrawn"


def on_withdrawn(event: MessageWithdrawn, ctx: Context, deps: Deps) -> Decision:
    if not event.chat or not event.message_id:
        return Decision()
    cases = CaseRepo(deps.store)
    found = [
        case
        for case in cases.for_member(event.gid, event.uid(event.user), limit=RECENT_CASES)
        if case.data.get("message_id") == event.message_id
    ]
    if not found:
        return Decision()
    case = found[0]
    if not cases.transition(
        event.gid, case.ref, from_state="open", to_state=WITHDRAWN, by=event.user, at=ctx.now
    ):
        if case.state != WITHDRAWN:
            cases.add_event(
                event.gid, case.ref, at=ctx.now, what=WITHDRAWN, by=event.user, detail={"state": case.state}
            )
        return Decision()
    text = t(
        ctx.locale,
        "moderation.withdrawn.admins",
        member=name_of(event, event.user, deps),
        group=group_label(ctx, event.chat),
        rule=rule_label(ctx.locale, str(case.data.get("rule", ""))),
        case=case.ref,
    )
    admins = [admin for admin in admins_of(ctx, event) if admin != event.user]
    return Decision(
        tuple(SendDirect(user=admin, text=text, reason="moderation.withdrawn") for admin in admins),
        audit={"case": case.ref, "withdrawn": event.message_id},
    )
