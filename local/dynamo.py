"""An embedded DynamoDB for the local stack, the tests and the CLI: moto's server on loopback.

`start_dynamodb()` runs what moto's `ThreadedMotoServer` runs (moto's WSGI app under werkzeug, in a
daemon thread) on a loopback port, a free one by default, and returns an `EmbeddedDynamo` that knows its
endpoint and builds clients for it. Nothing global is set: no environment variables, no patched boto3
(moto's tables themselves live in this process's memory, so give each user its own table names). A child
process that should use it gets `dynamo_env(endpoint)`; boto3 reads `AWS_ENDPOINT_URL_DYNAMODB` itself.

The server is assembled here rather than through `ThreadedMotoServer` for two reasons. Every request is
serialised by one lock: moto checks a write's condition and then applies the write in two steps, so two
concurrent conditional writes to one item could both succeed, where DynamoDB applies each atomically and
the claim and counter contracts rely on that. And requests are not logged one line each.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from chalicelib.store.table import create_table

REGION = "us-east-1"
DUMMY_CREDENTIAL = "testing"

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


class _QuietRequestHandler(WSGIRequestHandler):
    """No line per request on stderr: the tests make thousands."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class EmbeddedDynamo:
    """A running moto server. Build it with `start_dynamodb()`; call `stop()` when done."""

    def __init__(self, host: str, port: int) -> None:
        app = _SerialisedApp(DomainDispatcherApplication(create_backend_app))
        self._server: BaseWSGIServer = make_server(
            host, port, app, threaded=True, request_handler=_QuietRequestHandler
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
