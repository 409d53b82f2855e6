"""Which jobs exist, by name, loaded on first use.

Per-group jobs run in the worker, one group per `JobRequested`; table-wide jobs run in their own scheduled
function. A job whose module is not part of the deployment (the inactivity job lives in the membership
domain) is reported as not installed, never a crash.
"""

from __future__ import annotations

import importlib
from typing import Any

from chalicelib.jobs.base import Job, JobNotInstalled, TableJob

GROUP_JOBS: dict[str, str] = {
    "cleanup": "chalicelib.jobs.cleanup:CleanupJob",
    "review": "chalicelib.jobs.review:ReviewJob",
    "assessment": "chalicelib.jobs.assessment:AssessmentJob",
    "inactivity": "chalicelib.membership.inactivity:InactivityJob",
    "membership": "chalicelib.membership.due:MembershipJob",
    "workflows": "chalicelib.workflows.reminders:WorkflowReminders",
    "mentions": "chalicelib.workflows.mentions:MentionReminders",
}
TABLE_JOBS: dict[str, str] = {
    "backup": "chalicelib.jobs.backup:BackupJob",
    "restore-drill": "chalicelib.jobs.drill:RestoreDrill",
}
NAMES = (*GROUP_JOBS, *TABLE_JOBS)


def _load(spec: str, name: str) -> Any:
    module_name, _, attribute = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise JobNotInstalled(f"{name}: {module_name} is not installed ({exc})") from exc
    factory = getattr(module, attribute, None)
    if factory is None:
        raise JobNotInstalled(f"{name}: {module_name} has no {attribute}")
    return factory()


def group_job(name: str) -> Job:
    if name not in GROUP_JOBS:
        raise KeyError(f"no per-group job {name!r}; the jobs are {', '.join(GROUP_JOBS)}")
    job: Job = _load(GROUP_JOBS[name], name)
    return job


def table_job(name: str) -> TableJob:
    if name not in TABLE_JOBS:
        raise KeyError(f"no table-wide job {name!r}; the jobs are {', '.join(TABLE_JOBS)}")
    job: TableJob = _load(TABLE_JOBS[name], name)
    return job


def installed(name: str) -> bool:
    try:
        group_job(name) if name in GROUP_JOBS else table_job(name)
    except JobNotInstalled:
        return False
    return True
