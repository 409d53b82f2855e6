"""The pages that read across a group's history or the org: the policy (view, check as you type, propose
a revision into the four-eyes process), assessments, the audit log (search, CSV export), the file
archive's access log, and jobs (runs, dry runs, the dead-letter queue and its replay for owners).

Each reads one group at a time (`?group=`, by default the first the viewer may read), by key or index
query; what a viewer may not read is 403.
"""

from __future__ import annotations

import csv
import io
import json
import secrets
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlencode

import yaml

from chalicelib.console import listing
from chalicelib.console.picker import found_of, pick_page
from chalicelib.console.policy_trial import KEPT_DAYS
from chalicelib.console.web import BadRequest, Redirect, View
from chalicelib.core.events import CommandIssued
from chalicelib.core.ids import Platform
from chalicelib.core.policy import PolicyError, load_policy_yaml
from chalicelib.http import Reply
from chalicelib.kernel.context import policies
from chalicelib.store import keys
from chalicelib.store.records import AuditRecord, GroupRecord
from chalicelib.workflows.common import ArgumentError
from chalicelib.workflows.revisions import Revision, changes, org_data, parse_patch, patched

AUDIT_LIMIT = 200
HISTORY = 24


PICKER = 50  # groups a picker's list offers; its search finds any other (`chalicelib.console.picker`)


def readable_groups(view: View) -> list[GroupRecord]:
    """The groups the picker offers: the first `PICKER` by name the viewer may read (one Query for owners
    and auditors, `chalicelib.console.listing`), with the chosen one if it is further on."""
    groups = listing.first_groups(view.viewer, PICKER)
    wanted = view.query("group")
    if wanted and wanted not in {group.gid for group in groups}:
        chosen = view.viewer.group(wanted)
        groups = sorted([*groups, chosen], key=listing.name_key)
    return groups


def chosen_group(view: View, groups: list[GroupRecord]) -> GroupRecord | None:
    """The group of `?group=` (checked: 403 if not the viewer's to read), else the first they may read."""
    wanted = view.query("group")
    if wanted:
        return next((g for g in groups if g.gid == wanted), None) or view.viewer.group(wanted)
    if not groups and not view.viewer.reads_all:
        raise_forbidden()
    return groups[0] if groups else None


def raise_forbidden() -> None:
    from chalicelib.console.roles import Forbidden

    raise Forbidden("no group")


# Policy ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """What a proposed patch would change: each `path: old → new`, or the problems with it."""

    lines: tuple[str, ...] = ()
    error: str = ""


def check_patch(view: View, text: str) -> tuple[Check, dict[str, Any]]:
    """The patch as `path=value` lines (what `revision propose` takes), checked as the proposal will be."""
    words = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    if not words:
        return Check(), {}
    try:
        patch, _ = parse_patch(words)
    except ArgumentError as exc:
        return Check(error=f"{exc}: write path=value, one a line (rules.flood.max_messages=6)"), {}
    repo = policies(view.viewer.deps)
    try:
        old = load_policy_yaml(yaml.safe_dump(org_data(repo), allow_unicode=True), stored=True)
        new = load_policy_yaml(yaml.safe_dump(patched(repo, patch), allow_unicode=True))
    except PolicyError as exc:
        return Check(error=str(exc)[:600]), patch
    return Check(lines=changes(old.model_dump(mode="json"), new.model_dump(mode="json"))), patch


def policy_page(view: View) -> Reply:
    viewer = view.viewer
    groups = readable_groups(view)
    if not groups and not viewer.reads_all:
        raise_forbidden()
    repo = policies(viewer.deps)
    current = repo.current(keys.ORG_SCOPE)
    revisions = [
        Revision.of(item.data)
        for item in viewer.deps.store.query_items(keys.REVISIONS_PK, prefix="", newest_first=True, limit=50)
        if "ref" in item.data and "patch" in item.data
    ]
    proposable = [] if viewer.auditor else sorted(viewer.administered.values(), key=listing.name_key)
    return view.render(
        "policy.html",
        active="policy",
        text=current.text if current else yaml.safe_dump(org_data(repo), allow_unicode=True),
        version=current.version if current else 0,
        revisions=revisions[:20],
        proposable=proposable,
        groups=groups,
        trial_days=KEPT_DAYS,
        notice=view.query("notice"),
        check=Check(),
        patch_text="",
    )


def policy_check(view: View) -> Reply:
    """The editor's validation as you type (an htmx partial): the value diffs, or the problems."""
    check, _ = check_patch(view, view.form.get("patch", ""))
    return view.render("_policy_check.html", active="policy", check=check)


def policy_propose(view: View) -> Reply:
    """Propose the patch as a revision, from a group the viewer administers: the same `revision propose`
    command an admin types there, so the poll, the owners' card and the four eyes all follow."""
    viewer = view.viewer
    group = viewer.group(view.form.get("group", ""), act=True)
    text, reason = view.form.get("patch", ""), view.form.get("reason", "").strip()
    check, _ = check_patch(view, text)
    if check.error or not check.lines:
        raise BadRequest("console.policy.invalid")
    words = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    args = ("propose", *words, *(("--", *reason.split()) if reason else ()))
    command = CommandIssued(
        platform=cast(Platform, group.platform),
        tenant=group.tenant,
        event_id=f"console:revision:{secrets.token_hex(8)}",
        occurred_at=viewer.now,
        chat=group.chat,
        user=viewer.user,
        name="revision",
        args=args,
        text=" ".join(["revision", *(shlex.quote(arg) for arg in args)]),
    )
    deps = viewer.deps
    if not deps.store.claim_event(command.platform, command.claim_key, viewer.now):
        raise BadRequest()
    deps.dispatch([command])
    raise Redirect("/console/policy?notice=proposed")


# Assessments ----------------------------------------------------------------------------------------------


def assessments_page(view: View) -> Reply:
    groups = readable_groups(view)
    group = chosen_group(view, groups)
    history: list[dict[str, Any]] = []
    if group is not None:
        for item in view.viewer.deps.store.query_items(
            keys.group_pk(group.gid), prefix=keys.ASSESSMENT_SK_PREFIX, newest_first=True
        ):
            if "#R#" not in item.sk:
                history.append(dict(item.data))
            if len(history) == HISTORY:
                break
    history.reverse()  # oldest first, as the chart reads
    top = max([float(h.get("score") or 0) for h in history] or [100.0]) or 100.0
    bars = [
        {
            "period": str(h.get("period", "")),
            "score": float(h.get("score") or 0),
            "height": float(h.get("score") or 0) / top * 100,
        }
        for h in history
    ]
    return view.render(
        "assessments.html",
        active="assessments",
        groups=groups,
        group=group,
        found=found_of(view),
        history=history,
        bars=bars,
    )


# Audit ----------------------------------------------------------------------------------------------------


def _matches(record: AuditRecord, needle: str) -> bool:
    if not needle:
        return True
    haystack = " ".join(
        [
            record.actor,
            record.event_type,
            record.outcome,
            *record.actions,
            json.dumps(record.detail, ensure_ascii=False),
        ]
    ).lower()
    return needle.lower() in haystack


def audit_records(view: View) -> tuple[list[GroupRecord], GroupRecord | None, list[AuditRecord]]:
    groups = readable_groups(view)
    group = chosen_group(view, groups)
    if group is None:
        return groups, None, []
    needle = view.query("q").strip()
    records = view.viewer.deps.store.list_audit(group.gid, limit=AUDIT_LIMIT)
    return groups, group, [record for record in records if _matches(record, needle)]


def audit_page(view: View) -> Reply:
    groups, group, records = audit_records(view)
    query = urlencode({"group": group.gid if group else "", "q": view.query("q")})
    return view.render(
        "audit.html",
        active="audit",
        groups=groups,
        group=group,
        found=found_of(view),
        records=records,
        q=view.query("q"),
        export=query,
    )


def audit_export(view: View) -> Reply:
    """The audit log as CSV, the same records the page shows (one group, the search applied)."""
    _, group, records = audit_records(view)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["at", "gid", "event", "actor", "actions", "outcome", "detail"])
    for record in records:
        writer.writerow(
            [
                keys.iso(record.at),
                record.gid,
                record.event_type,
                _cell(record.actor),
                _cell(" ".join(record.actions)),
                record.outcome,
                _cell(json.dumps(record.detail, ensure_ascii=False)),
            ]
        )
    name = f"audit-{(group.chat if group else 'none')[:40]}.csv".replace('"', "")
    headers = {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }
    return Reply(200, "\ufeff" + out.getvalue(), headers)


def _cell(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


# Files ----------------------------------------------------------------------------------------------------


def files_page(view: View) -> Reply:
    groups = readable_groups(view)
    group = chosen_group(view, groups)
    entries: list[dict[str, Any]] = []
    names: dict[str, str] = {}
    if group is not None:
        store = view.viewer.deps.store
        pk = keys.group_pk(group.gid)
        entries = [dict(item.data) for item in store.query_items(pk, prefix="FLOG#", limit=500)]
        entries.sort(key=lambda entry: float(entry.get("at", 0)), reverse=True)
        for item in store.query_items(pk, prefix=keys.FILE_SK_PREFIX, limit=500):
            names[str(item.data.get("file_id", ""))] = str(item.data.get("name", ""))
    return view.render(
        "files.html",
        active="files",
        groups=groups,
        group=group,
        found=found_of(view),
        entries=entries[:200],
        names=names,
    )


# Jobs -----------------------------------------------------------------------------------------------------


def jobs_page(view: View) -> Reply:
    viewer = view.viewer
    groups = readable_groups(view)
    group = chosen_group(view, groups)
    store = viewer.deps.store
    runs = (
        []
        if group is None
        else [
            dict(i.data)
            for i in store.query_items(
                keys.group_pk(group.gid), prefix=keys.JOB_RUN_SK_PREFIX, newest_first=True, limit=50
            )
        ]
    )
    table_runs = (
        [
            dict(i.data)
            for i in store.query_items(
                keys.OPS_PK, prefix=keys.JOB_RUN_SK_PREFIX, newest_first=True, limit=20
            )
        ]
        if viewer.reads_all
        else []
    )
    from chalicelib.console import dry_runs
    from chalicelib.console.deadletters import depth

    return view.render(
        "jobs.html",
        active="jobs",
        groups=groups,
        group=group,
        found=found_of(view),
        runs=runs,
        table_runs=table_runs,
        dead_letters=depth(view) if viewer.reads_all else None,
        notice=view.query("notice"),
        dry_jobs=dry_runs.jobs() if viewer.owner else (),
        dry_names=dry_runs.jobs(),
        dry_reports=dry_runs.dry_reports(view, group, runs),
        dry_job=view.query("job") if view.query("job") in dry_runs.jobs() else "",
    )


def jobs_replay(view: View) -> Reply:
    from chalicelib.console.deadletters import replay_all

    if not view.viewer.owner:
        raise_forbidden()
    moved = replay_all(view)
    raise Redirect(f"/console/jobs?{urlencode({'notice': f'moved {moved}'})}")


Handler = Callable[[View], Reply]


def routes() -> dict[tuple[str, str], Handler]:
    """The pages by (route, method). A function, not a module-level table: what the module's import
    runs stays empty (the IAM call graph reads a handler named at module level as called)."""
    return {
        ("pick", "GET"): pick_page,
        ("policy", "GET"): policy_page,
        ("policy", "POST"): policy_propose,
        ("policy-check", "POST"): policy_check,
        ("assessments", "GET"): assessments_page,
        ("audit", "GET"): audit_page,
        ("audit-export", "GET"): audit_export,
        ("files", "GET"): files_page,
        ("jobs", "GET"): jobs_page,
        ("jobs", "POST"): jobs_replay,
    }
