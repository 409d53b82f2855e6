"""The buttons of the membership cards: join approvals (R2.2, R2.4), rules acknowledgements (R2.7), the
real-name report (R2.3) and the transfer review (R2.5).

Each button's value is sealed with its group (`chalicelib.cardsign`): the click may come from a direct
message, and DingTalk does not sign a click's body. Who clicked is the platform's signed word, and their
rights in that group are checked here, on the server. A refusal is answered privately and audited (the
decision has an action, so the pipeline records it). A decision happens once: the first click moves the
item out of its open state with a conditional write; a later click only hears who decided. Nobody
decides about themselves: their own join request, name report or transfer review. The actions run in the
sealed group's context (`acting_chat`), so the executor checks that group's capabilities.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from chalicelib.authz import directory_user, is_admin
from chalicelib.cardsign import Sealed
from chalicelib.core.actions import Action, Decision, Reply, UpdateCard
from chalicelib.core.cards import Card
from chalicelib.core.events import CardClicked, Event
from chalicelib.core.ids import group_id, user_id
from chalicelib.i18n import t
from chalicelib.kernel.clicks import ClickAnswers, ClickGate
from chalicelib.kernel.context import Context
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.people import name_of
from chalicelib.kernel.request_cards import updates
from chalicelib.membership import departures, joins, names
from chalicelib.membership.admission import admit, person_of, sealed_decision
from chalicelib.membership.groups import group_view, natives
from chalicelib.membership.repository import FORMER, MembershipRepo, split_ref
from chalicelib.membership.settings import DepartureSettings
from chalicelib.membership.views import GroupView, Person


def _private(ctx: Context, key: str, **params: Any) -> Decision:
    return Decision.of(Reply(text=t(ctx.locale, key, **params), private=True, reason=key))


def _refused(ctx: Context, why: str, key: str = "membership.refused") -> Decision:
    return dataclasses.replace(_private(ctx, key), refused=why)


# How membership refuses a click (`chalicelib.kernel.clicks.ClickGate`): by a private reply.
CLICK_ANSWERS = ClickAnswers(invalid="membership.card.invalid", refused="membership.refused", direct=False)


def _handled(click: CardClicked, title: str, line: str, reason: str) -> UpdateCard:
    return UpdateCard(
        card=Card(card_id=click.card_id or reason, title=title, body=line),
        card_ref=click.card_id,
        response_token=click.response_token,
        user=click.user,
        reason=reason,
    )


def _acting(click: CardClicked, deps: Deps, sealed: Sealed, *actions: Action, **detail: Any) -> Decision:
    """Actions in the sealed group (`acting_chat`), their own cards' buttons sealed with it; `detail` goes
    to the audit record under "membership"."""
    decision = sealed_decision(
        actions,
        deps.settings,
        platform=click.platform,
        tenant=click.tenant,
        chat=sealed.chat,
        audit={"membership": detail},
    )
    return dataclasses.replace(decision, acting_chat=sealed.chat)


def may_approve(event: Event, user: str, ctx: Context, deps: Deps) -> bool:
    """The policy's named approvers where `approval: approvers` names any; else the group's admins."""
    join = ctx.policy.membership.join
    named = set(natives(ctx.policy.approvers, event))
    if join.approval == "approvers" and named:
        return user in named
    return is_admin(event, user, ctx, deps)


# --- join requests ----------------------------------------------------------------------------------


JOIN_GATE = ClickGate(
    dataclasses.replace(CLICK_ANSWERS, refused="membership.join.refused"),
    kinds=("approve", "reject"),  # joins.APPROVE, joins.REJECT
    allowed=may_approve,
    refusal="not an approver of {chat}",
)


def on_join_card(click: CardClicked, ctx: Context, deps: Deps) -> Decision:
    opened = JOIN_GATE.open(click, ctx, deps)
    if isinstance(opened, Decision):
        return opened
    sealed, gctx = opened.sealed, opened.ctx
    nonce, user = split_ref(sealed.ref)
    gid, uid = (
        group_id(click.platform, click.tenant, sealed.chat),
        user_id(click.platform, click.tenant, user),
    )
    if user == click.user:  # four eyes: a newcomer who is also an approver does not admit themselves
        return _refused(gctx, "join request decided by its own newcomer", "membership.join.own")
    repo = MembershipRepo(deps.store)
    request = repo.request(gid, uid)
    if request is None or request.nonce != nonce:
        return _refused(gctx, "no such request", "membership.card.invalid")
    status = "approved" if click.action == joins.APPROVE else "rejected"
    if not repo.decide_request(request, status, by=click.user, at=gctx.now):
        current = repo.request(gid, uid) or request
        by = name_of(click, current.decided_by, deps) if current.decided_by else "-"
        return _private(gctx, "membership.join.already", status=current.status, by=by)
    group = group_view(gctx, deps, click, sealed.chat)
    directory = directory_user(click, user, deps)
    person = person_of(user, uid, directory)
    policy = gctx.policy.membership
    actions: tuple[Action, ...]
    if status == "approved":
        actions = admit(repo, group, person, directory=directory, settings=policy, now=gctx.now)
        repo.history(gid, uid, user, "approved", at=gctx.now, by=click.user)
    else:
        actions = joins.rejection(person, group)
        repo.history(gid, uid, user, "rejected", at=gctx.now, by=click.user)
    title = t(gctx.locale, "membership.join.card.title", name=person.label)
    line = t(gctx.locale, f"membership.join.{status}", by=name_of(click, click.user, deps), name=person.label)
    reason = f"membership.join.{status}"
    # The clicked card by the click's answer; every other approver's card (all of them, when decided in
    # the console, whose click names no card) by the tokens it was sent with.
    clicked = (_handled(click, title, line, reason),) if click.card_id or click.response_token else ()
    shown = updates(
        deps,
        platform=click.platform,
        gid=gid,
        kind="join",
        ref=sealed.ref,
        # The line as the footer, too: WeCom shows a card's footer in place of the buttons it loses.
        card=Card(card_id=f"join-{sealed.ref[:12]}", title=title, body="", footer=line),
        told=f"{title}\n{line}",
        reason=reason,
        now=gctx.now,
        clicked=click,
    )
    return _acting(click, deps, sealed, *actions, *clicked, *shown, join=status, user=user, by=click.user)


# --- rules acknowledgements -------------------------------------------------------------------------


def on_welcome_card(click: CardClicked, ctx: Context, deps: Deps) -> Decision:
    opened = ClickGate(CLICK_ANSWERS).open(click, ctx, deps)
    if isinstance(opened, Decision):
        return opened
    sealed, gctx = opened.sealed, opened.ctx
    if sealed.ref != click.user:
        return Decision()  # someone else's card: acknowledging for another person means nothing
    gid = group_id(click.platform, click.tenant, sealed.chat)
    if not MembershipRepo(deps.store).acknowledge(gid, click.uid(click.user), click.user, at=gctx.now):
        return Decision()
    label = (gctx.group.name if gctx.group else "") or sealed.chat
    title = t(gctx.locale, "membership.welcome.card.title", group=label)
    return Decision.of(
        _handled(click, title, t(gctx.locale, "membership.welcome.acked"), "membership.welcome.acked")
    )


# --- admin reviews: real names and transfers --------------------------------------------------------


REVIEW_GATE = ClickGate(CLICK_ANSWERS, allowed=is_admin, refusal="not an admin of {chat}")


def _admin_review(
    click: CardClicked, ctx: Context, deps: Deps
) -> tuple[Sealed, Context, GroupView] | Decision:
    opened = REVIEW_GATE.open(click, ctx, deps)
    if isinstance(opened, Decision):
        return opened
    return opened.sealed, opened.ctx, group_view(opened.ctx, deps, click, opened.chat)


def on_name_card(click: CardClicked, ctx: Context, deps: Deps) -> Decision:
    reviewed = _admin_review(click, ctx, deps)
    if isinstance(reviewed, Decision):
        return reviewed
    sealed, gctx, group = reviewed
    user = sealed.ref
    if user == click.user:
        return _refused(gctx, "name report decided by its member", "membership.own")
    gid, uid = group.gid, click.uid(user)
    repo = MembershipRepo(deps.store)
    record = repo.name_record(gid, uid)
    state = "removed" if click.action == names.REMOVE else "kept"
    if record is None or not repo.close_name(gid, uid, state, by=click.user, at=gctx.now):
        return _private(gctx, "membership.already")
    person = Person(user, uid, record.shown or user)
    locale = gctx.locale
    by = name_of(click, click.user, deps)
    actions: tuple[Action, ...] = ()
    if state == "removed":
        actions = joins.removal_actions(
            person,
            group,
            why=t(locale, "membership.why.name"),
            member_text=t(locale, "membership.name.removed_member", group=group.label),
            reason="membership.name",
        )
        line = t(locale, "membership.removed", by=by, name=person.label)
    else:
        repo.clear_name(gid, uid)
        repo.history(gid, uid, user, "name kept", at=gctx.now, by=click.user)
        line = t(locale, "membership.name.kept", by=by, name=person.label)
    update = _handled(
        click, t(locale, "membership.name.report.title", name=person.label), line, f"membership.name.{state}"
    )
    return _acting(click, deps, sealed, *actions, update, name=state, user=user, by=click.user)


def on_transfer_card(click: CardClicked, ctx: Context, deps: Deps) -> Decision:
    reviewed = _admin_review(click, ctx, deps)
    if isinstance(reviewed, Decision):
        return reviewed
    sealed, gctx, group = reviewed
    nonce, user = split_ref(sealed.ref)
    if user == click.user:
        return _refused(gctx, "transfer review decided by its member", "membership.own")
    uid = click.uid(user)
    repo = MembershipRepo(deps.store)
    state = "removed" if click.action == departures.REMOVE else "kept"
    if not repo.decide_transfer(group.gid, uid, nonce, state, by=click.user, at=gctx.now):
        return _private(gctx, "membership.already")
    member = deps.store.get_member(group.gid, uid)
    person = person_of(user, uid, directory_user(click, user, deps), member.display_name if member else "")
    locale = gctx.locale
    by = name_of(click, click.user, deps)
    actions: tuple[Action, ...] = ()
    if state == "removed":
        notice = gctx.policy.membership.departures.notice
        actions = departures.departure_actions(person, group, DepartureSettings(remove=True, notice=notice))
        line = t(locale, "membership.removed", by=by, name=person.label)
    else:
        repo.history(group.gid, uid, user, "transfer kept", at=gctx.now, by=click.user)
        line = t(locale, "membership.transfer.kept", by=by, name=person.label)
    update = _handled(
        click, t(locale, "membership.transfer.title", name=person.label), line, f"membership.transfer.{state}"
    )
    return _acting(click, deps, sealed, *actions, update, transfer=state, user=user, by=click.user)


def on_escalation_card(click: CardClicked, ctx: Context, deps: Deps) -> Decision:
    """An admin removed someone by hand, as an escalation card asked: recorded, and the card says so."""
    reviewed = _admin_review(click, ctx, deps)
    if isinstance(reviewed, Decision):
        return reviewed
    sealed, gctx, group = reviewed
    user = sealed.ref
    uid = click.uid(user)
    repo = MembershipRepo(deps.store)
    member = deps.store.get_member(group.gid, uid)
    if member is not None and member.role != FORMER:
        repo.forget_member(member)
    repo.clear_stage(group.gid, uid)
    repo.history(group.gid, uid, user, "removed by hand", at=gctx.now, by=click.user)
    label = (member.display_name if member else "") or user
    locale = gctx.locale
    by = name_of(click, click.user, deps)
    title = t(locale, "membership.escalate.remove.title", name=label, group=group.label)
    line = t(locale, "membership.removed", by=by, name=label)
    update = _handled(click, title, line, "membership.escalation.done")
    return _acting(click, deps, sealed, update, escalation="done", user=user, by=click.user)


CARD_ACTIONS = {
    "escalation": on_escalation_card,
    "join": on_join_card,
    "welcome": on_welcome_card,
    "name": on_name_card,
    "transfer": on_transfer_card,
}
