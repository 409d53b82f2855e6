"""Moderation's part in the worker: every group message and file through the rule set (R3.x, R4.x,
R5.x), with slow mode after a heated exchange (R5.3, `slowmode`), bans enforced on rejoin (R3.7), and,
after the actions, the case with the member's points, the used one-time pass, the mute to undo later,
the document versions seen (R6.3) and the admin cards to follow up until handled (R8.8, `followups`).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from chalicelib.authz import directory_user
from chalicelib.core.actions import Decision, Mute, PostCard, Remove, SendDirect
from chalicelib.core.engine import build_rules, moderate
from chalicelib.core.events import (
    DirectoryChanged,
    Event,
    FileShared,
    MemberJoined,
    MessagePosted,
    MessageWithdrawn,
)
from chalicelib.core.facts import (
    AppealDecided,
    CaseActed,
    CaseDecided,
    CaseOpened,
    ExchangeWarned,
    MemberWarned,
    MessageReported,
    SlowModeStarted,
)
from chalicelib.core.policy import GroupPolicy
from chalicelib.core.rules.base import Rule, RuleContext, event_files, event_text
from chalicelib.core.rules.files import doc_key_and_version
from chalicelib.core.text import fingerprint
from chalicelib.i18n import t
from chalicelib.kernel.commands import as_command, command_name
from chalicelib.kernel.context import Context
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.executor import ActionResult
from chalicelib.kernel.handlers import Recording
from chalicelib.moderation import admin, followups, reports, slowmode, withdrawals
from chalicelib.moderation.cases import CaseRepo
from chalicelib.moderation.mutes import MuteRecord, MuteRepo
from chalicelib.moderation.proposals import one_removal_proposal, spent_tokens
from chalicelib.moderation.sealing import seal_decision
from chalicelib.moderation.signals import rule_context
from chalicelib.store import keys
from chalicelib.store.records import Item

AUTOMATIC = "qunguan"


def governed(event: Event, ctx: Context) -> bool:
    return (
        bool(event.chat) and not getattr(event, "direct", False) and (ctx.group is None or ctx.group.enabled)
    )


def addressed_command(event: Event, ctx: Context) -> bool:
    """A known command addressed to the bot (`@bot help`) is not group traffic: it is not moderated."""
    command = as_command(event) if isinstance(event, MessagePosted) else None
    return command is not None and command_name(command) in ctx.commands


def on_message(event: MessagePosted | FileShared, ctx: Context, deps: Deps) -> Decision:
    if not governed(event, ctx) or addressed_command(event, ctx):
        return Decision()
    if isinstance(event, FileShared) and not event.file.name:
        return Decision()  # Slack's bare file_shared: the message with the file carries its name
    signals = rule_context(event, ctx, deps)
    rules = rules_for(ctx.policy)
    decision = moderate(event, signals, rules)
    if not decision.actions and not decision.facts:
        return decision  # nothing found (an ordinary message): nothing below has anything to add
    if decision.actions:  # someone is told: name the member, link the message (the rules are pure)
        signals = named(event, signals, ctx, deps, decision)
        decision = moderate(event, signals, rules)
    case = decision.fact(CaseDecided)
    if ctx.policy.escalation.scope == "person" and case is not None and case.points is not None:
        from chalicelib.persons.escalation import across_groups

        decision = across_groups(event, signals, decision, ctx, deps, rules=rules)
    decision = one_removal_proposal(decision, event, ctx, deps)
    decision = slowmode.after_moderation(decision, event, signals, ctx, deps)
    return seal_decision(_with_case_fact(decision), event, deps.settings)


def _with_case_fact(decision: Decision) -> Decision:
    """Tell the other domains (the spike alerts) that a case is opened: `CaseOpened`, its ref and rules."""
    case = decision.fact(CaseDecided)
    if decision.shadow or case is None or not case.findings:
        return decision
    return decision.with_facts(CaseOpened(case.ref, case.rules))


def named(
    event: MessagePosted | FileShared, signals: RuleContext, ctx: Context, deps: Deps, decision: Decision
) -> RuleContext:
    """The signals with the member's name (as the message gave it, else the directory's, else the name
    shown in the group) and, when the admins get a card, a link to the message where there is one."""
    name = getattr(event, "user_name", "")
    if not name:
        person = directory_user(event, event.user, deps)
        name = (person.name or person.display_name) if person else ""
    name = name or (ctx.member.display_name if ctx.member else "")
    link = ""
    message_id = getattr(event, "message_id", None)
    if message_id and any(isinstance(a, PostCard) for a in decision.actions):
        link = deps.messenger(event.platform).permalink(event.tenant, event.chat, message_id) or ""
    return dataclasses.replace(signals, member_name=name, message_link=link)


_rule_sets: dict[int, tuple[GroupPolicy, list[Rule]]] = {}


def rules_for(policy: GroupPolicy) -> list[Rule]:
    """The rule set of a policy, built once per policy object: the resolved policy is itself cached per
    group for a minute, so a message neither rebuilds the rules nor hashes a large lexicon again."""
    hit = _rule_sets.get(id(policy))
    if hit is not None and hit[0] is policy:
        return hit[1]
    rules = build_rules(policy)
    if len(_rule_sets) > 256:
        _rule_sets.clear()
    _rule_sets[id(policy)] = (policy, rules)
    return rules


def on_join(event: MemberJoined, ctx: Context, deps: Deps) -> Decision:
    """A banned member who joins again is removed again (R3.7). Bans wider than this group are refused by
    the persons domain's gate, from the same reads (`chalicelib.persons.gate.standing`)."""
    from chalicelib.persons.gate import standing

    if not event.chat or not standing(event, ctx, deps).group_banned:
        return Decision()
    group = ctx.group.name if ctx.group and ctx.group.name else event.chat
    return Decision.of(
        Remove(chat=event.chat, user=event.user, ban=True, reason="moderation.ban", rule="ban"),
        SendDirect(
            user=event.user, text=t(ctx.locale, "member.banned_rejoin", group=group), reason="moderation.ban"
        ),
    )


def record_case(case: CaseDecided, done: Recording) -> None:
    """After the actions: the case and the member's points, the points an open removal proposal gets,
    the one-time pass used up."""
    event, ctx, deps = done.event, done.ctx, done.deps
    if case.findings:
        _record_case(case, done)
    if case.removal_open and case.points is not None:
        CaseRepo(deps.store).add_event(
            event.gid,
            case.removal_open,
            at=ctx.now,
            what="points",
            by=AUTOMATIC,
            detail={"total": case.points.total, "case": case.ref},
        )
    user = str(getattr(event, "user", ""))
    if case.consume_pass and user:
        deps.store.update_member(event.gid, event.uid(user), user, {"ads_pass": None})


def record(event: Event, ctx: Context, decision: Decision, results: tuple[Any, ...], deps: Deps) -> None:
    """After the actions: the mute to undo (with its case), the document versions seen."""
    if decision.actions:
        case = decision.fact(CaseDecided)
        _record_mutes(event, ctx, decision, results, deps, case_ref=case.ref if case is not None else "")
        spent_tokens(event, decision, results, deps)
    if isinstance(event, MessagePosted | FileShared) and event_files(event):
        _record_versions(event, deps)


def _record_case(case: CaseDecided, done: Recording) -> None:
    event, ctx, decision, results, deps = done.event, done.ctx, done.decision, done.results, done.deps
    user = str(getattr(event, "user", ""))
    policy = ctx.policy
    findings = case.findings
    sensitive = case.sensitive
    text = event_text(event)
    outcome = (
        "shadow" if decision.shadow else ",".join(f"{r.action}:{r.status}" for r in results) or "recorded"
    )
    # Open while an admin card about it waits (a violation card or a removal proposal; the slow-mode card
    # after a heated exchange is about the group, not this case).
    has_card = any(
        isinstance(a, PostCard) and a.card.card_id.startswith(("case:", "removal:")) for a in decision.actions
    )
    told = case.admins_told
    CaseRepo(deps.store).open(
        gid=event.gid,
        uid=event.uid(user),
        ref=case.ref,
        data={
            "user": user,
            "chat": event.chat,
            "source": "auto",
            "actor": AUTOMATIC,
            "rules": list(case.rules),
            "rule": findings[0]["rule"],
            "severity": max((f["severity"] for f in findings), key=("low", "medium", "high").index),
            "findings": [{k: v for k, v in f.items() if k != "params" or not sensitive} for f in findings],
            "policy_revision": case.policy_revision or policy.revision,
            "fingerprint": fingerprint(text) if text else "",
            "message_id": str(getattr(event, "message_id", "") or ""),
            "points": case.points.added if case.points is not None else 0.0,
            "outcome": outcome,
            "state": "open" if has_card else "closed",
            "shadow_actions": list(case.shadow_actions),
            # Who got the admin card, and why them (the group's admins, the org's for a group without
            # any, or nobody known at all: then it says so here and in `pending`, never silently).
            "admins_told": {"to": list(told.to), "why": told.why} if told is not None else {},
        },
        at=ctx.now,
        retention_days=int(policy.retention.get("cases", 365)),
        snapshot=None if sensitive else text,
        snapshot_days=int(policy.retention.get("snapshots", 0)),
        points=dataclasses.asdict(case.points) if case.points is not None else None,
    )


def _record_mutes(
    event: Event, ctx: Context, decision: Decision, results: tuple[Any, ...], deps: Deps, *, case_ref: str
) -> None:
    repo = MuteRepo(deps.store)
    for action, result in zip(decision.actions, results, strict=False):
        if (
            isinstance(action, Mute)
            and isinstance(result, ActionResult)
            and result.status in ("done", "substituted")
        ):
            gid = event.gid if event.chat == action.chat else f"{event.platform}:{event.tenant}:{action.chat}"
            uid = f"{event.platform}:{event.tenant}:{action.user}"
            repo.record(MuteRecord(gid, uid, action.user, ctx.now + action.seconds, case_ref), at=ctx.now)


def _record_versions(event: MessagePosted | FileShared, deps: Deps) -> None:
    seen: dict[str, list[int]] = {}
    for file in event_files(event):
        parsed = doc_key_and_version(file.name)
        if parsed is not None:
            seen[parsed[0]] = list(parsed[1])
    if not seen:
        return
    pk, sk = keys.group_pk(event.gid), keys.documents_sk()
    current = deps.store.get_item(pk, sk)
    versions: dict[str, list[int]] = dict((current.data.get("versions") if current else None) or {})
    changed = False
    for doc, version in seen.items():
        if tuple(version) > tuple(versions.get(doc, ())):
            versions[doc] = version
            changed = True
    if changed:
        deps.store.put_item(Item(pk, sk, {"versions": versions}))


def on_case_acted(acted: CaseActed, done: Recording) -> None:
    """An admin decided a case: recorded on it, and its card no longer followed."""
    admin.record_acted(acted, done)
    followups.close_acted(acted, done.deps)


def on_appeal_decided(decided: AppealDecided, done: Recording) -> None:
    """An admin decided an appeal: recorded on the case, and its card no longer followed."""
    reports.record_appeal(decided, done)
    followups.close_acted(decided, done.deps)


def on_renamed(event: DirectoryChanged, ctx: Context, deps: Deps) -> Decision:
    """The directory gave a member a new id (WeCom `NewUserID`): their cases in the group follow them
    (membership moves their record and points). Once per group, as membership fans the change out."""
    if event.chat and event.new_user and event.new_user != event.user:
        CaseRepo(deps.store).move_member(event.gid, event.uid(event.user), event.uid(event.new_user))
    return Decision()


EVENTS = {
    MessagePosted: on_message,
    FileShared: on_message,
    MemberJoined: on_join,
    DirectoryChanged: on_renamed,
    MessageWithdrawn: withdrawals.on_withdrawn,
}
COMMANDS = {**admin.COMMANDS, **reports.COMMANDS, **followups.COMMANDS, "slowmode": slowmode.on_command}
CARD_ACTIONS = {**admin.CARD_ACTIONS, **reports.CARD_ACTIONS, slowmode.PREFIX: slowmode.on_card}
AFTER = (record, followups.record)
RECORDS = {
    CaseDecided: record_case,
    CaseActed: on_case_acted,
    AppealDecided: on_appeal_decided,
    MemberWarned: admin.record_warned,
    MessageReported: reports.record_report,
    SlowModeStarted: slowmode.record_start,
    ExchangeWarned: slowmode.record_warnings,
}
