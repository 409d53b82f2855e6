"""A page of events from a message archive, moderated as a batch (WeCom's 会话内容存档).

    withdrawals:  a message withdrawn within the same page is not acted on (`MessageWithdrawn`); the
                  withdrawal of a message of an earlier page runs like any event, so that the case
                  about it, if one waits for the admins, is closed (`chalicelib.moderation.withdrawals`)
    consent:      an external contact's agree / disagree is recorded (`ConsentChanged`)
    claims:       every other event's claim, its message-log item or its `EVT#` item, in one
                  `Store.claim_items` call (BatchGetItem of 100, BatchWriteItem of 25): an event already
                  claimed, by an earlier pull of the same page, is not processed again, unless that
                  pull stopped before acting on it (`page_marks`: the page's mark lists what it claimed
                  and has not finished); then it runs again as a redelivery, which finishes its stored
                  decision through the outbox and never decides again
    members:      read for the whole page at once, per group (BatchGetItem of 100)
    each event through `run`, the worker's `pipeline.process`, whose `act()` carries the decision out
                  through the outbox under the message's own claim (`rerun`: the same, as a
                  redelivery), with the page's dependencies: the `PageStore` (flood and duplicate
                  counters once per group and window, activity once per member) and a clock that reads
                  the message's own time, since a page may hold messages posted minutes apart and their
                  flood and duplicate windows are those of when they were posted, not of the pull
    flush:        the page's counters and activity, written once
    an event whose delivery failed in a way worth retrying goes back through the dispatcher (the queue,
                  in production), so its retry does not hold up the page

The group and its policy come from the worker's caches (one read each per container and minute, not per
message), which the page sees in real time (`RealTimeCache`): with the page's clock of each message's own
time, a page of messages posted over four minutes would have read the policy again at every minute.

The claims are written before the events run, inside the page's mark: a worker that dies in the middle
of a page leaves the rest of it claimed and marked, and the next pull acts on it, once.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

from chalicelib.cache import TtlCache
from chalicelib.clock import Clock
from chalicelib.core.events import ConsentChanged, Event, MessagePosted, MessageWithdrawn
from chalicelib.files import wiring
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.executor import DeliveryFailed
from chalicelib.store import keys
from chalicelib.store.base import EVENT_CLAIM_TTL
from chalicelib.store.message_log import claim_item
from chalicelib.store.records import Item
from chalicelib.worker.page_marks import PageMark, digest
from chalicelib.worker.page_store import PageStore

log = logging.getLogger("qunguan.worker.batch")
V = TypeVar("V")

Runner = Callable[[Event, Deps], object]
CONSENT_SECONDS = 400 * 86400  # consent is kept a little over a year after it was last seen
# A message's own time is trusted back this far (the archive keeps about 5 days); an older or missing
# time (the vendor's samples say 0) is read as the time of the pull.
MAX_MESSAGE_AGE = 6 * 86400


@dataclass
class BatchReport:
    received: int = 0
    processed: int = 0
    duplicates: int = 0
    withdrawn: int = 0
    consents: int = 0
    retried: int = 0
    resumed: int = 0  # claimed by an earlier pull that stopped before acting on them
    left: int = 0  # claimed, and left to the next pull by a page that stopped


class MessageClock:
    """The clock of a page: the time of the message being moderated, never later than the real clock."""

    def __init__(self, real: Clock) -> None:
        self.real = real
        self._at: float | None = None

    def at(self, occurred_at: float) -> None:
        now = self.real.now()
        self._at = occurred_at if now - MAX_MESSAGE_AGE < occurred_at <= now else now

    def now(self) -> float:
        return self._at if self._at is not None else self.real.now()


def moderate(
    events: Sequence[Event], deps: Deps, *, run: Runner | None = None, rerun: Runner | None = None
) -> BatchReport:
    """Moderate one page. `run` takes an event the page claimed; `rerun` one an earlier, unfinished
    page claimed (by default the pipeline's `process`, as a redelivery; `run` when only `run` is given)."""
    if run is None:
        from chalicelib.worker.pipeline import process

        run = process
        rerun = rerun or partial(process, redelivered=True)
    rerun = rerun or run
    report = BatchReport(received=len(events))
    now = deps.clock.now()
    kept, consents, report.withdrawn = _sort(events)
    for consent in consents:
        _record_consent(consent, deps, now)
    report.consents = len(consents)
    mark, todo = _claim(kept, deps, now)
    fresh = [event for event, _, _ in todo]
    report.duplicates = len(kept) - len(fresh)
    report.resumed = sum(again for _, _, again in todo)

    page_store = PageStore(deps.store, deps.clock)
    clock = MessageClock(deps.clock)
    page = page_deps(deps, page_store, clock)
    for gid, uids in _members_by_group(fresh).items():
        page_store.preload_members(gid, uids)
    try:
        for n, (event, _, again) in enumerate(todo):
            clock.at(event.occurred_at)
            try:
                (rerun if again else run)(event, page)
                report.processed += 1
            except DeliveryFailed as err:
                report.retried += 1
                log.warning("archive event %s to be retried: %s", event.event_id, err)
                if deps.dispatcher is not None:
                    deps.dispatcher.dispatch([event])
            except Exception:
                report.left = len(todo) - n
                mark.keep(listed for _, listed, _ in todo[n:])
                log.exception(
                    "archive page stopped at %s: %d claimed event(s) left to the next pull: %s",
                    event.event_id,
                    report.left,
                    ",".join(e.event_id for e in fresh[n:])[:2000],
                )
                raise
    finally:
        page_store.flush()
    mark.close()
    return report


def _sort(events: Sequence[Event]) -> tuple[list[Event], list[ConsentChanged], int]:
    """The page's events to claim and run, in order (its own messages, less those withdrawn within the
    page, then the withdrawals of earlier pages' messages), its consents, and how many it withdrew. One
    pass over the page; the withdrawals, usually none, are matched only when there are some."""
    governed: list[Event] = []
    consents: list[ConsentChanged] = []
    withdrawals: list[MessageWithdrawn] = []
    for event in events:
        if isinstance(event, MessageWithdrawn):
            withdrawals.append(event)
        elif isinstance(event, ConsentChanged):
            consents.append(event)
        else:
            governed.append(event)
    if not withdrawals:
        return governed, consents, 0
    withdrawn = {e.message_id for e in withdrawals}
    kept = [e for e in governed if _message_id(e) not in withdrawn]
    in_page = {_message_id(e) for e in (*governed, *consents)}
    later = [e for e in withdrawals if e.message_id not in in_page]
    return kept + later, consents, len(governed) - len(kept)


def _claim(kept: Sequence[Event], deps: Deps, now: float) -> tuple[PageMark, list[tuple[Event, str, bool]]]:
    """The page's claims, inside its mark: each event to run, its claim's digest (what the mark lists),
    and whether an earlier page that stopped had claimed it (then it runs again as a redelivery). Each
    claim's digest is computed once."""
    claims = [claim_for(e, now) for e in kept]
    listed = [digest(claim) for claim in claims]
    mark = PageMark.open(deps.store, kept[0] if kept else None, listed[0] if listed else "", now)
    mark.hold(listed)
    claimed = deps.store.claim_items(claims)
    unfinished = mark.unfinished()
    todo = [
        (event, mine, not first)
        for event, mine, first in zip(kept, listed, claimed, strict=True)
        if first or mine in unfinished
    ]
    mark.keep(mine for _, mine, _ in todo)
    return mark, todo


def page_deps(deps: Deps, store: PageStore, clock: Clock) -> Deps:
    """The worker's dependencies for one page: its store and clock, the worker's caches (in real time) and
    clients."""
    page = deps.derive(store=store, clock=clock)
    page.groups = RealTimeCache(deps.groups, deps.clock)
    page.policies = RealTimeCache(deps.policies, deps.clock)
    page.setups = RealTimeCache(deps.setups, deps.clock)
    wiring.share(deps, page)
    return page


class RealTimeCache(TtlCache[V]):
    """One of the worker's caches, seen from a page: its entries age by the real clock, whatever time the
    page's clock says (the time of the message being moderated, up to days before the pull)."""

    def __init__(self, inner: TtlCache[V], clock: Clock) -> None:
        super().__init__(inner.ttl, inner.max_items)
        self._inner = inner
        self._clock = clock

    def get(self, key: str, now: float) -> V | None:
        return self._inner.get(key, self._clock.now())

    def put(self, key: str, value: V, now: float) -> None:
        self._inner.put(key, value, self._clock.now())

    def drop(self, key: str) -> None:
        self._inner.drop(key)


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


def _members_by_group(events: Sequence[Event]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for event in events:
        user = str(getattr(event, "user", "") or "")
        if event.chat and user:
            found.setdefault(event.gid, []).append(event.uid(user))
    return found


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
