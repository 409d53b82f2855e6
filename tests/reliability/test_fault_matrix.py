"""The fault matrix: a decision with several deliveries, one of which fails for longer than the client's
own retries, finished by SQS redelivery without repeating what was done.

Each case runs production's queue path on moto: ingress sends the event to a FIFO queue with a redrive
policy, Lambda's event source mapping (local/poller.py) hands it to the app's own SQS handler, the
real messenger clients talk to the recording fake, whose injected fault (a 5xx, a 429 with Retry-After,
a stall past the client's timeout, a dropped connection) hits one recipient's delivery only, for two
whole processings. The third receive finds the decision in the outbox and sends only what is left.

The ledger afterwards: every recipient got their message exactly once, the case and the member's points
are recorded once, nothing waits in the dead-letter queue; and a decision whose fault outlasted every
receive waits there, and its replay (`chalicelib.replay`) sends only what was left.
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest

from chalicelib.moderation.cases import CaseRepo
from chalicelib.queue import SqsDispatcher
from chalicelib.replay import main as replay
from chalicelib.store.dynamodb import DynamoStore
from local.dynamo import EmbeddedDynamo
from local.fakes.server import Call, FakeMessengers, Fault
from local.peers import SignedRequest
from local.poller import EventSourceMapping, lambda_event
from tests.functional import conversations as talk
from tests.functional.test_moderation import moderated
from tests.reliability.support import Queues, messengers_that_record_backoff
from tests.support.stack import Stack

ATTEMPTS = 3  # per messenger call, inside the worker
CLIENT_TIMEOUT = 0.2
ABUSE = "你是个傻逼"
TOKEN_PATHS = ("gettoken", "accessToken", "auth.test", "oauth2")

FAULTS: dict[str, Callable[[str, str, int], Fault]] = {
    "5xx": lambda path, who, times: Fault(path, status=503, times=times, body_contains=who),
    "429": lambda path, who, times: Fault(path, status=429, retry_after=2, times=times, body_contains=who),
    "timeout": lambda path, who, times: Fault(path, delay=CLIENT_TIMEOUT * 3, times=times, body_contains=who),
    "reset": lambda path, who, times: Fault(path, reset=True, times=times, body_contains=who),
}


@dataclass(frozen=True)
class Moderation:
    """An abusive message in a group with two admins: a card to each admin and an explanation to the
    member (deleting it, where the platform cannot, is asked of the member in that explanation). Each
    recipient is named by what only their own delivery's request body holds."""

    platform: str
    path: str  # the API whose calls carry the deliveries
    recipients: dict[str, str]  # who -> marker in the request body
    gid: str
    member_uid: str
    send: Callable[[FakeMessengers], SignedRequest]


SCENARIOS = {
    "slack": Moderation(
        "slack",
        "/slack/api/chat.postMessage",
        {"admin1": '"DADMIN1"', "admin2": '"DADMIN2"', "member": '"D0MALLORY"'},
        f"slack:{talk.SLACK_TEAM}:C0FUNC",
        f"slack:{talk.SLACK_TEAM}:U0MALLORY",
        lambda fake: talk.slack_message(ABUSE, user="U0MALLORY"),
    ),
    "wecom": Moderation(
        "wecom",
        "/wecom/cgi-bin/message/send",
        {
            "admin1": '"touser": "wecomadmin1"',
            "admin2": '"touser": "wecomadmin2"',
            "member": '"touser": "zhangsan"',
        },
        "wecom:wwdemocorp0001:wrFUNC",
        "wecom:wwdemocorp0001:zhangsan",
        lambda fake: talk.wecom_aibot_mention(ABUSE, fake.hook_url("wecom-reply"), user="zhangsan"),
    ),
    "dingtalk": Moderation(
        "dingtalk",
        "/dingtalk/v1.0/",
        {"admin1": "IM_ROBOT.dingadmin1", "admin2": "IM_ROBOT.dingadmin2", "member": '"userIds": ["qianqi"]'},
        f"dingtalk:{talk.DINGTALK_CORP}:cidFUNC",
        f"dingtalk:{talk.DINGTALK_CORP}:qianqi",
        lambda fake: talk.dingtalk_robot(ABUSE, fake.hook_url("ding-session"), user="qianqi"),
    ),
}


@dataclass
class Queued:
    stack: Stack
    mapping: EventSourceMapping
    queues: Queues


@pytest.fixture
def queued(fake: FakeMessengers, queues: Queues) -> Iterator[Queued]:
    waits: list[float] = []
    with moderated(fake) as stack:
        stack.deps.messenger_factory = messengers_that_record_backoff(
            stack.deps, waits, attempts=ATTEMPTS, timeout=CLIENT_TIMEOUT
        )
        stack.deps.dispatcher = SqsDispatcher(queues.main, client=queues.sqs)
        mapping = EventSourceMapping(
            queues.sqs,
            queues.main,
            lambda event: dict(stack.client.lambda_.invoke("worker", event).payload),
            show_failed_after=0,  # the visibility timeout, lapsed at once
        )
        yield Queued(stack, mapping, queues)


def delivered(fake: FakeMessengers, scenario: Moderation) -> dict[str, int]:
    """How many deliveries each recipient received (the fake records only calls it answered)."""
    calls = [c for c in fake.sent(scenario.path) if not c.path.endswith(TOKEN_PATHS)]
    return {who: sum(marker in _raw(call) for call in calls) for who, marker in scenario.recipients.items()}


def _raw(call: Call) -> str:
    return call.body if isinstance(call.body, str) else json.dumps(call.body)


def dead_letters(queues: Queues) -> int:
    return len(queues.bodies(queues.dlq))


def cases_and_points(stack: Stack, scenario: Moderation) -> tuple[int, float]:
    cases = CaseRepo(stack.store).for_member(scenario.gid, scenario.member_uid)
    member = stack.store.get_member(scenario.gid, scenario.member_uid)
    return len(cases), member.points if member else 0.0


@pytest.mark.parametrize("platform", sorted(SCENARIOS))
@pytest.mark.parametrize("fault", sorted(FAULTS))
@pytest.mark.parametrize("failing", ["admin2", "member"])
def test_a_delivery_failing_for_two_receives_is_finished_by_the_third_without_repeating_the_rest(
    queued: Queued, fake: FakeMessengers, platform: str, fault: str, failing: str
) -> None:
    scenario = SCENARIOS[platform]
    fake.inject(FAULTS[fault](scenario.path, scenario.recipients[failing], ATTEMPTS * 2))
    assert queued.stack.send(scenario.send(fake)).status_code == 200
    queued.mapping.drain()
    assert delivered(fake, scenario) == {"admin1": 1, "admin2": 1, "member": 1}
    assert dead_letters(queued.queues) == 0
    cases, points = cases_and_points(queued.stack, scenario)
    assert cases == 1
    (case,) = CaseRepo(queued.stack.store).for_member(scenario.gid, scenario.member_uid)
    assert points == case.data["points"] > 0  # the points went on once


@pytest.mark.parametrize("platform", sorted(SCENARIOS))
def test_a_dead_lettered_decision_replayed_later_sends_only_what_was_left(
    queued: Queued, fake: FakeMessengers, platform: str
) -> None:
    scenario = SCENARIOS[platform]
    fake.inject(FAULTS["5xx"](scenario.path, scenario.recipients["admin2"], 10**6))
    assert queued.stack.send(scenario.send(fake)).status_code == 200
    queued.mapping.drain()
    assert delivered(fake, scenario) == {"admin1": 1, "admin2": 0, "member": 1}
    assert dead_letters(queued.queues) == 1

    fake.faults.clear()  # the platform is back
    out = io.StringIO()
    assert (
        replay(
            ["--queue-url", queued.queues.main, "--dlq-url", queued.queues.dlq],
            sqs=queued.queues.sqs,
            out=out,
        )
        == 0
    )
    queued.mapping.drain()
    assert delivered(fake, scenario) == {"admin1": 1, "admin2": 1, "member": 1}
    assert dead_letters(queued.queues) == 0
    assert cases_and_points(queued.stack, scenario)[0] == 1


# Two workers, one record -----------------------------------------------------------------------------

TABLE = "qunguan-outbox-twins"


@pytest.fixture(scope="module")
def twins_table(dynamodb: EmbeddedDynamo) -> str:
    dynamodb.create_table(TABLE)
    return TABLE


@pytest.mark.parametrize("platform", sorted(SCENARIOS))
def test_two_workers_handed_the_same_record_at_once_do_each_thing_once(
    fake: FakeMessengers, queues: Queues, twins_table: str, dynamodb_client: Any, platform: str
) -> None:
    """SQS may hand one record to two workers (a visibility timeout that lapsed while the first was
    still at it): on DynamoDB (moto's server), one stores the decision and acts; the other finds it
    stored and held, fails its record, and its redelivery finds nothing left to do."""
    scenario = SCENARIOS[platform]
    store = DynamoStore(twins_table, client=dynamodb_client)
    with moderated(fake, store=store) as stack:
        stack.deps.messenger_factory = messengers_that_record_backoff(stack.deps, [], attempts=ATTEMPTS)
        stack.deps.dispatcher = SqsDispatcher(queues.main, client=queues.sqs)
        assert stack.send(scenario.send(fake)).status_code == 200
        received = queues.sqs.receive_message(
            QueueUrl=queues.main, AttributeNames=["All"], MessageAttributeNames=["All"], VisibilityTimeout=0
        )["Messages"]
        event = lambda_event(received, queues.main)
        start = threading.Barrier(2)

        def worker(_: int) -> dict[str, Any]:
            start.wait()
            return dict(stack.client.lambda_.invoke("worker", event).payload)

        with ThreadPoolExecutor(max_workers=2) as pool:
            answers = list(pool.map(worker, range(2)))
        assert sum(not answer["batchItemFailures"] for answer in answers) >= 1  # one went through
        mapping = EventSourceMapping(
            queues.sqs,
            queues.main,
            lambda e: dict(stack.client.lambda_.invoke("worker", e).payload),
            show_failed_after=0,
        )
        mapping.drain()  # the record again, as SQS hands it out after either's visibility timeout
        assert delivered(fake, scenario) == {"admin1": 1, "admin2": 1, "member": 1}
        assert cases_and_points(stack, scenario)[0] == 1
