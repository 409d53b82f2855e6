"""`qunguan policy diff` and `qunguan policy test`: two policies compared, by their values and by what
they decide.

`diff OLD NEW`: each side a file or `SCOPE[@VERSION]`; what changes in the effective policy (values, a
list as the items added and removed), for two overrides also as written; and both ways across the
inheritance: an org change as it reaches each group with an override (which changes the override keeps
from it), a group's change against the org (where the group differs from it, before and after).

`test FILE`: the proposed policy and the live one on the same messages through the rule engine
(`chalicelib.ops.trial`): messages given, a file of them, or what groups keep (`--replay-kept DAYS`).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from chalicelib.core.ids import PLATFORMS
from chalicelib.core.policy import GroupPolicy, PolicyDocument, resolve_group
from chalicelib.core.policy_checks import check_policy, parse_yaml
from chalicelib.kernel.policies import PolicyRepo, parse_override
from chalicelib.ops import NotFound, UsageError
from chalicelib.ops.diffs import changes
from chalicelib.policy_cli import DAY, Operator, checked, effective, gid_of, read_text, scope_of
from chalicelib.store import keys


@dataclass(frozen=True)
class Side:
    """One side of a diff: the document as written and the scope it is read at."""

    label: str
    scope: str
    data: dict[str, object]


def _side(ref: str, op: Operator, scope: str | None) -> Side:
    path = Path(ref)
    if ref == "-" or path.is_file():
        at = scope_of(scope or "org")
        return Side(ref, at, parse_yaml(read_text(ref)))
    name, _, number = ref.partition("@")
    at = scope_of(name)
    parts = gid_of(at).split(":", 2)
    if at != keys.ORG_SCOPE and (len(parts) != 3 or not all(parts) or parts[0] not in PLATFORMS):
        raise NotFound(f"{ref}: no such file, and not a scope (org, org@3, or a gid such as slack:T1:C1@2)")
    if op.store is None and at == keys.ORG_SCOPE and not number:
        from chalicelib.core.policy import default_policy_text

        return Side("org (shipped default)", at, parse_yaml(default_policy_text()))
    repo = op.repo()
    if number:
        if not number.isdigit():
            raise UsageError(f"{ref}: a version is a number (org@3)")
        found = repo.version(at, int(number))
        if found is None:
            raise NotFound(f"{at} has no version {number}")
    else:
        found = repo.current(at)
    text = found.text if found else ""
    label = (
        f"{at}@{found.version}"
        if found
        else f"{at} (shipped default)"
        if at == keys.ORG_SCOPE
        else f"{at} (none)"
    )
    if found is None and at == keys.ORG_SCOPE:
        from chalicelib.core.policy import default_policy_text

        text = default_policy_text()
    return Side(label, at, parse_yaml(text))


def diff(args: argparse.Namespace, op: Operator, out: TextIO) -> int:
    default_scope = args.scope or next(
        (ref.partition("@")[0] for ref in (args.old, args.new) if not Path(ref).is_file() and ref != "-"),
        None,
    )
    old, new = _side(args.old, op, default_scope), _side(args.new, op, default_scope)
    org = op.repo().org() if op.store is not None else None
    before, after = resolved(old, org), resolved(new, org)
    out.write(f"--- {old.label}\n+++ {new.label}\n")
    if keys.ORG_SCOPE not in (old.scope, new.scope):  # two overrides: what each says, then what it gives
        written = changes(old.data, new.data)
        out.write(f"The override as written ({len(written)} change(s)):\n")
        _listed(out, [c.line() for c in written], "no change")
    effective = changes(before, after)
    out.write(f"Effective policy ({len(effective)} change(s)):\n")
    _listed(out, [c.line() for c in effective], "no change")
    if old.scope == new.scope == keys.ORG_SCOPE and isinstance(before, PolicyDocument):
        _org_to_groups(op, before, after, out)
    elif new.scope != keys.ORG_SCOPE:
        _group_against_org(new, org, before, after, out)
    return 0


def _listed(out: TextIO, lines: list[str], none: str) -> None:
    out.writelines(f"  {line}\n" for line in lines or [none])


def resolved(side: Side, org: PolicyDocument | None) -> GroupPolicy:
    """As the worker reads it (no strict checks: a stored version that predates one still compares)."""
    from chalicelib.core.policy import DEFAULT_ORG_POLICY, load_policy_yaml

    if side.scope == keys.ORG_SCOPE:
        return load_policy_yaml(_dump(side.data), stored=True)
    return resolve_group(org or DEFAULT_ORG_POLICY, gid_of(side.scope), side.data)


def _dump(data: dict[str, object]) -> str:
    import yaml

    return yaml.safe_dump(data, allow_unicode=True)


def _org_to_groups(op: Operator, before: GroupPolicy, after: GroupPolicy, out: TextIO) -> None:
    """Org → group: how an org change reaches each group that has an override: which changes its
    override keeps from it."""
    if op.store is None or not isinstance(before, PolicyDocument) or not isinstance(after, PolicyDocument):
        return
    repo = op.repo()
    org_paths = {c.path for c in changes(before, after)}
    lines = []
    for group in op.store.list_groups():
        live = repo.current(keys.group_policy_scope(group.gid))
        override = parse_override(live.text) if live and not live.deleted else {}
        if not override and group.gid not in before.groups and group.gid not in after.groups:
            continue
        reached = {
            c.path
            for c in changes(
                resolve_group(before, group.gid, override), resolve_group(after, group.gid, override)
            )
        }
        kept = sorted(org_paths - reached)
        extra = sorted(reached - org_paths)
        if kept or extra:
            said = [f"its override keeps {', '.join(kept)}"] if kept else []
            said += [f"also changes {', '.join(extra)}"] if extra else []
            lines.append(f"{group.gid}: " + "; ".join(said))
    out.write("Groups with an override (org → group):\n")
    _listed(out, lines, "every group gets the change as it is")


def _group_against_org(
    side: Side, org: PolicyDocument | None, before: GroupPolicy, after: GroupPolicy, out: TextIO
) -> None:
    """Group → org: where the group differs from the org policy, before and after."""
    from chalicelib.core.policy import DEFAULT_ORG_POLICY

    base = (org or DEFAULT_ORG_POLICY).model_dump(mode="json", exclude={"groups"})
    base.pop("override_version", None)
    differs_before = [c.path for c in changes(base, _comparable(before))]
    differs_after = [c.path for c in changes(base, _comparable(after))]
    out.write(
        f"{gid_of(side.scope)} against the org policy (group → org): differs at {len(differs_before)} "
        f"setting(s) before, {len(differs_after)} after\n"
    )
    out.writelines(f"  {path}\n" for path in differs_after)


def _comparable(policy: GroupPolicy) -> dict[str, object]:
    data = policy.model_dump(mode="json")
    data.pop("override_version", None)
    data.pop("groups", None)
    return data


# --- test ---------------------------------------------------------------------------------------------


def trial(args: argparse.Namespace, op: Operator, out: TextIO) -> int:
    from chalicelib.ops import trial as judged

    scope = scope_of(args.against)
    texts = list(args.message)
    if args.messages:
        texts += args.messages.read_text(encoding="utf-8").splitlines()
    if not texts and args.replay_kept is None:
        raise UsageError("give messages to test on: --message TEXT, --messages FILE or --replay-kept DAYS")
    text = read_text(args.file)
    repo = op.repo() if op.store is not None else None
    org = repo.org() if repo else None
    proposed = checked(op, scope, text, create=True)
    comparisons: list[tuple[str, judged.Comparison]] = []
    if texts:
        current = effective(repo, scope, None) if repo else check_policy(scope, "", org=org)
        gid = gid_of(scope) if scope != keys.ORG_SCOPE else "slack:T0TRIAL:C0TRIAL"
        comparisons.append(
            ("messages given", judged.compare(current, proposed, judged.samples_of(texts, op.now), gid))
        )
    if args.replay_kept is not None:
        if repo is None or op.store is None:
            raise UsageError("--replay-kept reads a stack's kept messages: name a target")
        from chalicelib.jobs.activity import kept_text_days

        for gid, current, new in _per_group(repo, op, scope, text, proposed):
            if kept_text_days(current) <= 0:
                out.write(f"== {gid}: keeps no message text (retention.messages is not set)\n")
                continue
            samples = list(
                judged.kept_samples(op.store, gid, current, op.now - args.replay_kept * DAY, op.now)
            )
            comparisons.append(
                (
                    f"{gid}, kept messages of {args.replay_kept} day(s)",
                    judged.compare(current, new, samples, gid),
                )
            )
    for label, comparison in comparisons:
        out.write(f"== {label}\n")
        out.writelines(f"{line}\n" for line in comparison.lines())
    return 0


def _per_group(
    repo: PolicyRepo, op: Operator, scope: str, text: str, proposed: GroupPolicy
) -> Iterator[tuple[str, GroupPolicy, GroupPolicy]]:
    if scope != keys.ORG_SCOPE:
        gid = gid_of(scope)
        yield gid, repo.for_group(gid, op.now), proposed
        return
    if not isinstance(proposed, PolicyDocument) or op.store is None:
        return
    for group in op.store.list_groups():
        live = repo.current(keys.group_policy_scope(group.gid))
        override = parse_override(live.text) if live and not live.deleted else {}
        yield group.gid, repo.for_group(group.gid, op.now), resolve_group(proposed, group.gid, override)
