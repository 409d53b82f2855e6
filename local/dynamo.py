"""An embedded DynamoDB for the local stack, the tests and the CLI: moto's server on loopback.

`start_dynamodb()` runs what moto's `ThreadedMotoServer` runs (moto's WSGI app under werkzeug, in a
daemon thread) on a loopback port, a free one by default, and returns an `EmbeddedDynamo` that knows its
endpoint and builds clients for it. Nothing global is set: no environment variables, no patched boto3
(moto's tables themselves live in this process's memory, so give each user its own table names). A child
process that should use it gets `dynamo_env(endpoint)`; boto3 reads `AWS_ENDPOINT_URL_DYNAMODB` itself.

The server is assembled here rather than through `ThreadedMotoServer` for three reasons. Every request is
serialised by one lock: moto checks a write's condition and then applies the write in two steps, so two
concurrent conditional writes to one item could both succeed, where DynamoDB applies each atomically and
the claim and counter contracts rely on that. Connections are kept alive, as DynamoDB's own endpoint keeps
them: werkzeug's development server answers every request with `Connection: close` (it cannot tell where
an unread request body ends), so every request of botocore's pool opened a new TCP connection; here the
body is read whole, by its length, before moto sees it, and the answer carries its own length. And
requests are not logged one line each.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterable
from typing import Any

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from chalicelib.store.table import create_table

REGION = "us-east-1"
DUMMY_CREDENTIAL = "testing"

IDLE_SECONDS = 60  # an idle kept-alive connection is closed after this
# Headers about the connection and the body's framing: the handler sets its own.
_HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length"})

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def dynamo_env(endpoint_url: str) -> dict[str, str]:
    """The environment a child process needs to use the embedded DynamoDB through plain boto3."""
    return {
        "AWS_ENDPOINT_URL_DYNAMODB": endpoint_url,
        "AWS_ACCESS_KEY_ID": DUMMY_CREDENTIAL,
        "AWS_SECRET_ACCESS_KEY": DUMMY_CREDENTIAL,
        "AWS_DEFAULT_REGION": REGION,
    }


class _SerialisedApp:
    """A WSGI wrapper that lets one request at a time into moto (see the module docstring)."""

    def __init__(self, app: WsgiApp) -> None:
        self._app = app
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        with self._lock:
            # Materialise the body inside the lock: the work of a moto response may happen lazily.
            body = self._app(environ, start_response)
            try:
                return list(body)
            finally:
                close = getattr(body, "close", None)
                if close is not None:
                    close()


class _KeepAliveRequestHandler(WSGIRequestHandler):
    """HTTP/1.1 with persistent connections, and no line per request on stderr (the tests make thousands).

    The request's body is read whole before the application runs (by its Content-Length, or to the end
    of its chunks), so the next request on the connection starts where this one ends, whatever the
    application reads; the answer, already materialised by `_SerialisedApp`, is sent with its length. A
    connection idle for `timeout` seconds is closed, as DynamoDB closes idle ones; the client's pool opens
    another."""

    protocol_version = "HTTP/1.1"
    timeout = IDLE_SECONDS
    disable_nagle_algorithm = True  # the headers and the body are two writes: send each at once

    def run_wsgi(self) -> None:
        environ = self.make_environ()
        body_in = environ["wsgi.input"]
        length = self.headers.get("Content-Length")
        if environ.get("wsgi.input_terminated"):  # chunked: read to the last chunk
            body = body_in.read()
        elif length is None or length.isdigit():
            body = body_in.read(int(length)) if length else b""
        else:  # where this request ends is not known: answer it, then close
            body, self.close_connection = b"", True
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("wsgi.input_terminated", None)
        answer: list[Any] = []
        written: list[bytes] = []  # what the application gave the legacy write(), if anything

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            answer[:] = [status, headers]
            return written.append

        try:
            returned = b"".join(self.server.app(environ, start_response))
            content = b"".join(written) + returned
            status, headers = answer
        except Exception:
            self.close_connection = True
            status, headers, content = "500 INTERNAL SERVER ERROR", [], b"internal error"
        code, _, reason = status.partition(" ")
        self.send_response(int(code), reason)
        for name, value in headers:
            if name.lower() not in _HOP_BY_HOP:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(content)
        self.wfile.flush()

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class EmbeddedDynamo:
    """A running moto server. Build it with `start_dynamodb()`; call `stop()` when done."""

    def __init__(self, host: str, port: int) -> None:
        app = _SerialisedApp(DomainDispatcherApplication(create_backend_app))
        self._server: BaseWSGIServer = make_server(
            host, port, app, threaded=True, request_handler=_KeepAliveRequestHandler
        )
        bound_host, bound_port = self._server.server_address[:2]
        self.endpoint_url = f"http://{bound_host!s}:{bound_port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="embedded-dynamodb", daemon=True
        )
        self._thread.start()

    def client(self) -> Any:
        """A boto3 DynamoDB client for this server, with dummy credentials passed explicitly."""
        import boto3  # type: ignore[import-untyped, unused-ignore]
        from botocore.config import Config  # type: ignore[import-untyped, unused-ignore]

        return boto3.session.Session().client(
            "dynamodb",
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id=DUMMY_CREDENTIAL,
            aws_secret_access_key=DUMMY_CREDENTIAL,
            # Tests share one client among dozens of threads; keep a connection for each.
            config=Config(max_pool_connections=64),
        )

    def create_table(self, name: str) -> None:
        """Create the application's table (chalicelib.store.table) under `name`, with TTL on."""
        create_table(self.client(), name)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def start_dynamodb(host: str = "127.0.0.1", port: int = 0) -> EmbeddedDynamo:
    """Start moto's DynamoDB on `host`; `port=0` picks a free port (read it from `.endpoint_url`)."""
    return EmbeddedDynamo(host, port)
