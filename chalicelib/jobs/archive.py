"""The HTML reports' home: the archive bucket (`QG_ARCHIVE_BUCKET`), behind short-lived presigned links.

A report is one object under `reports/{group hash}/{job}/{period}.html`; the group's id is hashed so that
a key names no chat. The bucket is private and encrypted with the stack's KMS key (infra/), so the link is
signed with SigV4, the only signature S3 accepts for KMS-encrypted objects. A link signed with a Lambda
role's temporary credentials stops working when those credentials expire, whichever comes first; the
report's own lifetime is the bucket's lifecycle rule (`retention.reports`).
"""

from __future__ import annotations

import hashlib
from typing import Any

CONTENT_TYPE = "text/html; charset=utf-8"


def report_key(gid: str, job: str, period: str) -> str:
    digest = hashlib.sha256(gid.encode()).hexdigest()[:20]
    return f"reports/{digest}/{job}/{period}.html"


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


def archive_for(bucket: str | None, client: Any | None = None) -> Archive | None:
    return Archive(bucket, client=client) if bucket else None
