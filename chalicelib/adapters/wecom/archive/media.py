"""A file, image, voice or video seen in the message archive, fetched through the Finance SDK for the file
archive (`chalicelib.files`): `GetMediaData` in chunks of up to 512 KB, each call given the previous
chunk's `outindexbuf`, until `is_finish` (doc path/91774, 获取媒体文件).

Archive files are told apart from the self-built app's media ids by their prefix (`ARCHIVE_FILE_PREFIX`,
put there by `messages.py`), so the one WeCom file fetcher serves both. The SDK handle lives as long as
the download and is closed with it. Worker only.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from chalicelib.adapters.wecom.archive.errors import ArchiveError
from chalicelib.adapters.wecom.archive.sdk import FinanceSdk, cached_library
from chalicelib.errors import MessengerError
from chalicelib.files.sources import Download, Unavailable
from chalicelib.settings import secret

if TYPE_CHECKING:
    from chalicelib.settings import Settings

ARCHIVE_FILE_PREFIX = "sdkfileid:"


def is_archive_file(ref: str) -> bool:
    return ref.startswith(ARCHIVE_FILE_PREFIX)


def open_archive_file(settings: Settings, ref: str) -> Download:
    """The bytes of an archived file, streamed. `Unavailable` when the archive is off or WeCom no longer
    has the file (10005, 10010); a retryable `MessengerError` for a network error."""
    if not settings.wecom_archive_enabled:
        raise Unavailable("archive_off")
    try:
        sdk = FinanceSdk(
            cached_library(settings.wecom_finance_sdk_path or ""),
            settings.wecom_corp_id or "",
            secret(settings.wecom_archive_secret),
        )
    except ArchiveError as err:
        raise MessengerError("wecom", "GetMediaData", str(err), retryable=err.retryable) from err
    chunks = sdk.media_chunks(ref.removeprefix(ARCHIVE_FILE_PREFIX))

    def guarded() -> Iterator[bytes]:
        try:
            yield from chunks
        except ArchiveError as err:
            if err.retryable:
                raise MessengerError("wecom", "GetMediaData", str(err), retryable=True) from err
            raise Unavailable(f"archive_{getattr(err, 'code', 'refused')}") from err

    return Download(name="", content_type="", size=None, chunks=guarded(), close=sdk.close)
