"""With WeCom's message archive on, a file shared in a group is seen like any message and archived
for that group like a file on Slack: its bytes come through the Finance SDK's `GetMediaData` in chunks
(the fake SDK built from C, serving more than one 512 KB chunk), into the bucket."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from chalicelib.files import wiring
from chalicelib.files.storage import FileStore
from local.fakes.server import FakeMessengers
from local.fakes.wecom_archive import FakeArchive
from local.peers import SignedRequest
from local.peers import wecom as wecom_peer
from tests.files.conftest import PUBLIC_URL
from tests.files.support import archived
from tests.functional.conversations import WECOM_APP
from tests.support.stack import Stack, running_stack

CORP = WECOM_APP["corp_id"]
ROOM = "wrARCHIVEFILES"
REPORT = bytes(range(256)) * 5000  # 1.28 MB: three GetMediaData chunks, NUL bytes included


@pytest.fixture
def stack(
    fake: FakeMessengers, bucket: str, storage: FileStore, archive: FakeArchive, finance_sdk_path: Path
) -> Iterator[Stack]:
    with running_stack(
        fake,
        qg_archive_bucket=bucket,
        qg_public_url=PUBLIC_URL,
        wecom_archive_secret="archive-secret",
        wecom_archive_private_keys=archive.private_keys_json(),
        wecom_finance_sdk_path=str(finance_sdk_path),
    ) as running:
        wiring.attach(running.deps, storage=storage)
        yield running


def notify() -> SignedRequest:
    xml = wecom_peer.event_xml(
        "msgaudit_notify", {}, corp_id=CORP, create_time=int(time.time()), from_user="sys"
    )
    return wecom_peer.callback_request(xml, agent_id="2000004", **WECOM_APP)


def test_a_file_shared_in_a_group_is_archived_through_get_media_data(
    stack: Stack, fake: FakeMessengers, archive: FakeArchive
) -> None:
    sdkfileid = "E4ODRkZjIzYjNkMmQzYjg2NjdiOWYwMDIwMTA1MDIwMTAwMDQwMBI4TkRkZk1UWTRPRGcxTURr"
    archive.add_media(sdkfileid, REPORT)
    archive.post(
        {  # the vendor's file format (doc path/91774), in a group
            "msgid": f"file-{int(time.time())}",
            "action": "send",
            "from": "zhangsan",
            "tolist": ["lisi"],
            "roomid": ROOM,
            "msgtime": int(time.time() * 1000),
            "msgtype": "file",
            "file": {
                "md5sum": hashlib.md5(REPORT).hexdigest(),  # noqa: S324 - the vendor's field
                "filename": "季度报告-v2.pdf",
                "fileext": "pdf",
                "filesize": len(REPORT),
                "sdkfileid": sdkfileid,
            },
        }
    )
    assert stack.send(notify()).status_code == 200
    (file,) = archived(stack, f"wecom:{CORP}:{ROOM}")
    assert (file.name, file.sha256) == ("季度报告-v2.pdf", hashlib.sha256(REPORT).hexdigest())
    # The file rules judged it as on any platform: a file shared without a word of description.
    told = [c.body for c in fake.sent("message/send") if c.body.get("touser") == "zhangsan"]
    assert "文件规范" in str(told)


def test_a_file_the_archive_no_longer_has_is_not_archived_and_nothing_is_retried(
    stack: Stack, fake: FakeMessengers, archive: FakeArchive
) -> None:
    archive.post(
        {
            "msgid": f"gone-{int(time.time())}",
            "action": "send",
            "from": "zhangsan",
            "tolist": ["lisi"],
            "roomid": ROOM,
            "msgtime": int(time.time() * 1000),
            "msgtype": "file",
            "file": {"filename": "旧文件.docx", "filesize": 10, "sdkfileid": "no-such-file"},
        }
    )
    assert stack.send(notify()).status_code == 200
    assert archived(stack, f"wecom:{CORP}:{ROOM}") == []
