"""The event queue pair on the embedded moto server, as infra/ configures it in AWS: a FIFO queue whose
messages move to a FIFO dead-letter queue after `max_receives` receives (the redrive policy).

Locally the visibility timeout is a few seconds (AWS: six times the worker's timeout), so a record the
worker reported as failed comes back quickly and a redelivery is seen as it happens.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from local.dynamo import DUMMY_CREDENTIAL, REGION

LOCAL_VISIBILITY_SECONDS = 5
LOCAL_MAX_RECEIVES = 3


@dataclass(frozen=True)
class QueuePair:
    main: str
    dlq: str
    visibility_timeout: int
    max_receives: int


def sqs_client(endpoint_url: str) -> Any:
    import boto3

    return boto3.session.Session().client(
        "sqs",
        endpoint_url=endpoint_url,
        region_name=REGION,
        aws_access_key_id=DUMMY_CREDENTIAL,
        aws_secret_access_key=DUMMY_CREDENTIAL,
    )


def create_queues(
    sqs: Any,
    name: str,
    *,
    visibility_timeout: int = LOCAL_VISIBILITY_SECONDS,
    max_receives: int = LOCAL_MAX_RECEIVES,
) -> QueuePair:
    """`<name>-events.fifo` and `<name>-events-dlq.fifo` (created if absent), linked by a redrive policy."""
    dlq = sqs.create_queue(QueueName=f"{name}-events-dlq.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": str(max_receives)})
    main = sqs.create_queue(
        QueueName=f"{name}-events.fifo",
        Attributes={
            "FifoQueue": "true",
            "VisibilityTimeout": str(visibility_timeout),
            "RedrivePolicy": policy,
        },
    )["QueueUrl"]
    return QueuePair(main, dlq, visibility_timeout, max_receives)
