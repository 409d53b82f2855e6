"""The admin loop: violation and report cards (Warn / Mute / Remove / Dismiss) and the admin commands
(warn, mute, unmute, remove, pass, cases, policy; ban and unban, with their scopes, are
`chalicelib.persons.sanctions`) — R2.6, R3.7, R4.5, R9.1.

Who may act is decided on the server (`chalicelib.authz`): the clicker's or sender's rights in the group
the sealed card or the command is about, never a field of the payload. A refusal is answered privately
and audited. A case is handled once: the first admin's click moves it out of `open`; a second click is
told who handled it. Cards update to show who did what.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from chalicelib.authz import is_admin
from chalicelib.core import naming
from chalicelib.core.actions import Action, Decision, Mute, Remove, Reply, SendDirect, Unmute, UpdateCard
from chalicelib.core.engine import appeal_command, case_ref, rule_label
from chalicelib.core.events import CardClicked, CommandIssued, Event
from chalicelib.core.facts import CaseActed, Fact, MemberWarned
from chalicelib.core.ids import group_id
from chalicelib.core.localtime import local
from chalicelib.i18n import catalogue, t
from chalicelib.kernel.act import event_claim
from chalicelib.kernel.clicks import ClickAnswers, ClickGate
from chalicelib.kernel.commands import command_prefix
from chalicelib.kernel.context import Context
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.handlers import Recording
from chalicelib.kernel.people import name_of
from chalicelib.kernel.policies import PolicyRepo, parse_override
from chalicelib.moderation.case_cards import copies
from chalicelib.moderation.cases import CaseRepo
from chalicelib.moderation.mutes import MuteRepo
from chalicelib.moderation.sealing import handled_card
from chalicelib.moderation.targets import duration_of, target_of
from chalicelib.store import keys

DEFAULT_MUTE_SECONDS = 3600
MANUAL_WARN_POINTS = 1.0
STATES = {
    "warn": "warned",
    "mute": "muted",
    "remove": "removed",
    "confirm_remove": "removed",
    "dismiss": "dismissed",
}


def private(ctx: Context, key: str, **params: Any) -> Decision:
    return Decision.of(Reply(text=t(ctx.locale, key, **params), private=True, reason=key))


def refused(ctx: Context, why: str) -> Decision:
    decision = private(ctx, "admin.refused")
    return dataclasses.replace(decision, refused=why)


def group_label(ctx: Context, chat: str) -> str:
    """The group as its members know it (`#channel`, its title), never "this group" or, where a name is
    known, its id: private messages name the group."""
    group = ctx.group
    return naming.group_label(group.platform if group else "", chat, group.name if group else "")


def mute_seconds(ctx: Context) -> int:
    for threshold in ctx.policy.escalation.thresholds:
        seconds = getattr(threshold, "mute_seconds", 0) or getattr(threshold, "seconds", 0)
        if threshold.action == "mute" and seconds:
            return int(seconds)
    return DEFAULT_MUTE_SECONDS


# --- cards ------------------------------------------------------------------------------------------


# How the admin loop refuses a click (`chalicelib.kernel.clicks.ClickGate`): by a private reply.
CLICK_ANSWERS = ClickAnswers(invalid="admin.card_invalid", refused="admin.refused", direct=False)
CARD_GATE = ClickGate(CLICK_ANSWERS, allowed=is_admin, refusal="not an admin of {chat}")


def on_card(click: CardClicked, ctx: Context, deps: Deps) -> Decision:
    if click.action.split(".", 1)[-1] not in STATES:
        return Decision()
    opened = CARD_GATE.open(click, ctx, deps)
    if isinstance(opened, Decision):
        return opened
    return decide_case(click, opened.ctx, deps, chat=opened.chat, ref=opened.ref, kind=opened.kind)


def decide_case(
    event: CardClicked | CommandIssued, gctx: Context, deps: Deps, *, chat: str, ref: str, kind: str
) -> Decision:
    """An admin's decision on an open case of the group `chat` (its context `gctx`), by its card's button
    or by the command `handle <case> <kind>` (`chalicelib.moderation.followups`), once, and never on a
    case about themselves: the caller has checked that whoever decides is an admin there. A click updates
    the card to show who did what; a command is answered privately."""
    gid = group_id(event.platform, event.tenant, chat)
    cases = CaseRepo(deps.store)
    case = cases.get(gid, ref)
    if case is None:
        return private(gctx, "admin.case_missing", ref=ref)
    if case.data.get("uid") == event.uid(event.user):
        return dataclasses.replace(
            private(gctx, "admin.own_case", ref=ref), refused=f"case {ref} decided by its member"
        )
    if not cases.transition(gid, ref, from_state="open", to_state=STATES[kind], by=event.user, at=gctx.now):
        handled_by = str(case.data.get("handled_by", "")) or "?"
        return private(gctx, "admin.already_handled", ref=ref, by=name_of(event, handled_by, deps))
    actions, what = _act(kind, member=case.user, chat=chat, ctx=gctx, ref=case.ref, event=event)
    line = t(gctx.locale, "admin.handled", by=name_of(event, event.user, deps), what=what)
    answer: Action
    if isinstance(event, CardClicked):
        title = t(
            gctx.locale,
            "moderation.card.violation.title",
            rule=rule_label(gctx.locale, str(case.data.get("rule", ""))),
        )
        card = handled_card(event.card_id or f"case:{case.ref}", title, line)
        whose, others = copies(
            deps.store, gid, "case", case.ref, card=card, click=event, reason="admin.handled"
        )
        answer = UpdateCard(
            card=card,
            card_ref=event.card_id,
            response_token=event.response_token,
            user=whose,
            reason="admin.handled",
        )
    else:
        answer, others = Reply(text=line, private=True, reason="admin.handled"), []
    acted = CaseActed(gid=gid, ref=case.ref, what=kind, by=event.user, user=case.user, points=case.points)
    return Decision(Decision.of(*actions, answer, *others).actions, acting_chat=chat, facts=(acted,))


def _act(
    kind: str, *, member: str, chat: str, ctx: Context, ref: str, event: Event
) -> tuple[list[Action], str]:
    locale = ctx.locale
    group = group_label(ctx, chat)
    if kind == "warn":
        appeal = appeal_command(event, locale, ref)
        text = t(locale, "member.warned", group=group, reason=ref, appeal=appeal)
        return [SendDirect(user=member, text=text, reason="admin.warn")], t(locale, "admin.what.warn")
    if kind == "mute":
        seconds = mute_seconds(ctx)
        return [Mute(chat=chat, user=member, seconds=seconds, reason="admin.mute")], t(
            locale, "admin.what.mute", minutes=seconds // 60
        )
    if kind in ("remove", "confirm_remove"):
        return [Remove(chat=chat, user=member, reason="admin.remove")], t(locale, "admin.what.remove")
    text = t(locale, "member.dismissed", ref=ref, group=group)
    return [SendDirect(user=member, text=text, reason="admin.dismiss")], t(locale, "admin.what.dismiss")


# --- commands ---------------------------------------------------------------------------------------

Handler = Callable[[CommandIssued, Context, Deps, str], Decision]


def _admin_command(name: str, handler: Handler) -> Callable[[CommandIssued, Context, Deps], Decision]:
    def handle(command: CommandIssued, ctx: Context, deps: Deps) -> Decision:
        if not command.chat or command.direct:
            return private(ctx, "admin.need_target", prefix=command_prefix(command.platform), name=name)
        if not is_admin(command, command.user, ctx, deps):
            return refused(ctx, f"{name} by a non-admin")
        member, _ = target_of(command)
        if member is None and name not in ("policy",):
            return private(ctx, "admin.need_target", prefix=command_prefix(command.platform), name=name)
        return handler(command, ctx, deps, member or "")

    return handle


def _done(ctx: Context, what: str, member: str, *actions: Action, facts: tuple[Fact, ...] = ()) -> Decision:
    """The admin's private answer; `member` is how the bot names the member (`name_of`)."""
    reply = Reply(
        text=t(ctx.locale, "admin.done", what=what, member=member), private=True, reason="admin.done"
    )
    return Decision(Decision.of(*actions, reply).actions, facts=facts)


def _warn(command: CommandIssued, ctx: Context, deps: Deps, member: str) -> Decision:
    _, words = target_of(command)
    reason = " ".join(words) or "-"
    ref = case_ref(command)
    text = t(
        ctx.locale,
        "member.warned",
        group=group_label(ctx, command.chat),
        reason=reason,
        appeal=appeal_command(command, ctx.locale, ref),
    )
    warned = MemberWarned(ref=ref, user=member, rule="manual.warn", reason=reason, points=MANUAL_WARN_POINTS)
    return _done(
        ctx,
        t(ctx.locale, "admin.what.warn"),
        name_of(command, member, deps),
        SendDirect(user=member, text=text, reason="admin.warn"),
        facts=(warned,),
    )


def _mute(command: CommandIssued, ctx: Context, deps: Deps, member: str) -> Decision:
    _, words = target_of(command)
    seconds = duration_of(words, mute_seconds(ctx))
    what = t(ctx.locale, "admin.what.mute", minutes=seconds // 60)
    mute = Mute(chat=command.chat, user=member, seconds=seconds, reason="admin.mute")
    return _done(ctx, what, name_of(command, member, deps), mute)


def _unmute(command: CommandIssued, ctx: Context, deps: Deps, member: str) -> Decision:
    MuteRepo(deps.store).end(command.gid, command.uid(member))
    text = t(ctx.locale, "member.mute_ended", group=group_label(ctx, command.chat))
    return _done(
        ctx,
        t(ctx.locale, "admin.what.unmute"),
        name_of(command, member, deps),
        Unmute(chat=command.chat, user=member, text=text, reason="admin.unmute"),
    )


def _remove(command: CommandIssued, ctx: Context, deps: Deps, member: str) -> Decision:
    return _done(
        ctx,
        t(ctx.locale, "admin.what.remove"),
        name_of(command, member, deps),
        Remove(chat=command.chat, user=member, reason="admin.remove"),
    )


def _pass(command: CommandIssued, ctx: Context, deps: Deps, member: str) -> Decision:
    deps.store.update_member(command.gid, command.uid(member), member, {"ads_pass": True})
    text = t(ctx.locale, "member.pass", group=group_label(ctx, command.chat))
    direct = SendDirect(user=member, text=text, reason="admin.pass")
    return _done(ctx, t(ctx.locale, "admin.what.pass"), name_of(command, member, deps), direct)


def _cases(command: CommandIssued, ctx: Context, deps: Deps, member: str) -> Decision:
    if "--all" in command.args:  # every group's, on every linked platform (`chalicelib.persons.history`)
        from chalicelib.persons import history

        return history.show(command, ctx, deps, [word for word in command.args if word != "--all"])
    found = CaseRepo(deps.store).for_member(command.gid, command.uid(member))
    name = name_of(command, member, deps)
    if not found:
        return private(ctx, "cases.none", member=name, group=group_label(ctx, command.chat))
    lines = [t(ctx.locale, "cases.header", member=name)]
    offset = ctx.policy.jobs.utc_offset_hours
    for case in found:
        lines.append(
            t(
                ctx.locale,
                "cases.line",
                when=local(case.at, offset),
                rule=rule_label(ctx.locale, str(case.data.get("rule", ""))),
                state=state_label(ctx.locale, case.state),
                ref=case.ref,
            )
        )
    return Decision.of(Reply(text="\n".join(lines), private=True, reason="cases"))


def state_label(locale: str, state: str) -> str:
    """A case's state in the reader's language (`open`, `closed`, `warned`, ...)."""
    key = f"cases.state.{state}"
    return t(locale, key) if key in catalogue() else state


def _policy(command: CommandIssued, ctx: Context, deps: Deps, member: str) -> Decision:
    """`policy` shows the group's policy; `policy set <path> <value>` applies a group override version."""
    words = [w for w in command.args if w]
    prefix = command_prefix(command.platform)
    if words and words[0] == "set":
        if len(words) < 3:
            return private(ctx, "policy.check.set_usage", prefix=prefix)
        return _policy_set(command, ctx, deps, words[1], " ".join(words[2:]))
    policy = ctx.policy
    rules = ", ".join(f"{name}={policy.effective_mode(name)}" for name in type(policy.rules).model_fields)
    text = t(
        ctx.locale,
        "policy.summary",
        revision=policy.revision,
        mode=policy.mode,
        locale=policy.locale,
        rules=rules,
        prefix=prefix,
    )
    return Decision.of(Reply(text=text, private=True, reason="policy"))


def _policy_set(command: CommandIssued, ctx: Context, deps: Deps, path: str, raw: str) -> Decision:
    """`policy set <path> <value>`: one setting of this group's own override. The value is read as the
    setting's type wants it (a pattern such as `[A-Z].*` stays text; anything else is YAML). A key
    written `name+` appends to the list the group has (`policy set admins+ [slack:T1:U2]` appoints a
    co-admin of this group, in addition to the org's admins, never of another group nor of the org). The
    override passes the same checks as `qunguan policy apply`, and a refusal names every problem in the
    group's language, never nothing; what was set, and the co-admins it leaves, go to the audit log.
    The version is written under the command's claim: a redelivery that decides again (the worker was
    killed after the write) answers with that version, never writes it twice."""
    import yaml

    from chalicelib.core.policy import PolicyError, combine
    from chalicelib.core.policy_checks import PolicyProblems, Problem, Tenants, check_data, setting_patch
    from chalicelib.kernel.context import policies

    parts = path.split(".")
    repo: PolicyRepo = policies(deps)
    scope = keys.group_policy_scope(command.gid)
    settings = deps.settings
    configured = [("wecom", settings.wecom_corp_id or ""), ("dingtalk", settings.dingtalk_corp_id or "")]
    tenants = Tenants.of([(command.platform, command.tenant), *configured])
    try:
        if not all(parts):
            raise PolicyProblems([Problem(path[:80], "policy.check.bad_path")])
        claim = event_claim(command).id
        applied = repo.claimed(scope, claim)  # this very command, processed before and killed after it
        if applied is not None:
            override = parse_override(applied.text)
        else:
            live = repo.current(scope)
            override = combine(parse_override(live.text) if live else {}, setting_patch(path, raw))
            check_data(scope, override, org=repo.org(), tenants=tenants)
            text = yaml.safe_dump(override, allow_unicode=True)
            applied = repo.apply(scope, text, author=command.user, now=ctx.now, claim=claim, looked=True)
    except PolicyProblems as exc:  # "Not applied:", then every problem on its own line
        text = t(ctx.locale, "policy.error", error="\n" + exc.lines(ctx.locale))
        return Decision.of(Reply(text=text[:1500], private=True, reason="policy.error"))
    except (PolicyError, yaml.YAMLError) as exc:
        return private(ctx, "policy.error", error=str(exc)[:300])
    record: dict[str, Any] = {"policy_set": path, "value": raw[:300], "version": applied.version}
    if parts[0].removesuffix("+") == "admins":
        record["co_admins"] = [*override.get("admins", ()), *override.get("admins+", ())]
    decision = private(ctx, "policy.applied", path=path, value=raw, version=applied.version)
    return dataclasses.replace(decision, audit=record)


def record_acted(acted: CaseActed, done: Recording) -> None:
    """After the actions: what an admin did to a case; a dismissed case gives its points back."""
    event, ctx, results, deps = done.event, done.ctx, done.results, done.deps
    cases = CaseRepo(deps.store)
    cases.add_event(
        acted.gid,
        acted.ref,
        at=ctx.now,
        what=acted.what,
        by=acted.by,
        detail={"results": [getattr(r, "status", "") for r in results]},
    )
    if acted.what == "dismiss" and acted.points:
        uid = f"{event.platform}:{event.tenant}:{acted.user}"
        member = deps.store.get_member(acted.gid, uid)
        if member is not None:
            cases.set_points(acted.gid, uid, acted.user, total=member.points - acted.points, at=ctx.now)


def record_warned(warned: MemberWarned, done: Recording) -> None:
    """After the actions: the closed case of a manual warning, with its points."""
    event, ctx, deps = done.event, done.ctx, done.deps
    uid = event.uid(warned.user)
    member = deps.store.get_member(event.gid, uid)
    total = (member.points if member else 0.0) + warned.points
    CaseRepo(deps.store).open(
        gid=event.gid,
        uid=uid,
        ref=warned.ref,
        data={
            "user": warned.user,
            "chat": event.chat,
            "source": "admin",
            "actor": getattr(event, "user", ""),
            "rule": warned.rule,
            "rules": [warned.rule],
            "reason": warned.reason,
            "points": warned.points,
            "state": "closed",
            "outcome": "banned" if warned.rule == "manual.ban" else "warned",
            "policy_revision": ctx.policy.revision,
        },
        at=ctx.now,
        retention_days=int(ctx.policy.retention.get("cases", 365)),
        points={"total": total, "at": ctx.now},
    )


COMMANDS = {
    name: _admin_command(name, handler)
    for name, handler in {
        "warn": _warn,
        "mute": _mute,
        "unmute": _unmute,
        "remove": _remove,
        "kick": _remove,
        "pass": _pass,
        "cases": _cases,
        "policy": _policy,
    }.items()
}
CARD_ACTIONS = {"mod": on_card}
