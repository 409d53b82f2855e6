"""`qunguan policy ...`: the operator's side of the versioned policies (`chalicelib.kernel.policies`).

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
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from chalicelib.core.policy import GroupPolicy, PolicyError, policy_json_schema, resolve_group
from chalicelib.core.policy_checks import PolicyProblems, Tenants, check_group_id, check_policy, parse_yaml
from chalicelib.kernel.policies import PolicyRepo, parse_override
from chalicelib.ops import NotFound, OperatorError, UsageError
from chalicelib.ops.diffs import changes
from chalicelib.store import keys
from chalicelib.store.base import Store

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
            raise UsageError("this command needs a target: --local, --stack NAME, or --table NAME")
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
        "diff": _compare,
        "rollback": _rollback,
        "delete": _delete,
        "test": _compare,
    }
    return verbs[args.verb](args, op, out)


def _compare(args: argparse.Namespace, op: Operator, out: TextIO) -> int:
    from chalicelib.ops import compare

    return compare.diff(args, op, out) if args.verb == "diff" else compare.trial(args, op, out)


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
    checked(op, scope, read_text(args.file), create=args.create)
    where = "" if op.store is not None else " (offline: not checked against a stack's groups and tenants)"
    out.write(f"valid: {args.file} for {scope}{where}\n")
    return 0


def _apply(args: argparse.Namespace, op: Operator, out: TextIO) -> int:
    scope = scope_of(args.scope)
    text = read_text(args.file)
    repo = op.repo()
    after = checked(op, scope, text, create=args.create)
    live = repo.current(scope)
    before = effective(repo, scope, live.text if live else "")
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
        raise UsageError("the org policy cannot be deleted: apply another, or roll back")
    repo = op.repo()
    if repo.current(scope) is None:
        raise NotFound(f"{gid_of(scope)} has no override")
    applied = repo.delete(scope, author=args.author or op.author, now=op.now)
    out.write(
        f"deleted the override of {gid_of(scope)} (version {applied.version}): the org policy applies\n"
    )
    return 0


# --- helpers ------------------------------------------------------------------------------------------


def effective(repo: PolicyRepo | None, scope: str, text: str | None) -> GroupPolicy:
    """A scope's policy as the engine reads it: from `text` if given, else the live version."""
    if repo is None:
        return check_policy(scope, text or "")
    if text is None:
        return repo.org() if scope == keys.ORG_SCOPE else repo.for_group(gid_of(scope), 0.0)
    if scope == keys.ORG_SCOPE:
        return repo.org() if not text.strip() else repo.validate(scope, text, stored=True)
    return resolve_group(repo.org(), gid_of(scope), parse_override(text))


def _when(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d %H:%M UTC")


def read_text(name: str) -> str:
    try:
        return sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NotFound(f"{name}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise OperatorError(f"{name}: {exc}") from exc


__all__ = ["Operator", "PolicyError", "add_parser", "run", "scope_of"]


if __name__ == "__main__":  # `python -m chalicelib.policy_cli ...` is `qunguan policy ...`
    from chalicelib.cli import main

    sys.exit(main(["policy", *sys.argv[1:]]))
