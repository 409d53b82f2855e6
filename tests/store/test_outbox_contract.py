"""The outbox on both stores (MemoryStore and DynamoStore on moto): the conditional writes that make each
action happen once hold on the table as they do in the fake."""

from __future__ import annotations

from chalicelib.clock import FrozenClock
from chalicelib.core.actions import PostCard, Reply, SendDirect
from chalicelib.core.cards import Button, Card
from chalicelib.core.facts import AdminsTold, CaseDecided, Points
from chalicelib.kernel.executor import ActionResult
from chalicelib.kernel.outbox import LEASE_SECONDS, Claim, Entry, Outbox, new_owner
from chalicelib.store.base import Store
from tests.store.conftest import T0
from tests.store.test_contract import run_concurrently

CARD = Card(
    "case:1", "违规处理", "body", buttons=(Button("警告", "mod.warn", "v"),), fields=(("规则", "刷屏"),)
)


def entry(owner: str = "first", key: str = "T1#msg:C1:1") -> Entry:
    return Entry(
        claim=Claim("slack", key),
        at=T0,
        chat="C1",
        actions=(PostCard(card=CARD, users=("UADMIN1", "UADMIN2")), SendDirect(user="U1", text="请勿刷屏")),
        audit={"case": "1", "rules": ["flood"]},
        facts=(
            CaseDecided(
                ref="1",
                findings=({"rule": "flood", "points": 1.5},),
                policy_version=3,
                policy_revision="3",
                points=Points(before=0.5, added=1.5, total=2.0, at=T0),
                admins_told=AdminsTold(to=("UADMIN1", "UADMIN2"), why="group"),
            ),
        ),
        what="MessagePosted",
        actor="U1",
        owner=owner,
        lease_until=T0 + LEASE_SECONDS,
    )


def test_a_stored_decision_reads_back_as_it_was_stored(store: Store) -> None:
    outbox = Outbox(store)
    assert outbox.open(entry())
    loaded = outbox.load(Claim("slack", "T1#msg:C1:1"))
    assert loaded is not None
    assert loaded.actions == entry().actions and loaded.facts == entry().facts
    assert loaded.audit == entry().audit
    assert [step.part_of for step in loaded.steps] == [0, 0, 1]  # a card to two admins is two steps
    assert loaded.results == {} and not loaded.recorded


def test_a_decision_is_stored_once_whoever_stores_it(store: Store) -> None:
    outbox = Outbox(store)
    stored = run_concurrently(8, lambda i: outbox.open(entry(owner=f"worker{i}")))
    assert sorted(stored) == [False] * 7 + [True]


def test_a_step_is_settled_once_and_only_by_the_lease_holder(store: Store) -> None:
    outbox = Outbox(store)
    first = entry()
    outbox.open(first)
    step = first.steps[1]
    assert not outbox.settle(
        entry(owner="someone else"), step, ActionResult("PostCard", "done"), record=False
    )
    assert outbox.settle(first, step, ActionResult("PostCard", "done"), record=False)
    assert not outbox.settle(first, step, ActionResult("PostCard", "failed"), record=False)
    loaded = outbox.load(first.claim)
    assert (
        loaded is not None
        and loaded.results[1].status == "done"
        and [s.position for s in loaded.open_steps] == [0, 2]
    )


def test_the_step_that_settles_the_last_leaves_the_recording_pending_until_it_is_marked_done(
    store: Store,
) -> None:
    outbox = Outbox(store)
    first = entry()
    outbox.open(first)
    for step in first.steps:
        outbox.settle(
            first, step, ActionResult(type(step.action).__name__, "done"), record=step.position == 2
        )
    pending = outbox.load(first.claim)
    assert pending is not None and not pending.recorded and not pending.open_steps
    assert outbox.recorded(first)  # the hooks and the audit ran
    loaded = outbox.load(first.claim)
    assert loaded is not None and loaded.recorded
    assert not outbox.claim_recording(loaded)  # nobody records it a second time


def test_the_lease_is_taken_over_only_once_free_or_lapsed(store: Store, clock: FrozenClock) -> None:
    outbox = Outbox(store)
    first = entry()
    outbox.open(first)
    assert outbox.take(first, new_owner(), clock.now()) is None  # held, and not lapsed
    outbox.release(first)
    released = outbox.load(first.claim)
    assert released is not None
    taken = run_concurrently(4, lambda i: outbox.take(released, f"redelivery{i}", clock.now()))
    assert sum(t is not None for t in taken) == 1  # one redelivery goes on, the others wait
    holder = next(t for t in taken if t is not None)
    clock.advance(LEASE_SECONDS + 1)
    lapsed = outbox.load(first.claim)
    assert lapsed is not None and lapsed.owner == holder.owner
    assert outbox.take(lapsed, "after the lease", clock.now()) is not None


def test_a_reply_without_results_reads_back_with_none_settled(store: Store) -> None:
    outbox = Outbox(store)
    lone = Entry(
        claim=Claim("wecom", "corp#x"),
        at=T0,
        chat="",
        actions=(Reply(text="好"),),
        audit={},
        what="CommandIssued",
        actor="u",
        owner="o",
        lease_until=T0 + 1,
    )
    assert outbox.open(lone)
    loaded = outbox.load(lone.claim)
    assert (
        loaded is not None and loaded.results_by_action()[0].retryable
    )  # not done yet counts as worth retrying
