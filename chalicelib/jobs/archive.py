"""The HTML reports' home: the archive bucket (`QG_ARCHIVE_BUCKET`), behind short-lived presigned links.

A report is one object under `reports/{group hash}/{job}/{period}.html`; the group's id is hashed so that
a key names no chat. The bucket is private and encrypted with the stack's KMS key (infra/), so the link is
signed with SigV4, the only signature S3 accepts for KMS-encrypted objects. A link signed with a Lambda
role's temporary credentials stops working when those credentials expire, whichever comes first; the
report's own lifetime is the bucket's lifecycle rule (`retention.reports`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

CONTENT_TYPE = "text/html; charset=utf-8"


def reports_prefix(gid: str) -> str:
    digest = hashlib.sha256(gid.encode()).hexdigest()[:20]
    return f"reports/{digest}/"


def report_key(gid: str, job: str, period: str) -> str:
    return f"{reports_prefix(gid)}{job}/{period}.html"


class Archive:
    def __init__(self, bucket: str, *, client: Any | None = None) -> None:
        self.bucket = bucket
        self._client = client

    def _s3(self) -> Any:
        if self._client is None:
            import boto3  # type: ignore[import-untyped, unused-ignore]
            from botocore.config import Config  # type: ignore[import-untyped, unused-ignore]

            self._client = boto3.session.Session().client("s3", config=Config(signature_version="s3v4"))
        return self._client

    def store_report(self, key: str, html: str) -> None:
        self._s3().put_object(
            Bucket=self.bucket,
            Key=key,
            Body=html.encode("utf-8"),
            ContentType=CONTENT_TYPE,
            CacheControl="private, no-store",
        )

    def report_link(self, key: str, seconds: int) -> str:
        url: str = self._s3().generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=seconds
        )
        return url

    # A person's erasure (`chalicelib.persons.erasure.erase_reports`) rewrites the reports that name them.
    def reports_of(self, gid: str) -> Iterator[str]:
        """The keys of the group's reports."""
        pages = (
            self._s3()
            .get_paginator("list_objects_v2")
            .paginate(Bucket=self.bucket, Prefix=reports_prefix(gid))
        )
        for page in pages:
            for found in page.get("Contents", []):
                yield str(found["Key"])

    def read_report(self, key: str) -> str:
        body = self._s3().get_object(Bucket=self.bucket, Key=key)["Body"]
        return str(body.read().decode("utf-8"))

    def replace_report(self, key: str, html: str) -> None:
        """The report rewritten, and every earlier version of it deleted (the bucket is versioned: a
        replaced version would otherwise stay, noncurrent, for the lifecycle rule's 30 days)."""
        self.store_report(key, html)
        current = self._s3().head_object(Bucket=self.bucket, Key=key).get("VersionId")
        pages = self._s3().get_paginator("list_object_versions").paginate(Bucket=self.bucket, Prefix=key)
        for page in pages:
            for version in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]:
                if version["Key"] == key and version.get("VersionId") not in (current, None, "null"):
                    self._s3().delete_object(Bucket=self.bucket, Key=key, VersionId=version["VersionId"])


def archive_for(bucket: str | None, client: Any | None = None) -> Archive | None:
    return Archive(bucket, client=client) if bucket else None
