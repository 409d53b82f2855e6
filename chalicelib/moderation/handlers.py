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
from chalicelib.core.facts import CaseOpened
from chalicelib.core.policy import GroupPolicy
from chalicelib.core.rules.base import Rule, RuleContext, event_files, event_text
from chalicelib.core.rules.files import doc_key_and_version
from chalicelib.core.text import fingerprint
from chalicelib.i18n import t
from chalicelib.kernel.context import Context
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.executor import ActionResult
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
    from chalicelib.kernel.commands import as_command, command_name

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
    if decision.actions:  # someone is told: name the member, link the message (the rules are pure)
        signals = named(event, signals, ctx, deps, decision)
        decision = moderate(event, signals, rules)
    if ctx.policy.escalation.scope == "person" and decision.notes.get("points"):
        from chalicelib.persons.escalation import across_groups

        decision = across_groups(event, signals, decision, ctx, deps, rules=rules)
    decision = one_removal_proposal(decision, event, ctx, deps)
    decision = slowmode.after_moderation(decision, event, signals, ctx, deps)
    return seal_decision(_with_case_fact(decision), event, deps.settings)


def _with_case_fact(decision: Decision) -> Decision:
    """Tell the other domains (the spike alerts) that a case is opened, as a fact, not through notes."""
    notes = decision.notes
    if decision.shadow or not (notes.get("findings") and notes.get("case_ref")):
        return decision
    rules = tuple(str(finding.get("rule", "")) for finding in notes["findings"])
    return dataclasses.replace(decision, facts=(*decision.facts, CaseOpened(str(notes["case_ref"]), rules)))


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


def record(event: Event, ctx: Context, decision: Decision, results: tuple[Any, ...], deps: Deps) -> None:
    """After the actions: the case and points, the pass used up, the mute to undo, the versions seen."""
    notes = decision.notes
    if notes.get("findings") and notes.get("case_ref") and not notes.get("admin_case"):
        _record_case(event, ctx, decision, results, deps)
    if notes.get("removal_open") and notes.get("points"):
        CaseRepo(deps.store).add_event(
            event.gid,
            str(notes["removal_open"]),
            at=ctx.now,
            what="points",
            by=AUTOMATIC,
            detail={"total": notes["points"]["total"], "case": str(notes.get("case_ref", ""))},
        )
    user = str(getattr(event, "user", ""))
    if notes.get("consume_pass") and user:
        deps.store.update_member(event.gid, event.uid(user), user, {"ads_pass": None})
    _record_mutes(event, ctx, decision, results, deps, case_ref=str(notes.get("case_ref", "")))
    spent_tokens(event, decision, results, deps)
    if isinstance(event, MessagePosted | FileShared) and event_files(event):
        _record_versions(event, deps)


def _record_case(
    event: Event, ctx: Context, decision: Decision, results: tuple[Any, ...], deps: Deps
) -> None:
    notes = decision.notes
    user = str(getattr(event, "user", ""))
    policy = ctx.policy
    findings = notes["findings"]
    sensitive = bool(notes.get("sensitive"))
    text = event_text(event)
    outcome = (
        "shadow" if decision.shadow else ",".join(f"{r.action}:{r.status}" for r in results) or "recorded"
    )
    # Open while an admin card about it waits (a violation card or a removal proposal; the slow-mode card
    # after a heated exchange is about the group, not this case).
    has_card = any(
        isinstance(a, PostCard) and a.card.card_id.startswith(("case:", "removal:")) for a in decision.actions
    )
    CaseRepo(deps.store).open(
        gid=event.gid,
        uid=event.uid(user),
        ref=str(notes["case_ref"]),
        data={
            "user": user,
            "chat": event.chat,
            "source": "auto",
            "actor": AUTOMATIC,
            "rules": [f["rule"] for f in findings],
            "rule": findings[0]["rule"],
            "severity": max((f["severity"] for f in findings), key=("low", "medium", "high").index),
            "findings": [{k: v for k, v in f.items() if k != "params" or not sensitive} for f in findings],
            "policy_revision": str(notes.get("policy_revision", policy.revision)),
            "fingerprint": fingerprint(text) if text else "",
            "message_id": str(getattr(event, "message_id", "") or ""),
            "points": float((notes.get("points") or {}).get("added", 0.0)),
            "outcome": outcome,
            "state": "open" if has_card else "closed",
            "shadow_actions": notes.get("shadow_actions", []),
            # Who got the admin card, and why them (the group's admins, the org's for a group without
            # any, or nobody known at all: then it says so here and in `pending`, never silently).
            "admins_told": notes.get("admins_told", {}),
        },
        at=ctx.now,
        retention_days=int(policy.retention.get("cases", 365)),
        snapshot=None if sensitive else text,
        snapshot_days=int(policy.retention.get("snapshots", 0)),
        points=notes.get("points"),
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
AFTER = (record, admin.record, reports.record, slowmode.record, followups.record)
