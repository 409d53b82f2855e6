"""The bodies of the scheduled functions in `app.py`, one call each. Imported by `app.py`, so it imports
nothing at module level: each function loads what it needs when the schedule fires."""

from __future__ import annotations


def schedule(job: str) -> None:
    """Fan a per-group job out to every group through the queue."""
    from chalicelib.bootstrap import get_deps
    from chalicelib.jobs.scheduler import schedule as fan_out

    deps = get_deps()
    fan_out(deps, job, deps.clock.now())


def backup() -> None:
    """R8.4: today's export and on-demand backup, and the pruning of old backups."""
    from chalicelib.bootstrap import get_deps
    from chalicelib.jobs.backup import BackupJob
    from chalicelib.jobs.base import JobFailed

    deps = get_deps()
    report = BackupJob().back_up(deps, deps.clock.now())
    if report.status == "failed":
        raise JobFailed("; ".join(report.lines))


def restore_drill() -> None:
    """R8.4: restore the latest backup into a scratch table and compare it with what was backed up."""
    from chalicelib.bootstrap import get_deps
    from chalicelib.jobs.base import JobFailed
    from chalicelib.jobs.drill import RestoreDrill

    deps = get_deps()
    report = RestoreDrill().drill(deps, deps.clock.now())
    if report.status == "failed":
        raise JobFailed("; ".join(report.lines))


def end_mutes() -> None:
    """Every five minutes: mutes that are over lifted (R3.7), slow modes ended or kept in force (R5.3),
    discussion reminders and starts sent (R5.9): `chalicelib.jobs.minutely`."""
    from chalicelib.bootstrap import get_deps
    from chalicelib.jobs.minutely import run

    deps = get_deps()
    run(deps, deps.clock.now())


def archive_pull() -> None:
    """Every two minutes: ask the worker (which has the Finance SDK) to pull WeCom's message archive and
    DingTalk's external-group audit, each if switched on. `msgaudit_notify` starts a WeCom pull as soon
    as WeCom has news; this catches a lost notice, and is DingTalk's only trigger. The worker's lease
    makes overlapping pulls of one source a no-op."""
    from chalicelib.bootstrap import get_deps
    from chalicelib.worker.archive import scheduled_notices

    deps = get_deps()
    notices = scheduled_notices(deps)
    if notices and deps.dispatcher is not None:
        deps.dispatcher.dispatch(notices)
