"""The archive's bucket (moto S3): a file streamed in parts with its sha256, refused past the cap with
nothing left behind, served by a presigned link of exactly its version, and deleted with every version."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from chalicelib.files.storage import PART_BYTES, FileStore, TooLarge, attachment, object_key

MIB = 1024 * 1024


def chunks(data: bytes, size: int = MIB) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def test_a_file_over_one_part_is_streamed_in_parts_with_its_size_and_sha256(
    storage: FileStore, s3: Any, bucket: str
) -> None:
    data = bytes(itertools.islice(itertools.cycle(range(251)), PART_BYTES * 2 + 12345))
    key = object_key("slack:T1:C1", "f00000001")
    stored = storage.put_stream(key, chunks(data), limit=50 * MIB, content_type="application/pdf")
    assert stored.size == len(data)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.version_id
    body = s3.get_object(Bucket=bucket, Key=key, VersionId=stored.version_id)["Body"].read()
    assert body == data


def test_a_file_past_the_cap_is_refused_and_nothing_is_kept(storage: FileStore, s3: Any, bucket: str) -> None:
    key = object_key("slack:T1:C1", "f00000002")
    with pytest.raises(TooLarge):
        storage.put_stream(key, chunks(b"x" * (PART_BYTES * 2 + 1)), limit=PART_BYTES + 10, content_type="")
    assert "Versions" not in s3.list_object_versions(Bucket=bucket, Prefix=key)
    assert not s3.list_multipart_uploads(Bucket=bucket).get("Uploads")


def test_the_link_serves_that_version_under_the_files_own_name(storage: FileStore) -> None:
    key = object_key("slack:T1:C1", "f00000003")
    first = storage.put_stream(key, iter([b"v1 bytes"]), limit=MIB, content_type="text/plain")
    storage.put_stream(key, iter([b"v2 bytes"]), limit=MIB, content_type="text/plain")
    url = storage.link(key, first.version_id, name="方案-v1.txt", content_type="text/plain", seconds=60)
    response = requests.get(url, timeout=5)
    assert response.status_code == 200 and response.content == b"v1 bytes"
    # S3 answers with the disposition the link names (moto does not echo it, so read it from the link).
    query = parse_qs(urlsplit(url).query)
    assert query["response-content-disposition"] == [attachment("方案-v1.txt")]
    assert "X-Amz-Signature" in query and query["X-Amz-Expires"] == ["60"]


def test_deleting_a_file_deletes_every_version_and_delete_marker(
    storage: FileStore, s3: Any, bucket: str
) -> None:
    key = object_key("slack:T1:C1", "f00000004")
    for n in range(3):
        storage.put_stream(key, iter([f"{n}".encode()]), limit=MIB, content_type="")
    s3.delete_object(Bucket=bucket, Key=key)  # a delete marker on top
    assert storage.delete_all(key) == 4
    listed = s3.list_object_versions(Bucket=bucket, Prefix=key)
    assert not listed.get("Versions") and not listed.get("DeleteMarkers")


def test_keys_name_no_chat_and_the_disposition_survives_any_name() -> None:
    key = object_key("slack:T1:C0SECRET", "f1")
    assert key.startswith("files/") and "C0SECRET" not in key
    assert attachment('a "quoted"\\name.pdf').startswith('attachment; filename="a _quoted__name.pdf"')
