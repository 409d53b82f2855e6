"""What the reliability suite shares: the hypothesis profiles, a stack whose worker reports every crash,
messengers whose outbound client records its back-off instead of sleeping, a log capture that sees every
logger (Chalice's app logger too), and an SQS event-source mapping simulated over moto's SQS.

Profiles (`QG_FUZZ_PROFILE`): `ci` (the default) runs a modest, derandomised number of examples so the
whole suite stays within a couple of minutes; `fuzz` (`make fuzz`) runs 10 000 random examples per test.
`QG_FUZZ_EXAMPLES=N` overrides the number of examples of either.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, settings

from chalicelib.adapters.base import Messenger
from chalicelib.adapters.dingtalk.client import DingTalkMessenger
from chalicelib.adapters.http_client import ApiClient
from chalicelib.adapters.slack.client import SlackMessenger
from chalicelib.adapters.wecom.client import WeComMessenger
from chalicelib.bootstrap import Deps
from chalicelib.core import codec
from chalicelib.core.events import Event
from chalicelib.core.ids import Platform
from chalicelib.settings import Settings
from chalicelib.store.base import Store
from chalicelib.worker.pipeline import process
from local.demo_settings import DEMO_SETTINGS
from local.fakes.server import FakeMessengers
from tests.support.messenger import RecordingMessenger
from tests.support.stack import Stack, running_stack

_SHARED = {
    "deadline": None,
    "database": None,
    "print_blob": True,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}
settings.register_profile("ci", max_examples=25, derandomize=True, **_SHARED)  # type: ignore[arg-type]
settings.register_profile("fuzz", max_examples=10_000, **_SHARED)  # type: ignore[arg-type]
PROFILE = os.environ.get("QG_FUZZ_PROFILE", "ci")
_OVERRIDE = os.environ.get(
    "QG_FUZZ_EXAMPLES"
)  # `QG_FUZZ_EXAMPLES=N`: N examples per test, whatever the profile
FUZZ = (
    settings(settings.get_profile(PROFILE), max_examples=int(_OVERRIDE))
    if _OVERRIDE
    else settings.get_profile(PROFILE)
)


def demo_settings() -> Settings:
    """The demo credentials (local/demo_settings.py), nothing else: for tests that need no API base."""
    values: dict[str, Any] = {name.lower(): value for name, value in DEMO_SETTINGS.items()}
    return Settings(_env_file=None, **values)


# What any request may get: an ack, or a refusal that names its reason. Never a 5xx.
ANSWERS = frozenset({200, 400, 401, 413, 415})


@dataclass
class CheckedDispatcher:
    """Runs the worker on each event at once, like `QG_DISPATCH=inline`, after a round trip through the
    queue's codec, and keeps every exception (the codec's or the worker's) instead of logging it, so a
    test can say "the worker never crashed"."""

    deps: Deps
    dispatched: list[Event] = field(default_factory=list)
    crashes: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def dispatch(self, events: Sequence[Event]) -> None:
        for event in events:
            with self._lock:
                self.dispatched.append(event)
            try:
                queued = codec.loads(codec.dumps(event))  # what SQS would hand the worker
                if queued != event:
                    raise AssertionError(f"the queue's codec changed the event: {queued!r}")
                process(queued, self.deps)
            except Exception as exc:  # the point: record it, the test fails on it
                with self._lock:
                    self.crashes.append(f"{type(event).__name__}: {type(exc).__name__}: {exc}")


@dataclass
class CheckedStack:
    stack: Stack
    worker: CheckedDispatcher
    messengers: dict[str, RecordingMessenger]


@contextmanager
def checked_stack(
    fake: FakeMessengers, *, store: Store | None = None, **overrides: Any
) -> Iterator[CheckedStack]:
    """The real routes with a worker that reports crashes and messengers that only record (no network):
    what fuzzing needs to run fast and to notice a worker that raised."""
    messengers = {p: RecordingMessenger(platform=p) for p in ("slack", "wecom", "dingtalk")}
    with running_stack(fake, store=store, **overrides) as stack:
        stack.deps.messenger_factory = lambda platform: messengers[platform]
        worker = CheckedDispatcher(stack.deps)
        stack.deps.dispatcher = worker
        yield CheckedStack(stack, worker, messengers)


def messengers_that_record_backoff(
    deps: Deps, waits: list[float], *, attempts: int = 3, timeout: float = 0.5
) -> Callable[[Platform], Messenger]:
    """A `messenger_factory` for the real messenger clients, whose ApiClient appends each back-off it
    would sleep to `waits` instead of sleeping (so a retry costs no wall time)."""
    settings_ = deps.settings

    def api(platform: str, base: str) -> ApiClient:
        return ApiClient(platform, base, max_attempts=attempts, timeout=timeout, sleep=waits.append)

    def build(platform: Platform) -> Messenger:
        if platform == "slack":
            return SlackMessenger(settings_, clock=deps.clock, api=api("slack", settings_.slack_api_base))
        if platform == "wecom":
            return WeComMessenger(settings_, clock=deps.clock, api=api("wecom", settings_.wecom_api_base))
        return DingTalkMessenger(
            settings_,
            clock=deps.clock,
            api=api("dingtalk", settings_.dingtalk_api_base),
            oapi=api("dingtalk", settings_.dingtalk_oapi_base),
        )

    return build


# Logs ---------------------------------------------------------------------------------------------


class LogCapture(logging.Handler):
    """Every record, formatted as production writes it: one JSON line (`chalicelib.logs`) with the
    message, its arguments, every `extra` field, the bound request fields and any traceback."""

    def __init__(self) -> None:
        from chalicelib.logs import JsonFormatter

        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(JsonFormatter())

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    def containing(self, needle: str) -> list[str]:
        return [line for line in self.lines if needle in line]


@contextmanager
def capture_all_logs() -> Iterator[LogCapture]:
    """Every logger at DEBUG, into one capture. Chalice's app logger ("qunguan", the app's name) does
    not propagate to the root logger and sits at ERROR unless the app is in debug mode; our own
    `qunguan.*` loggers are its children, so the capture is attached there as well as to the root."""
    import app as application

    capture = LogCapture()
    # "chalicelib" stops propagating once `chalicelib.logs.configure` has given it a handler of its own.
    loggers = [logging.getLogger(), application.app.log, logging.getLogger("chalicelib")]
    saved = [(logger, logger.level) for logger in loggers]
    for logger in loggers:
        logger.addHandler(capture)
        logger.setLevel(logging.DEBUG)
    try:
        yield capture
    finally:
        for logger, level in saved:
            logger.removeHandler(capture)
            logger.setLevel(level)


# SQS ----------------------------------------------------------------------------------------------


@dataclass
class Queues:
    sqs: Any
    main: str
    dlq: str
    max_receives: int

    def bodies(self, url: str) -> list[dict[str, Any]]:
        """The events waiting in a queue, read and made visible again at once."""
        found: dict[str, dict[str, Any]] = {}
        handles = []
        while True:
            batch = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=30)
            messages = batch.get("Messages", [])
            if not messages or all(m["MessageId"] in found for m in messages):
                handles += [m["ReceiptHandle"] for m in messages]
                break
            for message in messages:
                found[message["MessageId"]] = json.loads(message["Body"])
                handles.append(message["ReceiptHandle"])
        for handle in handles:
            self.sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=0)
        return list(found.values())


def sqs_event(messages: list[dict[str, Any]]) -> dict[str, Any]:
    """The event Lambda's SQS event source hands the function for messages received from SQS."""
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": {},
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:qunguan-events.fifo",
                "awsRegion": "us-east-1",
            }
            for m in messages
        ]
    }


def lambda_consumer(worker: Callable[[dict[str, Any]], dict[str, Any]], queues: Queues) -> Callable[[], int]:
    """The SQS event source mapping, as Lambda runs it with `ReportBatchItemFailures`: receive a batch,
    invoke the worker, delete what succeeded, and let the failures come back (at once here, where
    Lambda would wait out the visibility timeout). Returns a function that runs one round and says how
    many records it handed to the worker."""

    def one_round() -> int:
        batch = queues.sqs.receive_message(
            QueueUrl=queues.main, MaxNumberOfMessages=10, AttributeNames=["All"], VisibilityTimeout=30
        )
        messages = batch.get("Messages", [])
        if not messages:
            return 0
        answer = worker(sqs_event(messages))
        failed = {f["itemIdentifier"] for f in answer.get("batchItemFailures", [])}
        for message in messages:
            if message["MessageId"] in failed:
                queues.sqs.change_message_visibility(
                    QueueUrl=queues.main, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
                )
            else:
                queues.sqs.delete_message(QueueUrl=queues.main, ReceiptHandle=message["ReceiptHandle"])
        return len(messages)

    return one_round


def drain(one_round: Callable[[], int], *, max_rounds: int = 50) -> int:
    """Run consumer rounds until the main queue gives nothing; the number of rounds that did work."""
    for rounds in range(max_rounds):
        if one_round() == 0:
            return rounds
    raise AssertionError(f"the queue did not drain in {max_rounds} rounds")
