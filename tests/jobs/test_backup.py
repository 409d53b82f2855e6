"""Backups (R8.4, R6.6) against moto's DynamoDB and S3: point-in-time recovery turned on, the export to S3,
a daily on-demand backup with its manifest, the newest `keep` kept; and the restore drill, which restores
the latest backup into a scratch table that must match what was backed up, type by type."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

import pytest

from chalicelib.bootstrap import Deps
from chalicelib.jobs.backup import BackupJob, backups_of
from chalicelib.jobs.drill import RestoreDrill, drill_table
from chalicelib.jobs.manifest import Manifest, item_type, scan_manifest
from chalicelib.kernel.policies import PolicyRepo, default_text
from chalicelib.store import keys
from chalicelib.store.records import AuditRecord, GroupRecord, Item, MemberRecord
from tests.jobs.support import GID, T0

DAY = 86400.0


@pytest.fixture
def backup_deps(deps: Deps, bucket: str) -> Deps:
    deps.settings = deps.settings.model_copy(update={"qg_archive_bucket": bucket})
    return deps


def fill(deps: Deps) -> None:
    """A little of everything the table holds."""
    store = deps.store
    for n in range(30):
        store.put_member(MemberRecord(gid=GID, uid=f"slack:T1:U{n}", user=f"U{n}", last_active=T0 - n * 3600))
    for n in range(5):
        store.append_audit(AuditRecord(GID, f"a{n}", T0 - n, "MessagePosted", "U1", ("Warn:flood",)))
    store.claim_event("slack", "T1#Ev1", T0)
    store.put_item(Item("MSG#slack:T1:C1#2026-11-30", "2026-11-30T01:00:00Z#m1", {"u": "U1", "at": T0 - DAY}))
    store.put_item(Item(keys.group_pk(GID), "GONE", {"x": 1}, expires_at=int(T0 - 10)))  # expired, TTL late


def test_the_daily_backup_turns_pitr_on_exports_backs_up_and_records_a_manifest(
    backup_deps: Deps, group: GroupRecord, dynamodb_client: Any, s3: Any, bucket: str
) -> None:
    fill(backup_deps)
    table = backup_deps.settings.qg_table_name
    report = BackupJob(client=dynamodb_client).back_up(backup_deps, T0)
    assert report.status == "done", report.lines
    pitr = dynamodb_client.describe_continuous_backups(TableName=table)["ContinuousBackupsDescription"]
    assert pitr["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"
    assert [b["BackupName"] for b in backups_of(dynamodb_client, table)] == [f"{table}-2026-12-01"]
    assert export_finished(dynamodb_client, report.details["export_arn"]) == "COMPLETED"
    exported = s3.list_objects_v2(Bucket=bucket, Prefix="exports/2026-12-01/")
    assert exported.get("KeyCount", 0) >= 1  # moto writes the export's data file as AWS does
    manifest = backup_deps.store.get_item(keys.OPS_PK, keys.backup_manifest_sk(f"{table}-2026-12-01"))
    assert manifest is not None
    counts = manifest.data["counts"]
    assert (counts["GRP/MEM"], counts["GRP/AUD"], counts["GRP/META"], counts["MSG/-"]) == (30, 5, 1, 1)
    assert "GRP/GONE" not in counts  # past its expiry: left out, whether TTL has removed it or not


def export_finished(client: Any, arn: str) -> str:
    """The export's final status (moto, like AWS, exports in the background)."""
    for _ in range(50):
        status = str(client.describe_export(ExportArn=arn)["ExportDescription"]["ExportStatus"])
        if status != "IN_PROGRESS":
            return status
        time.sleep(0.1)
    return "IN_PROGRESS"


def test_a_second_backup_the_same_day_does_nothing(
    backup_deps: Deps, group: GroupRecord, dynamodb_client: Any
) -> None:
    job = BackupJob(client=dynamodb_client)
    job.back_up(backup_deps, T0)
    again = job.back_up(backup_deps, T0 + 3600)
    assert again.status == "already"
    assert len(backups_of(dynamodb_client, backup_deps.settings.qg_table_name)) == 1


def test_only_the_newest_backups_are_kept(
    backup_deps: Deps, group: GroupRecord, dynamodb_client: Any
) -> None:
    org = default_text("org").replace("keep: 7 ", "keep: 2 ")  # table jobs read the org policy
    PolicyRepo(backup_deps.store).apply("org", org, author="t", now=T0)
    job = BackupJob(client=dynamodb_client)
    for day in range(4):
        job.back_up(backup_deps, T0 + day * DAY)
    table = backup_deps.settings.qg_table_name
    names = [b["BackupName"] for b in backups_of(dynamodb_client, table)]
    assert names == [f"{table}-2026-12-03", f"{table}-2026-12-04"]
    manifests = [i.sk for i in backup_deps.store.query_items(keys.OPS_PK, prefix="BACKUP#")]
    assert manifests == [f"BACKUP#{table}-2026-12-03", f"BACKUP#{table}-2026-12-04"]


def test_the_restore_drill_restores_the_latest_backup_and_finds_it_matches_its_source(
    backup_deps: Deps, group: GroupRecord, dynamodb_client: Any
) -> None:
    fill(backup_deps)
    BackupJob(client=dynamodb_client).back_up(backup_deps, T0)
    backup_deps.store.put_member(MemberRecord(gid=GID, uid="slack:T1:LATE", user="LATE"))  # after the backup
    report = RestoreDrill(client=dynamodb_client, sleep=lambda s: None).drill(backup_deps, T0 + DAY)
    assert report.status == "done", report.lines
    assert report.counts["differing"] == 0 and report.counts["items"] >= 38
    assert report.details["compared_with"] == "the manifest taken at the backup"
    assert {t["type"] for t in report.details["types"] if t["same"]} >= {"GRP/MEM", "GRP/AUD", "EVT/EVT"}
    assert (report.details["ttl"], report.details["pitr"]) == ("DISABLED", "DISABLED")  # the runbook's point
    tables = dynamodb_client.list_tables()["TableNames"]
    assert drill_table(backup_deps.settings.qg_table_name, "2026-12") not in tables  # cleaned up


def test_a_drill_that_finds_a_difference_fails_and_says_where(
    backup_deps: Deps, group: GroupRecord, dynamodb_client: Any
) -> None:
    fill(backup_deps)
    BackupJob(client=dynamodb_client).back_up(backup_deps, T0)
    table = backup_deps.settings.qg_table_name
    stored = backup_deps.store.get_item(keys.OPS_PK, keys.backup_manifest_sk(f"{table}-2026-12-01"))
    assert stored is not None
    damaged = {**stored.data, "counts": {**stored.data["counts"], "GRP/MEM": 31}}  # as if a member were lost
    backup_deps.store.put_item(replace(stored, data=damaged))
    report = RestoreDrill(client=dynamodb_client, sleep=lambda s: None).drill(backup_deps, T0 + DAY)
    assert report.status == "failed"
    assert any(line.startswith("DIFFERS GRP/MEM: 30 found, 31 expected") for line in report.lines)


def test_a_drill_waits_for_a_slow_restore_across_invocations(
    backup_deps: Deps, group: GroupRecord, dynamodb_client: Any
) -> None:
    BackupJob(client=dynamodb_client).back_up(backup_deps, T0)

    class SlowRestore:
        """moto restores at once; a real restore takes a while: the first look says CREATING."""

        def __init__(self, client: Any) -> None:
            self.client, self.looks = client, 0

        def __getattr__(self, name: str) -> Any:
            return getattr(self.client, name)

        def describe_table(self, **request: Any) -> Any:
            self.looks += 1
            answer = self.client.describe_table(**request)
            if self.looks == 1:
                answer["Table"]["TableStatus"] = "CREATING"
            return answer

    first = RestoreDrill(client=SlowRestore(dynamodb_client), wait_seconds=0).drill(backup_deps, T0 + DAY)
    assert first.status == "partial"
    second = RestoreDrill(client=dynamodb_client).drill(backup_deps, T0 + DAY + 3600)
    assert second.status == "done" and second.counts["differing"] == 0
    third = RestoreDrill(client=dynamodb_client).drill(backup_deps, T0 + DAY + 7200)
    assert third.status == "already"


def test_without_a_backup_the_drill_fails_loudly(backup_deps: Deps, dynamodb_client: Any) -> None:
    report = RestoreDrill(client=dynamodb_client).drill(backup_deps, T0)
    assert (report.status, report.lines) == ("failed", ("no backup to restore",))


def test_a_manifests_checksum_changes_with_any_item_and_not_with_order(
    dynamodb_client: Any, store: Any
) -> None:
    store.put_member(MemberRecord(gid=GID, uid="slack:T1:U1", user="U1", points=1.0))
    store.put_member(MemberRecord(gid=GID, uid="slack:T1:U2", user="U2"))
    one = scan_manifest(dynamodb_client, store.table_name, as_of=T0, segments=1)
    four = scan_manifest(dynamodb_client, store.table_name, as_of=T0, segments=4)
    assert one.to_data() == replace_scanned(four.to_data(), one.scanned)
    store.put_member(MemberRecord(gid=GID, uid="slack:T1:U1", user="U1", points=1.5))
    changed = scan_manifest(dynamodb_client, store.table_name, as_of=T0)
    assert changed.counts == one.counts and changed.sums != one.sums
    assert Manifest.from_data(changed.to_data()).sums == changed.sums


def replace_scanned(data: dict[str, Any], scanned: int) -> dict[str, Any]:
    return {**data, "scanned": scanned}


@pytest.mark.parametrize(
    ("pk", "sk", "kind"),
    [
        ("GRP#slack:T1:C1", "MEM#slack:T1:U1", "GRP/MEM"),
        ("GRP#slack:T1:C1", "META", "GRP/META"),
        ("MSG#slack:T1:C1#2026-11-30", "2026-11-30T01:00:00Z#m1", "MSG/-"),
        ("FP#slack:T1:C1", "9f2c#1234", "FP/-"),
        ("OPS#table", "JOB#backup#2026-12-01", "OPS/JOB"),
    ],
)
def test_item_types_are_the_key_families(pk: str, sk: str, kind: str) -> None:
    assert item_type({"PK": {"S": pk}, "SK": {"S": sk}}) == kind
