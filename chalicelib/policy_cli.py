"""`qunguan policy ...`: the operator's side of the versioned policies (`chalicelib.worker.policies`).

    validate FILE [--scope S] [--create]        the strict checks (chalicelib.core.policy_checks); offline
                                                unless a target is named, then also its groups and tenants
    apply FILE --scope org|GROUP [--create]     the same checks, then the scope's next version, live
    show [--scope S] [--version N] [--resolved] a version's text, or a group's policy as the engine reads it
    history [--scope S]                         every version: when, by whom, how (rollback, deleted)
    diff OLD NEW [--scope S]                    each a file or SCOPE[@VERSION]: values, lists as added and
                                                removed, the effective policy both ways (org and groups)
    rollback --scope S --to N                   version N again, as a new version
    delete --scope GROUP                        a group's override removed (a new, empty version)
    test FILE [--message T]... [--messages F] [--replay-kept DAYS] [--against SCOPE]
                                                the proposed and the current policy on the same messages
    schema                                      the published JSON schema

Scopes: `org`, or a group's gid (`platform:tenant:chat`, `group:` prefix optional). A group qunguan has
never seen is refused unless `--create`, so a typo in a gid cannot make a policy nobody reads.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from chalicelib.core.policy import GroupPolicy, PolicyDocument, PolicyError, policy_json_schema, resolve_group
from chalicelib.core.policy_checks import PolicyProblems, Tenants, check_group_id, check_policy, parse_yaml
from chalicelib.ops import NotFound, OperatorError
from chalicelib.ops.diffs import changes
from chalicelib.ops.trial import Sample
from chalicelib.store import keys
from chalicelib.store.base import Store
from chalicelib.worker.policies import PolicyRepo, parse_override

DAY = 86400.0


@dataclass
class Operator:
    """What a verb works with: the store (None: offline), the time, the operator's language, the tenants
    the deployment is configured for, and who is acting (recorded as a version's author)."""

    store: Store | None
    now: float
    locale: str = "en"
    configured: tuple[tuple[str, str], ...] = ()
    author: str = "cli"
    _tenants: Tenants | None = field(default=None, repr=False)

    def repo(self) -> PolicyRepo:
        if self.store is None:
            raise OperatorError("this command needs a target: --local, --stack NAME, or --table NAME")
        return PolicyRepo(self.store)

    def tenants(self) -> Tenants:
        if self._tenants is None:
            seen = [(g.platform, g.tenant) for g in self.store.list_groups()] if self.store else []
            self._tenants = Tenants.of([*self.configured, *seen])
        return self._tenants


def scope_of(name: str) -> str:
    name = name.strip()
    return (
        keys.ORG_SCOPE
        if name in ("", keys.ORG_SCOPE)
        else keys.group_policy_scope(name.removeprefix("group:"))
    )


def gid_of(scope: str) -> str:
    return scope.removeprefix("group:")


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    policy = subparsers.add_parser(
        "policy",
        help="validate, apply, show, compare, test and roll back policies",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    verbs = policy.add_subparsers(dest="verb", required=True, metavar="VERB")
    for verb, help_text in (
        ("validate", "check a policy file strictly (offline unless a target is named)"),
        ("apply", "check a policy file and store it as the scope's next version, live at once"),
    ):
        parser = verbs.add_parser(verb, help=help_text, description=help_text)
        parser.add_argument("file", help="YAML file, or - for standard input")
        parser.add_argument(
            "--scope", default="org", help="org (default) or a group's gid platform:tenant:chat"
        )
        parser.add_argument("--create", action="store_true", help="allow a group qunguan has not seen yet")
        if verb == "apply":
            parser.add_argument("--author", help="recorded with the version (default: cli:<your login>)")
    show = verbs.add_parser("show", help="print the live version (or --version N) of a scope")
    show.add_argument("--scope", default="org")
    show.add_argument("--version", type=int)
    show.add_argument(
        "--resolved", action="store_true", help="a group's policy as the engine reads it (JSON)"
    )
    history = verbs.add_parser("history", help="every stored version of a scope: when, by whom, how")
    history.add_argument("--scope", default="org")
    compare = verbs.add_parser(
        "diff",
        help="what changes between two policies, with values",
        description="OLD and NEW are each a file or SCOPE[@VERSION] (org, org@3, slack:T1:C1@2). A file "
        "is read at --scope, or at the other side's scope.",
    )
    compare.add_argument("old")
    compare.add_argument("new")
    compare.add_argument("--scope", help="the scope files are read at (default: the other side's, else org)")
    back = verbs.add_parser("rollback", help="apply version N of a scope again, as a new version")
    back.add_argument("--scope", required=True)
    back.add_argument("--to", type=int, required=True, metavar="N", help="the version to go back to")
    back.add_argument("--author")
    delete = verbs.add_parser("delete", help="remove a group's override: the org policy applies again")
    delete.add_argument("--scope", required=True, metavar="GROUP")
    delete.add_argument("--author")
    trial = verbs.add_parser(
        "test",
        help="the proposed policy and the current one on the same messages, through the rule engine",
        description="FILE is read at --against (an org document for org, a group override for a group).",
    )
    trial.add_argument("file")
    trial.add_argument(
        "--message", action="append", default=[], metavar="TEXT", help="a message (repeatable)"
    )
    trial.add_argument("--messages", type=Path, metavar="FILE", help="a file of messages, one per line")
    trial.add_argument(
        "--replay-kept", type=int, metavar="DAYS", help="the messages the group(s) kept (retention.messages)"
    )
    trial.add_argument("--against", default="org", metavar="SCOPE", help="org (default) or a group's gid")
    verbs.add_parser("schema", help="print the published JSON schema of a policy")


def run(args: argparse.Namespace, op: Operator, out: TextIO = sys.stdout) -> int:
    """Run one verb; PolicyProblems and OperatorError are the caller's to report (chalicelib.cli)."""
    verbs: dict[str, Callable[[argparse.Namespace, Operator, TextIO], int]] = {
        "schema": _schema,
        "validate": _validate,
        "apply": _apply,
        "show": _show,
        "history": _history,
        "diff": _diff,
        "rollback": _rollback,
        "delete": _delete,
        "test": _test,
    }
    return verbs[args.verb](args, op, out)


def _schema(args: argparse.Namespace, op: Operator, out: TextIO) -> int:
    out.write(json.dumps(policy_json_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n")
    return 0


def checked(op: Operator, scope: str, text: str, *, create: bool) -> GroupPolicy:
    """The strict checks, with the target's org, groups and tenants where there is a target."""
    from chalicelib.core.policy_checks import Problem, check_data

    org = op.repo().org() if op.store is not None else None
    tenants = op.tenants()
    data = parse_yaml(text)
    problems: list[Problem] = []
    if scope != keys.ORG_SCOPE:
        gid = gid_of(scope)
        problems = check_group_id(gid, "--scope", tenants)
        if not problems and not _seen(op, gid, create):
            problems = [Problem("--scope", "policy.check.scope_unknown", {"gid": gid})]
    else:
        inline = data.get("groups")
        for gid in inline if isinstance(inline, dict) else ():
            if not check_group_id(str(gid), "", tenants) and not _seen(op, str(gid), create):
                problems.append(Problem(f"groups.{gid}", "policy.check.scope_unknown", {"gid": gid}))
    try:
        policy = check_data(scope, data, org=org, tenants=tenants)
    except PolicyProblems as exc:
        raise PolicyProblems([*problems, *exc.problems]) from exc
    if problems:
        raise PolicyProblems(problems)
    return policy


def _seen(op: Operator, gid: str, create: bool) -> bool:
    """Whether the group may be named: known to the target, or `--create`; offline, anything may."""
    return create or op.store is None or op.store.get_group(gid) is not None


def _validate(args: argparse.Namespace, op: Operator, out: TextIO) -> int:
    scope = scope_of(args.scope)
    checked(op, scope, _read(args.file), create=args.create)
    where = "" if op.store is not None else " (offline: not checked against a stack's groups and tenants)"
    out.write(f"valid: {args.file} for {scope}{where}\n")
    return 0


def _apply(args: argparse.Namespace, op: Operator, out: TextIO) -> int:
    scope = scope_of(args.scope)
    text = _read(args.file)
    repo = op.repo()
    after = checked(op, scope, text, create=args.create)
    live = repo.current(scope)
    before = _effective(repo, scope, live.text if live else "")
    applied = repo.apply(scope, text, author=args.author or op.author, now=op.now)
    changed = changes(before, after)
    out.write(f"applied {scope} version {applied.version}: {len(changed)} setting(s) changed\n")
    out.writelines(f"  {change.line()}\n" for change in changed)
    return 0


def _show(args: argparse.Namespace, op: Operator, out: TextIO) -> int:
    scope = scope_of(args.scope)
    repo = op.repo()
    if args.resolved:
        policy = repo.org() if scope == keys.ORG_SCOPE else repo.for_group(gid_of(scope), op.now)
        out.write(policy.model_dump_json(indent=2) + "\n")
        return 0
    found = repo.version(scope, args.version) if args.version else repo.current(scope)
    if found is None and args.version:
        raise NotFound(f"{scope} has no version {args.version}")
    if found is None:
        out.write(f"{scope} has no stored policy: the shipped default applies\n")
        return 0
    if found.deleted:
        out.write(f"# {scope} version {found.version}: the override was deleted (the org policy applies)\n")
        return 0
    out.write(f"# {scope} version {found.version}, by {found.author}, {_when(found.at)}\n{found.text}")
    if not found.text.endswith("\n"):
        out.write("\n")
    return 0


def _history(args: argparse.Namespace, op: Operator, out: TextIO) -> int:
    scope = scope_of(args.scope)
    repo = op.repo()
    versions = repo.versions(scope)
    if not versions:
        out.write(f"{scope} has no stored version: the shipped default applies\n")
        return 0
    live = repo.current(scope)
    for version in versions:
        marks = [version.note] if version.note else []
        if live is not None and version.version == live.version:
            marks.append("live")
        note = f"  ({', '.join(marks)})" if marks else ""
        out.write(f"v{version.version}  {_when(version.at)}  by {version.author or '?'}{note}\n")
    return 0


def _rollback(args: argparse.Namespace, op: Operator, out: TextIO) -> int:
    scope = scope_of(args.scope)
    repo = op.repo()
    if repo.version(scope, args.to) is None:
        raise NotFound(f"{scope} has no version {args.to}")
    applied = repo.rollback(scope, author=args.author or op.author, now=op.now, to=args.to)
    out.write(f"rolled back {scope} to version {args.to}: it is live again as version {applied.version}\n")
    return 0


def _delete(args: argparse.Namespace, op: Operator, out: TextIO) -> int:
    scope = scope_of(args.scope)
    if scope == keys.ORG_SCOPE:
        raise OperatorError("the org policy cannot be deleted: apply another, or roll back")
    repo = op.repo()
    if repo.current(scope) is None:
        raise NotFound(f"{gid_of(scope)} has no override")
    applied = repo.delete(scope, author=args.author or op.author, now=op.now)
    out.write(
        f"deleted the override of {gid_of(scope)} (version {applied.version}): the org policy applies\n"
    )
    return 0


# --- diff ---------------------------------------------------------------------------------------------


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
        return Side(ref, at, parse_yaml(_read(ref)))
    name, _, number = ref.partition("@")
    at = scope_of(name)
    if op.store is None and at == keys.ORG_SCOPE and not number:
        from chalicelib.core.policy import default_policy_text

        return Side("org (shipped default)", at, parse_yaml(default_policy_text()))
    repo = op.repo()
    if number:
        if not number.isdigit():
            raise OperatorError(f"{ref}: a version is a number (org@3)")
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
    elif found is None and not Path(ref).suffix and ":" not in at:
        raise NotFound(f"{ref}: no such file, and not a scope (org, or platform:tenant:chat)")
    return Side(label, at, parse_yaml(text))


def _diff(args: argparse.Namespace, op: Operator, out: TextIO) -> int:
    default_scope = args.scope or next(
        (ref.partition("@")[0] for ref in (args.old, args.new) if not Path(ref).is_file() and ref != "-"),
        None,
    )
    old, new = _side(args.old, op, default_scope), _side(args.new, op, default_scope)
    org = op.repo().org() if op.store is not None else None
    before, after = _resolved(old, org), _resolved(new, org)
    out.write(f"--- {old.label}\n+++ {new.label}\n")
    if keys.ORG_SCOPE not in (old.scope, new.scope):  # two overrides: what each says, then what it gives
        written = changes(old.data, new.data)
        out.write(f"The override as written ({len(written)} change(s)):\n")
        out.writelines(f"  {c.line()}\n" for c in written) if written else out.write("  no change\n")
    effective = changes(before, after)
    out.write(f"Effective policy ({len(effective)} change(s)):\n")
    out.writelines(f"  {c.line()}\n" for c in effective) if effective else out.write("  no change\n")
    if old.scope == new.scope == keys.ORG_SCOPE and isinstance(before, PolicyDocument):
        _org_to_groups(op, before, after, out)
    elif new.scope != keys.ORG_SCOPE:
        _group_against_org(new, org, before, after, out)
    return 0


def _resolved(side: Side, org: PolicyDocument | None) -> GroupPolicy:
    """As the worker reads it (no strict checks: a stored version that predates one still compares)."""
    from chalicelib.core.policy import DEFAULT_ORG_POLICY, load_policy_yaml

    if side.scope == keys.ORG_SCOPE:
        return load_policy_yaml(_dump(side.data))
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
            lines.append(
                f"  {group.gid}: "
                + "; ".join(
                    part
                    for part in (
                        f"its override keeps {', '.join(kept)}" if kept else "",
                        f"also changes {', '.join(extra)}" if extra else "",
                    )
                    if part
                )
            )
    out.write("Groups with an override (org → group):\n")
    out.writelines(f"{line}\n" for line in lines) if lines else out.write(
        "  every group gets the change as it is\n"
    )


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


def _test(args: argparse.Namespace, op: Operator, out: TextIO) -> int:
    from chalicelib.ops import trial

    scope = scope_of(args.against)
    texts = list(args.message)
    if args.messages:
        texts += args.messages.read_text(encoding="utf-8").splitlines()
    if not texts and args.replay_kept is None:
        raise OperatorError("give messages to test on: --message TEXT, --messages FILE or --replay-kept DAYS")
    text = _read(args.file)
    repo = op.repo() if op.store is not None else None
    org = repo.org() if repo else None
    proposed = checked(op, scope, text, create=True)
    comparisons: list[tuple[str, trial.Comparison]] = []
    if texts:
        current = _effective(repo, scope, None) if repo else check_policy(scope, "", org=org)
        gid = gid_of(scope) if scope != keys.ORG_SCOPE else "slack:T0TRIAL:C0TRIAL"
        comparisons.append(
            ("messages given", trial.compare(current, proposed, trial.samples_of(texts, op.now), gid))
        )
    if args.replay_kept is not None:
        if repo is None or op.store is None:
            raise OperatorError("--replay-kept reads a stack's kept messages: name a target")
        from chalicelib.jobs.activity import kept_text_days

        for gid, current, new in _per_group(repo, op, scope, text, proposed):
            if kept_text_days(current) <= 0:
                out.write(f"== {gid}: keeps no message text (retention.messages is not set)\n")
                continue
            samples = list(_kept(op.store, gid, current, op.now - args.replay_kept * DAY, op.now))
            comparisons.append(
                (
                    f"{gid}, kept messages of {args.replay_kept} day(s)",
                    trial.compare(current, new, samples, gid),
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


def _kept(store: Store, gid: str, policy: GroupPolicy, start: float, end: float) -> Iterator[Sample]:
    """The group's kept messages, oldest first, with the flood and duplicate signals replayed as the
    weekly review does (with the current policy's windows); platform roles are not read (members)."""
    from chalicelib.jobs.activity import MessageLog
    from chalicelib.jobs.review import _Replay

    replay = _Replay(policy)
    for entry in MessageLog(store).read(gid, start, end, 0.0):
        if entry.kind != "msg" or entry.text is None:
            continue
        flood, member_dup, group_dup, _ = replay.signals(entry, entry.text)
        yield Sample(entry.text, entry.at, entry.user, flood, member_dup, group_dup)


# --- helpers ------------------------------------------------------------------------------------------


def _effective(repo: PolicyRepo | None, scope: str, text: str | None) -> GroupPolicy:
    """A scope's policy as the engine reads it: from `text` if given, else the live version."""
    if repo is None:
        return check_policy(scope, text or "")
    if text is None:
        return repo.org() if scope == keys.ORG_SCOPE else repo.for_group(gid_of(scope), 0.0)
    if scope == keys.ORG_SCOPE:
        return repo.org() if not text.strip() else repo.validate(scope, text)
    return resolve_group(repo.org(), gid_of(scope), parse_override(text))


def _when(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d %H:%M UTC")


def _read(name: str) -> str:
    try:
        return sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NotFound(f"{name}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise OperatorError(f"{name}: {exc}") from exc


__all__ = ["Operator", "PolicyError", "add_parser", "run", "scope_of"]
