"""The daily backup (R8.4, R6.6): one table, so one run per day, in its own scheduled function.

1. Point-in-time recovery must be on (infra/ turns it on; a table restored by hand comes back without it):
   if it is off, the job turns it on and says so.
2. An export of the table to the archive bucket (`ExportTableToPointInTime`, DynamoDB JSON, under
   `{export_prefix}/{day}/`), which needs PITR; the call is made idempotent with a client token.
3. An on-demand backup named `{table}-{day}` (`CreateBackup`), unless today's exists; then the table's
   manifest (counts and checksums per item type, `chalicelib.jobs.manifest`) is taken and stored as
   `OPS#table` / `BACKUP#{name}`, for the restore drill to compare the restored table with.
4. Retention: the on-demand backups named after the table beyond the newest `keep` are deleted
   (`ListBackups`, `DeleteBackup`), with their manifests. PITR keeps its own 35 days; exports stay in the
   bucket until its lifecycle rule removes them.

A failure leaves the run's checkpoint (what was already done) and raises from the scheduled function, so
the Lambda's error alarm sees it and the next invocation resumes. Calls: DescribeTable,
DescribeContinuousBackups, UpdateContinuousBackups, ExportTableToPointInTime, ListBackups, CreateBackup,
DeleteBackup, Scan, and the store's PutItem/GetItem/DeleteItem for the manifest and the run record.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from chalicelib.errors import StoreError
from chalicelib.jobs.base import JobReport
from chalicelib.jobs.manifest import scan_manifest
from chalicelib.jobs.periods import DAY, day_label
from chalicelib.jobs.runs import RunState
from chalicelib.jobs.tables import org_policy, run_recorded
from chalicelib.kernel.deps import Deps
from chalicelib.store import keys
from chalicelib.store.records import Item

log = logging.getLogger("qunguan.jobs.backup")

MANIFEST_DAYS = 120


def dynamodb_client(client: Any | None = None) -> Any:
    """The DynamoDB control-plane client the backup jobs use (boto3 honours AWS_ENDPOINT_URL_DYNAMODB)."""
    if client is not None:
        return client
    import boto3  # type: ignore[import-untyped, unused-ignore]
    from botocore.config import Config  # type: ignore[import-untyped, unused-ignore]

    return boto3.session.Session().client(
        "dynamodb", config=Config(retries={"mode": "standard", "max_attempts": 6}, max_pool_connections=16)
    )


def backups_of(client: Any, table: str) -> list[dict[str, Any]]:
    """The table's on-demand backups made by this job (named `{table}-...`), oldest first."""
    found: list[dict[str, Any]] = []
    request: dict[str, Any] = {"TableName": table, "BackupType": "USER"}
    while True:
        page = client.list_backups(**request)
        found.extend(
            b for b in page.get("BackupSummaries", []) if str(b.get("BackupName", "")).startswith(f"{table}-")
        )
        last = page.get("LastEvaluatedBackupArn")
        if not last:
            break
        request["ExclusiveStartBackupArn"] = last
    return sorted(found, key=lambda b: (_timestamp(b.get("BackupCreationDateTime")), str(b["BackupName"])))


def _timestamp(value: Any) -> float:
    if isinstance(value, datetime):
        return value.timestamp()
    return float(value or 0.0)


class BackupJob:
    name = "backup"

    def __init__(self, *, client: Any | None = None) -> None:
        self._client = client

    def period(self, now: float) -> str:
        return day_label(now)

    def run_table(self, deps: Deps, now: float, *, dry_run: bool = False) -> JobReport:
        return self.back_up(deps, now, dry_run=dry_run)

    def back_up(self, deps: Deps, now: float, *, dry_run: bool = False) -> JobReport:
        return run_recorded(
            self,
            deps,
            now,
            dry_run=dry_run,
            work=lambda period, state: self._back_up(deps, now, period, state),
        )

    def _back_up(self, deps: Deps, now: float, period: str, state: RunState) -> JobReport:
        from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped, unused-ignore]

        run = _Run(dynamodb_client(self._client), deps, now, period, state)
        self._client = run.client
        try:
            run.ensure_pitr()
            run.export()
            run.create_backup()
            run.take_manifest()
            run.prune()
        except (ClientError, BotoCoreError, StoreError, KeyError) as exc:  # recorded; the entry point raises
            log.exception("backup of %s failed", run.table)
            lines = (*run.lines, f"failed: {type(exc).__name__}: {exc}")
            return JobReport(self.name, "", period, state.dry_run, run.counts, lines, status="failed")
        return JobReport(
            self.name, "", period, state.dry_run, run.counts, tuple(run.lines), details=run.details
        )


class _Run:
    """One day's backup, step by step; `state.checkpoint` says which steps are done."""

    def __init__(self, client: Any, deps: Deps, now: float, period: str, state: RunState) -> None:
        self.client = client
        self.deps = deps
        self.now = now
        self.period = period
        self.dry_run = state.dry_run
        self.done = state.checkpoint
        self.table = deps.settings.qg_table_name
        self.settings = org_policy(deps).jobs.backup
        self.bucket = deps.settings.qg_archive_bucket
        self.name = f"{self.table}-{period}"
        self.lines: list[str] = []
        self.counts: dict[str, int] = {}
        self.details: dict[str, Any] = {"table": self.table, "backup": self.name}

    def ensure_pitr(self) -> None:
        status = self.client.describe_continuous_backups(TableName=self.table)["ContinuousBackupsDescription"]
        pitr = status.get("PointInTimeRecoveryDescription", {}).get("PointInTimeRecoveryStatus", "DISABLED")
        if pitr == "ENABLED":
            return
        self.lines.append(f"PITR was {pitr}" + ("" if self.dry_run else ": switched on"))
        if not self.dry_run:
            self.client.update_continuous_backups(
                TableName=self.table, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
            )

    def export(self) -> None:
        if not self.settings.export or self.done.get("export_arn"):
            return
        if not self.bucket:
            self.lines.append("no export: QG_ARCHIVE_BUCKET is not set")
            return
        prefix = f"{self.settings.export_prefix.strip('/')}/{self.period}"
        if self.dry_run:
            self.lines.append(f"would export to s3://{self.bucket}/{prefix}/")
            return
        arn = self.client.describe_table(TableName=self.table)["Table"]["TableArn"]
        export = self.client.export_table_to_point_in_time(
            TableArn=arn,
            S3Bucket=self.bucket,
            S3Prefix=prefix,
            ExportFormat="DYNAMODB_JSON",
            ClientToken=f"qunguan-{self.period}",
        )["ExportDescription"]
        self.done["export_arn"] = export["ExportArn"]
        self.details["export_arn"] = export["ExportArn"]
        self.lines.append(f"export {export.get('ExportStatus', 'IN_PROGRESS')}: s3://{self.bucket}/{prefix}/")

    def create_backup(self) -> None:
        existing = {str(b["BackupName"]): b for b in backups_of(self.client, self.table)}
        if self.name in existing:
            self.done.setdefault("backup_arn", existing[self.name]["BackupArn"])
            return
        if self.dry_run:
            self.lines.append(f"would create backup {self.name}")
            return
        created = self.client.create_backup(TableName=self.table, BackupName=self.name)["BackupDetails"]
        self.done["backup_arn"] = created["BackupArn"]
        self.counts["backups_created"] = 1
        self.lines.append(f"backup {self.name} {created.get('BackupStatus', 'CREATING')}")

    def take_manifest(self) -> None:
        """Right after the backup: what the drill will expect to find in it."""
        if self.dry_run or self.done.get("manifest"):
            return
        manifest = scan_manifest(self.client, self.table, as_of=self.now, consistent=True)
        data = {
            "backup": self.name,
            "backup_arn": self.done["backup_arn"],
            "at": self.now,
            **manifest.to_data(),
        }
        expires = int(self.now) + MANIFEST_DAYS * DAY
        self.deps.store.put_item(
            Item(keys.OPS_PK, keys.backup_manifest_sk(self.name), data, expires_at=expires)
        )
        self.done["manifest"] = True
        self.counts["items"] = manifest.items
        self.details["manifest"] = manifest.to_data()
        self.lines.append(f"manifest: {manifest.items} items in {len(manifest.counts)} types")

    def prune(self) -> None:
        ours = backups_of(self.client, self.table)
        stale = ours[: max(0, len(ours) - self.settings.keep)]
        for backup in stale:
            if not self.dry_run:
                self.client.delete_backup(BackupArn=backup["BackupArn"])
                self.deps.store.delete_item(keys.OPS_PK, keys.backup_manifest_sk(str(backup["BackupName"])))
        if stale:
            self.counts["backups_deleted"] = len(stale)
            self.lines.append(
                ("would delete" if self.dry_run else "deleted") + f" {len(stale)} old backup(s)"
            )
        self.counts["backups_kept"] = min(len(ours), self.settings.keep)
