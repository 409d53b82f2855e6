"""Faults of the messenger APIs, from the recording fake that misbehaves on demand: a 5xx, a 429 with
Retry-After, a timeout and a dropped connection are retried with back-off inside the worker; when they
persist, the worker raises, the SQS record is reported as a batch failure, SQS redelivers it and, after
the redrive limit, moves it to the dead-letter queue; `chalicelib.replay` moves it back once the fault
has cleared. The ledger at the end: every event that came in was processed exactly once or is in the
dead-letter queue, and after the replay, processed. Nothing is lost.

The worker runs as Lambda runs it: the app's own SQS handler (`app.worker`), over records received
from moto's SQS on loopback with a redrive policy. Back-off is recorded, not slept.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from chalicelib.queue import SqsDispatcher
from chalicelib.replay import main as replay
from local.fakes.server import FakeMessengers, Fault
from local.peers import SignedRequest
from tests.functional import conversations as talk
from tests.reliability.support import (
    Queues,
    drain,
    lambda_consumer,
    messengers_that_record_backoff,
    sqs_event,
)
from tests.support.stack import Stack, running_stack

ATTEMPTS = 3  # per messenger call, inside the worker
CLIENT_TIMEOUT = 0.2


def help_request(platform: str, hook: str, n: int) -> SignedRequest:
    """A help request whose reply goes to `hook`, from its own group (so each has its own FIFO group)."""
    if platform == "slack":
        return talk.slack_command("help", hook, channel=f"C0EV{n}")
    if platform == "wecom":
        return talk.wecom_aibot_mention("help", hook)
    return talk.dingtalk_robot("help", hook, user=f"user{n}")


FAULTS: dict[str, Callable[[str, int], Fault]] = {
    "5xx": lambda path, times: Fault(path, status=503, times=times),
    "429": lambda path, times: Fault(path, status=429, retry_after=2, times=times),
    "timeout": lambda path, times: Fault(path, delay=CLIENT_TIMEOUT * 3, times=times),
    "reset": lambda path, times: Fault(path, reset=True, times=times),
}
PLATFORMS = ("slack", "wecom", "dingtalk")


@dataclass
class Harness:
    stack: Stack
    waits: list[float]


@pytest.fixture
def inline(fake: FakeMessengers) -> Iterator[Harness]:
    waits: list[float] = []
    with running_stack(fake) as stack:
        stack.deps.messenger_factory = messengers_that_record_backoff(
            stack.deps, waits, attempts=ATTEMPTS, timeout=CLIENT_TIMEOUT
        )
        yield Harness(stack, waits)


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("fault", FAULTS)
def test_a_passing_fault_is_retried_with_backoff_and_the_reply_arrives_once(
    inline: Harness, fake: FakeMessengers, platform: str, fault: str
) -> None:
    fake.inject(FAULTS[fault]("/hooks/flaky", ATTEMPTS - 1))
    assert inline.stack.send(help_request(platform, fake.hook_url("flaky"), 0)).status_code == 200
    assert len(fake.sent("/hooks/flaky")) == 1
    assert len(inline.waits) == ATTEMPTS - 1
    if fault == "429":
        assert inline.waits == [2.0] * (ATTEMPTS - 1)  # as long as Retry-After says
    else:
        assert 0 < inline.waits[0] < inline.waits[1]  # exponential back-off (jitter stays within 2x)


# Through SQS: redrive, dead-letter queue, replay ---------------------------------------------------


@dataclass(frozen=True)
class Incoming:
    n: int
    platform: str
    fault: str | None  # persistent: still failing after every redelivery


SCENARIO = [
    Incoming(0, "slack", None),
    Incoming(1, "slack", "5xx"),
    Incoming(2, "wecom", None),
    Incoming(3, "wecom", "429"),
    Incoming(4, "wecom", "timeout"),
    Incoming(5, "dingtalk", None),
    Incoming(6, "dingtalk", "reset"),
    Incoming(7, "slack", "passing-across-deliveries"),
    Incoming(8, "dingtalk", "5xx"),
]


@pytest.fixture
def queued(fake: FakeMessengers, queues: Queues) -> Iterator[tuple[Harness, Callable[[], int]]]:
    waits: list[float] = []
    with running_stack(fake) as stack:
        stack.deps.messenger_factory = messengers_that_record_backoff(
            stack.deps, waits, attempts=ATTEMPTS, timeout=CLIENT_TIMEOUT
        )
        stack.deps.dispatcher = SqsDispatcher(queues.main, client=queues.sqs)
        consume = lambda_consumer(lambda event: stack.client.lambda_.invoke("worker", event).payload, queues)
        yield Harness(stack, waits), consume


def processed(fake: FakeMessengers, scenario: list[Incoming]) -> dict[int, int]:
    """How many replies each event's hook received."""
    return {e.n: len(fake.sent(f"/hooks/ev{e.n}")) for e in scenario if fake.sent(f"/hooks/ev{e.n}")}


def dead(queues: Queues) -> set[int]:
    """The events waiting in the dead-letter queue, by the hook their reply goes to."""
    found = set()
    for body in queues.bodies(queues.dlq):
        hook = str(body.get("reply_url") or "")
        found.add(int(hook.rsplit("/ev", 1)[1]))
    return found


def test_every_event_is_processed_once_or_dead_lettered_and_the_replay_processes_the_rest(
    queued: tuple[Harness, Callable[[], int]], fake: FakeMessengers, queues: Queues
) -> None:
    harness, consume = queued
    for event in SCENARIO:
        path = f"/hooks/ev{event.n}"
        if event.fault == "passing-across-deliveries":  # the first delivery's attempts all fail
            fake.inject(FAULTS["5xx"](path, ATTEMPTS))
        elif event.fault is not None:
            fake.inject(FAULTS[event.fault](path, 10**6))
    came_in = {
        e.n
        for e in SCENARIO
        if harness.stack.send(help_request(e.platform, fake.hook_url(f"ev{e.n}"), e.n)).status_code == 200
    }
    assert came_in == {e.n for e in SCENARIO}

    drain(consume)
    failing = {e.n for e in SCENARIO if e.fault in FAULTS}
    done, in_dlq = processed(fake, SCENARIO), dead(queues)
    assert in_dlq == failing
    assert set(done) == came_in - failing and set(done.values()) == {1}  # once each, none twice
    assert set(done) | in_dlq == came_in  # nothing lost
    assert 2.0 in harness.waits  # the 429s' Retry-After was honoured
    before_replay = dict(done)

    fake.clear()  # the faults clear
    out = io.StringIO()
    assert replay(["--queue-url", queues.main, "--dlq-url", queues.dlq], sqs=queues.sqs, out=out) == 0
    assert out.getvalue() == f"moved {len(failing)} message(s) back to the queue\n"
    drain(consume)
    replayed = processed(fake, SCENARIO)
    assert set(replayed) == failing and set(replayed.values()) == {1}
    assert dead(queues) == set()
    assert set(before_replay) | set(replayed) == came_in  # every event processed, exactly once


def test_a_record_that_cannot_be_processed_is_reported_alone_and_the_batch_goes_on(
    queued: tuple[Harness, Callable[[], int]], fake: FakeMessengers, queues: Queues
) -> None:
    """A body the worker cannot read (a truncated message, say) fails its own record only; after the
    redrive limit it waits in the dead-letter queue with the rest of the failures."""
    harness, consume = queued
    queues.sqs.send_message(
        QueueUrl=queues.main,
        MessageBody='{"type": "MessagePosted", "platform": "sl',
        MessageGroupId="g-broken",
        MessageDeduplicationId="broken-1",
    )
    assert harness.stack.send(help_request("slack", fake.hook_url("ev0"), 0)).status_code == 200
    drain(consume)
    assert processed(fake, SCENARIO[:1]) == {0: 1}
    (body,) = _raw_bodies(queues, queues.dlq)
    assert body.startswith('{"type": "MessagePosted"')


def _raw_bodies(queues: Queues, url: str) -> list[str]:
    messages = queues.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0)
    return [m["Body"] for m in messages.get("Messages", [])]


def test_a_delivery_that_keeps_failing_is_reported_as_that_records_batch_failure(
    queued: tuple[Harness, Callable[[], int]], fake: FakeMessengers, queues: Queues
) -> None:
    harness, _ = queued
    fake.inject(FAULTS["5xx"]("/hooks/ev1", 10**6))
    for n in (0, 1):
        harness.stack.send(help_request("slack", fake.hook_url(f"ev{n}"), n))
    messages = queues.sqs.receive_message(QueueUrl=queues.main, MaxNumberOfMessages=10)["Messages"]
    assert len(messages) == 2
    answer = harness.stack.client.lambda_.invoke("worker", sqs_event(messages)).payload
    failing = next(m["MessageId"] for m in messages if "/hooks/ev1" in m["Body"])
    assert answer == {"batchItemFailures": [{"itemIdentifier": failing}]}
    assert len(harness.waits) == ATTEMPTS - 1  # the client retried with back-off before giving up
    assert processed(fake, SCENARIO[:2]) == {0: 1}


def test_when_the_queue_is_down_ingress_answers_503_and_the_platforms_retry_is_processed_once(
    queued: tuple[Harness, Callable[[], int]], fake: FakeMessengers, queues: Queues
) -> None:
    harness, consume = queued
    request = help_request("slack", fake.hook_url("ev0"), 0)
    harness.stack.deps.dispatcher = SqsDispatcher(queues.main.replace("events", "missing"), client=queues.sqs)
    assert harness.stack.send(request).status_code == 503  # the claim is released...
    harness.stack.deps.dispatcher = SqsDispatcher(queues.main, client=queues.sqs)
    assert harness.stack.send(request).status_code == 200  # ...so the same delivery, retried, gets in
    assert harness.stack.send(request).status_code == 200  # and a third copy is a duplicate
    drain(consume)
    assert processed(fake, SCENARIO[:1]) == {0: 1}
