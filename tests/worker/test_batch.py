"""The batch path's own contract, through its seam (`run`, today the pipeline's `process`): claims made
at once and honoured, withdrawals and consent, a delivery to retry handed back to the queue, and the
page's counters written even when a page stops half-way."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import pytest

from chalicelib.bootstrap import Deps
from chalicelib.clock import FrozenClock
from chalicelib.core.events import ConsentChanged, Event, MessagePosted, MessageWithdrawn
from chalicelib.kernel.deps import Deps as KernelDeps
from chalicelib.kernel.executor import DeliveryFailed
from chalicelib.settings import Settings
from chalicelib.store import keys
from chalicelib.store.memory import MemoryStore
from chalicelib.store.records import Item
from chalicelib.worker.batch import MAX_MESSAGE_AGE, moderate

NOW = 1_750_000_000.0
ROOM = "wr1"


class Queue:
    def __init__(self) -> None:
        self.events: list[Event] = []

    def dispatch(self, events: Sequence[Event]) -> None:
        self.events.extend(events)


def deps() -> Deps:
    clock = FrozenClock(NOW)
    made = Deps(Settings(_env_file=None), clock=clock, store=MemoryStore(clock=clock))
    made.dispatcher = Queue()
    return made


def posted(n: int, *, user: str = "zhangsan", at: float = NOW - 10) -> MessagePosted:
    return MessagePosted(
        platform="wecom",
        tenant="corp",
        event_id=f"m{n}",
        occurred_at=at,
        chat=ROOM,
        user=user,
        message_id=f"m{n}",
        text=f"message {n}",
    )


def test_each_event_runs_once_however_often_its_page_is_handed_on() -> None:
    d, ran = deps(), []
    page = [posted(1), posted(2)]
    first = moderate(page, d, run=lambda event, page_deps: ran.append(event.event_id))
    again = moderate(page, d, run=lambda event, page_deps: ran.append(event.event_id))
    assert ran == ["m1", "m2"]
    assert (first.processed, again.processed, again.duplicates) == (2, 0, 2)


def test_a_message_withdrawn_in_the_same_page_is_not_run_and_consent_is_recorded() -> None:
    d, ran = deps(), []
    withdrawal = MessageWithdrawn(
        platform="wecom",
        tenant="corp",
        event_id="r1",
        occurred_at=NOW,
        chat=ROOM,
        user="zhangsan",
        message_id="m1",
    )
    consent = ConsentChanged(
        platform="wecom", tenant="corp", event_id="c1", occurred_at=NOW, chat=ROOM, user="wmEXT", agreed=False
    )
    report = moderate([posted(1), posted(2), withdrawal, consent], d, run=lambda e, p: ran.append(e.event_id))
    assert ran == ["m2"] and (report.withdrawn, report.consents) == (1, 1)
    item = d.store.get_item(keys.archive_pk("wecom", "corp"), keys.archive_consent_sk("wmEXT"))
    assert item is not None and item.data["agreed"] is False


def withdrawal(n: int, *, of: int) -> MessageWithdrawn:
    return MessageWithdrawn(
        platform="wecom",
        tenant="corp",
        event_id=f"r{n}",
        occurred_at=NOW,
        chat=ROOM,
        user="zhangsan",
        message_id=f"m{of}",
    )


def test_the_withdrawal_of_an_earlier_pages_message_runs_after_the_pages_own_messages() -> None:
    d, ran = deps(), []
    page = [withdrawal(0, of=0), posted(1), posted(2), withdrawal(2, of=2), posted(3)]
    report = moderate(page, d, run=lambda event, page_deps: ran.append(event.event_id))
    assert ran == ["m1", "m3", "r0"]  # m2 was withdrawn within the page: neither it nor r2 runs
    assert (report.received, report.withdrawn, report.processed) == (5, 1, 3)


def test_each_message_is_judged_at_its_own_time_within_the_archives_reach() -> None:
    d, seen = deps(), []
    page = [posted(1, at=NOW - 600), posted(2, at=0.0), posted(3, at=NOW - MAX_MESSAGE_AGE - 60)]
    moderate(page, d, run=lambda event, page_deps: seen.append(page_deps.clock.now()))
    assert seen == [NOW - 600, NOW, NOW]  # a missing or too old time reads as the pull's


def test_a_delivery_to_retry_goes_back_through_the_queue_and_the_page_goes_on() -> None:
    d, ran = deps(), []

    def run(event: Event, page_deps: KernelDeps) -> None:
        ran.append(event.event_id)
        if event.event_id == "m1":
            raise DeliveryFailed("429 from WeCom")

    report = moderate([posted(1), posted(2)], d, run=run)
    assert ran == ["m1", "m2"] and report.retried == 1
    assert [e.event_id for e in d.dispatcher.events] == ["m1"]  # type: ignore[union-attr]


def test_a_page_that_stops_half_way_still_writes_its_counters() -> None:
    d = deps()
    pk = keys.moderation_window_pk(posted(1).gid)

    def run(event: Event, page_deps: KernelDeps) -> None:
        page_deps.store.bump_counters(
            pk, keys.moderation_window_sk(1), {"n": 1}, {}, expires_at=int(NOW + 600)
        )
        if event.event_id == "m2":
            raise RuntimeError("a bug")

    with pytest.raises(RuntimeError):
        moderate([posted(1), posted(2), posted(3)], d, run=run)
    stored = d.store.get_item(pk, keys.moderation_window_sk(1))
    assert stored is not None and stored.data["n"] == 2


def test_a_page_stopped_half_way_leaves_the_rest_to_the_next_pull_as_redeliveries() -> None:
    d, ran, reran = deps(), [], []

    def dies_at_m3(event: Event, page_deps: KernelDeps) -> None:
        if event.event_id == "m3":
            raise RuntimeError("the worker died")
        ran.append(event.event_id)

    page = [posted(1), posted(2), posted(3), posted(4)]
    with pytest.raises(RuntimeError):
        moderate(page, d, run=dies_at_m3)
    longer = [*page, posted(5)]  # the next pull may bring more than the page it failed on
    report = moderate(
        longer,
        d,
        run=lambda event, page_deps: ran.append(event.event_id),
        rerun=lambda event, page_deps: reran.append(event.event_id),
    )
    assert (ran, reran) == (["m1", "m2", "m5"], ["m3", "m4"])
    assert (report.processed, report.resumed, report.duplicates) == (3, 2, 2)
    moderate(longer, d, run=lambda event, page_deps: ran.append(event.event_id))
    assert ran == ["m1", "m2", "m5"]  # finished: the page's mark is gone
    assert list(d.store.query_items(keys.archive_pk("wecom", "corp"), prefix="PAGE#")) == []


class Counted(MemoryStore):
    """The memory store, counting reads and writes by the kind of key (its partition key's prefix)."""

    def __init__(self, clock: FrozenClock) -> None:
        super().__init__(clock=clock)
        self.reads: Counter[str] = Counter()
        self.writes: Counter[str] = Counter()

    def get_item(self, pk: str, sk: str) -> Item | None:
        self.reads[pk.split("#", 1)[0]] += 1
        return super().get_item(pk, sk)

    def put_item(self, item: Item, *, if_absent: bool = False) -> bool:
        self.writes[f"{item.pk.split('#', 1)[0]}/{item.sk.split('#', 1)[0]}"] += 1
        return super().put_item(item, if_absent=if_absent)


def counted() -> tuple[Deps, Counted]:
    clock = FrozenClock(NOW)
    store = Counted(clock)
    return Deps(Settings(_env_file=None), clock=clock, store=store), store


def test_the_page_reads_the_groups_policy_once_though_its_messages_span_minutes() -> None:
    d, store = counted()
    page = [posted(n, at=NOW - 600 + 2 * n) for n in range(300)]  # ten minutes of messages
    report = moderate(page, d)
    assert report.processed == 300
    assert store.reads["POL"] == 2  # the org's policy and the group's own, each once


def test_a_page_that_claims_all_it_holds_writes_its_mark_once() -> None:
    d, store = counted()
    moderate([posted(n) for n in range(30)], d, run=lambda event, page_deps: None)
    assert store.writes["ARCHIVE/PAGE"] == 1
    assert list(d.store.query_items(keys.archive_pk("wecom", "corp"), prefix="PAGE#")) == []
