"""Members report messages to the admins (R4.11, R9.1), and appeal what was done to them (LANDSCAPE
section 4, item 8): an appeal goes to a second admin, not the one who acted, with a deadline, and a
reversal undoes the action (points returned, mute lifted) and tells the member.
"""

from __future__ import annotations

import dataclasses

from chalicelib.authz import admins_of, is_admin
from chalicelib.core.actions import Action, Decision, PostCard, Reply, SendDirect, Unmute, UpdateCard
from chalicelib.core.cards import Button, Card
from chalicelib.core.engine import case_ref, rule_label
from chalicelib.core.events import CardClicked, CommandIssued
from chalicelib.core.facts import AppealDecided, MessageReported
from chalicelib.core.ids import group_id, split_id
from chalicelib.core.localtime import local
from chalicelib.i18n import t
from chalicelib.kernel.clicks import ClickGate
from chalicelib.kernel.commands import command_prefix
from chalicelib.kernel.context import Context, load_context
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.handlers import Recording
from chalicelib.kernel.people import name_of
from chalicelib.moderation import bans
from chalicelib.moderation.admin import CLICK_ANSWERS, group_label, private
from chalicelib.moderation.case_cards import copies
from chalicelib.moderation.cases import CaseRepo
from chalicelib.moderation.mutes import MuteRepo
from chalicelib.moderation.sealing import handled_card, seal_card
from chalicelib.moderation.targets import target_of
from chalicelib.store import keys
from chalicelib.store.records import Item

REPORTS_PER_HOUR = 3
DAY = 86400


def offset_of(ctx: Context) -> float:
    return ctx.policy.jobs.utc_offset_hours


# --- reports ----------------------------------------------------------------------------------------


def report(command: CommandIssued, ctx: Context, deps: Deps) -> Decision:
    """`/qg report @member reason`, `@bot report @member reason`, or Slack's message shortcut."""
    prefix = command_prefix(command.platform)
    if not command.chat or command.direct:
        return private(ctx, "report.need_target", prefix=prefix)
    message_id = ""
    if command.name == "report" and len(command.args) == 2 and command.args[0].replace(".", "").isdigit():
        message_id, member, reason = command.args[0], command.args[1], ""  # the message shortcut
    else:
        target, words = target_of(command)
        if target is None:
            return private(ctx, "report.need_target", prefix=prefix)
        member, reason = target, " ".join(words)
    reporter = command.uid(command.user)
    hour = int(ctx.now // 3600)
    old = deps.store.bump_counters(
        keys.moderation_window_pk(command.gid),
        keys.report_limit_sk(hour),
        {f"r_{reporter}": 1},
        {},
        expires_at=(hour + 2) * 3600,
    )
    if int(old.get(f"r_{reporter}", 0)) >= REPORTS_PER_HOUR:
        return private(ctx, "report.limit", limit=REPORTS_PER_HOUR)
    if member in admins_of(ctx, command) or ctx.policy.is_admin(command.uid(member)):
        return private(ctx, "report.admin_target")
    ref = case_ref(command)
    locale = ctx.locale
    group = group_label(ctx, command.chat)
    named, reporter = name_of(command, member, deps), name_of(command, command.user, deps)
    card = Card(
        card_id=f"report:{ref}",
        title=t(locale, "report.card.title", member=named),
        body=t(locale, "report.card.body", reporter=reporter, member=named, group=group, reason=reason),
        buttons=tuple(
            Button(
                t(locale, f"moderation.card.button.{kind}"),
                kind,
                ref,
                "danger" if kind == "remove" else "default",
            )
            for kind in ("warn", "mute", "remove", "dismiss")
        ),
        fields=(
            (t(locale, "moderation.card.field.member"), named),
            (t(locale, "moderation.card.field.group"), group),
            (
                t(locale, "moderation.card.field.when"),
                local(command.occurred_at, ctx.policy.jobs.utc_offset_hours),
            ),
        ),
        footer=t(locale, "moderation.card.footer", case=ref, version=ctx.policy.revision),
    )
    admins = tuple(a for a in admins_of(ctx, command) if a != member)
    actions: list[Action] = [Reply(text=t(locale, "report.thanks"), private=True, reason="report.thanks")]
    if admins:
        actions.append(PostCard(card=seal_card(card, command, deps.settings), users=admins, reason="report"))
    reported = MessageReported(
        ref=ref, user=member, reason=reason, message_id=message_id, reporter=command.user
    )
    return Decision(Decision.of(*actions).actions, facts=(reported,))


# --- appeals ----------------------------------------------------------------------------------------


def appeal(command: CommandIssued, ctx: Context, deps: Deps) -> Decision:
    prefix = command_prefix(command.platform)
    if not command.args:
        return private(ctx, "appeal.usage", prefix=prefix)
    ref, reason = command.args[0], " ".join(command.args[1:]) or "-"
    cases = CaseRepo(deps.store)
    gid = cases.locate(ref)
    case = cases.get(gid, ref) if gid else None
    if case is None or gid is None:
        return private(ctx, "admin.case_missing", ref=ref[:40])
    if case.data.get("uid") != command.uid(command.user):
        return private(ctx, "appeal.not_yours")
    chat = split_id(gid)[2]
    gctx = load_context(dataclasses.replace(command, chat=chat), deps)
    days = gctx.policy.appeal_days
    if gctx.now - case.at > days * DAY:
        return private(ctx, "appeal.too_late", days=days)
    # Its deadline is followed by the appeal card's follow-up (`chalicelib.moderation.followups`).
    appeal_item = Item(
        keys.group_pk(gid),
        keys.case_appeal_sk(ref),
        {"state": "pending", "reason": reason, "at": gctx.now, "by": command.user},
    )
    if not deps.store.put_item(appeal_item, if_absent=True):
        return private(ctx, "appeal.already")
    acted_by = {str(case.data.get("actor", "")), str(case.data.get("handled_by", "")), case.user}
    reviewers = tuple(a for a in admins_of(gctx, command) if a not in acted_by and a != command.user)
    if not reviewers:
        return private(ctx, "appeal.no_reviewer")
    locale = gctx.locale
    card = Card(
        card_id=f"appeal:{ref}",
        title=t(locale, "appeal.card.title", ref=ref),
        body=t(
            locale,
            "appeal.card.body",
            member=name_of(command, command.user, deps),
            rule=rule_label(locale, str(case.data.get("rule", ""))),
            days=days,
            reason=reason,
        ),
        buttons=(
            Button(t(locale, "appeal.button.uphold"), "appeal.uphold", ref),
            Button(t(locale, "appeal.button.reverse"), "appeal.reverse", ref, "primary"),
        ),
        footer=t(locale, "moderation.card.footer", case=ref, version=gctx.policy.revision),
    )
    sealed = seal_card(card, command, deps.settings, chat=chat)
    return Decision.of(
        PostCard(card=sealed, users=reviewers, reason="appeal"),
        Reply(text=t(ctx.locale, "appeal.sent", days=days), private=True, reason="appeal.sent"),
    )


APPEAL_GATE = ClickGate(
    CLICK_ANSWERS,
    kinds=("uphold", "reverse"),
    allowed=is_admin,
    refusal="appeal decided by a non-admin of {chat}",
)


def on_appeal_card(click: CardClicked, ctx: Context, deps: Deps) -> Decision:
    opened = APPEAL_GATE.open(click, ctx, deps)
    if isinstance(opened, Decision):
        return opened
    return decide_appeal(click, opened.ctx, deps, chat=opened.chat, ref=opened.ref, kind=opened.kind)


def decide_appeal(
    event: CardClicked | CommandIssued, gctx: Context, deps: Deps, *, chat: str, ref: str, kind: str
) -> Decision:
    """A second admin upholds or reverses an appeal on a case of the group `chat` (its context `gctx`), by
    the appeal card's button or by the command `handle <case> uphold|reverse`
    (`chalicelib.moderation.followups`): once, never by the admin who acted, nor by the appellant (an
    admin appealing a case about themselves); the caller has checked that whoever decides is an admin
    there. A click updates the card; a command is answered privately."""
    gid = group_id(event.platform, event.tenant, chat)
    cases = CaseRepo(deps.store)
    case = cases.get(gid, ref)
    if case is None:
        return private(gctx, "admin.case_missing", ref=ref)
    filed = deps.store.get_item(keys.group_pk(gid), keys.case_appeal_sk(ref))
    appellant = str(filed.data.get("by", "")) if filed is not None else ""
    if event.uid(event.user) == case.data.get("uid") or event.user == appellant:
        return dataclasses.replace(
            private(gctx, "appeal.own_appeal"), refused=f"appeal {ref} decided by its appellant"
        )
    if event.user in {str(case.data.get("actor", "")), str(case.data.get("handled_by", ""))}:
        return private(gctx, "appeal.own_action")
    decided = deps.store.update_item(
        keys.group_pk(gid),
        keys.case_appeal_sk(ref),
        {"state": kind, "decided_by": event.user, "decided_at": gctx.now},
        expect={"state": "pending"},
    )
    if not decided:
        return private(gctx, "admin.already_handled", ref=ref, by="-")
    locale = gctx.locale
    actions: list[Action] = []
    if kind == "reverse":
        actions.append(
            SendDirect(
                user=case.user,
                text=t(locale, "appeal.reversed", ref=case.ref, group=group_label(gctx, chat)),
                reason="appeal",
            )
        )
        if MuteRepo(deps.store).get(gid, str(case.data.get("uid", ""))) is not None:
            text = t(locale, "member.mute_ended", group=group_label(gctx, chat))
            actions.append(Unmute(chat=chat, user=case.user, text=text, reason="appeal.reverse"))
    else:
        actions.append(
            SendDirect(
                user=case.user,
                text=t(locale, "appeal.upheld", ref=case.ref, group=group_label(gctx, chat)),
                reason="appeal",
            )
        )
    line = t(
        locale, "admin.handled", by=name_of(event, event.user, deps), what=t(locale, f"appeal.what.{kind}")
    )
    if isinstance(event, CardClicked):
        card = handled_card(
            event.card_id or f"appeal:{case.ref}", t(locale, "appeal.card.title", ref=case.ref), line
        )
        whose, others = copies(
            deps.store, gid, "appeal", case.ref, card=card, click=event, reason="appeal.handled"
        )
        answer = UpdateCard(
            card=card,
            card_ref=event.card_id,
            response_token=event.response_token,
            user=whose,
            reason="appeal.handled",
        )
        actions.extend((answer, *others))
    else:
        actions.append(Reply(text=line, private=True, reason="appeal.handled"))
    appealed = AppealDecided(
        gid=gid,
        ref=case.ref,
        what=kind,
        by=event.user,
        user=case.user,
        uid=str(case.data.get("uid", "")),
        points=case.points,
        rule=str(case.data.get("rule", "")),
    )
    return Decision(Decision.of(*actions).actions, acting_chat=chat, facts=(appealed,))


def record_report(reported: MessageReported, done: Recording) -> None:
    """After the actions: the reported message's case, open for the admins."""
    event, ctx, deps = done.event, done.ctx, done.deps
    CaseRepo(deps.store).open(
        gid=event.gid,
        uid=event.uid(reported.user),
        ref=reported.ref,
        data={
            "user": reported.user,
            "chat": event.chat,
            "source": "report",
            "actor": reported.reporter,
            "rule": "report",
            "rules": ["report"],
            "reason": reported.reason,
            "message_id": reported.message_id,
            "points": 0.0,
            "state": "open",
            "outcome": "reported",
            "policy_revision": ctx.policy.revision,
        },
        at=ctx.now,
        retention_days=int(ctx.policy.retention.get("cases", 365)),
    )


def record_appeal(decided: AppealDecided, done: Recording) -> None:
    """After the actions: the appeal on the case; a reversed one ends the mute, lifts a manual ban and
    gives the case's points back."""
    ctx, deps = done.ctx, done.deps
    cases = CaseRepo(deps.store)
    cases.add_event(
        decided.gid, decided.ref, at=ctx.now, what=f"appeal.{decided.what}", by=decided.by, detail={}
    )
    if decided.what != "reverse":
        return
    MuteRepo(deps.store).end(decided.gid, decided.uid)
    if decided.rule == "manual.ban":  # a reversed ban lifts it
        bans.unban(deps.store, decided.gid, decided.uid)
    member = deps.store.get_member(decided.gid, decided.uid)
    if member is not None and decided.points:
        cases.set_points(
            decided.gid, decided.uid, decided.user, total=member.points - decided.points, at=ctx.now
        )


COMMANDS = {"report": report, "appeal": appeal}
CARD_ACTIONS = {"appeal": on_appeal_card}
