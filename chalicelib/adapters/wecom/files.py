"""WeCom files for the archive (`chalicelib.files.sources`): a file, image, voice or video message sent to
the self-built app carries a `MediaId`, which `GET media/get?access_token&media_id` (doc path/90254)
answers with the bytes (`Content-Disposition` names the file) or, on failure, a JSON errcode. A media id
lives 3 days.

Files shared in groups come only through the message archive, when it is on: their ref is the
archive's `sdkfileid` (prefixed, `chalicelib.adapters.wecom.archive.media`), fetched with the Finance
SDK's `GetMediaData`. What the bot cannot get otherwise: anything shared in a group (the self-built app
receives no group messages and the AI bot only @-mentions), and files sent to the AI bot, which arrive
as a URL to content encrypted for the bot (`file_id` is that URL) whose scheme qunguan does not
implement: the poster is asked to send the file to the app instead. A media id WeCom no longer knows
(40007) is `Unavailable`.
Worker only: this module pulls in `requests`.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from chalicelib.adapters.http_client import ApiClient, TokenCache
from chalicelib.errors import MessengerError
from chalicelib.files.sources import (
    Described,
    Download,
    Unavailable,
    body_chunks,
    declared_size,
    filename_from,
    media_type,
    stream_get,
)
from chalicelib.settings import secret

if TYPE_CHECKING:
    from chalicelib.clock import Clock
    from chalicelib.settings import Settings

TOKEN_ERRORS = frozenset({40001, 40014, 42001})
RETRYABLE_ERRORS = frozenset({-1, 45009, 45033})
TOKEN_LIFETIME = 7200.0


def encrypted_url(ref: str) -> bool:
    """The AI bot's files: a download URL to encrypted content, not a media id."""
    return ref.startswith(("http://", "https://"))


class WeComFiles:
    def __init__(
        self, settings: Settings, *, clock: Clock | None = None, api: ApiClient | None = None
    ) -> None:
        self._settings = settings
        self._api = api or ApiClient("wecom", settings.wecom_api_base)
        self._corp_id = settings.wecom_corp_id or ""
        self._secret = secret(settings.wecom_secret)
        self.tokens = TokenCache(self._fetch_token, clock=clock)

    def describe(self, tenant: str, ref: str) -> Described:
        return Described()  # the message said all WeCom says before the download

    def open(self, tenant: str, ref: str) -> Download:
        from chalicelib.adapters.wecom.archive.media import is_archive_file, open_archive_file

        if is_archive_file(ref):  # shared in a group, seen through the message archive: GetMediaData
            return open_archive_file(self._settings, ref)
        if encrypted_url(ref):
            raise Unavailable("aibot_encrypted")
        for attempt in (1, 2):
            response = stream_get(
                self._api.session,
                "wecom",
                self._api.url("media/get"),
                name="media/get",
                params={"access_token": self.tokens.get(), "media_id": ref},
            )
            kind = media_type(response.headers.get("Content-Type"))
            if response.status_code == 200 and kind not in ("application/json", "text/plain"):
                disposition = response.headers.get("Content-Disposition")
                return Download(
                    name=filename_from(disposition),
                    content_type=kind,
                    size=declared_size(response),
                    chunks=body_chunks(response),
                    close=response.close,
                )
            data = _error_body(response)
            code = data.get("errcode")
            if code in TOKEN_ERRORS and attempt == 1:
                self.tokens.invalidate()
                continue
            if code in RETRYABLE_ERRORS or response.status_code >= 500:
                raise MessengerError("wecom", "media/get", f"errcode {code}", retryable=True)
            raise Unavailable(f"errcode_{code}" if code is not None else f"http_{response.status_code}")
        raise Unavailable("token_refused")

    def _fetch_token(self) -> tuple[str, float]:
        if not (self._corp_id and self._secret):
            raise MessengerError("wecom", "gettoken", "WECOM_CORP_ID and WECOM_SECRET are not set")
        response = self._api.request(
            "GET", "gettoken", params={"corpid": self._corp_id, "corpsecret": self._secret}
        )
        data = _json(response.content)
        token = data.get("access_token")
        if (
            response.status_code != 200
            or data.get("errcode", 0) != 0
            or not isinstance(token, str)
            or not token
        ):
            raise MessengerError("wecom", "gettoken", f"errcode {data.get('errcode')}")
        lifetime = data.get("expires_in")
        return token, float(lifetime) if isinstance(lifetime, int | float) else TOKEN_LIFETIME


def _error_body(response: Any) -> dict[str, Any]:
    try:
        return _json(response.content[:4096])
    finally:
        response.close()


def _json(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def fetcher(settings: Settings, clock: Clock) -> WeComFiles:
    return WeComFiles(settings, clock=clock)
