"""What a messenger's file download looks like to the archive, whichever platform serves it.

Each adapter has a `files.py` whose `fetcher(settings, clock)` returns a `FileFetcher`: `describe` says
what the platform knows of a file before it is fetched (Slack's `files.info`; elsewhere the message said
all there is), and `open` starts the download and returns a `Download` whose `chunks` stream the bytes
(`requests`' `iter_content`), never the whole file at once. `Unavailable` means the bot cannot get this
file (too old, external, refused, encrypted for another key): the poster is told how to archive it
instead. A `MessengerError` marked retryable is worth another try later.

`stream_get` is the one HTTP GET every fetcher streams through: retries on connection failures, timeouts,
5xx and 429 (with `Retry-After`), like `chalicelib.adapters.http_client.ApiClient`, which cannot stream.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from email.message import Message
from typing import TYPE_CHECKING, Protocol

from chalicelib.errors import MessengerError

if TYPE_CHECKING:
    import requests

CHUNK_BYTES = 1024 * 1024
RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 30.0


class Unavailable(Exception):
    """The bot cannot get this file; `reason` says why (a short code, safe to log and record)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Described:
    """What is known of a file before its bytes: name, size and type where the platform says."""

    name: str = ""
    size: int | None = None
    content_type: str = ""


@dataclass
class Download:
    name: str
    content_type: str
    size: int | None
    chunks: Iterator[bytes]
    close: Callable[[], None] = field(default=lambda: None)


class FileFetcher(Protocol):
    def describe(self, tenant: str, ref: str) -> Described: ...

    def open(self, tenant: str, ref: str) -> Download: ...


def stream_get(
    session: requests.Session,
    platform: str,
    url: str,
    *,
    name: str,
    headers: Mapping[str, str] | None = None,
    params: Mapping[str, str] | None = None,
    attempts: int = 3,
    timeout: float = 10.0,
    sleep: Callable[[float], None] = time.sleep,
) -> requests.Response:
    """A streaming GET (the body is not read), retried where a later try may work; raises
    `MessengerError` when the attempts are used up. Any other status is the caller's to judge."""
    import requests

    failure = ""
    for attempt in range(1, attempts + 1):
        wait = 0.5 * 2 ** (attempt - 1) * (0.5 + random.random() / 2)  # noqa: S311 - jitter
        try:
            response = session.get(url, headers=headers, params=params, stream=True, timeout=timeout)
        except (requests.ConnectionError, requests.Timeout) as exc:
            failure = type(exc).__name__
        else:
            if response.status_code not in RETRYABLE_STATUS:
                return response
            failure = f"HTTP {response.status_code}"
            retry_after = response.headers.get("Retry-After")
            response.close()
            if retry_after:
                with contextlib.suppress(ValueError):
                    wait = min(max(float(retry_after), 0.0), MAX_RETRY_AFTER)
        if attempt < attempts:
            sleep(wait)
    raise MessengerError(platform, name, f"{failure} after {attempts} attempts", retryable=True)


def body_chunks(response: requests.Response) -> Iterator[bytes]:
    for chunk in response.iter_content(chunk_size=CHUNK_BYTES):
        if chunk:
            yield chunk


def filename_from(disposition: str | None) -> str:
    """The file name a `Content-Disposition` header gives (`filename*` first), or ""."""
    if not disposition:
        return ""
    message = Message()
    message["content-disposition"] = disposition
    found = message.get_filename()
    return str(found).strip().strip('"') if found else ""


def media_type(value: str | None) -> str:
    return (value or "").split(";", 1)[0].strip().lower()


def declared_size(response: requests.Response) -> int | None:
    value = response.headers.get("Content-Length")
    return int(value) if value and value.isdigit() else None
