"""Slack files for the archive (`chalicelib.files.sources`): `files.info` for the name, size and private
download URL, then a GET of `url_private_download` with the bot token (scope `files:read`; docs.slack.dev
"Downloading files": the URL needs the token in an `Authorization` header, never in the query).

What the bot cannot download: files hosted elsewhere (`is_external`: Google Drive, Box, ...), files Slack
holds back (`file_access: "check_file_info"`/`access_denied`, tombstoned or hidden by the plan's limits),
and files the token may not see (`file_not_found`, `file_deleted`). Each is `Unavailable`.
Worker only: this module pulls in `requests`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.adapters.http_client import ApiClient
from chalicelib.errors import MessengerError
from chalicelib.files.sources import (
    Described,
    Download,
    Unavailable,
    body_chunks,
    declared_size,
    media_type,
    stream_get,
)
from chalicelib.settings import secret

if TYPE_CHECKING:
    from chalicelib.clock import Clock
    from chalicelib.settings import Settings

RETRYABLE_ERRORS = frozenset({"ratelimited", "internal_error", "fatal_error", "service_unavailable"})


class SlackFiles:
    def __init__(self, settings: Settings, *, api: ApiClient | None = None) -> None:
        self._token = secret(settings.slack_bot_token)
        self._api = api or ApiClient("slack", settings.slack_api_base)
        self._info: dict[str, dict[str, Any]] = {}

    def _file(self, ref: str) -> dict[str, Any]:
        if ref in self._info:
            return self._info[ref]
        response = self._api.request(
            "GET", "files.info", params={"file": ref}, headers={"Authorization": f"Bearer {self._token}"}
        )
        if response.status_code != 200:
            raise MessengerError(
                "slack", "files.info", f"HTTP {response.status_code}", retryable=response.status_code >= 500
            )
        try:
            reply = response.json()
        except ValueError:
            raise MessengerError("slack", "files.info", "the reply is not JSON") from None
        if not isinstance(reply, dict):
            raise MessengerError("slack", "files.info", "the reply is not a JSON object")
        if reply.get("ok") is not True:
            error = str(reply.get("error") or "unknown_error")
            if error in RETRYABLE_ERRORS:
                raise MessengerError("slack", "files.info", error, retryable=True)
            raise Unavailable(error)
        found = reply.get("file")
        if not isinstance(found, dict):
            raise Unavailable("no_file")
        if len(self._info) > 64:
            self._info.clear()
        self._info[ref] = found
        return found

    def describe(self, tenant: str, ref: str) -> Described:
        found = self._file(ref)
        size = found.get("size")
        return Described(
            name=str(found.get("name") or found.get("title") or ""),
            size=size if isinstance(size, int) and not isinstance(size, bool) else None,
            content_type=str(found.get("mimetype") or ""),
        )

    def open(self, tenant: str, ref: str) -> Download:
        found = self._file(ref)
        if found.get("is_external"):
            raise Unavailable("external")
        if found.get("mode") in ("tombstone", "hidden_by_limit") or found.get("file_access") not in (
            None,
            "visible",
        ):
            raise Unavailable(str(found.get("file_access") or found.get("mode")))
        url = found.get("url_private_download") or found.get("url_private")
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise Unavailable("no_download_url")
        response = stream_get(
            self._api.session,
            "slack",
            url,
            name="url_private_download",
            headers={"Authorization": f"Bearer {self._token}"},
        )
        if response.status_code != 200 or "text/html" in media_type(response.headers.get("Content-Type")):
            # Slack answers a download it refuses with its sign-in page (HTTP 200, HTML), not an error.
            response.close()
            raise Unavailable(f"download_refused_{response.status_code}")
        self._info.pop(ref, None)
        return Download(
            name=str(found.get("name") or found.get("title") or ref),
            content_type=str(found.get("mimetype") or media_type(response.headers.get("Content-Type"))),
            size=found.get("size") if isinstance(found.get("size"), int) else declared_size(response),
            chunks=body_chunks(response),
            close=response.close,
        )


def fetcher(settings: Settings, clock: Clock) -> SlackFiles:
    return SlackFiles(settings)
