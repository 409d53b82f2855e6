"""The outbox in the pipeline: a redelivered event finishes its stored decision and never decides again;
each recipient of a card is a step of its own; an ordinary message costs no outbox read or write, and a
decision that acts costs one outbox write plus one per step; the consumer treats a record received
before, or replayed, as a redelivery, and stops a FIFO group at its first failure in a batch."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

import pytest

from chalicelib.adapters.base import Sent, Target
from chalicelib.bootstrap import Deps
from chalicelib.clock import FrozenClock
from chalicelib.core import codec
from chalicelib.core.actions import Action, Decision, Lifetime, Mute, PostCard, PostImage, SendDirect
from chalicelib.core.cards import Button, Card
from chalicelib.core.events import MessagePosted
from chalicelib.core.facts import CaseOpened
from chalicelib.core.records_codec import RecordCodecError, from_data, to_data
from chalicelib.errors import MessengerError
from chalicelib.kernel.act import act, event_claim
from chalicelib.kernel.executor import DeliveryFailed
from chalicelib.kernel.outbox import ACTION_KINDS, LEASE_SECONDS, Outbox, steps_of
from chalicelib.kernel.where import where_of
from chalicelib.settings import Settings
from chalicelib.store.memory import MemoryStore
from chalicelib.worker import pipeline
from chalicelib.worker.pipeline import process
from chalicelib.worker.sqs import handle_batch, redelivered
from tests.support.messenger import RecordingMessenger

T0 = 1_700_000_000.0
CARD = Card(
    "case:9",
    "违规处理",
    "正文",
    buttons=(Button("警告", "mod.warn", "C1|9|sig"),),
    fields=(("规则", "刷屏"),),
)


@dataclass
class FlakyMessenger(RecordingMessenger):
    """Fails every send to the users in `down` (as a client whose retries ran out would)."""

    down: set[str] = field(default_factory=set)

    def _record(self, verb: str, **kwargs: Any) -> Sent:
        target = kwargs.get("target")
        user = kwargs.get("user") or (target.user if isinstance(target, Target) else "")
        if user in self.down:
            raise MessengerError("slack", verb, "HTTP 503 after 4 attempts", retryable=True)
        return super()._record(verb, **kwargs)


def make() -> tuple[Deps, FlakyMessenger]:
    messenger = FlakyMessenger()
    clock = FrozenClock(T0)
    deps = Deps(
        settings=Settings(_env_file=None),
        clock=clock,
        store=MemoryStore(clock=clock),
        messenger_factory=lambda platform: messenger,
    )
    return deps, messenger


def said(text: str, event_id: str = "e1") -> MessagePosted:
    return MessagePosted(
        platform="slack",
        tenant="T1",
        event_id=event_id,
        occurred_at=T0,
        chat="C1",
        user="U1",
        message_id=event_id,
        text=text,
        mentions_bot=True,
    )


def moderation_decision() -> Decision:
    return Decision(
        (
            Mute(chat="C1", user="U1", seconds=600, explained=True, reason="moderation.rule.flood"),
            PostCard(card=CARD, users=("UADMIN1", "UADMIN2"), reason="moderation.notify_admins"),
            SendDirect(user="U1", text="请勿刷屏", reason="moderation.rule.flood"),
        ),
        audit={"case": "9"},
    )


def sent_to(messenger: RecordingMessenger) -> list[str]:
    found = []
    for _, kwargs in messenger.calls:
        target = kwargs.get("target")
        found.append(str(kwargs.get("user") or (target.user if isinstance(target, Target) else "")))
    return found


def test_a_card_to_two_admins_is_a_step_per_admin() -> None:
    steps = steps_of(moderation_decision().actions)
    assert [(s.position, s.part_of) for s in steps] == [(0, 0), (1, 1), (2, 1), (3, 2)]
    assert [getattr(s.action, "users", ()) for s in steps[1:3]] == [("UADMIN1",), ("UADMIN2",)]


def test_a_redelivery_sends_only_what_failed_and_records_once() -> None:
    deps, messenger = make()
    event = said("flood")
    recorded: list[tuple[str, ...]] = []
    where = where_of(deps, event)
    messenger.down = {"UADMIN2"}

    def after(decision: Decision, results: tuple[Any, ...]) -> None:
        recorded.append(tuple(r.status for r in results))

    first = act(deps, where, moderation_decision(), after=after)
    assert first.retryable and not first.recorded and recorded == []  # nothing recorded half-way
    assert messenger.verbs() == ["mute_member", "post_card", "send_direct"]  # admin 2's card failed
    assert sent_to(messenger) == ["U1", "UADMIN1", "U1"]

    messenger.down = set()
    again = act(deps, where, Decision((SendDirect(user="U1", text="a decision taken afresh"),)), after=after)
    assert again.recorded and not again.retryable
    assert sent_to(messenger) == ["U1", "UADMIN1", "U1", "UADMIN2"]  # admin 2 only; the new decision ignored
    assert recorded == [("done", "done", "done")]  # once, with every recipient's result folded in

    third = act(deps, where, moderation_decision(), after=after)
    assert not third.recorded and sent_to(messenger) == ["U1", "UADMIN1", "U1", "UADMIN2"]
    (audit,) = deps.store.list_audit(event.gid)
    assert audit.outcome == "done" and audit.event_type == "MessagePosted"


def test_a_redelivered_event_is_not_decided_again(monkeypatch: pytest.MonkeyPatch) -> None:
    deps, messenger = make()
    messenger.fail_with = MessengerError("slack", "chat.postMessage", "503", retryable=True)
    with pytest.raises(DeliveryFailed):
        process(said("help"), deps)
    messenger.fail_with = None

    def decide_again(*args: Any) -> Decision:
        raise AssertionError("a redelivery decided again")

    monkeypatch.setattr(pipeline, "decide", decide_again)
    outcome = process(said("help"), deps, redelivered=True)
    assert messenger.verbs() == ["post_text"] and outcome.results[0].status == "done"


class Killed(BaseException):
    """The Lambda runtime ending the worker (a timeout, an out-of-memory): nothing after it runs."""


def test_a_worker_killed_between_its_last_step_and_its_recording_is_recorded_by_the_redelivery(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    deps, messenger = make()
    clock = deps.clock
    assert isinstance(clock, FrozenClock)
    event = said("flood")
    where = where_of(deps, event)
    recorded: list[tuple[str, ...]] = []
    kill = [True]

    def after(decision: Decision, results: tuple[Any, ...]) -> None:
        recorded.append(tuple(r.status for r in results))
        if kill.pop() if kill else False:
            raise Killed

    with monkeypatch.context() as killed:  # a killed worker gives nothing back: its lease has to lapse
        killed.setattr(Outbox, "release", lambda self, entry: None)
        with pytest.raises(Killed):
            act(deps, where, moderation_decision(), after=after)
    stored = Outbox(deps.store).load(event_claim(event))
    assert stored is not None and not stored.open_steps and not stored.recorded
    assert deps.store.list_audit(event.gid) == []  # the kill came before the audit

    busy = act(deps, where, moderation_decision(), after=after)  # redelivered while the lease still holds
    assert busy.busy and len(recorded) == 1

    clock.advance(LEASE_SECONDS + 1)
    again = act(deps, where, moderation_decision(), after=after)
    assert again.recorded and len(recorded) == 2 and recorded[-1] == ("done", "done", "done")
    assert messenger.verbs() == ["mute_member", "post_card", "post_card", "send_direct"]  # nothing resent
    (audit,) = deps.store.list_audit(event.gid)
    assert audit.outcome == "done"

    third = act(deps, where, moderation_decision(), after=after)
    assert not third.recorded and len(recorded) == 2  # recorded: no later processing records it again


def test_an_ordinary_message_costs_no_outbox_read_or_write() -> None:
    deps, _ = make()
    store = deps.store
    assert isinstance(store, MemoryStore)
    for n, text in enumerate(("早上好", "今天的站会 9:30 开始", "周报模板已经更新")):
        process(replace(said(text, event_id=f"e{n}"), mentions_bot=False), deps)
    assert not [key for key in store._items if str(key[0]).startswith("OUT#")]


def test_a_decision_that_acts_costs_one_outbox_write_and_one_per_step() -> None:
    deps, _ = make()
    store = deps.store
    assert isinstance(store, MemoryStore)
    event = said("flood")
    where = where_of(deps, event)
    store.usage.reset()
    act(deps, where, moderation_decision())
    writes = store.usage.calls.get("PutItem", 0) + store.usage.calls.get("UpdateItem", 0)
    # The stored decision, one settle per step (the last one marks the recording pending), the audit
    # record every decision that acts had before the outbox, and the mark that it is recorded.
    assert writes == 1 + 4 + 1 + 1
    assert store.usage.calls.get("GetItem", 0) == 0  # nothing read back on the first processing


def test_the_stored_decision_keeps_every_action_field() -> None:
    keep = Lifetime("notice", T0 + 60, title="公告", source="ann:1")
    action = PostCard(card=CARD, chat="C1", users=("U2",), keep=keep, reason="r", rule="flood")
    assert from_data(type(action).__mro__[1], to_data(action), ACTION_KINDS) == action
    with pytest.raises(RecordCodecError):
        from_data(type(action).__mro__[1], {**to_data(action), "type": "Launch"}, ACTION_KINDS)


def test_an_image_is_stored_as_base64_text_and_read_back_as_its_bytes() -> None:
    chart = PostImage(
        users=("UADMIN1", "UADMIN2"), name="trend.png", png=b"\x89PNG\r\n\x1a\n\x00", caption="趋势"
    )
    stored = to_data(chart)
    assert stored["png"] == "iVBORw0KGgoA" and json.loads(json.dumps(stored)) == stored
    assert from_data(Action, stored, ACTION_KINDS) == chart
    assert [getattr(s.action, "users", ()) for s in steps_of((chart,))] == [
        ("UADMIN1",),
        ("UADMIN2",),
    ]  # a step each
    with pytest.raises(RecordCodecError):
        from_data(Action, {**stored, "png": "not base64!"}, ACTION_KINDS)


def test_a_record_received_before_or_replayed_is_a_redelivery() -> None:
    assert not redelivered({"attributes": {"ApproximateReceiveCount": "1"}})
    assert redelivered({"attributes": {"ApproximateReceiveCount": "2"}})
    assert redelivered({"attributes": {}, "messageAttributes": {"qg-replayed": {"stringValue": "1"}}})


def test_a_fifo_group_stops_at_its_first_failure_and_the_others_go_on() -> None:
    deps, messenger = make()
    messenger.fail_with = None
    records = [
        {"messageId": "m1", "body": "not an event", "attributes": {"MessageGroupId": "g1"}},
        {"messageId": "m2", "body": codec.dumps(said("help", "e2")), "attributes": {"MessageGroupId": "g1"}},
        {"messageId": "m3", "body": codec.dumps(said("help", "e3")), "attributes": {"MessageGroupId": "g2"}},
    ]
    answer = handle_batch(records, deps)
    assert answer == {"batchItemFailures": [{"itemIdentifier": "m1"}, {"itemIdentifier": "m2"}]}
    assert messenger.verbs() == ["post_text"]  # g2's record only; g1's second waits for its first


def test_the_outbox_is_keyed_by_the_events_claim() -> None:
    deps, _ = make()
    event = said("flood")
    act(deps, where_of(deps, event), moderation_decision())
    stored = Outbox(deps.store).load(event_claim(event))
    assert stored is not None and stored.recorded and len(stored.results) == 4


def test_a_jobs_notices_that_failed_part_way_are_finished_by_its_next_run_not_repeated() -> None:
    from chalicelib.kernel.where import job_where
    from chalicelib.membership.acting import act as job_act

    deps, messenger = make()
    notices = [
        SendDirect(user=f"U{n}", text="你已 60 天未发言", reason="membership.inactive.nudge")
        for n in range(3)
    ]
    messenger.down = {"U1"}
    run = job_where(deps, "slack:T1:C1", job="inactivity", key="2026-12-07")
    first = job_act(deps, run, notices, at=T0, what="inactivity notices")
    assert [r.status for r in first] == ["done", "failed", "done"] and first[1].retryable
    assert deps.store.list_audit("slack:T1:C1") == []

    messenger.down = set()
    again = job_where(deps, "slack:T1:C1", job="inactivity", key="2026-12-07")
    second = job_act(deps, again, notices, at=T0 + 300, what="inactivity notices")
    assert [r.status for r in second] == ["done", "done", "done"]
    assert sent_to(messenger) == ["U0", "U2", "U1"]  # U1 once, on the next run; nobody twice
    (audit,) = deps.store.list_audit("slack:T1:C1")
    assert audit.actor == "inactivity" and audit.outcome == "done"


def test_a_decisions_facts_and_typed_fields_are_kept_with_it_for_the_redelivery() -> None:
    deps, messenger = make()
    event = said("flood")
    decision = replace(
        moderation_decision(), facts=(CaseOpened("9", ("flood",)),), refused="", retry="archive: 503"
    )
    messenger.down = {"U1"}
    act(deps, where_of(deps, event), decision)
    stored = Outbox(deps.store).load(event_claim(event))
    assert stored is not None
    assert stored.decision.facts == (CaseOpened("9", ("flood",)),) and stored.decision.retry == "archive: 503"
