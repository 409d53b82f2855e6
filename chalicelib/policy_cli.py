"""`python -m chalicelib.cli policy validate|apply|show|diff|rollback|schema`: the operator's side of the
versioned policies (`chalicelib.kernel.policies`). Scopes: `org`, or a group's gid
(`platform:tenant:chat`) for its override."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from chalicelib.core.policy import PolicyError, diff, load_policy_yaml, policy_json_schema
from chalicelib.kernel.policies import PolicyRepo
from chalicelib.store import keys
from chalicelib.store.base import Store


def scope_of(name: str) -> str:
    return (
        keys.ORG_SCOPE
        if name in ("", keys.ORG_SCOPE)
        else keys.group_policy_scope(name.removeprefix("group:"))
    )


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    policy = subparsers.add_parser("policy", help="validate, apply, show, diff and roll back policies")
    verbs = policy.add_subparsers(dest="verb", required=True)
    for verb, help_text in (
        ("validate", "check a policy file (no store needed)"),
        ("apply", "store a policy file as the scope's next version and make it live"),
    ):
        parser = verbs.add_parser(verb, help=help_text)
        parser.add_argument("file", help="YAML file, or - for standard input")
        parser.add_argument("--scope", default="org", help="org (default) or a group's gid")
        if verb == "apply":
            parser.add_argument("--author", default="cli")
    show = verbs.add_parser("show", help="print the live version (or --version N) of a scope")
    show.add_argument("--scope", default="org")
    show.add_argument("--version", type=int)
    show.add_argument(
        "--resolved", action="store_true", help="a group's policy as the engine reads it (JSON)"
    )
    compare = verbs.add_parser("diff", help="the settings a file would change, against the live version")
    compare.add_argument("file")
    compare.add_argument("--scope", default="org")
    back = verbs.add_parser("rollback", help="apply the previous version again, as a new version")
    back.add_argument("--scope", default="org")
    back.add_argument("--author", default="cli")
    verbs.add_parser("schema", help="print the published JSON schema")


def run(args: argparse.Namespace, store: Callable[[], Store], now: float, out: TextIO = sys.stdout) -> int:
    scope = scope_of(getattr(args, "scope", "org"))
    try:
        if args.verb == "schema":
            out.write(json.dumps(policy_json_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n")
            return 0
        if args.verb == "validate":
            text = _read(args.file)
            if scope == keys.ORG_SCOPE:
                load_policy_yaml(text)  # an org document needs no table
            else:
                PolicyRepo(store()).validate(scope, text)
            out.write(f"valid: {args.file} for {scope}\n")
            return 0
        repo = PolicyRepo(store())
        if args.verb == "apply":
            applied = repo.apply(scope, _read(args.file), author=args.author, now=now)
            out.write(f"applied {scope} version {applied.version}\n")
        elif args.verb == "rollback":
            applied = repo.rollback(scope, author=args.author, now=now)
            out.write(f"rolled back {scope}: version {applied.version} is the old text again\n")
        elif args.verb == "show":
            if args.resolved:
                gid = scope.removeprefix("group:")
                out.write(repo.for_group(gid, now).model_dump_json(indent=2) + "\n")
                return 0
            found = repo.version(scope, args.version) if args.version else repo.current(scope)
            if found is None:
                out.write(f"{scope} has no stored policy: the shipped default applies\n")
                return 0
            out.write(f"# {scope} version {found.version}, by {found.author}\n{found.text}")
        elif args.verb == "diff":
            live = repo.current(scope)
            before = repo.validate(scope, live.text) if live else repo.validate(scope, "")
            after = repo.validate(scope, _read(args.file))
            changed = diff(before, after)
            out.write("\n".join(changed) + "\n" if changed else "no change\n")
    except PolicyError as exc:
        out.write(f"invalid: {exc}\n")
        return 1
    return 0


def _read(name: str) -> str:
    return sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
