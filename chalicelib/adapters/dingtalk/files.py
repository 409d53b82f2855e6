"""DingTalk files for the archive (`chalicelib.files.sources`): a robot message's `downloadCode` (file and
picture messages, pictures in rich text) is exchanged for a temporary URL with
`POST /v1.0/robot/messageFiles/download {downloadCode, robotCode}` (the app token in
`x-acs-dingtalk-access-token`), and that URL is fetched without a token.

What the bot can get (open.dingtalk.com "获取机器人消息中文件下载链接"): files, voice and video only in a
one-to-one chat with the robot; in a group, a member's @-message to the robot may carry pictures but never
files; group files the robot is not @-mentioned with never reach it at all. A code DingTalk refuses is
`Unavailable`.
Worker only: this module pulls in `requests`.
"""

from __future__ import annotations

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

DOWNLOAD = "/v1.0/robot/messageFiles/download"


class DingTalkFiles:
    def __init__(
        self, settings: Settings, *, clock: Clock | None = None, api: ApiClient | None = None
    ) -> None:
        self._app_key = settings.dingtalk_app_key or ""
        self._app_secret = secret(settings.dingtalk_app_secret)
        self._robot_code = settings.dingtalk_robot_code or self._app_key
        self._api = api or ApiClient("dingtalk", settings.dingtalk_api_base)
        self.tokens = TokenCache(self._fetch_token, clock=clock)

    def describe(self, tenant: str, ref: str) -> Described:
        return Described()

    def open(self, tenant: str, ref: str) -> Download:
        url = self._download_url(ref)
        response = stream_get(self._api.session, "dingtalk", url, name="downloadUrl")
        if response.status_code != 200:
            response.close()
            raise Unavailable(f"download_http_{response.status_code}")
        return Download(
            name=filename_from(response.headers.get("Content-Disposition")),
            content_type=media_type(response.headers.get("Content-Type")),
            size=declared_size(response),
            chunks=body_chunks(response),
            close=response.close,
        )

    def _download_url(self, code: str) -> str:
        for attempt in (1, 2):
            headers = {"x-acs-dingtalk-access-token": self.tokens.get()}
            body = {"downloadCode": code, "robotCode": self._robot_code}
            response = self._api.request("POST", DOWNLOAD, json=body, headers=headers)
            data = _json_body(response)
            if response.status_code == 401 and attempt == 1:
                self.tokens.invalidate()
                continue
            url = data.get("downloadUrl")
            if (
                response.status_code == 200
                and isinstance(url, str)
                and url.startswith(("https://", "http://"))
            ):
                return url
            code_name = str(data.get("code") or response.status_code)
            if "Throttling" in code_name or "QpsLimit" in code_name:
                raise MessengerError("dingtalk", "messageFiles/download", code_name, retryable=True)
            raise Unavailable(f"download_code_{code_name}"[:60])
        raise Unavailable("token_refused")

    def _fetch_token(self) -> tuple[str, float]:
        response = self._api.request(
            "POST", "/v1.0/oauth2/accessToken", json={"appKey": self._app_key, "appSecret": self._app_secret}
        )
        data = _json_body(response)
        token = data.get("accessToken")
        if response.status_code >= 400 or not isinstance(token, str) or not token:
            raise MessengerError("dingtalk", "accessToken", f"HTTP {response.status_code} {data.get('code')}")
        return token, float(data.get("expireIn") or 7200)


def _json_body(response: Any) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def fetcher(settings: Settings, clock: Clock) -> DingTalkFiles:
    return DingTalkFiles(settings, clock=clock)
