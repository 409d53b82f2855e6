"""Hand-off from ingress to the worker. Production sends each event to SQS FIFO (`MessageGroupId` =
the group, so one group's events are processed in order); `QG_DISPATCH=inline` runs the worker in the
same process once the ack is built, for the local stack and tests."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from chalicelib.core import codec
from chalicelib.core.events import Event

log = logging.getLogger(__name__)


class Dispatcher(Protocol):
    def dispatch(self, events: Sequence[Event]) -> None: ...


def message_group(event: Event) -> str:
    """Events of one group are processed in order; directory events per person."""
    if event.chat:
        return event.gid[:128]
    user = getattr(event, "user", "") or "-"
    return event.uid(user)[:128]


def deduplication_id(event: Event) -> str:
    return hashlib.sha256(f"{event.platform}#{event.claim_key}".encode()).hexdigest()


class SqsDispatcher:
    def __init__(self, queue_url: str, *, client: Any | None = None) -> None:
        self.queue_url = queue_url
        self._client = client

    def _sqs(self) -> Any:
        if self._client is None:
            import boto3  # lazily: the first dispatch of a container pays for it, not the import

            self._client = boto3.client("sqs")
        return self._client

    def dispatch(self, events: Sequence[Event]) -> None:
        for event in events:
            self._sqs().send_message(
                QueueUrl=self.queue_url,
                MessageBody=codec.dumps(event),
                MessageGroupId=message_group(event),
                MessageDeduplicationId=deduplication_id(event),
            )


class InlineDispatcher:
    """Runs `process` for each event right away. A failure is logged, never raised into the ack."""

    def __init__(self, process: Callable[[Event], object]) -> None:
        self._process = process

    def dispatch(self, events: Sequence[Event]) -> None:
        for event in events:
            try:
                self._process(event)
            except Exception:  # the boundary of inline dispatch: the platform already has its ack
                log.exception("inline processing failed for %s %s", event.platform, type(event).__name__)
