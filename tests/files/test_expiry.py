"""R6.7: the daily cleanup deletes archived files past the group's `retention.files` (every S3 version,
and their records); its dry run only counts them; files within the retention stay."""

from __future__ import annotations

from typing import Any

from chalicelib.files.records import FileRepo
from chalicelib.jobs.cleanup import CleanupJob
from chalicelib.store import keys
from local.fakes.server import FakeMessengers
from tests.files.support import apply_policy, archived
from tests.files.test_slack_archive import GID, share
from tests.support.stack import Stack

DAY = 86400


def versions(s3: Any, bucket: str, key: str) -> int:
    listed = s3.list_object_versions(Bucket=bucket, Prefix=key)
    return len(listed.get("Versions", [])) + len(listed.get("DeleteMarkers", []))


def test_files_past_retention_go_with_every_version_and_a_dry_run_only_counts_them(
    files_stack: Stack, fake: FakeMessengers, s3: Any, bucket: str
) -> None:
    apply_policy(files_stack, retention={"files": 30})
    share(files_stack, fake, "F0OLD0001", "旧资料.pdf", data=b"old")
    (file,) = archived(files_stack, GID)
    s3.put_object(Bucket=bucket, Key=file.key, Body=b"overwritten by mistake")  # a second version
    now = file.archived_at

    assert CleanupJob().run(files_stack.deps, GID, now + 29 * DAY).counts.get("files_deleted") is None
    dry = CleanupJob().run(files_stack.deps, GID, now + 31 * DAY, dry_run=True)
    assert dry.counts["files_deleted"] == 1 and archived(files_stack, GID) == [file]

    report = CleanupJob().run(files_stack.deps, GID, now + 32 * DAY)
    assert report.counts["files_deleted"] == 1
    assert archived(files_stack, GID) == [] and versions(s3, bucket, file.key) == 0
    repo = FileRepo(files_stack.store)
    assert repo.locate(file.file_id) is None and repo.chain(GID, file.doc).entries == ()
    assert files_stack.store.get_item(keys.group_pk(GID), keys.file_content_sk(file.sha256)) is None
