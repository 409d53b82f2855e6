"""A recording HTTP server on loopback that stands in for the messenger APIs.

Each platform module (`slack`, `wecom`, `dingtalk`) registers responders under its own path prefix:
`/slack/api/...`, `/wecom/cgi-bin/...`, `/dingtalk/...` (api.dingtalk.com), `/dingtalk-oapi/...`
(oapi.dingtalk.com), and `/hooks/...` for reply URLs (Slack response_url, WeCom response_url,
DingTalk sessionWebhook). Every request is recorded; `GET /_recorded` returns the record as JSON and
`DELETE /_recorded` clears it; `PUT /_files/{platform}/{ref}?name=` adds a file it will serve
(`local.fakes.files`). Faults can be queued (`inject`, or `POST /_faults` with a `Fault` as JSON from
another process, as `make demo` does) so that the next matching calls answer with a status (5xx, 429
with Retry-After), stall past a timeout, or drop the connection.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Call:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any

    @property
    def json(self) -> Any:
        return self.body


@dataclass
class Answer:
    status: int = 200
    body: Any = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Fault:
    """Answer the next `times` calls whose path contains `path` (and, if given, whose raw body contains
    `body_contains`: one recipient among several) with `status` (and `retry_after`), or stall `delay`
    seconds first, or close the connection without answering (`reset`)."""

    path: str
    status: int = 500
    times: int = 1
    retry_after: float | None = None
    delay: float = 0.0
    reset: bool = False
    body_contains: str = ""


Responder = Callable[[Call], Answer]


class FakeMessengers:
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.calls: list[Call] = []
        self.faults: list[Fault] = []
        self._responders: list[tuple[str, Responder]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, port), _handler_for(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None
        # Work contacts the directories give, by `platform:user`: {"email": ..., "mobile": ...}. Slack's
        # fake gives every member `<id>@example.com` unless set here; WeCom's and DingTalk's give none.
        self.contacts: dict[str, dict[str, str]] = {}
        from local.fakes import dingtalk, dingtalk_audit, files, slack, wecom, wecom_archive

        # Each platform's state, for a test to set up what the vendor would have issued before.
        self.slack = slack.register(self)
        self.wecom = wecom.register(self)
        self.dingtalk = dingtalk.register(self)
        # The pulled archives' calls (WeCom's group facts, DingTalk's external-group audit).
        wecom_archive.register(self)
        dingtalk_audit.register(self)
        self.files = files.register(self)  # file downloads of all three, for the archive

    # Set-up ------------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def route(self, prefix: str, responder: Responder) -> None:
        """Answer calls whose path starts with `prefix`; the longest matching prefix wins."""
        self._responders.append((prefix, responder))
        self._responders.sort(key=lambda item: -len(item[0]))

    def inject(self, fault: Fault) -> None:
        with self._lock:
            self.faults.append(fault)

    def start(self) -> FakeMessengers:
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="fake-messengers", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def settings(self) -> dict[str, str]:
        """The API base settings that point qunguan's clients at this fake."""
        return {
            "slack_api_base": f"{self.url}/slack/api",
            "wecom_api_base": f"{self.url}/wecom/cgi-bin",
            "dingtalk_api_base": f"{self.url}/dingtalk",
            "dingtalk_oapi_base": f"{self.url}/dingtalk-oapi",
        }

    def hook_url(self, name: str) -> str:
        """A reply URL (response_url, sessionWebhook) served by this fake."""
        return f"{self.url}/hooks/{name}"

    # Reading what was sent ----------------------------------------------------------------------
    def sent(self, path_part: str = "") -> list[Call]:
        with self._lock:
            return [call for call in self.calls if path_part in call.path]

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()
            self.faults.clear()
            self.slack.refused_blocks.clear()

    # Serving ------------------------------------------------------------------------------------
    def _take_fault(self, path: str, body: str = "") -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.path in path and fault.body_contains in body and fault.times > 0:
                    fault.times -= 1
                    if fault.times == 0:
                        self.faults.remove(fault)
                    return fault
        return None

    def _answer(self, call: Call) -> Answer:
        if call.path == "/_faults" and call.method == "POST":
            try:
                self.inject(Fault(**call.body))
            except TypeError as exc:
                return Answer(400, {"ok": False, "error": str(exc)})
            return Answer(body={"ok": True})
        if call.path == "/_recorded":
            if call.method == "DELETE":
                self.clear()
                return Answer(body={"ok": True})
            with self._lock:
                return Answer(body=[asdict(c) for c in self.calls])
        with self._lock:
            self.calls.append(call)
        for prefix, responder in self._responders:
            if call.path.startswith(prefix):
                return responder(call)
        if call.path.startswith("/hooks/"):
            refusal = self.slack.invalid_blocks(call.body) if isinstance(call.body, dict) else None
            if refusal:  # a Slack response_url answers 400 to blocks Slack cannot render
                return Answer(400, refusal)
            return Answer(body={"ok": True, "errcode": 0, "errmsg": "ok"})
        return Answer(404, {"error": f"no fake for {call.path}"})


def _handler_for(fake: FakeMessengers) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            call = Call(
                method=self.command,
                path=parts.path,
                query=dict(parse_qsl(parts.query)),
                headers={k.lower(): v for k, v in self.headers.items()},
                body=_decode(raw, self.headers.get("Content-Type") or ""),
            )
            if parts.path.startswith("/_files/") and self.command == "PUT":
                # `PUT /_files/{platform}/{ref}?name=...&type=...`: a file the messenger will serve (the
                # demo's way to `fake.files.add` from another process); not recorded.
                platform, _, ref = parts.path.removeprefix("/_files/").partition("/")
                query = dict(parse_qsl(parts.query))
                fake.files.add(
                    platform,
                    ref,
                    raw,
                    name=query.get("name", ref),
                    content_type=query.get("type", "application/octet-stream"),
                )
                self._reply(Answer(body={"ok": True}))
                return
            fault = (
                None
                if parts.path in ("/_recorded", "/_faults")
                else fake._take_fault(parts.path, raw.decode("utf-8", "replace"))
            )
            if fault is not None:
                if fault.delay:
                    time.sleep(fault.delay)
                if fault.reset:
                    self.close_connection = True
                    self.connection.close()
                    return
                headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
                answer = Answer(fault.status, {"ok": False, "error": "injected fault"}, headers)
            else:
                answer = fake._answer(call)
            self._reply(answer)

        def _reply(self, answer: Answer) -> None:
            if isinstance(answer.body, bytes):  # a file's bytes, sent as they are
                payload = answer.body
                content_type = answer.headers.get("Content-Type", "application/octet-stream")
            else:
                payload = json.dumps(answer.body, ensure_ascii=False).encode()
                content_type = "application/json; charset=utf-8"
            self.send_response(answer.status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            for name, value in answer.headers.items():
                if name.lower() != "content-type":
                    self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = _serve

    return Handler


def _decode(raw: bytes, content_type: str) -> Any:
    text = raw.decode("utf-8", "replace")
    if "json" in content_type:
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return text
    if "x-www-form-urlencoded" in content_type:
        return dict(parse_qsl(text))
    return text
