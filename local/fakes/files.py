"""File downloads as the three messengers serve them, for the archive (`chalicelib.files`), on the recording
fake. A test (or the demo) adds a file with `fake.files.add(platform, ref, data, name=...)`, and then:

- Slack: `files.info?file=<ref>` (bot token required) answers the file object with `url_private_download`
  on this fake; a GET of that URL with the bot token answers the bytes. Without a bearer token it answers
  a sign-in page (HTTP 200, HTML), as Slack does. `external=True` makes a Google-Drive-like file
  (`is_external`), which has no download. An unknown ref is `file_not_found`.
- WeCom: `GET media/get?access_token&media_id=<ref>` answers the bytes with `Content-Disposition`, or
  errcode 40007 (invalid media_id) as JSON.
- DingTalk: `POST /v1.0/robot/messageFiles/download {downloadCode: <ref>, robotCode}` (app token in
  `x-acs-dingtalk-access-token`) answers a `downloadUrl` on this fake, which answers the bytes; an
  unknown code answers HTTP 400.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from local.fakes.server import Answer, Call

if TYPE_CHECKING:
    from local.fakes.server import FakeMessengers

SLACK_FILES = "/slack/files-pri/"
DINGTALK_FILES = "/dingtalk-files/"


@dataclass(frozen=True)
class FakeFile:
    platform: str
    ref: str
    data: bytes
    name: str
    content_type: str
    external: bool = False


class FakeFiles:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._files: dict[tuple[str, str], FakeFile] = {}
        self.downloads: list[tuple[str, str]] = []  # (platform, ref) of each download served

    def add(
        self,
        platform: str,
        ref: str,
        data: bytes,
        *,
        name: str,
        content_type: str = "application/octet-stream",
        external: bool = False,
    ) -> str:
        with self._lock:
            self._files[(platform, ref)] = FakeFile(platform, ref, data, name, content_type, external)
        return ref

    def get(self, platform: str, ref: str) -> FakeFile | None:
        with self._lock:
            return self._files.get((platform, ref))

    def served(self, platform: str, ref: str) -> Answer:
        found = self.get(platform, ref)
        if found is None:
            return Answer(404, {"error": "no such file"})
        with self._lock:
            self.downloads.append((platform, ref))
        return Answer(200, found.data, {"Content-Type": found.content_type})

    # Slack ---------------------------------------------------------------------------------------
    def slack_info(self, call: Call) -> Answer:
        if not call.headers.get("authorization", "").removeprefix("Bearer ").strip():
            return Answer(body={"ok": False, "error": "not_authed"})
        ref = str(call.query.get("file") or "")
        found = self.get("slack", ref)
        if found is None:
            return Answer(body={"ok": False, "error": "file_not_found"})
        host = call.headers.get("host", "127.0.0.1")
        file: dict[str, Any] = {
            "id": ref,
            "name": found.name,
            "title": found.name,
            "mimetype": found.content_type,
            "size": len(found.data),
            "is_external": found.external,
            "mode": "external" if found.external else "hosted",
        }
        if found.external:
            file["url_private"] = "https://drive.example.com/file/" + ref
        else:
            download = f"http://{host}{SLACK_FILES}{ref}/download/{quote(found.name)}"
            file.update(url_private=download, url_private_download=download)
        return Answer(body={"ok": True, "file": file})

    def slack_download(self, call: Call) -> Answer:
        token = call.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if not token.startswith("xox"):
            return Answer(200, b"<html><body>Sign in to Slack</body></html>", {"Content-Type": "text/html"})
        ref = call.path.removeprefix(SLACK_FILES).split("/", 1)[0]
        return self.served("slack", ref)

    # WeCom ---------------------------------------------------------------------------------------
    def wecom_media(self, call: Call) -> Answer:
        if not str(call.query.get("access_token") or "").startswith("wecom-token-"):
            return Answer(body={"errcode": 40014, "errmsg": "invalid access_token"})
        ref = str(call.query.get("media_id") or "")
        found = self.get("wecom", ref)
        if found is None:
            return Answer(body={"errcode": 40007, "errmsg": "invalid media_id"})
        answer = self.served("wecom", ref)
        disposition = f"attachment; filename*=UTF-8''{quote(found.name)}"
        return Answer(
            200, answer.body, {"Content-Type": found.content_type, "Content-Disposition": disposition}
        )

    # DingTalk ------------------------------------------------------------------------------------
    def dingtalk_download_url(self, call: Call) -> Answer:
        if not call.headers.get("x-acs-dingtalk-access-token", "").startswith("fake-dingtalk-token-"):
            return Answer(401, {"code": "InvalidAuthentication", "message": "不合法的access_token"})
        body = call.body if isinstance(call.body, dict) else {}
        ref = str(body.get("downloadCode") or "")
        if not body.get("robotCode") or self.get("dingtalk", ref) is None:
            return Answer(400, {"code": "invalidParameter.downloadCode", "message": "下载码无效"})
        host = call.headers.get("host", "127.0.0.1")
        return Answer(body={"downloadUrl": f"http://{host}{DINGTALK_FILES}{quote(ref, safe='')}"})

    def dingtalk_file(self, call: Call) -> Answer:
        from urllib.parse import unquote

        return self.served("dingtalk", unquote(call.path.removeprefix(DINGTALK_FILES)))


def register(fake: FakeMessengers) -> FakeFiles:
    files = FakeFiles()
    fake.route("/slack/api/files.info", files.slack_info)
    fake.route(SLACK_FILES, files.slack_download)
    fake.route("/wecom/cgi-bin/media/get", files.wecom_media)
    fake.route("/dingtalk/v1.0/robot/messageFiles/download", files.dingtalk_download_url)
    fake.route(DINGTALK_FILES, files.dingtalk_file)
    return files
