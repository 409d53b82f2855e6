"""`qunguan person show|erase|hold|release <platform:tenant:user>` (erase and hold take `--reason`):
the operator's command line for `chalicelib.persons.operations`, registered in `chalicelib.cli`."""

from __future__ import annotations

import argparse
import getpass
import json
from typing import TextIO

from chalicelib.kernel.deps import Deps
from chalicelib.persons import operations


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    person = subparsers.add_parser("person", help="one person's records: show, erase, legal hold")
    verbs = person.add_subparsers(dest="verb", required=True)
    for verb, text in (
        ("show", "identities, sanctions, hold, and what is held about them"),
        ("erase", "erase them everywhere, except what a legal hold or an open appeal keeps"),
        ("hold", "put them under a legal hold"),
        ("release", "lift their legal hold"),
    ):
        parser = verbs.add_parser(verb, help=text)
        parser.add_argument("identity", help="platform:tenant:user, e.g. wecom:ww1234:zhangsan")
        if verb in ("erase", "hold"):
            parser.add_argument("--reason", required=True, help="why (kept in the audit log)")
        parser.add_argument("--by", default="", help="the operator's name for the audit (default: login)")


def run(args: argparse.Namespace, deps: Deps, out: TextIO) -> int:
    store, now = deps.store, deps.clock.now()
    by = args.by or _login()
    try:
        if args.verb == "show":
            result: object = operations.show(store, args.identity, now)
        elif args.verb == "hold":
            result = operations.hold(store, args.identity, by=by, reason=args.reason, now=now).data()
        elif args.verb == "release":
            result = operations.release(store, args.identity, by=by, now=now).data()
        else:
            from chalicelib.jobs.archive import archive_for

            reports = archive_for(deps.settings.qg_archive_bucket)
            erasure = operations.erase_person(
                store, args.identity, by=by, reason=args.reason, now=now, reports=reports
            )
            result = {
                "pid": erasure.pid,
                "tombstone": erasure.tombstone,
                "done": erasure.done,
                "kept": erasure.kept,
            }
    except operations.OperationError as exc:
        out.write(f"person {args.verb}: {exc}\n")
        return 2
    out.write(json.dumps(result, ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n")
    return 0


def _login() -> str:
    try:
        return f"operator:{getpass.getuser()}"
    except (KeyError, OSError):
        return "operator"
