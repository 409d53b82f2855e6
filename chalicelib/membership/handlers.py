"""Membership's part in the worker (registered in `chalicelib.worker.registry.DOMAINS`).

- `MemberJoined`: the join gate (R2.1, R2.2, R2.4), then the welcome (R2.7) and the real-name check (R2.3);
- `MemberLeft`: forget the member and whatever was pending for them;
- `DirectoryChanged` with no chat (it concerns every group): fanned out through the queue as one event per
  governed group the person is in, each handled in its own group's context (R2.5): a leaver removed with
  a neutral notice, a transfer reviewed, a renamed member's name checked again;
- `MessagePosted` / `FileShared` of someone long silent: reinstated in the inactivity lifecycle (R8.7);
- after the actions, a member the platform really removed is recorded as gone.

Each handler reads what it needs through `MembershipRepo`, decides with the pure modules, and returns the
Decision for the executor; card clicks are in `chalicelib.membership.clicks`, commands in `.commands`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from chalicelib.adapters.base import DirectoryUser
from chalicelib.authz import directory_user
from chalicelib.core.actions import NOTHING, Action, Decision, Remove, SendDirect
from chalicelib.core.events import (
    DirectoryChanged,
    Event,
    FileShared,
    MemberJoined,
    MemberLeft,
    MessagePosted,
)
from chalicelib.i18n import t
from chalicelib.kernel import request_cards
from chalicelib.kernel.context import Context
from chalicelib.kernel.deps import Deps
from chalicelib.membership import clicks, commands, departures, joins
from chalicelib.membership.admission import admit, name_actions, person_of, sealed_decision, shown_and_real
from chalicelib.membership.groups import governed, group_view, groups_of
from chalicelib.membership.lifecycle import DAY
from chalicelib.membership.qualification import qualify
from chalicelib.membership.repository import FORMER, MembershipRepo
from chalicelib.membership.views import GroupView, Person, to_admins
from chalicelib.persons.gate import standing

log = logging.getLogger("qunguan.membership")

HOUR = 3600


def _employee(person: DirectoryUser | None) -> bool:
    return person is not None and person.active and not person.is_guest and not person.is_bot


# --- joining ----------------------------------------------------------------------------------------


def on_join(event: MemberJoined, ctx: Context, deps: Deps) -> Decision:
    if not event.chat or not governed(ctx):
        return Decision()
    if event.user == deps.messenger(event.platform).bot_user_id(event.tenant):
        return Decision()
    settings = ctx.policy.membership
    repo = MembershipRepo(deps.store)
    uid = event.uid(event.user)
    if standing(event, ctx, deps).refused(event.gid, ctx.policy.tags, ctx.now):
        return Decision()  # no gate, no welcome: moderation or the persons gate removes them again
    directory = directory_user(event, event.user, deps)
    roster = None if _employee(directory) else repo.guest_until(event.gid, uid)
    verdict = qualify(directory, roster, ctx.now, settings.join)
    if verdict.standing == "bot":
        return Decision()
    outcome = joins.join_outcome(verdict, settings.join)
    group = group_view(ctx, deps, event, event.chat)
    person = person_of(event.user, uid, directory)
    actions: tuple[Action, ...]
    if outcome == "admit":
        actions = admit(repo, group, person, directory=directory, settings=settings, now=ctx.now)
        if not verdict.qualified:
            actions += joins.admitted_unqualified_notice(person, group, verdict.standing)
    elif outcome == "approve":
        join = settings.join
        due = ctx.now + (join.reminder_hours or join.timeout_hours) * HOUR
        request = repo.open_request(
            event.gid, uid, event.user, standing=verdict.standing, now=ctx.now, due_at=due
        )
        card = joins.approval_card(person, verdict.standing, group, request.ref, join)
        actions = joins.pending_actions(person, group, card)
        repo.history(event.gid, uid, event.user, "requested", at=ctx.now, detail=verdict.standing)
    else:
        actions = joins.unqualified_removal(person, group, verdict.standing)
        repo.history(event.gid, uid, event.user, "refused", at=ctx.now, detail=verdict.standing)
    audit = {"membership": {"join": outcome, "standing": verdict.standing}}
    return sealed_decision(
        actions, deps.settings, platform=event.platform, tenant=event.tenant, chat=event.chat, audit=audit
    )


def on_left(event: MemberLeft, ctx: Context, deps: Deps) -> Decision:
    """Gone from the group: nothing pending for them stays open, and they leave the activity index."""
    if not event.chat:
        return Decision()
    repo = MembershipRepo(deps.store)
    uid = event.uid(event.user)
    if ctx.member is not None and ctx.member.role != FORMER:
        repo.forget_member(ctx.member)
    request = repo.request(event.gid, uid)
    if request is not None and request.status == "pending":
        repo.decide_request(request, "withdrawn", by=event.removed_by or event.user, at=ctx.now)
    repo.clear_name(event.gid, uid)
    repo.clear_stage(event.gid, uid)
    repo.drop_ack(event.gid, uid)
    repo.history(event.gid, uid, event.user, "left", at=ctx.now, by=event.removed_by or "")
    return Decision()


# --- the directory ----------------------------------------------------------------------------------


def on_directory(event: DirectoryChanged, ctx: Context, deps: Deps) -> Decision:
    if not event.chat:
        return fan_out(event, deps)
    if not governed(ctx) or ctx.member is None or ctx.member.role == FORMER:
        return Decision()
    repo = MembershipRepo(deps.store)
    member = ctx.member
    if event.new_user and event.new_user != event.user:  # renamed: the record moves to the new id
        member = repo.move_member(member, event.uid(event.new_user), event.new_user)
        repo.history(event.gid, member.uid, member.user, "renamed", at=ctx.now, detail=event.user)
        ctx = replace(ctx, member=member)
        event = replace(event, user=event.new_user, new_user=None)
    uid = event.uid(event.user)
    if not repo.claim_departure(event.gid, uid, event.event_id, now=ctx.now):
        return Decision()  # this change was handled here already (a redelivery)
    settings = ctx.policy.membership
    group = group_view(ctx, deps, event, event.chat)
    fallback = member.display_name or event.display_name or event.name or ""
    actions: tuple[Action, ...] = ()
    if event.change == "left":
        person = Person(event.user, uid, fallback or event.user)
        actions = departures.departure_actions(person, group, settings.departures)
        repo.history(event.gid, uid, event.user, "departed", at=ctx.now)
    elif event.change == "moved" and settings.departures.review_transfers:
        person = person_of(event.user, uid, directory_user(event, event.user, deps), fallback)
        nonce = repo.open_transfer(event.gid, uid, event.user, event.departments, now=ctx.now)
        card = departures.transfer_card(person, group, event.departments, f"{nonce}{event.user}", at=ctx.now)
        actions = (to_admins(group, card, reason="membership.transfer.review"),)
    elif event.change in ("updated", "moved"):
        actions = _recheck_name(event, ctx, deps, repo=repo, group=group, fallback=fallback)
    audit = {"membership": {"directory": event.change}}
    return sealed_decision(
        actions, deps.settings, platform=event.platform, tenant=event.tenant, chat=event.chat, audit=audit
    )


def _recheck_name(
    event: DirectoryChanged,
    ctx: Context,
    deps: Deps,
    *,
    repo: MembershipRepo,
    group: GroupView,
    fallback: str,
) -> tuple[Action, ...]:
    """A profile change: the event's own names where it carries them (Slack `user_change`, WeCom
    `update_user`), else a fresh directory look-up (DingTalk's `user_modify_org` names nobody)."""
    uid = event.uid(event.user)
    directory = None
    if event.display_name is None or event.name is None:
        directory = directory_user(event, event.user, deps)
    looked_up_shown, looked_up_real = shown_and_real(directory, event.user)
    shown = event.display_name if event.display_name is not None else looked_up_shown
    real = event.name if event.name and event.name != event.user else looked_up_real
    if shown or real:
        deps.store.update_member(event.gid, uid, event.user, {"display_name": shown or real})
    person = Person(event.user, uid, shown or real or fallback or event.user)
    return name_actions(
        repo, group, person, shown=shown, real=real, settings=ctx.policy.membership, now=ctx.now
    )


def fan_out(event: DirectoryChanged, deps: Deps) -> Decision:
    """One event per governed group the person is in, each through the queue in its group's order."""
    if event.change == "updated" and (event.name is not None or event.display_name is not None):
        repo = MembershipRepo(deps.store)
        if not repo.names_changed(
            event.uid(event.user), event.name, event.display_name, now=deps.clock.now()
        ):
            return Decision()  # a status or photo, not a name: nothing to check in any group
    deps.directory.drop(event.uid(event.user))  # look the changed person up afresh from now on
    if event.new_user:
        deps.directory.drop(event.uid(event.new_user))
    found = groups_of(deps, event.platform, event.tenant, event.user)
    events = [
        replace(event, chat=group.chat, event_id=f"{event.event_id}@{group.chat}") for group, _ in found
    ]
    log.info("directory change %s on %s: %d governed groups", event.change, event.platform, len(events))
    dispatch(deps, events)
    return Decision()


def dispatch(deps: Deps, events: Sequence[Event]) -> None:
    deps.dispatch(events)  # through the queue, or (no queue: a unit test) one after the other


# --- activity ---------------------------------------------------------------------------------------


def on_activity(event: MessagePosted | FileShared, ctx: Context, deps: Deps) -> Decision:
    """Someone long silent speaks again: the inactivity notice is withdrawn (karrot #615). Costs a read
    only for a member whose last message is older than the marking threshold."""
    member = ctx.member
    if not event.chat or getattr(event, "direct", False) or member is None or not governed(ctx):
        return NOTHING
    if member.role == FORMER:  # back in the group without the bot seeing the join
        deps.store.update_member(member.gid, member.uid, member.user, {"role": "member"})
    settings = ctx.policy.membership.inactivity
    if member.last_active is None or ctx.now - member.last_active < settings.mark_days * DAY:
        return NOTHING  # active lately: what every ordinary message costs here
    repo = MembershipRepo(deps.store)
    stage = repo.stage(member.gid, member.uid)
    if stage is None:
        return Decision()
    repo.clear_stage(member.gid, member.uid)
    repo.history(member.gid, member.uid, member.user, "reinstated", at=ctx.now, detail=stage.name)
    if stage.name == "marked":
        return Decision()
    label = (ctx.group.name if ctx.group else "") or event.chat
    text = t(ctx.locale, "membership.inactive.reinstated", group=label)
    return Decision.of(SendDirect(user=member.user, text=text, reason="membership.inactive.reinstated"))


# --- after the actions ------------------------------------------------------------------------------


def record(event: Event, ctx: Context, decision: Decision, results: tuple[Any, ...], deps: Deps) -> None:
    """A member removed by a membership decision, for real (not substituted, not refused), is gone."""
    if not results:
        return
    repo = MembershipRepo(deps.store)
    for action, result in zip(decision.actions, results, strict=False):
        if not (isinstance(action, Remove) and action.reason.startswith("membership.")):
            continue
        if getattr(result, "status", "") != "done":
            continue
        gid = f"{event.platform}:{event.tenant}:{action.chat}"
        uid = event.uid(action.user)
        member = deps.store.get_member(gid, uid)
        if member is not None and member.role != FORMER:
            repo.forget_member(member)
        repo.clear_stage(gid, uid)
        repo.history(
            gid,
            uid,
            action.user,
            "removed",
            at=ctx.now,
            by=str(getattr(event, "user", "")),
            detail=action.reason,
        )


EVENTS = {
    MemberJoined: on_join,
    MemberLeft: on_left,
    DirectoryChanged: on_directory,
    MessagePosted: on_activity,
    FileShared: on_activity,
}
COMMANDS = commands.COMMANDS
CARD_ACTIONS = clicks.CARD_ACTIONS
AFTER = (record, request_cards.recorder("join"))  # the join cards' tokens, for their update
