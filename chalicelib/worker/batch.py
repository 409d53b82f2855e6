"""A page of events from a message archive, moderated as a batch (WeCom's 会话内容存档).

    withdrawals:  a message withdrawn within the same page is not acted on (`MessageWithdrawn`)
    consent:      an external contact's agree / disagree is recorded (`ConsentChanged`)
    claims:       every other event's claim, its message-log item or its `EVT#` item, in one
                  `Store.claim_items` call (BatchGetItem of 100, BatchWriteItem of 25): an event already
                  claimed, by an earlier pull of the same page, is not processed again
    each new event through `run`, today the worker's `pipeline.process`: the one seam where the
                  outbox's `act()` takes over
    an event whose delivery failed in a way worth retrying goes back through the dispatcher (the queue,
                  in production), so its retry does not hold up the page

The claims are written before the events run: a worker that dies in the middle of a page leaves the rest
of that page claimed and not acted on (never acted on twice); the log says which.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from chalicelib.bootstrap import Deps
from chalicelib.core.events import ConsentChanged, Event, MessagePosted, MessageWithdrawn
from chalicelib.store import keys
from chalicelib.store.base import EVENT_CLAIM_TTL
from chalicelib.store.message_log import claim_item
from chalicelib.store.records import Item
from chalicelib.worker.executor import DeliveryFailed

log = logging.getLogger("qunguan.worker.batch")

Runner = Callable[[Event, Deps], object]
CONSENT_SECONDS = 400 * 86400  # consent is kept a little over a year after it was last seen


@dataclass
class BatchReport:
    received: int = 0
    processed: int = 0
    duplicates: int = 0
    withdrawn: int = 0
    consents: int = 0
    retried: int = 0


def moderate(events: Sequence[Event], deps: Deps, *, run: Runner | None = None) -> BatchReport:
    if run is None:
        from chalicelib.worker.pipeline import process

        run = process
    report = BatchReport(received=len(events))
    now = deps.clock.now()
    withdrawn = {e.message_id for e in events if isinstance(e, MessageWithdrawn)}
    for event in events:
        if isinstance(event, ConsentChanged):
            _record_consent(event, deps, now)
            report.consents += 1
    governed = [
        e
        for e in events
        if not isinstance(e, MessageWithdrawn | ConsentChanged) and _message_id(e) not in withdrawn
    ]
    report.withdrawn = sum(
        1 for e in events if not isinstance(e, MessageWithdrawn) and _message_id(e) in withdrawn
    )
    claimed = deps.store.claim_items([claim_for(e, now) for e in governed])
    for event, fresh in zip(governed, claimed, strict=True):
        if not fresh:
            report.duplicates += 1
            continue
        try:
            run(event, deps)
            report.processed += 1
        except DeliveryFailed as err:
            report.retried += 1
            log.warning("archive event %s to be retried: %s", event.event_id, err)
            if deps.dispatcher is not None:
                deps.dispatcher.dispatch([event])
    return report


def claim_for(event: Event, now: float) -> Item:
    """The item whose first write claims `event`: the same one ingress would write."""
    item = claim_item(event, now)
    if item is not None:
        return item
    return Item(
        keys.event_claim_pk(event.platform, event.claim_key),
        keys.EVENT_CLAIM_SK,
        expires_at=math.ceil(now + EVENT_CLAIM_TTL),
    )


def _record_consent(event: ConsentChanged, deps: Deps, now: float) -> None:
    deps.store.put_item(
        Item(
            keys.archive_pk(event.platform, event.tenant),
            keys.archive_consent_sk(event.user),
            data={"agreed": event.agreed, "at": event.occurred_at, "chat": event.chat, "seen": now},
            expires_at=int(now + CONSENT_SECONDS),
        )
    )


def _message_id(event: Event) -> str:
    if isinstance(event, MessagePosted):
        return event.message_id
    return str(getattr(event, "message_id", "") or "")
