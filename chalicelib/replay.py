"""Re-drive the dead-letter queue after a fault has cleared:

    python -m chalicelib.replay --queue-url URL --dlq-url URL [--max N] [--dry-run]

An event lands in the dead-letter queue when its processing failed `maxReceiveCount` times (a messenger
API that stayed down past the client's retries raises `DeliveryFailed`, and the consumer reports the
record as a batch failure). This moves each such message back to the main queue, in the order the DLQ
gives them, and deletes it from the DLQ only once the send succeeded: a failure in between leaves the
message in the DLQ, never nowhere. The first failed send stops the run (the queue is likely down, and
sending a group's later messages first would break its order); the exit status is then 1.

- FIFO queues: the message keeps its `MessageGroupId`. It gets a new deduplication id, derived from the
  original one and the DLQ message id: re-using the original id would let SQS drop the re-sent message
  as a duplicate when the original was sent less than five minutes ago (and the DLQ copy would then be
  deleted: lost). A re-run after a send whose delete failed derives the same id, so SQS drops that copy
  within its five-minute window.
- Each message moved back carries the message attribute `qg-replayed`: its SQS receive count starts again
  at 1, and the attribute tells the worker that the event was processed before (it finishes the decision
  stored in the outbox, and decides nothing again).
- `--dry-run` lists the messages it can see (on a FIFO DLQ, the messages at the head of each group) and
  makes them visible again at once; nothing is sent or deleted.

Message bodies are events (`chalicelib.core.codec`); only their type and group are printed, never their
text.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

REPLAYED = "qg-replayed"  # the message attribute chalicelib.worker.sqs reads: this record is a redelivery

# Long enough for one batch to be sent and deleted; a message whose send failed is made visible at once.
VISIBILITY_SECONDS = 60
BATCH = 10


@dataclass
class Report:
    moved: int = 0
    failed: int = 0
    listed: list[str] = field(default_factory=list)


def replay(
    sqs: Any, queue_url: str, dlq_url: str, *, max_messages: int | None = None, dry_run: bool = False
) -> Report:
    """Move up to `max_messages` (all when None) from `dlq_url` back to `queue_url`."""
    report = Report()
    held: list[str] = []  # receipt handles kept invisible until the run is done (then shown again)
    seen: set[str] = set()
    try:
        while max_messages is None or _count(report, dry_run) < max_messages:
            wanted = BATCH if max_messages is None else min(BATCH, max_messages - _count(report, dry_run))
            messages = _receive(sqs, dlq_url, wanted)
            fresh = [m for m in messages if m["MessageId"] not in seen]
            if not fresh:
                held += [m["ReceiptHandle"] for m in messages]
                break
            for index, message in enumerate(fresh):
                seen.add(message["MessageId"])
                if dry_run:
                    report.listed.append(describe(message))
                    held.append(message["ReceiptHandle"])
                    continue
                moved = _move(sqs, queue_url, dlq_url, message)
                if moved == "failed":
                    report.failed += 1
                    _show_again(sqs, dlq_url, [m["ReceiptHandle"] for m in fresh[index:]])
                    return report
                report.moved += 1
                if moved == "not deleted":  # let a re-run see it now, not after the visibility timeout
                    held.append(message["ReceiptHandle"])
    finally:
        _show_again(sqs, dlq_url, held)
    return report


def depth(sqs: Any, dlq_url: str) -> int:
    """Messages waiting in the dead-letter queue, as SQS counts them (`ApproximateNumberOfMessages`)."""
    answer = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["ApproximateNumberOfMessages"])
    return int(answer.get("Attributes", {}).get("ApproximateNumberOfMessages", 0))


def describe(message: dict[str, Any]) -> str:
    """One line per message: its id, group, receive count and event type (never the event's text)."""
    attributes = message.get("Attributes", {})
    try:
        kind = str(json.loads(message.get("Body", "")).get("type", "?"))
    except (ValueError, AttributeError):
        kind = "not an event"
    return (
        f"{message['MessageId']} group={attributes.get('MessageGroupId', '-')} "
        f"received={attributes.get('ApproximateReceiveCount', '?')} type={kind}"
    )


def _count(report: Report, dry_run: bool) -> int:
    return len(report.listed) if dry_run else report.moved


def _receive(sqs: Any, dlq_url: str, wanted: int) -> list[dict[str, Any]]:
    response = sqs.receive_message(
        QueueUrl=dlq_url,
        MaxNumberOfMessages=max(1, min(BATCH, wanted)),
        AttributeNames=["All"],
        MessageAttributeNames=["All"],
        VisibilityTimeout=VISIBILITY_SECONDS,
        WaitTimeSeconds=0,
    )
    messages: list[dict[str, Any]] = response.get("Messages", [])
    return messages


def _move(sqs: Any, queue_url: str, dlq_url: str, message: dict[str, Any]) -> str:
    """ "moved", "not deleted" (sent, but still in the DLQ) or "failed" (not sent)."""
    from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped, unused-ignore]

    # Marked as replayed: the worker then finishes the decision stored for it, never deciding again.
    attributes = {
        **message.get("MessageAttributes", {}),
        REPLAYED: {"DataType": "String", "StringValue": "1"},
    }
    request: dict[str, Any] = {
        "QueueUrl": queue_url,
        "MessageBody": message["Body"],
        "MessageAttributes": attributes,
    }
    if queue_url.endswith(".fifo"):
        attributes = message.get("Attributes", {})
        request["MessageGroupId"] = attributes.get("MessageGroupId") or "replay"
        original = attributes.get("MessageDeduplicationId", "")
        request["MessageDeduplicationId"] = hashlib.sha256(
            f"{original}|replay|{message['MessageId']}".encode()
        ).hexdigest()
    try:
        sqs.send_message(**request)
    except (BotoCoreError, ClientError) as exc:
        print(f"send failed for {message['MessageId']}: {type(exc).__name__}", file=sys.stderr)
        return "failed"
    try:
        sqs.delete_message(QueueUrl=dlq_url, ReceiptHandle=message["ReceiptHandle"])
    except (BotoCoreError, ClientError) as exc:  # sent, so not lost: a re-run's copy is deduplicated
        print(f"sent but not deleted {message['MessageId']}: {type(exc).__name__}", file=sys.stderr)
        return "not deleted"
    return "moved"


def _show_again(sqs: Any, dlq_url: str, handles: Sequence[str]) -> None:
    for handle in handles:
        sqs.change_message_visibility(QueueUrl=dlq_url, ReceiptHandle=handle, VisibilityTimeout=0)


def main(argv: Sequence[str] | None = None, *, sqs: Any | None = None, out: TextIO = sys.stdout) -> int:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.replay", description=__doc__.split("\n\n")[0])
    parser.add_argument("--queue-url", required=True, help="the main (FIFO) queue to send the events back to")
    parser.add_argument("--dlq-url", required=True, help="the dead-letter queue to empty")
    parser.add_argument("--max", type=int, default=None, dest="max_messages", help="move at most N messages")
    parser.add_argument("--dry-run", action="store_true", help="list what would move; send nothing")
    args = parser.parse_args(argv)
    if sqs is None:
        import boto3  # type: ignore[import-untyped, unused-ignore]

        sqs = boto3.client("sqs")  # honours AWS_ENDPOINT_URL_SQS, AWS_REGION and the usual credentials
    report = replay(sqs, args.queue_url, args.dlq_url, max_messages=args.max_messages, dry_run=args.dry_run)
    if args.dry_run:
        for line in report.listed:
            out.write(line + "\n")
        out.write(f"dry run: {len(report.listed)} message(s) would move; nothing was sent\n")
        return 0
    out.write(f"moved {report.moved} message(s) back to the queue")
    out.write(f"; stopped at a failed send ({report.failed})\n" if report.failed else "\n")
    return 1 if report.failed else 0


if __name__ == "__main__":  # pragma: no cover - the module's command line
    sys.exit(main())
