"""The hand-off to the worker through SQS FIFO: one group's events share a message group, a redelivery
is deduplicated by SQS too, and the consumer reports failures per record (partial batch failure)."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.bootstrap import Deps
from chalicelib.clock import FrozenClock
from chalicelib.core import codec
from chalicelib.core.events import DirectoryChanged, MessagePosted
from chalicelib.queue import SqsDispatcher, message_group
from chalicelib.settings import Settings
from chalicelib.store.memory import MemoryStore
from chalicelib.worker.sqs import handle_batch
from local.dynamo import EmbeddedDynamo
from tests.support.messenger import RecordingMessenger


def said(event_id: str, chat: str = "C1", text: str = "help") -> MessagePosted:
    return MessagePosted(
        platform="slack",
        tenant="T1",
        event_id=event_id,
        occurred_at=1.0,
        chat=chat,
        user="U1",
        message_id=event_id,
        text=text,
        mentions_bot=True,
    )


@pytest.fixture
def sqs(dynamodb: EmbeddedDynamo) -> Any:
    """An SQS client on the embedded moto server (it serves every moto backend, SQS included)."""
    import boto3

    return boto3.session.Session().client(
        "sqs",
        endpoint_url=dynamodb.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def test_events_go_to_the_fifo_queue_grouped_by_group_and_deduplicated(sqs: Any) -> None:
    url = sqs.create_queue(QueueName="qg-test.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    dispatcher = SqsDispatcher(url, client=sqs)
    dispatcher.dispatch([said("a"), said("b", chat="C2")])
    dispatcher.dispatch([said("a")])  # the same event again
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"])["Messages"]
    groups = sorted(m["Attributes"]["MessageGroupId"] for m in messages)
    assert groups == ["slack:T1:C1", "slack:T1:C2"]
    assert sorted(codec.loads(m["Body"]).event_id for m in messages) == ["a", "b"]


def test_a_directory_event_is_grouped_by_person() -> None:
    event = DirectoryChanged(
        platform="wecom", tenant="corp", event_id="d", occurred_at=1.0, user="u9", change="left"
    )
    assert message_group(event) == "wecom:corp:u9"


def test_the_consumer_reports_only_the_records_that_failed() -> None:
    messenger = RecordingMessenger()
    clock = FrozenClock(1_700_000_000.0)
    deps = Deps(
        settings=Settings(_env_file=None),
        clock=clock,
        store=MemoryStore(clock=clock),
        messenger_factory=lambda platform: messenger,
    )
    records = [
        {"messageId": "m1", "body": codec.dumps(said("a"))},
        {"messageId": "m2", "body": "not an event"},
        {"messageId": "m3", "body": codec.dumps(said("c", text="help"))},
    ]
    assert handle_batch(records, deps) == {"batchItemFailures": [{"itemIdentifier": "m2"}]}
    assert messenger.verbs() == ["post_text", "post_text"]
