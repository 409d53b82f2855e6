"""The moderation engine: run every applicable rule, then decide what to do. No I/O.

`evaluate` runs every rule that applies to the event (never first-match-wins), skips rules that are off
or from which the member is exempt, and records a rule that raises as an error without stopping the
others. `decide` turns the findings into a `Decision`, by each rule's mode (capped by the group's):

- enforce: remove the message where a finding asks for it, mute where one asks for it, add the points
  of the most severe finding and apply the escalation ladder, send the admins a violation card, and
  tell the member privately (in the group's locale) which rule, what was done, the text that was removed,
  and how to appeal;
- warn: only the private explanation (no removal, no points);
- shadow: nothing is done; the findings and the actions they would have caused go into the case, for
  the case log.

What moderation records once the actions are done is a typed fact on the decision,
`chalicelib.core.facts.CaseDecided`: the case ref (the id cards and the appeal command refer to), the
findings, the member's points when an enforced violation added some, the one-time pass used, the would-be
actions in shadow. The audit detail names the case and its rules, and the rules that raised (`errors`).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from chalicelib.core import escalation
from chalicelib.core.actions import (
    NOTHING,
    Action,
    Decision,
    DeleteMessage,
    Mute,
    PostCard,
    SendDirect,
)
from chalicelib.core.cards import Button, Card
from chalicelib.core.events import Event
from chalicelib.core.facts import AdminsTold, CaseDecided, Points, Threshold
from chalicelib.core.ids import natives_in
from chalicelib.core.lexicon import Lexicon, lexicons_for
from chalicelib.core.localtime import local
from chalicelib.core.naming import person_label
from chalicelib.core.policy import SEVERITY_RANK, GroupPolicy, Mode, RuleSettings
from chalicelib.core.rules.ads import AdsRule, promotion_spec
from chalicelib.core.rules.base import (
    Finding,
    Rule,
    RuleContext,
    event_files,
    event_message_id,
    event_text,
    event_user,
)
from chalicelib.core.rules.duplicate import DuplicateRule
from chalicelib.core.rules.emoji import EmojiRule
from chalicelib.core.rules.files import FilesRule
from chalicelib.core.rules.flood import FloodRule
from chalicelib.core.rules.heated import HeatedRule
from chalicelib.core.rules.length import LengthRule
from chalicelib.core.rules.lexicon import LexiconRule, lexicon_spec
from chalicelib.core.rules.pii import PiiRule
from chalicelib.core.rules.slowmode import SlowModeRule
from chalicelib.core.rules.topic import TopicRule
from chalicelib.i18n import catalogue, t

EXCERPT_CHARS = 200


@dataclass(frozen=True)
class RuleError:
    """A rule that raised: recorded, and the other rules still ran."""

    rule: str
    error: str


@dataclass(frozen=True)
class Skipped:
    rule: str
    why: str  # "off" | "exempt:role:<role>" | "exempt:admin" | "exempt:member"


@dataclass(frozen=True)
class Evaluation:
    """What the rules found, most severe first; what did not run, and why; what failed."""

    findings: tuple[Finding, ...] = ()
    errors: tuple[RuleError, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    ran: tuple[str, ...] = ()


# --- building the rule set --------------------------------------------------------------------------

# A rule's factory gets the policy and the lexicons built for the rule set (`_lexicons`).
_Lexicons = dict[str, Lexicon]
RULE_FACTORIES: dict[str, Callable[[GroupPolicy, _Lexicons], Rule]] = {
    "flood": lambda p, _: FloodRule(p.rules.flood),
    "duplicate": lambda p, _: DuplicateRule(p.rules.duplicate),
    "lexicon": lambda p, lex: LexiconRule.from_settings(p.rules.lexicon, lex.get("lexicon")),
    "ads": lambda p, lex: AdsRule.from_settings(p.rules.ads, lex.get("ads")),
    "pii": lambda p, _: PiiRule(p.rules.pii),
    "files": lambda p, _: FilesRule(p.rules.files),
    "emoji": lambda p, _: EmojiRule(p.rules.emoji),
    "length": lambda p, _: LengthRule(p.rules.length),
    "topic": lambda p, _: TopicRule(p.rules.topic),
    "heated": lambda p, _: HeatedRule(p.rules.heated),
    "slowmode": lambda p, _: SlowModeRule(p.rules.slowmode),
}


def _lexicons(policy: GroupPolicy, enabled: Sequence[str]) -> _Lexicons:
    """The lexicon rule's terms and the ads rule's promotion words in one automaton when both rules
    run: a message is scanned once for both (each rule still sees only its own terms and allow-list)."""
    if "lexicon" not in enabled or "ads" not in enabled or not policy.rules.ads.promotion_words:
        return {}
    terms, promotion = lexicons_for(lexicon_spec(policy.rules.lexicon), promotion_spec(policy.rules.ads))
    return {"lexicon": terms, "ads": promotion}


def build_rules(policy: GroupPolicy) -> list[Rule]:
    """The rules the policy enables (every rule whose effective mode is not off). Lexicons are cached
    across calls, so this is cheap; their automata are built on first use."""
    enabled = [name for name in RULE_FACTORIES if policy.effective_mode(name) != "off"]
    if "topic" in enabled and not policy.rules.topic.keywords:
        enabled.remove("topic")
    lexicons = _lexicons(policy, enabled)
    return [RULE_FACTORIES[name](policy, lexicons) for name in enabled]


# --- evaluate ---------------------------------------------------------------------------------------


def _settings(policy: GroupPolicy, rule: str) -> RuleSettings:
    return policy.rules.section(rule) or RuleSettings(mode=policy.mode)


@dataclass(frozen=True)
class _Resolved:
    """What the engine reads of one rule's settings on every message, resolved once per policy."""

    mode: Mode  # the effective mode (capped by the group's)
    roles: frozenset[str]  # exempt roles
    members: frozenset[str]  # exempt members (native or qualified ids)
    notify_admins: bool

    @property
    def exempts(self) -> bool:
        """Whether anyone can be exempt from the rule (no roles and no members: nobody)."""
        return bool(self.roles or self.members)


# A rule, its name, its event types, its resolved settings, and which distinct exemption settings (roles,
# members) it has among the rule set's (-1: nobody is exempt), so a message checks each distinct one once.
_Step = tuple[Rule, str, tuple[type[Event], ...], _Resolved, int]
_PLAN_CACHE_SIZE = 16


@dataclass(frozen=True)
class _Run:
    """What evaluating one rule set on one type of event takes, worked out once per policy: the steps
    (every rule, as `_Step`s), the rules to run in order with their exemption group, each distinct
    exemption group's first rule (whose settings the member is checked against), and the evaluation of
    a message that no rule exempts anyone from and in which nothing is found (immutable, so shared)."""

    steps: tuple[_Step, ...]
    runs: tuple[tuple[Rule, str], ...]
    exemptions: tuple[str, ...]
    clean: Evaluation


class _PolicyView:
    """A policy's per-rule modes and exemptions as plain values, so that a message does not go through
    the pydantic model for each rule. Built lazily per rule name; valid for as long as the policy object
    lives (policies are frozen). `run` keeps, per rule set and event type, what evaluating it takes, so
    the loop over the rules reads no attribute twice and allocates nothing for a rule that finds
    nothing."""

    __slots__ = ("admins", "plans", "policy", "rules", "runs")

    def __init__(self, policy: GroupPolicy) -> None:
        self.policy = policy
        self.admins = frozenset(policy.admins)
        self.rules: dict[str, _Resolved] = {}
        self.plans: dict[tuple[int, ...], tuple[_Step, ...]] = {}
        self.runs: dict[tuple[int, type[Event]], tuple[Sequence[Rule], tuple[Rule, ...], _Run]] = {}

    def plan(self, rules: Sequence[Rule]) -> tuple[_Step, ...]:
        """The rule set's steps, memoised on the identities of its rules (each step keeps its rule
        alive, so an id is not reused while its entry stands)."""
        key = tuple(map(id, rules))
        steps = self.plans.get(key)
        if steps is None:
            groups: dict[tuple[frozenset[str], frozenset[str]], int] = {}
            built = []
            for rule in rules:
                resolved = self.rule(rule.name)
                group = groups.setdefault((resolved.roles, resolved.members), len(groups))
                built.append((rule, rule.name, rule.applies_to, resolved, group if resolved.exempts else -1))
            steps = tuple(built)
            if len(self.plans) >= _PLAN_CACHE_SIZE:
                self.plans.clear()
            self.plans[key] = steps
        return steps

    def run(self, rules: Sequence[Rule], kind: type[Event]) -> _Run:
        """What evaluating `rules` on an event of type `kind` takes. Memoised on the sequence object and
        its contents: the worker passes the same rule set (`rules_for`) for every message of a group, so
        a message pays one look-up and one comparison of its rules (identical rules compare in C)."""
        entry = self.runs.get((id(rules), kind))
        if entry is not None and entry[0] is rules and entry[1] == tuple(rules):
            return entry[2]
        steps = self.plan(rules)
        live = [step for step in steps if issubclass(kind, step[2]) and step[3].mode != "off"]
        firsts: dict[int, str] = {}
        for _, name, _, _, group in live:
            if group >= 0:
                firsts.setdefault(group, name)
        off = tuple(
            Skipped(name, "off")
            for _, name, applies, resolved, _ in steps
            if issubclass(kind, applies) and resolved.mode == "off"
        )
        names = tuple(step[1] for step in live)
        built = _Run(
            steps=steps,
            runs=tuple((step[0], step[1]) for step in live),
            exemptions=tuple(firsts[group] for group in sorted(firsts)),
            clean=Evaluation((), (), off, names),
        )
        if len(self.runs) >= _PLAN_CACHE_SIZE:
            self.runs.clear()
        self.runs[(id(rules), kind)] = (rules, tuple(rules), built)
        return built

    def rule(self, name: str) -> _Resolved:
        resolved = self.rules.get(name)
        if resolved is None:
            settings = _settings(self.policy, name)
            exempt = settings.exempt
            resolved = _Resolved(
                mode=self.policy.effective_mode(name),
                roles=frozenset(exempt.roles),
                members=frozenset(exempt.members),
                notify_admins=settings.notify_admins,
            )
            self.rules[name] = resolved
        return resolved

    def mode(self, name: str) -> Mode:
        return self.rule(name).mode

    def exemption(self, name: str, event: Event, ctx: RuleContext, user: str) -> str | None:
        """Why the member is exempt from rule `name`, or None (see `exemption`)."""
        resolved = self.rule(name)
        roles = resolved.roles
        if ctx.role in roles:
            return f"exempt:role:{ctx.role}"
        if "admin" in roles and (ctx.is_admin or (self.admins and event.uid(user) in self.admins)):
            return "exempt:admin"
        members = resolved.members
        if members and (user in members or event.uid(user) in members):
            return "exempt:member"
        return None


_VIEW_CACHE_SIZE = 256
_views: dict[int, _PolicyView] = {}


def _view(policy: GroupPolicy) -> _PolicyView:
    """The policy's view, memoised on the policy object's identity (a new policy object, even an equal
    one, gets a fresh resolution; the view keeps its policy alive, so an id is never reused meanwhile)."""
    view = _views.get(id(policy))
    if view is not None and view.policy is policy:
        return view
    view = _PolicyView(policy)
    if len(_views) >= _VIEW_CACHE_SIZE:
        _views.clear()
    _views[id(policy)] = view
    return view


def exemption(policy: GroupPolicy, rule: str, event: Event, ctx: RuleContext) -> str | None:
    """Why the member is exempt from `rule`, or None."""
    return _view(policy).exemption(rule, event, ctx, event_user(event))


def _rank(finding: Finding) -> tuple[int, float]:
    return (-SEVERITY_RANK.get(finding.severity, 0), -finding.points)


def evaluate(event: Event, ctx: RuleContext, rules: Sequence[Rule]) -> Evaluation:
    """Run every rule that applies to the event; merge their findings by severity."""
    user = event_user(event)
    if not (user and event.chat) or getattr(event, "direct", False):
        return Evaluation()  # not a member's message in a group
    view = _view(ctx.policy)
    run = view.run(rules, type(event))
    for name in run.exemptions:
        if view.exemption(name, event, ctx, user):
            return _evaluate_each(event, ctx, view, run.steps, user)
    # Nobody is exempt from anything here (the usual case): run each rule, allocate only for a finding or
    # an error.
    findings: list[Finding] | None = None
    errors: list[RuleError] | None = None
    failed: set[int] | None = None
    for rule, name in run.runs:
        try:
            found = rule.evaluate(event, ctx)
        except Exception as exc:  # one broken rule must not stop the others (STYLE.md, rule 6)
            errors = errors or []
            errors.append(RuleError(name, f"{type(exc).__name__}: {str(exc)[:200]}"))
            failed = failed or set()
            failed.add(id(rule))
            continue
        if found:
            findings = findings or []
            findings.extend(f for f in found if view.mode(f.rule) != "off")
    if findings is None and errors is None:
        return run.clean
    clean = run.clean
    ran = clean.ran
    if failed:
        ran = tuple(name for rule, name in run.runs if id(rule) not in failed)
    ordered = tuple(sorted(findings, key=_rank)) if findings else ()
    return Evaluation(ordered, tuple(errors or ()), clean.skipped, ran)


def _evaluate_each(
    event: Event, ctx: RuleContext, view: _PolicyView, steps: Sequence[_Step], user: str
) -> Evaluation:
    """`evaluate` for a member exempt from some rule: each step in turn, skipped rules recorded in order."""
    findings: list[Finding] = []
    errors: list[RuleError] = []
    skipped: list[Skipped] = []
    ran: list[str] = []
    whys: dict[int, str | None] = {}
    for rule, name, applies_to, resolved, group in steps:
        if not isinstance(event, applies_to):
            continue
        if resolved.mode == "off":
            skipped.append(Skipped(name, "off"))
            continue
        if group < 0:
            why = None
        elif group in whys:
            why = whys[group]
        else:
            why = whys[group] = view.exemption(name, event, ctx, user)
        if why:
            skipped.append(Skipped(name, why))
            continue
        try:
            found = rule.evaluate(event, ctx)
        except Exception as exc:  # one broken rule must not stop the others (STYLE.md, rule 6)
            errors.append(RuleError(name, f"{type(exc).__name__}: {str(exc)[:200]}"))
            continue
        ran.append(name)
        if found:
            findings.extend(f for f in found if view.mode(f.rule) != "off")
    findings.sort(key=_rank)
    return Evaluation(tuple(findings), tuple(errors), tuple(skipped), tuple(ran))


# --- decide -----------------------------------------------------------------------------------------


def case_ref(event: Event) -> str:
    """The case id of the decision on this event: the same hash the pipeline's audit record uses."""
    return hashlib.sha256(f"{event.platform}#{event.claim_key}".encode()).hexdigest()[:16]


def rule_label_key(rule: str) -> str:
    key = f"moderation.rule.{rule}"
    return key if key in catalogue() else "moderation.rule.other"


def rule_label(locale: str, rule: str) -> str:
    key = f"moderation.rule.{rule}"
    return t(locale, key) if key in catalogue() else rule


def finding_label(locale: str, finding: Finding) -> str:
    """The heading of a finding: its rule's name, or its category's where that has a name of its own
    (a confidentiality marker is not "inappropriate language"; a policy's labelled lexicon category)."""
    category = str(finding.evidence.get("category", "")) if finding.evidence else ""
    key = f"moderation.rule.{finding.rule}.{category}"
    if category and key in catalogue():
        return t(locale, key)
    labelled = str(finding.params.get("category", ""))
    if finding.rule == "lexicon" and labelled and labelled != category:
        return labelled
    return rule_label(locale, finding.rule)


def appeal_command(event: Event, locale: str, ref: str) -> str:
    """Slack has the slash command; on WeCom and DingTalk the bot only hears @-mentions."""
    if event.platform == "slack":
        return f"/qg appeal {ref}"
    return f"@{t(locale, 'moderation.bot_name')} appeal {ref}"


def admin_recipients(ctx: RuleContext, event: Event) -> tuple[str, ...]:
    """The group's admins as native ids: the platform's (from the context) and those the policy names
    (of the event's platform and tenant), without the member the card is about."""
    named = natives_in(ctx.policy.admins, event.platform, event.tenant)
    user = event_user(event)
    return tuple(a for a in dict.fromkeys((*ctx.admins, *named)) if a != user)


def removed_text(event: Event) -> str:
    """What a removal takes away, to be returned to its author: the text and the files' names."""
    names = [f"[{file.name}]" for file in event_files(event)]
    return "\n".join(part for part in (event_text(event), *names) if part)


@dataclass(frozen=True)
class _Plan:
    """What enforcing a set of findings does."""

    actions: tuple[Action, ...]
    current: escalation.Standing
    deleted: bool
    mute_seconds: int


def _enforce(
    findings: Sequence[Finding], ctx: RuleContext, event: Event, ref: str, *, explained: bool = False
) -> _Plan:
    """Removal, mute and the escalation ladder for the enforced findings (most severe first); the
    removal and the rule's own mute built `explained` where the member is told what to do."""
    user = event_user(event)
    actions: list[Action] = []
    message_id = event_message_id(event)
    deleter = next((f for f in findings if f.delete), None)
    if deleter is not None and message_id:
        actions.append(
            DeleteMessage(
                chat=event.chat,
                message_id=message_id,
                user=user,
                text=removed_text(event),
                reason=rule_label_key(deleter.rule),
                rule=deleter.rule,
                explained=explained,
            )
        )
    # One message is one violation: it costs the points of its most severe finding, not their sum.
    added = max((f.points for f in findings), default=0.0)
    current = escalation.standing(ctx.points, ctx.points_at, ctx.now, added, ctx.policy.escalation)
    # The ladder asks for nothing below a threshold: its arguments (the admins, the labels) only then.
    ladder = (
        escalation.ladder_actions(
            current,
            policy=ctx.policy,
            chat=event.chat,
            member=user,
            member_label=person_label(user, ctx.member_name),
            admins=admin_recipients(ctx, event),
            case_ref=ref,
            rule=findings[0].rule,
            group=_group_name(ctx),
        )
        if current.threshold is not None
        else []
    )
    # A rule's own mute (flood) and the ladder's merge into one: the longer wins.
    muter = max(findings, key=lambda f: f.mute_seconds)
    ladder_seconds = max((a.seconds for a in ladder if isinstance(a, Mute)), default=0)
    if muter.mute_seconds > ladder_seconds:
        ladder = [a for a in ladder if not isinstance(a, Mute)]
        reason = rule_label_key(muter.rule)
        actions.append(
            Mute(
                chat=event.chat,
                user=user,
                seconds=muter.mute_seconds,
                reason=reason,
                rule=muter.rule,
                explained=explained,
            )
        )
    actions.extend(ladder)
    deleted = deleter is not None and bool(message_id)
    return _Plan(tuple(actions), current, deleted, max(muter.mute_seconds, ladder_seconds))


def _explained(action: Action) -> Action:
    if isinstance(action, DeleteMessage | Mute) and not action.explained:
        return dataclasses.replace(action, explained=True)
    return action


def _group_name(ctx: RuleContext) -> str:
    return ctx.group_name or t(ctx.policy.locale, "moderation.group.this")


def _explanation(
    enforced: Sequence[Finding],
    warned: Sequence[Finding],
    *,
    plan: _Plan,
    ctx: RuleContext,
    event: Event,
    ref: str,
) -> str:
    policy = ctx.policy
    locale = policy.locale
    group = _group_name(ctx)
    # A nudge (no points, nothing removed or muted: a file name off the convention) is a reminder, not a
    # violation: no "handled as follows", no points, nothing to appeal.
    nudged = not plan.deleted and not plan.mute_seconds and plan.current.added <= 0
    nudged = nudged and all(f.points <= 0 and not f.mute_seconds for f in (*enforced, *warned))
    opening = "moderation.dm.enforce" if enforced and not nudged else "moderation.dm.warn"
    parts = [t(locale, opening, group=group)]
    for finding in enforced:
        reason = t(locale, finding.reason_key, **finding.params)
        parts.append(t(locale, "moderation.dm.line", rule=finding_label(locale, finding), reason=reason))
    for finding in warned:
        reason = t(locale, finding.reason_key, **finding.params)
        key = "moderation.dm.line_reminder" if enforced else "moderation.dm.line"
        parts.append(t(locale, key, rule=finding_label(locale, finding), reason=reason))
    if plan.deleted:
        removed = "moderation.dm.removed" if ctx.can_delete else "moderation.dm.withdraw"
        parts.append(t(locale, removed, text=removed_text(event)))
    if plan.mute_seconds:
        muted = "moderation.dm.muted" if ctx.can_mute else "moderation.dm.mute_asked"
        parts.append(t(locale, muted, minutes=max(1, plan.mute_seconds // 60)))
    threshold = plan.current.threshold
    if threshold is not None and threshold.action == "propose_removal":
        parts.append(t(locale, "moderation.dm.removal_proposed"))
    if threshold is not None and threshold.action == "remove":
        parts.append(t(locale, "moderation.dm.removed_from_group"))
    if plan.current.added > 0:
        half_life = f"{policy.escalation.half_life_days:g}"
        parts.append(
            t(locale, "moderation.dm.points", points=f"{plan.current.total:.1f}", half_life=half_life)
        )
    if any(f.rule == "pii" and f.reason_key.endswith(".secret") for f in (*enforced, *warned)):
        parts.append(t(locale, "moderation.dm.rotate_secret"))
    if nudged:
        return "\n\n".join(parts)
    parts.append(
        t(locale, "moderation.dm.appeal", command=appeal_command(event, locale, ref), days=policy.appeal_days)
    )
    return "\n\n".join(parts)


def _violation_card(
    findings: Sequence[Finding], plan: _Plan, ctx: RuleContext, event: Event, ref: str
) -> Card:
    policy = ctx.policy
    locale = policy.locale
    user = event_user(event)
    member = person_label(user, ctx.member_name)
    labels = list(dict.fromkeys(finding_label(locale, f) for f in findings))
    done = []
    if plan.deleted:
        done.append(
            t(locale, "moderation.card.done.deleted" if ctx.can_delete else "moderation.card.done.asked")
        )
    if plan.mute_seconds:
        muted = "moderation.card.done.muted" if ctx.can_mute else "moderation.card.done.mute_asked"
        done.append(t(locale, muted, minutes=max(1, plan.mute_seconds // 60)))
    if plan.current.threshold is not None and plan.current.threshold.action == "propose_removal":
        done.append(t(locale, "moderation.card.done.removal_proposed"))
    fields = [
        (t(locale, "moderation.card.field.member"), member),
        (t(locale, "moderation.card.field.group"), _group_name(ctx)),
        (t(locale, "moderation.card.field.when"), local(event.occurred_at, policy.jobs.utc_offset_hours)),
        (t(locale, "moderation.card.field.rules"), " / ".join(labels)),
        (
            t(locale, "moderation.card.field.actions"),
            " / ".join(done) or t(locale, "moderation.card.done.explained"),
        ),
        (t(locale, "moderation.card.field.points"), f"{plan.current.total:.1f}"),
    ]
    if not any(f.sensitive for f in findings):
        excerpt = removed_text(event)
        if len(excerpt) > EXCERPT_CHARS:
            excerpt = excerpt[:EXCERPT_CHARS] + "…"
        fields.append((t(locale, "moderation.card.field.excerpt"), excerpt))
    if ctx.message_link:
        fields.append((t(locale, "moderation.card.field.link"), ctx.message_link))
    buttons = tuple(
        Button(
            t(locale, f"moderation.card.button.{action}"),
            action,
            ref,
            "danger" if action == "remove" else "default",
        )
        for action in ("warn", "mute", "remove", "dismiss")
    )
    return Card(
        card_id=f"case:{ref}",
        title=t(locale, "moderation.card.violation.title", rule=labels[0]),
        body=t(locale, "moderation.card.violation.body", member=member, group=_group_name(ctx)),
        buttons=buttons,
        fields=tuple(fields),
        footer=t(locale, "moderation.card.footer", case=ref, version=policy.revision),
    )


def _admin_card(
    findings: Sequence[Finding], plan: _Plan, ctx: RuleContext, event: Event, ref: str
) -> list[Action]:
    """The admin card, for rules that notify admins about a finding that did something; none when the
    group has nobody to tell (`decide` records that: a card is never sent to no one)."""
    notify = [
        f
        for f in findings
        if f.explain
        and _view(ctx.policy).rule(f.rule).notify_admins
        and (f.points > 0 or f.delete or f.mute_seconds)
    ]
    if not notify:
        return []
    users = admin_recipients(ctx, event)
    if not users:
        return []
    card = _violation_card(findings, plan, ctx, event, ref)
    return [PostCard(card=card, users=users, reason="moderation.notify_admins", rule=notify[0].rule)]


def _record(finding: Finding, mode: Mode) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "severity": finding.severity,
        "points": finding.points,
        "reason": finding.reason_key,
        "params": dict(finding.params),
        "mode": mode,
        "delete": finding.delete,
        "mute_seconds": finding.mute_seconds,
        "waived": finding.waived,
        "sensitive": finding.sensitive,
        "evidence": dict(finding.evidence),
    }


def _action_record(action: Action) -> dict[str, Any]:
    """An action for the case log, without message text or card bodies (those are not snapshots)."""
    record: dict[str, Any] = {"type": type(action).__name__}
    for item in dataclasses.fields(action):
        if item.name not in ("text", "card"):
            record[item.name] = getattr(action, item.name)
    return record


def _respond(
    enforced: Sequence[Finding], warned: Sequence[Finding], ctx: RuleContext, event: Event, ref: str
) -> tuple[list[Action], _Plan | None]:
    """The actions for the enforced and warned findings, and what enforcing them did to the points."""
    actions: list[Action] = []
    told = [f for f in enforced if f.explain or f.delete]
    # The private message below says what the member must do where the platform cannot delete or mute:
    # the removal and the mute are built marked so (the ladder's own are marked afterwards).
    plan = _enforce(enforced, ctx, event, ref, explained=bool(told or warned)) if enforced else None
    if plan is not None:
        actions.extend(plan.actions)
        actions.extend(_admin_card(enforced, plan, ctx, event, ref))
    if told or warned:
        if plan is None:
            unchanged = escalation.standing(ctx.points, ctx.points_at, ctx.now, 0.0, ctx.policy.escalation)
            shown = _Plan((), unchanged, False, 0)
        else:
            shown = plan
        top = (told or warned)[0].rule
        text = _explanation(told, warned, plan=shown, ctx=ctx, event=event, ref=ref)
        actions.append(SendDirect(user=event_user(event), text=text, reason=rule_label_key(top), rule=top))
        actions = [_explained(action) for action in actions]
    return actions, plan


def decide(evaluation: Evaluation, ctx: RuleContext, event: Event) -> Decision:
    """Turn an evaluation into a Decision (see the module docstring for what each mode does)."""
    policy = ctx.policy
    audit: dict[str, Any] = {}
    if evaluation.errors:
        audit["errors"] = [dataclasses.asdict(error) for error in evaluation.errors]
    if not evaluation.findings:
        return Decision(audit=audit)
    ref = case_ref(event)
    view = _view(policy)
    moded = [(f, view.mode(f.rule)) for f in evaluation.findings]
    enforced = [f for f, mode in moded if mode == "enforce" and not f.waived]
    warned = [f for f, mode in moded if mode == "warn" and not f.waived and f.explain]
    shadowed = [f for f, mode in moded if mode == "shadow" and not f.waived]
    actions, plan = _respond(enforced, warned, ctx, event, ref)
    points = threshold = None
    if plan is not None and plan.current.added > 0:
        current = plan.current
        points = Points(before=current.before, added=current.added, total=current.total, at=current.at)
        if current.threshold is not None:
            threshold = Threshold(points=current.threshold.points, action=current.threshold.action)
    cards = [a for a in actions if isinstance(a, PostCard)]
    told = None
    if enforced and (cards or ctx.admins_source == "nobody"):
        to = tuple(sorted({user for card in cards for user in card.users}))
        told = AdminsTold(to=to, why=ctx.admins_source if to else "nobody")
    would: tuple[Action, ...] = ()
    if shadowed:
        would = Decision.of(*_respond(shadowed, [], ctx, event, ref)[0]).actions
    case = CaseDecided(
        ref=ref,
        findings=tuple(_record(f, mode) for f, mode in moded),
        policy_version=policy.version,
        policy_revision=policy.revision,
        skipped=tuple(dataclasses.asdict(s) for s in evaluation.skipped),
        consume_pass=any(f.waived for f in evaluation.findings),
        sensitive=any(f.sensitive for f in evaluation.findings),
        points=points,
        threshold=threshold,
        admins_told=told,
        shadow_actions=tuple(_action_record(a) for a in would),
    )
    audit.update(case=ref, rules=list(case.rules))
    # `Decision.of`'s order (most severe first), built once with its facts and audit.
    ordered = tuple(sorted(actions, key=_severity))
    return Decision(ordered, shadow=bool(shadowed) and not actions, facts=(case,), audit=audit)


def _severity(action: Action) -> int:
    return -action.severity


def moderate(event: Event, ctx: RuleContext, rules: Iterable[Rule] | None = None) -> Decision:
    """evaluate + decide, with the policy's own rule set unless one is given."""
    # A list or tuple as it is: the engine memoises its plan on the rule set it is given.
    chosen: Sequence[Rule]
    if rules is None:
        chosen = build_rules(ctx.policy)
    elif isinstance(rules, list) or isinstance(rules, tuple):  # noqa: SIM101 - no union built per call
        chosen = rules
    else:
        chosen = list(rules)
    evaluation = evaluate(event, ctx, chosen)
    if not evaluation.findings and not evaluation.errors:
        return NOTHING_FOUND  # what `decide` gives for nothing found, without its steps
    return decide(evaluation, ctx, event)


# The decision on a message in which nothing was found and no rule failed: the one value of no decision
# (`chalicelib.core.actions.NOTHING`), so the ordinary message builds none (a frozen dataclass of eight
# fields costs about 0.8 µs, 6 % of the rule set's median).
NOTHING_FOUND = NOTHING


__all__ = [
    "NOTHING_FOUND",
    "RULE_FACTORIES",
    "Evaluation",
    "RuleError",
    "Skipped",
    "admin_recipients",
    "appeal_command",
    "build_rules",
    "case_ref",
    "decide",
    "evaluate",
    "exemption",
    "moderate",
    "removed_text",
    "rule_label",
]
