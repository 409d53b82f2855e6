"""`python -m chalicelib.cli job ...`: the scheduled jobs on demand.

    job list                                         the jobs and whether each is installed
    job run NAME [--dry-run] [--group GID]...        run now, here, for every group (or the named ones)
                 [--period P] [--queue] [--out DIR]

`run` does for each group what the worker does with a `JobRequested` (the same code: the job runs, its
report is stored, and the admins get it), without going through the queue; `--queue` instead fans the
job out through the queue, exactly as its schedule does (and, like it, does nothing for a group already
requested this period). A period already done answers its stored report. `--period` names another
period than the current one (`2026-11` for the assessment of November). `--out DIR` also writes the
assessment's HTML report and chart images there. The table-wide jobs (backup, restore-drill) run once.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from chalicelib.core.facts import JobRan
from chalicelib.jobs import catalog
from chalicelib.jobs.base import JobNotInstalled, JobReport
from chalicelib.kernel.deps import Deps


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    job = subparsers.add_parser("job", help="run the scheduled jobs on demand")
    verbs = job.add_subparsers(dest="verb", required=True)
    verbs.add_parser("list", help="the jobs, and whether each is installed here")
    run = verbs.add_parser("run", help="run a job now")
    run.add_argument("name", choices=catalog.NAMES)
    run.add_argument("--dry-run", action="store_true", help="report what would happen, change nothing")
    run.add_argument(
        "--group", action="append", default=[], metavar="GID", help="only this group (repeatable)"
    )
    run.add_argument("--period", help="the period to run for (default: the current one)")
    run.add_argument("--queue", action="store_true", help="fan out through the queue, as the schedule does")
    run.add_argument("--out", type=Path, help="write the assessment's HTML report and charts here")


def list_jobs(out: TextIO = sys.stdout) -> int:
    """`job list`: needs no table."""
    for name in catalog.NAMES:
        where = "table" if name in catalog.TABLE_JOBS else "per group"
        out.write(f"{name:15} {where:10} {'installed' if catalog.installed(name) else 'not installed'}\n")
    return 0


def run_command(args: argparse.Namespace, deps: Deps, out: TextIO = sys.stdout) -> int:
    if args.verb == "list":
        return list_jobs(out)
    now = deps.clock.now()
    if args.name in catalog.TABLE_JOBS:
        return _table_job(args, deps, now, out)
    try:
        job = catalog.group_job(args.name)
    except JobNotInstalled as exc:
        out.write(f"{exc}\n")
        return 2
    if args.period:
        anchor = getattr(job, "anchor", None)
        if anchor is None:
            out.write(f"{args.name} does not take --period\n")
            return 2
        now = float(anchor(args.period))
    if args.queue:
        from chalicelib.jobs.scheduler import schedule

        fanout = schedule(deps, args.name, now, dry_run=args.dry_run, gids=args.group or None)
        out.write(f"{args.name} {fanout.period}: {fanout.dispatched} of {fanout.groups} group(s) queued\n")
        return 0
    return _group_job(args, deps, now, out)


def _group_job(args: argparse.Namespace, deps: Deps, now: float, out: TextIO) -> int:
    from chalicelib.jobs.runs import Runs
    from chalicelib.jobs.scheduler import request
    from chalicelib.store import keys
    from chalicelib.worker.pipeline import process

    job = catalog.group_job(args.name)
    period = job.period(now)
    wanted = set(args.group)
    groups = [g for g in deps.store.list_groups() if g.enabled and (not wanted or g.gid in wanted)]
    if not groups:
        out.write("no group to run for\n")
    failed = 0
    for group in groups:
        event = request(
            args.name,
            period,
            platform=group.platform,
            tenant=group.tenant,
            chat=group.chat,
            at=now,
            dry_run=args.dry_run,
        )
        outcome = process(event, deps)
        record = Runs(deps.store, keys.group_pk(group.gid)).get(args.name, period, args.dry_run)
        report = record.report if record else None
        ran = outcome.decision.fact(JobRan)
        status = ran.status if ran is not None else None
        if report is not None and status:  # what happened this time ("already": the period was done)
            report = replace(report, status=status)
        out.write(f"== {group.gid} ({group.name or group.chat})\n")
        _print(report, out)
        failed += bool(report and report.status == "failed")
        if args.out and args.name == "assessment":
            _write_assessment(deps, group.gid, period, now=now, directory=args.out, out=out)
    return 1 if failed else 0


def _table_job(args: argparse.Namespace, deps: Deps, now: float, out: TextIO) -> int:
    try:
        job = catalog.table_job(args.name)
    except JobNotInstalled as exc:
        out.write(f"{exc}\n")
        return 2
    report = job.run_table(deps, now, dry_run=args.dry_run)
    _print(report, out)
    return 1 if report.status == "failed" else 0


def _print(report: JobReport | None, out: TextIO) -> None:
    if report is None:
        out.write("  (no report)\n")
        return
    flags = " (dry run)" if report.dry_run else ""
    out.write(f"  {report.job} {report.period}: {report.status}{flags}\n")
    for line in report.lines:
        out.write(f"  {line}\n")
    if report.counts:
        out.write("  " + ", ".join(f"{name} {value}" for name, value in report.counts.items()) + "\n")
    for name, link in report.links.items():
        out.write(f"  {name}: {link}\n")


def _write_assessment(deps: Deps, gid: str, period: str, *, now: float, directory: Path, out: TextIO) -> None:
    from chalicelib.jobs.assessment import AssessmentJob
    from chalicelib.jobs.charts import png
    from chalicelib.kernel.where import job_where

    scope = job_where(deps, gid, job="assessment", key=period, now=now)
    rendered = AssessmentJob().render(deps, scope, period, now)
    directory.mkdir(parents=True, exist_ok=True)
    stem = gid.replace(":", "_")
    (directory / f"{stem}-{period}.html").write_text(rendered.html, encoding="utf-8")
    for chart in rendered.charts:
        (directory / f"{stem}-{period}-{chart.key}.png").write_bytes(png.render(chart))
    out.write(f"  written to {directory}/\n")
