"""Publishing approval (R4.2): important information goes out only once an approver has seen it.

    publish [--expires 3d] <text>      any member submits; the approvers (the policy's `approvers`, else
                                       the admins) get a card with Approve / Reject
    publish approve <ref>              the same as the button (also in a direct message to the bot)
    publish reject <ref> <reason>      a rejection with its reason, which the member is told

On approval the text is posted as an announcement (`chalicelib.workflows.announcements`), with an
acknowledgement button unless the policy says otherwise; on rejection the member is told why. A
submission is decided once: the first approver's decision moves it out of `pending`, and a second click
is told who decided. Nobody approves their own submission (four eyes), even where they are an approver.
Unanswered, the approvers are reminded (by default after 24 h and 48 h) and the submission lapses after
72 h: the member is told, and every approver's copy of its cards says it lapsed and loses its buttons.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib.core.actions import Action, Decision, PostCard, Reply, SendDirect
from chalicelib.core.cards import Button, Card
from chalicelib.core.events import CardClicked, CommandIssued, Event
from chalicelib.core.ids import group_id, split_id
from chalicelib.i18n import t
from chalicelib.kernel import request_cards
from chalicelib.kernel.clicks import ClickGate
from chalicelib.kernel.commands import command_prefix
from chalicelib.kernel.context import Context, load_context
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.open_requests import DRAFT, OpenRequest, OpenRequests
from chalicelib.kernel.people import name_of
from chalicelib.kernel.where import Where, where_in
from chalicelib.store import keys
from chalicelib.store.base import Store
from chalicelib.store.records import Item
from chalicelib.workflows import announcements, common
from chalicelib.workflows.common import DAY, HOUR, ArgumentError, Decided
from chalicelib.workflows.timers import Plan, Timer, Timers, plan_data, plan_of

KIND = "pub"
KEEP_DAYS = 365
DECISIONS = {"approve": "approved", "reject": "rejected"}


@dataclass(frozen=True)
class Submission:
    ref: str
    gid: str
    chat: str
    by: str
    at: float
    text: str
    expires_seconds: float | None = None
    approvers: tuple[str, ...] = ()
    plan: Plan = ()  # (remind | lapse, when)
    state: str = "pending"  # pending | approved | rejected | lapsed
    decided_by: str = ""

    def data(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "gid": self.gid,
            "chat": self.chat,
            "by": self.by,
            "at": self.at,
            "text": self.text,
            "expires_seconds": self.expires_seconds,
            "approvers": list(self.approvers),
            "plan": plan_data(self.plan),
            "state": self.state,
        }

    @staticmethod
    def of(data: Mapping[str, Any]) -> Submission:
        seconds = data.get("expires_seconds")
        return Submission(
            ref=str(data["ref"]),
            gid=str(data["gid"]),
            chat=str(data["chat"]),
            by=str(data["by"]),
            at=float(data["at"]),
            text=str(data.get("text", "")),
            expires_seconds=float(seconds) if seconds is not None else None,
            approvers=tuple(str(user) for user in data.get("approvers", ())),
            plan=plan_of(data),
            state=str(data.get("state", "pending")),
            decided_by=str(data.get("decided_by", "")),
        )


class Submissions:
    def __init__(self, store: Store) -> None:
        self.store = store

    def create(self, submission: Submission) -> bool:
        item = Item(
            keys.group_pk(submission.gid),
            keys.submission_sk(submission.ref),
            submission.data(),
            expires_at=int(submission.at + KEEP_DAYS * DAY),
        )
        if not self.store.put_item(item, if_absent=True):
            return False
        marker = OpenRequest(
            submission.gid, DRAFT, submission.ref, submission.ref, submission.by, submission.at
        )
        OpenRequests(self.store).open(marker)  # the console's queue
        return True

    def get(self, gid: str, ref: str) -> Submission | None:
        item = self.store.get_item(keys.group_pk(gid), keys.submission_sk(ref))
        return None if item is None else Submission.of(item.data)

    def decide(self, submission: Submission, state: str, *, by: str, at: float, reason: str = "") -> bool:
        """Pending -> approved, rejected or lapsed, once."""
        if not self.store.update_item(
            keys.group_pk(submission.gid),
            keys.submission_sk(submission.ref),
            {"state": state, "decided_by": by, "decided_at": at, "reason": reason},
            expect={"state": "pending"},
        ):
            return False
        OpenRequests(self.store).close(submission.gid, DRAFT, submission.ref)
        return True


# Pure ------------------------------------------------------------------------------------------------


def plan(at: float, remind_hours: tuple[float, ...], expire_hours: float) -> Plan:
    steps = [("remind", at + hours * HOUR) for hours in remind_hours if hours < expire_hours]
    return (*steps, ("lapse", at + expire_hours * HOUR))


def card(submission: Submission, locale: str, platform: str, *, author: str, reminder: bool = False) -> Card:
    """The draft's card for its approvers; `author` is who submitted it, by name (`name_of`)."""
    fields = [(t(locale, "workflows.pub.field.by"), author)]
    if submission.expires_seconds:
        fields.append((t(locale, "workflows.pub.field.expires"), f"{submission.expires_seconds / DAY:g}d"))
    return Card(
        card_id=f"pub-{submission.ref}" + ("-r" if reminder else ""),
        title=t(
            locale,
            "workflows.pub.reminder.title" if reminder else "workflows.pub.card.title",
            ref=submission.ref,
            by=author,
        ),
        body=submission.text,
        buttons=(
            Button(t(locale, "workflows.pub.button.approve"), "pub.approve", submission.ref, "primary"),
            Button(t(locale, "workflows.pub.button.reject"), "pub.reject", submission.ref, "danger"),
        ),
        fields=tuple(fields),
        footer=t(locale, "workflows.pub.footer", prefix=command_prefix(platform), ref=submission.ref),
    )


# Submitting -------------------------------------------------------------------------------------------


def on_command(command: CommandIssued, ctx: Context, deps: Deps) -> Decision:
    sub = command.args[0].lower() if command.args else ""
    if sub in DECISIONS and len(command.args) >= 2:
        reason = common.text_after(command, 2) if sub == "reject" else ""
        return _decide_by_command(command, ctx, deps, sub, command.args[1].upper(), reason=reason)
    return _submit(command, ctx, deps)


def _submit(command: CommandIssued, ctx: Context, deps: Deps) -> Decision:
    prefix = command_prefix(command.platform)
    if not command.chat or command.direct:
        return common.private(ctx.locale, "workflows.need_group", prefix=prefix)
    try:
        parsed = common.leading_flags(command.args, durations=("expires",))
    except ArgumentError:
        return common.private(ctx.locale, "workflows.pub.usage", prefix=prefix)
    text = common.text_after(command, parsed.consumed)
    if not text:
        return common.private(ctx.locale, "workflows.pub.usage", prefix=prefix)
    approvers = tuple(user for user in common.approvers_of(ctx, command) if user != command.user)
    if not approvers:
        return common.private(ctx.locale, "workflows.pub.no_approver")
    settings = ctx.policy.workflows.publishing
    submission = Submission(
        ref=common.short_ref("P", command),
        gid=command.gid,
        chat=command.chat,
        by=command.user,
        at=ctx.now,
        text=text,
        expires_seconds=parsed.flags.get("expires"),
        approvers=approvers,
        plan=plan(ctx.now, settings.remind_hours, settings.expire_hours),
    )
    if Submissions(deps.store).create(submission):
        Timers(deps.store).set(Timer(submission.gid, KIND, submission.ref, submission.plan[0][1], 0))
        common.point(deps, submission.ref, submission.gid, keep_until=ctx.now + KEEP_DAYS * DAY)
    shown = common.sealed(
        card(submission, ctx.locale, command.platform, author=name_of(command, command.user, deps)),
        deps,
        platform=command.platform,
        tenant=command.tenant,
        chat=command.chat,
    )
    return common.decided(
        PostCard(card=shown, users=approvers, reason="workflows.pub.submitted"),
        Reply(
            text=t(ctx.locale, "workflows.pub.submitted", ref=submission.ref),
            private=True,
            reason="workflows.pub.submitted",
        ),
    )


# Deciding ---------------------------------------------------------------------------------------------


CARD_GATE = ClickGate(common.CLICK_ANSWERS, kinds=DECISIONS)


def on_card(click: CardClicked, ctx: Context, deps: Deps) -> Decision:
    opened = CARD_GATE.open(click, ctx, deps)
    if isinstance(opened, Decision):
        return opened
    sealed, gctx, kind = opened.sealed, opened.ctx, opened.kind
    outcome = _decide(click, gctx, deps, kind, sealed.ref, chat=sealed.chat, reason="")
    if not isinstance(outcome, Decided):
        return outcome  # refused, missing, or decided before: answered privately, nothing else
    decision = outcome.decision
    locale = gctx.locale
    what = t(locale, f"workflows.pub.what.{kind}")
    line = t(locale, "workflows.handled", by=name_of(click, click.user, deps), what=what)
    title = t(locale, "workflows.pub.card.title", ref=sealed.ref, by=outcome.author)
    reason = "workflows.pub.handled"
    # The clicked card by the click's answer; every other approver's card (all of them, when decided in
    # the console, whose click names no card) by the tokens it was sent with.
    clicked = (
        (common.handled(click, title=title, line=line, fallback_id=f"pub-{sealed.ref}", reason=reason),)
        if click.card_id or click.response_token
        else ()
    )
    gid = group_id(click.platform, click.tenant, sealed.chat)
    shown = _cards_shown(deps, click, gid, sealed.ref, title=title, line=line, now=gctx.now, clicked=click)
    actions = Decision.of(*decision.actions, *clicked, *shown).actions
    return dataclasses.replace(decision, actions=actions, acting_chat=common.acting(sealed.chat, click))


def _cards_shown(
    deps: Deps,
    event: Event,
    gid: str,
    ref: str,
    *,
    title: str,
    line: str,
    now: float,
    clicked: CardClicked | None = None,
) -> tuple[Action, ...]:
    """Every approver's card of the draft (but the one clicked) shows who decided, without its buttons."""
    return request_cards.updates(
        deps,
        platform=event.platform,
        gid=gid,
        kind="pub",
        ref=ref,
        card=Card(card_id=f"pub-{ref}", title=title, body="", footer=line),
        told=f"{title}\n{line}",
        reason="workflows.pub.handled",
        now=now,
        clicked=clicked,
    )


def _decide_by_command(
    command: CommandIssued, ctx: Context, deps: Deps, kind: str, ref: str, *, reason: str
) -> Decision:
    gid = command.gid if command.chat and not command.direct else common.locate(deps, ref)
    if gid is None or split_id(gid)[:2] != (command.platform, command.tenant):
        return common.private(ctx.locale, "workflows.pub.missing", ref=ref)
    chat = split_id(gid)[2]
    gctx = ctx if chat == command.chat else load_context(dataclasses.replace(command, chat=chat), deps)
    outcome = _decide(command, gctx, deps, kind, ref, chat=chat, reason=reason)
    if not isinstance(outcome, Decided):
        return outcome
    decision = outcome.decision
    done = Reply(
        text=t(
            gctx.locale,
            "workflows.handled",
            by=name_of(command, command.user, deps),
            what=t(gctx.locale, f"workflows.pub.what.{kind}"),
        ),
        private=True,
        reason="workflows.pub.handled",
    )
    title = t(gctx.locale, "workflows.pub.card.title", ref=ref, by=outcome.author)
    shown = _cards_shown(deps, command, gid, ref, title=title, line=done.text, now=gctx.now)
    actions = Decision.of(*decision.actions, done, *shown).actions
    return dataclasses.replace(decision, actions=actions, acting_chat=chat if chat != command.chat else "")


def _decide(
    event: CardClicked | CommandIssued,
    gctx: Context,
    deps: Deps,
    kind: str,
    ref: str,
    *,
    chat: str,
    reason: str,
) -> Decided | Decision:
    """Approve or reject, once, by an approver: the announcement and the member's answer (`Decided`);
    otherwise the private answer why not."""
    user = event.user
    located = dataclasses.replace(event, chat=chat)
    if not common.may_approve(located, user, gctx, deps):
        return common.answer(
            event, gctx.locale, "workflows.refused", why=f"publication {kind} by a non-approver"
        )
    repo = Submissions(deps.store)
    submission = repo.get(located.gid, ref)
    if submission is None:
        return common.answer(event, gctx.locale, "workflows.pub.missing", ref=ref)
    if kind == "approve" and located.uid(user) == located.uid(submission.by):
        return common.answer(
            event, gctx.locale, "workflows.pub.own", ref=ref, why=f"publication {ref} approved by its author"
        )
    state = DECISIONS[kind]
    if not repo.decide(submission, state, by=user, at=gctx.now, reason=reason):
        latest = repo.get(located.gid, ref) or submission
        return common.answer(
            event,
            gctx.locale,
            "workflows.pub.already",
            ref=ref,
            by=name_of(event, latest.decided_by, deps) or "?",
        )
    Timers(deps.store).clear(submission.gid, KIND, ref)
    locale = gctx.locale
    by = name_of(located, user, deps)
    actions: list[Action] = []
    if kind == "approve":
        place = where_in(deps, located, gctx)
        settings = gctx.policy.workflows
        expires = (
            gctx.now + min(submission.expires_seconds, settings.announcements.max_expires_days * DAY)
            if submission.expires_seconds
            else announcements.expiry({}, gctx.now, settings.announcements)
        )
        announcement, posted = announcements.post(
            deps,
            located,
            gctx,
            place,
            ref=common.short_ref("A", event),
            text=submission.text,
            by=submission.by,
            ack=settings.publishing.ack,
            expires_at=expires,
            source=ref,
        )
        actions += posted
        text = t(locale, "workflows.pub.approved", ref=ref, by=by, announcement=announcement.ref)
    else:
        text = t(
            locale,
            "workflows.pub.rejected",
            ref=ref,
            by=by,
            reason=reason or t(locale, "workflows.no_reason"),
        )
    actions.append(SendDirect(user=submission.by, text=text, reason=f"workflows.pub.{state}"))
    decision = Decision(
        Decision.of(*actions).actions,
        audit={"decided": {"ref": ref, "what": state, "by": user, "author": submission.by}},
    )
    return Decided(decision, author=name_of(located, submission.by, deps))


# The reminders job's part -----------------------------------------------------------------------------


def due(deps: Deps, timer: Timer, place: Where[Event], now: float) -> tuple[list[Action], Timer | None, str]:
    repo = Submissions(deps.store)
    submission = repo.get(timer.gid, timer.ref)
    if submission is None or submission.state != "pending" or timer.stage >= len(submission.plan):
        return [], None, "skipped"
    kind, _ = submission.plan[timer.stage]
    locale = place.locale
    if kind == "lapse":
        if not repo.decide(submission, "lapsed", by="qunguan", at=now):
            return [], None, "skipped"
        text = t(locale, "workflows.pub.lapsed", ref=submission.ref)
        told = SendDirect(user=submission.by, text=text, reason="workflows.pub.lapsed")
        return [told, *_lapsed_cards(deps, submission, place, now)], None, kind
    shown = common.sealed(
        card(
            submission,
            locale,
            place.platform,
            author=name_of(place.event, submission.by, deps),
            reminder=True,
        ),
        deps,
        platform=place.platform,
        tenant=place.tenant,
        chat=submission.chat,
    )
    actions: list[Action] = [PostCard(card=shown, users=submission.approvers, reason="workflows.pub.remind")]
    following = timer.stage + 1
    nxt = (
        Timer(timer.gid, KIND, timer.ref, submission.plan[following][1], following)
        if following < len(submission.plan)
        else None
    )
    return actions, nxt, kind


def _lapsed_cards(deps: Deps, submission: Submission, place: Where[Event], now: float) -> tuple[Action, ...]:
    """Every approver's copy of the draft's cards (the first and each reminder) says it lapsed and loses
    its buttons, as an approver's decision shows (`request_cards.updates`)."""
    locale = place.locale
    title = t(
        locale, "workflows.pub.card.title", ref=submission.ref, by=name_of(place.event, submission.by, deps)
    )
    line = t(
        locale, "workflows.pub.lapsed_card", group=place.label, when=common.when(now, place.offset_hours)
    )
    return request_cards.updates(
        deps,
        platform=place.event.platform,
        gid=submission.gid,
        kind=KIND,
        ref=submission.ref,
        card=Card(card_id=f"pub-{submission.ref}", title=title, body="", footer=line),
        told=f"{title}\n{line}",
        reason="workflows.pub.lapsed",
        now=now,
    )
