"""`qunguan groups list`, `qunguan cases export --csv`, `qunguan audit export --csv`: what the table
knows, for the operator and the auditors (chalicelib/ops/exports.py says what is masked and how).

    groups list                                          every group: gid, name, state, language, override
    groups recount                                       rebuild the console's group summaries and the
                                                         org's rollup from the items (store/summaries.py)
    cases export --csv [--since DATE] [--group GID]...   cases as CSV (UTF-8 with BOM), ids pseudonymised
                 [--unmasked] [--out FILE]               (--unmasked is itself audited)
    audit export --csv [--since DATE] [--group GID]...   audit records, the same way
                 [--unmasked] [--out FILE]
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from chalicelib.ops import NotFound
from chalicelib.policy_cli import Operator
from chalicelib.store import keys
from chalicelib.store.base import Store
from chalicelib.store.records import GroupRecord


def since_date(value: str) -> float:
    """`2026-12-01` (midnight UTC) or an ISO time (`2026-12-01T08:00:00+08:00`)."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date: write 2026-12-01") from None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    groups = subparsers.add_parser("groups", help="the groups qunguan knows")
    verbs = groups.add_subparsers(dest="verb", required=True, metavar="VERB")
    verbs.add_parser("list", help="every group: gid, name, governed or not, language, policy override")
    verbs.add_parser(
        "recount",
        help="rebuild the console's group summaries and the org's rollup from the items",
        description="Recount every group's members, last activity, open cases, latest assessment and "
        "admins, and the org's totals, from the items themselves: after an upgrade that brought the "
        "summaries, or to heal drift (the daily cleanup recounts each group too).",
    )
    for noun, what in (("cases", "cases (violations and actions)"), ("audit", "audit records")):
        parser = subparsers.add_parser(noun, help=f"export {what} for auditors")
        export_verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
        export = export_verbs.add_parser(
            "export",
            help=f"{what} as CSV, personal data masked",
            description=f"{what} as CSV (UTF-8 with BOM, for Excel). Member and admin ids are replaced by "
            "stable pseudonyms unless --unmasked, which is recorded in each group's audit log.",
        )
        export.add_argument("--csv", action="store_true", required=True, help="CSV (the one format)")
        export.add_argument(
            "--since", type=since_date, metavar="DATE", help="from this date (UTC), e.g. 2026-12-01"
        )
        export.add_argument(
            "--group", action="append", default=[], metavar="GID", help="only this group (repeatable)"
        )
        export.add_argument("--unmasked", action="store_true", help="real ids (audited)")
        export.add_argument("--out", type=Path, metavar="FILE", help="write here instead of standard output")


def run(args: argparse.Namespace, op: Operator, out: TextIO = sys.stdout) -> int:
    if op.store is None:
        from chalicelib.ops import UsageError

        raise UsageError("this command needs a target: --local, --stack NAME, or --table NAME")
    if args.command == "groups":
        return _recount(op.store, out) if args.verb == "recount" else _list_groups(op.store, out)
    return _export(args, op, op.store, out)


def _recount(store: Store, out: TextIO) -> int:
    from chalicelib.ops.open_markers import mark_waiting
    from chalicelib.store.summaries import recount

    org = recount(store)
    out.write(
        f"recounted {org.groups} groups: {org.open_cases} open cases, {org.no_admin} with no known admin\n"
    )
    marked = sum(mark_waiting(store, group.gid) for group in store.list_groups())
    if marked:  # requests opened before the console's queue markers (an upgrade's first recount)
        out.write(f"marked {marked} waiting join requests and drafts for the console's case queue\n")
    return 0


def _list_groups(store: Store, out: TextIO) -> int:
    found = sorted(store.list_groups(), key=lambda g: g.gid)
    if not found:
        out.write("no group yet: qunguan learns a group when it is added to it or hears from it\n")
        return 0
    out.write(f"{'GROUP':40} {'NAME':24} {'STATE':9} {'LANG':6} OVERRIDE\n")
    for group in found:
        live = store.get_item(keys.policy_pk(keys.group_policy_scope(group.gid)), keys.POLICY_CURRENT_SK)
        override = "-"
        if live is not None and str(live.data.get("text", "")).strip():
            override = f"v{live.data.get('version')}"
        state = "governed" if group.enabled else "off"
        out.write(f"{group.gid:40} {group.name or '-':24} {state:9} {group.locale or '-':6} {override}\n")
    return 0


def _export(args: argparse.Namespace, op: Operator, store: Store, out: TextIO) -> int:
    from chalicelib.ops import exports

    groups = _groups(store, args.group)
    if args.unmasked:
        exports.record_unmasked(store, groups, what=args.command, actor=op.author, at=op.now)
    write = exports.write_cases if args.command == "cases" else exports.write_audit
    since = args.since or 0.0
    if args.out:
        with args.out.open("w", encoding="utf-8", newline="") as target:
            rows = write(store, groups, target, since=since, unmasked=args.unmasked)
        sys.stderr.write(f"{rows} row(s) written to {args.out}\n")
    else:
        write(store, groups, out, since=since, unmasked=args.unmasked)
    return 0


def _groups(store: Store, wanted: list[str]) -> list[GroupRecord]:
    every = {g.gid: g for g in store.list_groups()}
    missing = [gid for gid in wanted if gid not in every]
    if missing:
        raise NotFound(f"no such group: {', '.join(missing)} (see qunguan groups list)")
    return [every[gid] for gid in (wanted or sorted(every))]
