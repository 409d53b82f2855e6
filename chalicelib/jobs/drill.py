"""The monthly restore drill (R8.4: "a tested restore").

It restores the newest on-demand backup of the table (`RestoreTableFromBackup`) into a scratch table
`{table}-drill-{month}`, waits for it to become ACTIVE, takes its manifest and compares it, type by type,
with the manifest the backup job took of the source right after that backup (or, for a backup made
elsewhere, with the live source); then it deletes the scratch table. A drill passes when every type but
the short-lived ones (`manifest.VOLATILE`) has the same count and checksum.

A restore takes minutes to hours with the table's size, longer than a Lambda may run: when the table is
not ACTIVE within `WAIT_SECONDS`, the run stops (status `partial`, checkpoint kept) and the next
invocation of the schedule (hourly on the drill's day) picks it up; once done, the rest of the day's
invocations find the month done and do nothing. The report also checks what a restore does not carry
over (TTL and point-in-time recovery are off on a restored table): the runbook's reminder, proved.

Calls: ListBackups, RestoreTableFromBackup, DescribeTable, Scan, DescribeTimeToLive,
DescribeContinuousBackups, DeleteTable (on the `-drill-` table only), and the store's GetItem/PutItem.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from chalicelib.errors import StoreError
from chalicelib.jobs.backup import backups_of
from chalicelib.jobs.base import JobReport
from chalicelib.jobs.manifest import Manifest, compare, scan_manifest
from chalicelib.jobs.periods import month_label
from chalicelib.jobs.runs import RunState
from chalicelib.jobs.tables import org_policy, run_recorded
from chalicelib.kernel.deps import Deps
from chalicelib.store import keys

log = logging.getLogger("qunguan.jobs.drill")

WAIT_SECONDS = 600.0
POLL_SECONDS = 10.0


def dynamodb_client(client: Any | None = None) -> Any:
    """The drill's own DynamoDB client (each module that calls AWS builds its own: the IAM policies are
    derived from that)."""
    if client is not None:
        return client
    import boto3  # type: ignore[import-untyped, unused-ignore]
    from botocore.config import Config  # type: ignore[import-untyped, unused-ignore]

    return boto3.session.Session().client(
        "dynamodb", config=Config(retries={"mode": "standard", "max_attempts": 6}, max_pool_connections=16)
    )


def drill_table(table: str, period: str) -> str:
    return f"{table}-drill-{period}"


class RestoreDrill:
    name = "restore-drill"

    def __init__(
        self,
        *,
        client: Any | None = None,
        wait_seconds: float = WAIT_SECONDS,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = client
        self._wait = wait_seconds
        self._sleep = sleep

    def period(self, now: float) -> str:
        return month_label(now)

    def run_table(self, deps: Deps, now: float, *, dry_run: bool = False) -> JobReport:
        return self.drill(deps, now, dry_run=dry_run)

    def drill(self, deps: Deps, now: float, *, dry_run: bool = False) -> JobReport:
        return run_recorded(
            self, deps, now, dry_run=dry_run, work=lambda period, state: self._drill(deps, period, state)
        )

    def _drill(self, deps: Deps, period: str, state: RunState) -> JobReport:
        from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped, unused-ignore]

        client = dynamodb_client(self._client)
        self._client = client
        table = deps.settings.qg_table_name
        target = state.checkpoint.get("target") or drill_table(table, period)
        lines: list[str] = []
        try:
            backup = self._backup(client, table, state)
            if backup is None:
                return JobReport(
                    self.name, "", period, state.dry_run, lines=("no backup to restore",), status="failed"
                )
            name, arn = str(backup["BackupName"]), str(backup["BackupArn"])
            if state.dry_run:
                line = f"would restore {name} into {target}, compare it with its manifest, and delete it"
                return JobReport(self.name, "", period, True, lines=(line,), details={"backup": name})
            if not state.checkpoint.get("target"):
                client.restore_table_from_backup(TargetTableName=target, BackupArn=arn)
                state.checkpoint = {"target": target, "backup": name, "backup_arn": arn}
            if not self._active(client, target):
                line = f"restoring {name} into {target}: not ACTIVE yet; the next run goes on"
                return JobReport(self.name, "", period, False, lines=(line,), status="partial")
            expected, against = self._expected(deps, client, table, name)
            found = scan_manifest(client, target, as_of=expected.as_of)
            results = compare(expected, found)
            ttl = client.describe_time_to_live(TableName=target)["TimeToLiveDescription"]
            pitr = client.describe_continuous_backups(TableName=target)["ContinuousBackupsDescription"]
            kept = org_policy(deps).jobs.backup.drill_keep_table
            if not kept:
                client.delete_table(TableName=target)
        except (ClientError, BotoCoreError, StoreError, KeyError) as exc:  # recorded; the entry point raises
            log.exception("restore drill of %s failed", table)
            return JobReport(
                self.name,
                "",
                period,
                False,
                lines=(*lines, f"failed: {type(exc).__name__}: {exc}"),
                status="failed",
            )
        differing = [r for r in results if not r.same and not r.volatile]
        volatile = [r for r in results if not r.same and r.volatile]
        lines.append(f"restored {name} into {target} and compared it with {against}")
        lines.append(f"{found.items} items in {len(found.counts)} types; {expected.items} expected")
        lines.extend(f"DIFFERS {r.kind}: {r.found} found, {r.expected} expected" for r in differing)
        lines.extend(
            f"short-lived {r.kind} differs ({r.found} vs {r.expected}): expected churn" for r in volatile
        )
        ttl_status = str(ttl.get("TimeToLiveStatus", "DISABLED"))
        pitr_status = str(
            pitr.get("PointInTimeRecoveryDescription", {}).get("PointInTimeRecoveryStatus", "DISABLED")
        )
        lines.append(
            f"restored table: TTL {ttl_status}, PITR {pitr_status} (set both again after a real restore)"
        )
        lines.append(f"{target} kept for inspection" if kept else f"{target} deleted")
        return JobReport(
            self.name,
            "",
            period,
            False,
            counts={"items": found.items, "types": len(found.counts), "differing": len(differing)},
            lines=tuple(lines),
            items_read=found.scanned,
            status="failed" if differing else "done",
            details={
                "backup": name,
                "target": target,
                "compared_with": against,
                "types": [r.to_data() for r in results],
                "ttl": ttl_status,
                "pitr": pitr_status,
            },
        )

    def _backup(self, client: Any, table: str, state: RunState) -> dict[str, Any] | None:
        if state.checkpoint.get("backup_arn"):
            return {"BackupName": state.checkpoint["backup"], "BackupArn": state.checkpoint["backup_arn"]}
        available = [b for b in backups_of(client, table) if b.get("BackupStatus") == "AVAILABLE"]
        return available[-1] if available else None

    def _active(self, client: Any, target: str) -> bool:
        waited = 0.0
        while True:
            status = client.describe_table(TableName=target)["Table"].get("TableStatus")
            if status == "ACTIVE":
                return True
            if waited >= self._wait:
                return False
            self._sleep(POLL_SECONDS)
            waited += POLL_SECONDS

    def _expected(self, deps: Deps, client: Any, table: str, backup: str) -> tuple[Manifest, str]:
        item = deps.store.get_item(keys.OPS_PK, keys.backup_manifest_sk(backup))
        if item is not None:
            return Manifest.from_data(item.data), "the manifest taken at the backup"
        return scan_manifest(client, table, as_of=time.time()), "the live table (no manifest for this backup)"
