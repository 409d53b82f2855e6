"""The policy editor's `policy test` preview: the draft as typed (the editor's `path=value` lines,
validated as the proposal will be) run on sample messages typed in a box and on the messages a group
kept (its message log, `retention.messages`), showing for each which rules fire and what the bot would
do. The same engine and decision path as `qunguan policy test` and the revision's trial card
(`chalicelib.ops.trial`: the same event, context and replayed flood and duplicate signals), then
`engine.decide`, whose Decision is only described here: the preview decides, never acts.

Each message is judged as an ordinary member's with no points, in the chosen group (its policy, its
override kept on top of the draft org policy). Kept messages are masked as the operator's trial masks
them (personal data and secrets; a sensitive finding's text withheld). Whoever may read the group may
run it (owners, auditors, that group's admins): it changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml

from chalicelib.console.names import names_in
from chalicelib.console.roles import Forbidden
from chalicelib.core import engine
from chalicelib.core.actions import DeleteMessage, Mute, PostCard, Remove, SendDirect
from chalicelib.core.facts import CaseDecided
from chalicelib.core.localtime import local
from chalicelib.core.policy import GroupPolicy, PolicyDocument, load_policy_yaml, resolve_group
from chalicelib.http import Reply
from chalicelib.kernel.context import policies
from chalicelib.kernel.policies import parse_override
from chalicelib.store import keys
from chalicelib.store.records import GroupRecord

if TYPE_CHECKING:
    from chalicelib.console.web import View
    from chalicelib.ops.trial import Sample

DAY = 86400.0
KEPT_DAYS = 7  # as the revision's trial card (`workflows.revision_trial`)
MAX_SAMPLES = 20
MAX_SAMPLE_CHARS = 2000
MAX_KEPT = 50  # the newest kept messages shown


@dataclass(frozen=True)
class Fired:
    rule: str  # the rule's name in the viewer's words
    mode: str  # enforce | warn | shadow


@dataclass(frozen=True)
class Judged:
    """One message: what fires under the draft, what the bot would do, and whether that changes."""

    text: str  # masked
    who: str
    when: str  # in the group's time zone
    fired: tuple[Fired, ...]
    would: tuple[tuple[str, dict[str, Any]], ...]  # what the bot would do: catalogue keys, their params
    shadow: bool
    changed: bool  # the rules that fire differ from the current policy's


@dataclass(frozen=True)
class Trial:
    group: GroupRecord | None = None
    error: str = ""
    typed: tuple[Judged, ...] = ()
    kept: tuple[Judged, ...] = ()
    kept_asked: bool = False
    keeps_text: bool = True
    days: int = KEPT_DAYS


def draft_org(view: View, patch: dict[str, Any]) -> PolicyDocument:
    """The org policy with the patch applied, loaded as the proposal will be (the editor checked it)."""
    from chalicelib.workflows.revisions import patched

    repo = policies(view.viewer.deps)
    if not patch:
        return repo.org()
    return load_policy_yaml(yaml.safe_dump(patched(repo, patch), allow_unicode=True))


def group_policies(view: View, group: GroupRecord, org: PolicyDocument) -> tuple[GroupPolicy, GroupPolicy]:
    """The group's policy in force, and the draft as the group would get it (its override kept)."""
    repo = policies(view.viewer.deps)
    current = repo.for_group(group.gid, view.viewer.now)
    live = repo.current(keys.group_policy_scope(group.gid))
    override = parse_override(live.text) if live is not None and not live.deleted else {}
    return current, resolve_group(org, group.gid, override)


def run(view: View) -> Trial:
    from chalicelib.console.pages_org import check_patch

    viewer = view.viewer
    gid = view.form.get("group", "")
    group = viewer.group(gid) if gid else next(iter(sorted(viewer.groups(), key=lambda g: g.gid)), None)
    if group is None:
        raise Forbidden("no group")
    check, patch = check_patch(view, view.form.get("patch", ""))
    if check.error:
        return Trial(group, error=check.error)
    current, draft = group_policies(view, group, draft_org(view, patch))
    texts = [
        line.strip()[:MAX_SAMPLE_CHARS] for line in view.form.get("samples", "").splitlines() if line.strip()
    ]
    from chalicelib.ops import trial

    typed = judge_all(view, group, current, draft, trial.samples_of(texts[:MAX_SAMPLES], viewer.now))
    if view.form.get("kept") != "1":
        return Trial(group, typed=typed)
    from chalicelib.jobs.activity import kept_text_days

    if kept_text_days(current) <= 0:
        return Trial(group, typed=typed, kept_asked=True, keeps_text=False)
    start = viewer.now - KEPT_DAYS * DAY
    samples = list(trial.kept_samples(viewer.deps.store, group.gid, current, start, viewer.now))
    kept = judge_all(view, group, current, draft, samples[-MAX_KEPT:][::-1])
    return Trial(group, typed=typed, kept=kept, kept_asked=True)


def judge_all(
    view: View, group: GroupRecord, current: GroupPolicy, draft: GroupPolicy, samples: list[Sample]
) -> tuple[Judged, ...]:
    from chalicelib.ops.trial import TRIAL_USER

    names = names_in(view.viewer.deps, group.gid, [s.user for s in samples if s.user != TRIAL_USER])
    return tuple(judge(view, group, (current, draft), sample, names) for sample in samples)


def judge(
    view: View,
    group: GroupRecord,
    policies_now: tuple[GroupPolicy, GroupPolicy],
    sample: Sample,
    names: dict[str, str],
) -> Judged:
    """One message under the draft (`policies_now`: the policy in force, the draft), decided."""
    current, draft = policies_now
    from chalicelib.i18n import t
    from chalicelib.ops import trial

    where = (group.platform, group.tenant, group.chat)
    event, context, evaluation = trial.judged(draft, sample, where, admins=group.admins)
    decision = engine.decide(evaluation, context, event)
    before = trial.verdict(current, sample, where)
    after = tuple(sorted({f"{f.rule}:{draft.effective_mode(f.rule)}" for f in evaluation.findings}))
    fired = tuple(
        dict.fromkeys(
            Fired(engine.rule_label(view.locale, f.rule), draft.effective_mode(f.rule))
            for f in evaluation.findings
        )
    )
    sensitive = any(f.sensitive and f.rule != "pii" for f in evaluation.findings)
    text = trial.masked(sample.text, hidden=sensitive)
    if text.startswith("(withheld"):
        text = t(view.locale, "console.trial.withheld")
    case = decision.fact(CaseDecided)
    effects = effects_of(decision.actions, case)
    shadowed = bool(case and case.shadow_actions) and not decision.actions
    if shadowed and case is not None:
        effects = shadow_effects(case.shadow_actions)
    return Judged(
        text=text,
        who=names.get(sample.user, "") if sample.user != trial.TRIAL_USER else "",
        when=local(sample.at, draft.jobs.utc_offset_hours),
        fired=fired,
        would=tuple(effects),
        shadow=decision.shadow or shadowed,
        changed=before.rules != after,
    )


def effects_of(actions: tuple[Any, ...], case: CaseDecided | None) -> list[tuple[str, dict[str, Any]]]:
    """What the decision's actions would do, as catalogue keys with their params (`console.trial.*`)."""
    said: list[tuple[str, dict[str, Any]]] = []
    for action in actions:
        if isinstance(action, DeleteMessage):
            said.append(("console.trial.delete", {}))
        elif isinstance(action, Mute):
            said.append(("console.trial.mute", {"minutes": max(1, action.seconds // 60)}))
        elif isinstance(action, Remove):
            said.append(("console.trial.remove", {}))
        elif isinstance(action, PostCard):
            said.append(("console.trial.card", {"count": len(action.users)}))
        elif isinstance(action, SendDirect):
            said.append(("console.trial.explain", {}))
    if case is not None and case.points is not None and case.points.added:
        said.append(("console.trial.points", {"points": f"{case.points.added:g}"}))
    if case is not None and case.threshold is not None and case.threshold.action == "propose_removal":
        said.append(("console.trial.propose_removal", {}))
    return said


def shadow_effects(records: tuple[dict[str, Any], ...]) -> list[tuple[str, dict[str, Any]]]:
    """Shadow mode records what it would have done (`engine.decide`'s `shadow_actions`)."""
    said: list[tuple[str, dict[str, Any]]] = []
    for record in records:
        kind = record.get("type")
        if kind == "DeleteMessage":
            said.append(("console.trial.delete", {}))
        elif kind == "Mute":
            said.append(("console.trial.mute", {"minutes": max(1, int(record.get("seconds", 60)) // 60)}))
        elif kind == "Remove":
            said.append(("console.trial.remove", {}))
        elif kind == "PostCard":
            said.append(("console.trial.card", {"count": len(record.get("users", ()))}))
        elif kind == "SendDirect":
            said.append(("console.trial.explain", {}))
    return said


def policy_test(view: View) -> Reply:
    """The preview (an htmx partial, a CSRF-checked POST): the draft on the typed and kept messages."""
    return view.render("_policy_trial.html", active="policy", trial=run(view))
