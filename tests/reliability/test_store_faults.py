"""DynamoDB faults: a throttled request is retried by the client `DynamoStore` builds for itself
(botocore's standard retry mode), so a burst of throttling costs latency, not events; an outage that
outlasts the retries answers 503 at ingress, with nothing claimed, so the platform's own retry gets
through once the table is back.

A small proxy on loopback stands in front of moto's DynamoDB server and answers the first requests of
a given operation with DynamoDB's throttling error, then forwards the rest.
"""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from chalicelib.store.dynamodb import DynamoStore
from local.dynamo import DUMMY_CREDENTIAL, REGION, EmbeddedDynamo
from local.fakes.server import FakeMessengers
from tests.functional import conversations as talk
from tests.support.stack import running_stack

TABLE = "qunguan-throttled"
ERROR_TYPE = "com.amazonaws.dynamodb.v20120810#"
THROTTLED = (
    '{"__type":"' + ERROR_TYPE + 'ProvisionedThroughputExceededException","message":"slow down"}'
).encode()
MISSING = ('{"__type":"' + ERROR_TYPE + 'ResourceNotFoundException","message":"no such table"}').encode()


class FlakyDynamo:
    """Forwards to `upstream`, except that the next `fail` requests of `operation` get `error`."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.operation = ""
        self.fail = 0
        self.error = THROTTLED
        self.seen: list[str] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def misbehave(self, operation: str, times: int, error: bytes = THROTTLED) -> None:
        with self._lock:
            self.operation, self.fail, self.error = operation, times, error
            self.seen.clear()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                operation = (self.headers.get("X-Amz-Target") or "").rsplit(".", 1)[-1]
                with proxy._lock:
                    proxy.seen.append(operation)
                    failing = operation == proxy.operation and proxy.fail > 0
                    if failing:
                        proxy.fail -= 1
                if failing:
                    self._answer(400, proxy.error, {"Content-Type": "application/x-amz-json-1.0"})
                    return
                forward = urllib.request.Request(  # noqa: S310 - moto on loopback
                    proxy.upstream, data=body, method="POST", headers=dict(self.headers.items())
                )
                try:
                    with urllib.request.urlopen(forward, timeout=10) as answer:  # noqa: S310
                        self._answer(answer.status, answer.read(), dict(answer.headers.items()))
                except urllib.error.HTTPError as refused:  # a 400 is DynamoDB's answer too: pass it on
                    self._answer(refused.code, refused.read(), dict(refused.headers.items()))

            def _answer(self, status: int, payload: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    if name.lower() not in (
                        "content-length",
                        "transfer-encoding",
                        "connection",
                        "date",
                        "server",
                    ):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        return Handler


@pytest.fixture(scope="module")
def proxy(dynamodb: EmbeddedDynamo) -> Iterator[FlakyDynamo]:
    dynamodb.create_table(TABLE)
    flaky = FlakyDynamo(dynamodb.endpoint_url)
    yield flaky
    flaky.stop()


@pytest.fixture
def store(proxy: FlakyDynamo, monkeypatch: pytest.MonkeyPatch) -> DynamoStore:
    """A DynamoStore that builds its own client (the production configuration) against the proxy."""
    for name, value in (
        ("AWS_ACCESS_KEY_ID", DUMMY_CREDENTIAL),
        ("AWS_SECRET_ACCESS_KEY", DUMMY_CREDENTIAL),
        ("AWS_DEFAULT_REGION", REGION),
    ):
        monkeypatch.setenv(name, value)
    return DynamoStore(TABLE, endpoint_url=proxy.url)


def test_the_store_configures_standard_retries_for_its_own_client(store: DynamoStore) -> None:
    retries = store._dynamodb().meta.config.retries
    # botocore reads `max_attempts: 6` as six retries: seven attempts in all.
    assert (retries["mode"], retries["total_max_attempts"]) == ("standard", 7)


@pytest.mark.dynamodb
def test_a_throttled_claim_is_retried_and_succeeds(store: DynamoStore, proxy: FlakyDynamo) -> None:
    proxy.misbehave("PutItem", times=2)
    assert store.claim_event("slack", "T1#throttled", 1_709_251_200.0) is True
    assert proxy.seen == ["PutItem", "PutItem", "PutItem"]  # two throttled, the third went through
    assert store.claim_event("slack", "T1#throttled", 1_709_251_200.0) is False  # and it did claim


@pytest.mark.dynamodb
def test_a_throttled_counter_is_retried_and_counts_once(store: DynamoStore, proxy: FlakyDynamo) -> None:
    proxy.misbehave("UpdateItem", times=1)
    old = store.bump_counters("RATE#throttle", "W#1", {"n": 1}, {}, expires_at=2_000_000_000)
    again = store.bump_counters("RATE#throttle", "W#1", {"n": 1}, {}, expires_at=2_000_000_000)
    assert (old.get("n", 0), again["n"]) == (0, 1)  # the throttled attempts added nothing


@pytest.mark.dynamodb
def test_an_outage_answers_503_with_nothing_claimed_and_the_retry_gets_through(
    store: DynamoStore, proxy: FlakyDynamo, fake: FakeMessengers
) -> None:
    with running_stack(fake, store=store) as stack:
        request = talk.slack_command("help", fake.hook_url("outage"))
        proxy.misbehave("PutItem", times=1, error=MISSING)  # not retryable: fails at once
        assert stack.send(request).status_code == 503
        assert fake.sent("/hooks/outage") == []
        assert stack.send(request).status_code == 200  # the platform's retry, the table back
        assert len(fake.sent("/hooks/outage")) == 1
