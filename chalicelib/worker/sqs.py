"""The SQS consumer: each record is one event; failures are reported per record (partial batch
failure), so SQS retries only those and, after the redrive limit, moves them to the dead-letter queue.

A record SQS handed out before (`ApproximateReceiveCount` above 1) or moved back from the dead-letter
queue (`chalicelib.replay` marks it with the `REPLAYED` message attribute) is processed as a redelivery:
the worker finishes the decision its first processing stored, and decides nothing again."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from chalicelib.core import codec
from chalicelib.kernel.deps import Deps
from chalicelib.replay import REPLAYED
from chalicelib.worker.pipeline import process

log = logging.getLogger("qunguan.worker")


def handle_batch(records: Iterable[Mapping[str, Any]], deps: Deps) -> dict[str, list[dict[str, str]]]:
    """Each record through the worker. Once a record of a FIFO message group failed, the group's later
    records in the batch are reported failed without being processed, so that they come back after it,
    in order (Lambda developer guide, "Using Lambda with Amazon SQS": on a FIFO queue, stop at the first
    failure and report it with every record after it; Powertools' `SqsFifoPartialProcessor` with
    `skip_group_on_error` does the same per group)."""
    failures = []
    stopped: set[str] = set()
    for record in records:
        message_id = str(record.get("messageId", ""))
        group = str((record.get("attributes") or {}).get("MessageGroupId", ""))
        if group and group in stopped:
            failures.append({"itemIdentifier": message_id})
            continue
        try:
            process(codec.loads(str(record.get("body", ""))), deps, redelivered=redelivered(record))
        except Exception as exc:  # the batch boundary: report the record, keep the others going
            log.error("record %s failed: %s: %s", message_id, type(exc).__name__, exc)
            failures.append({"itemIdentifier": message_id})
            if group:
                stopped.add(group)
    return {"batchItemFailures": failures}


def redelivered(record: Mapping[str, Any]) -> bool:
    """Whether the record may have been processed before: received before, or replayed."""
    attributes = record.get("attributes") or {}
    try:
        received = int(attributes.get("ApproximateReceiveCount", 1))
    except (TypeError, ValueError):
        received = 1
    return received > 1 or REPLAYED in (record.get("messageAttributes") or {})
