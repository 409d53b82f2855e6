"""The archive's bytes: the archive bucket (`QG_ARCHIVE_BUCKET`) under `files/{group hash}/{file id}`.

The bucket is private, versioned and encrypted with the stack's KMS key (infra/data.py), so objects are
written without an ACL and read only through SigV4-presigned links (the only signature S3 accepts for
KMS-encrypted objects), as the reports are (`chalicelib.jobs.archive`).

A file is streamed from the messenger into S3 (`put_stream`): the bytes pass through once, in parts of
`PART_BYTES` with at most `PARTS_IN_FLIGHT` in memory, counted against the size cap and hashed (sha256) on
the way; a file that grows past the cap stops the upload, and s3transfer aborts the multipart upload. The
object's version id pins the record to those bytes. Deleting a file deletes every version of its key
(R6.7), delete markers included, so nothing of it is left for the lifecycle to find later.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

PREFIX = "files/"
PART_BYTES = 8 * 1024 * 1024
PARTS_IN_FLIGHT = 2


class TooLarge(Exception):
    """The file is larger than the cap: nothing is kept."""


def object_key(gid: str, file_id: str) -> str:
    """The group's prefix is a hash of its id, so a key names no chat."""
    digest = hashlib.sha256(gid.encode()).hexdigest()[:20]
    return f"{PREFIX}{digest}/{file_id}"


@dataclass(frozen=True)
class Stored:
    version_id: str
    size: int
    sha256: str


class CappedReader:
    """A read-only stream over `chunks` that hashes what passes and refuses to go past `limit` bytes."""

    def __init__(self, chunks: Iterator[bytes], limit: int) -> None:
        self._chunks = chunks
        self._limit = limit
        self._buffer = b""
        self._done = False
        self.size = 0
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, amount: int = -1) -> bytes:
        while not self._done and (amount < 0 or len(self._buffer) < amount):
            chunk = next(self._chunks, None)
            if chunk is None:
                self._done = True
                break
            self.size += len(chunk)
            if self.size > self._limit:
                raise TooLarge(f"over {self._limit} bytes")
            self.digest.update(chunk)
            self._buffer += chunk
        if amount < 0:
            data, self._buffer = self._buffer, b""
        else:
            data, self._buffer = self._buffer[:amount], self._buffer[amount:]
        return data


def attachment(name: str) -> str:
    """`Content-Disposition` that browsers save under the file's own name (RFC 6266, RFC 5987)."""
    fallback = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\' else "_" for ch in name) or "file"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


class FileStore:
    def __init__(self, bucket: str, *, client: Any | None = None) -> None:
        self.bucket = bucket
        self._client = client

    def _s3(self) -> Any:
        if self._client is None:
            import boto3  # type: ignore[import-untyped, unused-ignore]
            from botocore.config import Config  # type: ignore[import-untyped, unused-ignore]

            self._client = boto3.session.Session().client("s3", config=Config(signature_version="s3v4"))
        return self._client

    def put_stream(self, key: str, chunks: Iterator[bytes], *, limit: int, content_type: str) -> Stored:
        """Upload what `chunks` yields; raises `TooLarge` past `limit` bytes (nothing is kept then)."""
        from boto3.s3.transfer import TransferConfig  # type: ignore[import-untyped, unused-ignore]

        reader = CappedReader(chunks, limit)
        config = TransferConfig(
            multipart_threshold=PART_BYTES, multipart_chunksize=PART_BYTES, max_concurrency=PARTS_IN_FLIGHT
        )
        extra = {
            "ContentType": content_type or "application/octet-stream",
            "CacheControl": "private, no-store",
        }
        self._s3().upload_fileobj(reader, self.bucket, key, ExtraArgs=extra, Config=config)
        head = self._s3().head_object(Bucket=self.bucket, Key=key)
        return Stored(str(head.get("VersionId") or ""), reader.size, reader.digest.hexdigest())

    def link(self, key: str, version_id: str, *, name: str, content_type: str, seconds: int) -> str:
        """A presigned GET of exactly this version, saved under the file's name."""
        params = {
            "Bucket": self.bucket,
            "Key": key,
            "ResponseContentDisposition": attachment(name),
            "ResponseContentType": content_type or "application/octet-stream",
        }
        if version_id and version_id != "null":
            params["VersionId"] = version_id
        url: str = self._s3().generate_presigned_url("get_object", Params=params, ExpiresIn=seconds)
        return url

    def delete_version(self, key: str, version_id: str) -> None:
        """One version (a copy of bytes already archived under another key)."""
        self._s3().delete_object(Bucket=self.bucket, Key=key, VersionId=version_id or "null")

    def delete_all(self, key: str) -> int:
        """Every version and delete marker of the key; how many were deleted."""
        deleted = 0
        marker: dict[str, str] = {}
        while True:
            page = self._s3().list_object_versions(Bucket=self.bucket, Prefix=key, **marker)
            for entry in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]:
                if entry.get("Key") != key:
                    continue
                self.delete_version(key, str(entry.get("VersionId") or "null"))
                deleted += 1
            if not page.get("IsTruncated"):
                return deleted
            marker = {"KeyMarker": page["NextKeyMarker"], "VersionIdMarker": page["NextVersionIdMarker"]}


def file_store_for(bucket: str | None, client: Any | None = None) -> FileStore | None:
    return FileStore(bucket, client=client) if bucket else None
