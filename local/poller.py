"""Lambda's SQS event source mapping, on this machine: the local stack's worker gets its events as the
worker Lambda does in AWS.

Each round receives up to `batch_size` messages (with their attributes: `ApproximateReceiveCount`,
`MessageGroupId`, and the message attributes `chalicelib.replay` sets), hands them to the worker as the
`Records` of an SQS event, and then, as the mapping does with `ReportBatchItemFailures` (Lambda developer
guide, "Handling errors for an SQS event source"):

- deletes every record the worker did not report in `batchItemFailures`;
- leaves the reported ones alone: they come back once their visibility timeout lapses (a few seconds
  locally, `local/queues.py`), and after `maxReceiveCount` receives SQS moves them to the dead-letter
  queue;
- a worker that raised (not a partial failure) fails the whole batch, as an invocation error does.

Short polls (`WaitTimeSeconds=0`) with a pause between empty rounds: moto serves one request at a time
(local/dynamo.py), and a long poll would hold the table's requests back.

    python -m local.poller    # what `make run` starts next to `chalice local`, with QG_QUEUE_URL set
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger("qunguan.poller")

Worker = Callable[[dict[str, Any]], dict[str, Any]]
QUEUE_ARN = "arn:aws:sqs:us-east-1:000000000000:{name}"


def lambda_event(messages: list[dict[str, Any]], queue_url: str) -> dict[str, Any]:
    """The event Lambda's SQS event source hands the function for `messages` (received with
    `AttributeNames=["All"]` and `MessageAttributeNames=["All"]`)."""
    arn = QUEUE_ARN.format(name=queue_url.rsplit("/", 1)[-1])
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": {
                    name: {
                        "stringValue": value.get("StringValue"),
                        "dataType": value.get("DataType", "String"),
                    }
                    for name, value in m.get("MessageAttributes", {}).items()
                },
                "md5OfBody": m.get("MD5OfBody", ""),
                "eventSource": "aws:sqs",
                "eventSourceARN": arn,
                "awsRegion": "us-east-1",
            }
            for m in messages
        ]
    }


class EventSourceMapping:
    def __init__(
        self,
        sqs: Any,
        queue_url: str,
        worker: Worker,
        *,
        batch_size: int = 10,
        show_failed_after: int | None = None,
    ) -> None:
        """`show_failed_after`: seconds until a failed record is handed out again, instead of the queue's
        visibility timeout (tests use 0: as if the timeout had lapsed at once)."""
        self.sqs = sqs
        self.queue_url = queue_url
        self.worker = worker
        self.batch_size = batch_size
        self.show_failed_after = show_failed_after

    def poll_once(self) -> int:
        """One round: receive, invoke, delete what succeeded. The number of records handed over."""
        batch = self.sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=self.batch_size,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
            WaitTimeSeconds=0,
        )
        messages: list[dict[str, Any]] = batch.get("Messages", [])
        if not messages:
            return 0
        try:
            answer = self.worker(lambda_event(messages, self.queue_url))
            failed = {str(f.get("itemIdentifier")) for f in answer.get("batchItemFailures", [])}
        except Exception:  # an invocation error: the whole batch comes back after its visibility timeout
            log.exception("the worker failed on a batch of %d", len(messages))
            return len(messages)
        for message in messages:
            handle = message["ReceiptHandle"]
            if message["MessageId"] not in failed:
                self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=handle)
            elif self.show_failed_after is not None:
                self.sqs.change_message_visibility(
                    QueueUrl=self.queue_url, ReceiptHandle=handle, VisibilityTimeout=self.show_failed_after
                )
        if failed:
            log.warning("%d of %d record(s) failed; SQS hands them out again", len(failed), len(messages))
        return len(messages)

    def drain(self, *, max_rounds: int = 50) -> int:
        """Rounds until the queue gives nothing (with `show_failed_after=0`); the rounds that did work."""
        for rounds in range(max_rounds):
            if self.poll_once() == 0:
                return rounds
        raise RuntimeError(f"the queue did not drain in {max_rounds} rounds")

    def run(self, stop: threading.Event, *, idle_pause: float = 0.2) -> None:
        """Poll until `stop` is set; a round that failed to reach the queue is logged and tried again."""
        while not stop.is_set():
            try:
                handed = self.poll_once()
            except Exception:  # the queue unreachable for a moment: keep the poller alive
                log.exception("polling %s failed", self.queue_url)
                handed = 0
            if not handed:
                stop.wait(idle_pause)

    def start(self) -> tuple[threading.Thread, threading.Event]:
        stop = threading.Event()
        thread = threading.Thread(target=self.run, args=(stop,), name="sqs-event-source", daemon=True)
        thread.start()
        return thread, stop


def main() -> int:
    """The poller of `make run`: the worker as `app.worker` runs it, over QG_QUEUE_URL."""
    import boto3

    from chalicelib.web import consume

    logging.basicConfig(level=logging.INFO, format="%(name)s - %(levelname)s - %(message)s")
    queue_url = os.environ["QG_QUEUE_URL"]
    sqs = boto3.client("sqs")  # AWS_ENDPOINT_URL_SQS names the embedded moto server

    def worker(event: dict[str, Any]) -> dict[str, Any]:
        return consume(_Records(event["Records"]))

    mapping = EventSourceMapping(sqs, queue_url, worker)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    signal.signal(signal.SIGINT, lambda signum, frame: stop.set())
    print(f"  worker: polling {queue_url} as Lambda's event source mapping does", flush=True)
    mapping.run(stop)
    return 0


class _Record:
    """What `consume` reads of a Chalice `SQSRecord`: the record as Lambda gave it."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self._raw = raw

    def to_dict(self) -> dict[str, Any]:
        return self._raw


class _Records(list[_Record]):
    def __init__(self, records: list[dict[str, Any]]) -> None:
        super().__init__(_Record(record) for record in records)


if __name__ == "__main__":  # pragma: no cover - the module's command line
    sys.exit(main())
