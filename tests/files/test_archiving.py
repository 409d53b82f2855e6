"""Archiving's edges, through the worker: a download that fails for now fails the event (the queue
delivers it again) and frees the file's claim, so the next delivery archives it; a file no bot may fetch
is recorded as skipped once; documents and their versions."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import pytest

from chalicelib.core.events import FileInfo, FileShared
from chalicelib.files.records import ArchivedFile, Chain, FileRepo, document_of
from chalicelib.kernel.executor import DeliveryFailed
from chalicelib.store.memory import MemoryStore
from chalicelib.worker.pipeline import process
from local.fakes.server import FakeMessengers, Fault
from tests.files.support import archived
from tests.functional import conversations as conv
from tests.support.stack import Stack

GID = f"slack:{conv.SLACK_TEAM}:C0FUNC"


def shared(file_id: str, n: int) -> FileShared:
    return FileShared(
        platform="slack",
        tenant=conv.SLACK_TEAM,
        event_id=f"EvRETRY{n}",
        occurred_at=time.time(),
        chat="C0FUNC",
        user="U0ALICE",
        file=FileInfo(file_id=file_id, name=""),
    )


def test_a_download_failing_for_now_fails_the_event_and_the_next_delivery_archives_the_file(
    files_stack: Stack, fake: FakeMessengers
) -> None:
    fake.files.add("slack", "F0FLAKY01", b"flaky", name="流程图.png", content_type="image/png")
    fake.inject(Fault(path="/slack/files-pri/", status=503, times=3, retry_after=0.0))
    with pytest.raises(DeliveryFailed):
        process(shared("F0FLAKY01", 1), files_stack.deps)
    assert archived(files_stack, GID) == []
    process(shared("F0FLAKY01", 1), files_stack.deps)  # SQS delivers the same event again
    (file,) = archived(files_stack, GID)
    assert file.name == "流程图.png"


def test_a_document_is_its_name_without_version_and_extension_and_its_latest_is_the_highest_version() -> None:
    assert document_of("方案-v2.docx") == ("方案", (2,))
    assert document_of("Plan V1.3.pdf") == ("plan", (1, 3))
    assert document_of("会议纪要.pdf") == ("会议纪要", ())
    chain = Chain("方案", (("f1", (2,), 10.0), ("f2", (1,), 20.0)))
    assert chain.latest == "f1"  # an older version archived later is not the latest
    assert Chain("会议纪要", (("f3", (), 10.0), ("f4", (), 20.0))).latest == "f4"


class RacingStore(MemoryStore):
    """Someone else adds a version between our read of a document's versions and our write."""

    raced = False

    def update_item(
        self, pk: str, sk: str, changes: Mapping[str, Any], *, expect: Mapping[str, Any] | None = None
    ) -> bool:
        if sk.startswith("FDOC#") and not self.raced:
            self.raced = True
            item = self.get_item(pk, sk)
            assert item is not None
            theirs = [*item.data["versions"], ["fTHEIRS", [9], 5.0]]
            super().update_item(pk, sk, {"versions": theirs, "rev": item.data["rev"] + 1})
        return super().update_item(pk, sk, changes, expect=expect)


def test_a_version_archived_at_the_same_time_by_someone_else_is_not_lost() -> None:
    repo = FileRepo(RacingStore())
    for n, name in enumerate(("方案-v1.pdf", "方案-v2.pdf")):
        doc, version = document_of(name)
        repo.save(
            ArchivedFile(
                file_id=f"f{n}",
                gid=GID,
                name=name,
                size=1,
                content_type="",
                sha256=str(n),
                key=f"k{n}",
                version_id="v",
                uploader="U0ALICE",
                archived_at=float(n),
                doc=doc,
                version=version,
            )
        )
    assert [entry[0] for entry in repo.chain(GID, "方案").entries] == ["f0", "fTHEIRS", "f1"]
