"""Fixtures of the reliability suite: SQS on the embedded moto server (it serves every moto backend), a
FIFO queue with its dead-letter queue per test, and a capture of every log line."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from typing import Any

import pytest

from local.dynamo import DUMMY_CREDENTIAL, REGION, EmbeddedDynamo
from tests.reliability.support import LogCapture, Queues, capture_all_logs

MAX_RECEIVES = 3
_numbers = itertools.count()


@pytest.fixture(scope="session")
def sqs(dynamodb: EmbeddedDynamo) -> Any:
    import boto3

    return boto3.session.Session().client(
        "sqs",
        endpoint_url=dynamodb.endpoint_url,
        region_name=REGION,
        aws_access_key_id=DUMMY_CREDENTIAL,
        aws_secret_access_key=DUMMY_CREDENTIAL,
    )


@pytest.fixture
def queues(sqs: Any) -> Iterator[Queues]:
    """`qunguan-events-N.fifo`, whose messages move to `qunguan-dlq-N.fifo` after MAX_RECEIVES receives,
    as infra/ configures the real pair."""
    n = next(_numbers)
    dlq = sqs.create_queue(QueueName=f"qunguan-dlq-{n}.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": str(MAX_RECEIVES)})
    main = sqs.create_queue(
        QueueName=f"qunguan-events-{n}.fifo",
        Attributes={"FifoQueue": "true", "VisibilityTimeout": "30", "RedrivePolicy": policy},
    )["QueueUrl"]
    yield Queues(sqs=sqs, main=main, dlq=dlq, max_receives=MAX_RECEIVES)
    for url in (main, dlq):
        sqs.delete_queue(QueueUrl=url)


@pytest.fixture
def logs() -> Iterator[LogCapture]:
    with capture_all_logs() as capture:
        yield capture
