"""Row 5: what an ordinary message costs in DynamoDB, through ingress and the worker, against a
`DynamoStore` on the embedded DynamoDB (moto's server on loopback, local/dynamo.py).

What is measured: a member posts ordinary (clean) messages in a Slack channel, a few seconds apart.
Each message is signed as Slack signs it, goes through `chalicelib.ingress.handle` (verify, parse, the
exactly-once claim) and then through the worker's `process` (load context, every domain's handlers, the
whole rule set, persist), exactly as the inline dispatcher would run it, but called here so that a
failure raises. The store's `usage` counts the calls per operation; reads are GetItem, Query, Scan,
BatchGetItem and TransactGetItems, writes every other call. The first message is a warm-up: it registers
the group and reads the policy, which a warm container then keeps in memory (the group for 5 minutes,
the policy for 1 minute), and records the member's activity (written again at most hourly). The figures
are the mean over the following messages: the steady state of a warm container.

Two policies: the shipped default, and the default with `jobs.activity: off` for the group. They cost the
same: an ordinary message's exactly-once claim is its message-log entry (chalicelib/store/message_log.py),
and `jobs.activity` decides only whether the jobs count it. The messages fall in the middle of a 5-minute
moderation window: in the first 12.5 s of each, a message also reads the previous window's item (the
sliding flood window's look-back, chalicelib/moderation/signals.py), one more read for about 4 % of a
steady stream's messages. There is no peer on these rows: they hold qunguan to its own budget
(DESIGN.md section 6: at most 1 read and 2 writes per ordinary message). A recording fake of the
messenger APIs on loopback stands in for Slack, in case a handler calls out; the run checks that an
ordinary message made no call.
"""

from __future__ import annotations

import itertools
import os
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bench import Row
from chalicelib.bootstrap import Deps
from chalicelib.clock import FrozenClock
from chalicelib.core.events import Event
from chalicelib.core.ids import group_id
from chalicelib.core.policy import PolicyError
from chalicelib.ingress import handle
from chalicelib.kernel.policies import PolicyRepo
from chalicelib.settings import Settings
from chalicelib.store import keys
from chalicelib.store.dynamodb import READ_OPERATIONS, DynamoStore
from chalicelib.worker.pipeline import process
from local.demo_settings import DEMO_SETTINGS
from local.dynamo import EmbeddedDynamo, start_dynamodb
from local.fakes.server import FakeMessengers
from local.peers import slack as slack_peer

CHANNEL = "C0QGCOST"
MEMBER = "U0QGCOST1"
SECONDS_BETWEEN = 2  # all messages inside the policy cache's minute: the steady state
ACTIVITY_OFF = "jobs:\n  activity: off\n"
TEXTS = (
    "早上好，今天的站会 9:30 开始。",
    "Can someone review PR 482 before lunch?",
    "周报模板已经更新，请大家按新格式填写。",
    "The staging deploy finished, please retest your tickets.",
    "下午三点和客户开会，需要准备一下演示环境。",
)
_tables = itertools.count()


@dataclass(frozen=True)
class Measured:
    warm_up: Counter[str]  # the first message's calls (group and policy not cached yet)
    calls: Counter[str]  # the following messages' calls, all together
    messages: int

    def per_message(self, reads: bool) -> float:
        chosen = (n for op, n in self.calls.items() if (op in READ_OPERATIONS) == reads)
        return sum(chosen) / self.messages


class _Collect:
    """A dispatcher that keeps the events; the bench runs the worker on them itself."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def dispatch(self, events: Sequence[Event]) -> None:
        self.events.extend(events)


def _message(clock: FrozenClock, index: int) -> Any:
    now = int(clock.now())
    event = {
        "type": "message",
        "channel": CHANNEL,
        "channel_type": "channel",
        "user": MEMBER,
        "text": f"{TEXTS[index % len(TEXTS)]} ({index})",
        "ts": f"{now}.{index:06d}",
        "event_ts": f"{now}.{index:06d}",
    }
    envelope = slack_peer.envelope(event, event_time=now)
    return slack_peer.event_request(envelope, DEMO_SETTINGS["SLACK_SIGNING_SECRET"], timestamp=now)


def _send(deps: Deps, dispatcher: _Collect, request: Any, *, first: bool = False) -> None:
    """One message through ingress and the worker. The group's `first` message may be acted on: the bot
    describes a group it sees for the first time and asks whoever can govern it to set it up."""
    reply = handle("slack.events", request.to_inbound(), deps)
    assert reply.status == 200, reply.body
    events, dispatcher.events = dispatcher.events, []
    assert len(events) == 1, f"expected one new event, got {len(events)}"
    for event in events:
        outcome = process(event, deps)
        assert first or not outcome.decision.actions, f"an ordinary message was acted on: {outcome.decision}"


def measure(dynamo: EmbeddedDynamo, fake: FakeMessengers, messages: int, override: str | None) -> Measured:
    """A fresh table and container; `override` is the group's policy override (YAML), if any."""
    table = f"qunguan-bench-{os.getpid()}-{next(_tables)}"
    dynamo.create_table(table)
    now = int(time.time())
    clock = FrozenClock(float(now - now % 300 + 100))  # mid-way through a moderation window (see above)
    values: dict[str, Any] = {key.lower(): value for key, value in DEMO_SETTINGS.items()}
    values.update(fake.settings(), qg_table_name=table, qg_dispatch="inline")
    settings = Settings(_env_file=None, **values)
    store = DynamoStore(table, client=dynamo.client(), clock=clock)
    if override is not None:
        scope = keys.group_policy_scope(group_id("slack", slack_peer.TEAM, CHANNEL))
        PolicyRepo(store).apply(scope, override, author="bench", now=clock.now())
    dispatcher = _Collect()
    deps = Deps(settings=settings, clock=clock, store=store, dispatcher=dispatcher)
    store.usage.reset()
    _send(deps, dispatcher, _message(clock, 0), first=True)
    warm_up = Counter(store.usage.calls)
    store.usage.reset()
    fake.clear()  # the warm-up may ask Slack once who the bot is (auth.test, cached per team)
    for index in range(1, messages + 1):
        clock.advance(SECONDS_BETWEEN)
        _send(deps, dispatcher, _message(clock, index))
    assert not fake.sent(), "an ordinary message called the messenger API"
    return Measured(warm_up, Counter(store.usage.calls), messages)


def _calls(calls: Counter[str], per: int = 1) -> str:
    return ", ".join(f"{operation} {count / per:g}" for operation, count in sorted(calls.items()))


def main(*, quick: bool = False) -> list[Row]:
    messages = 3 if quick else 20
    dynamo = start_dynamodb()
    fake = FakeMessengers().start()
    try:
        default = measure(dynamo, fake, messages, None)
        try:
            quiet: Measured | None = measure(dynamo, fake, messages, ACTIVITY_OFF)
        except PolicyError as exc:  # the setting is another team's: say so rather than fail the row
            print(f"  cost: `jobs.activity: off` is not a valid override here: {exc}")
            quiet = None
    finally:
        fake.stop()
        dynamo.stop()
    for label, measured in (("default policy", default), ("jobs.activity off", quiet)):
        if measured is not None:
            print(
                f"  cost, {label}: per ordinary message (mean of {messages}, warm container): "
                f"{_calls(measured.calls, messages)}; the warm-up message: {_calls(measured.warm_up)}"
            )
    rows = [
        Row(
            "cost: DynamoDB reads per ordinary message, default policy (aim ≤ 1)",
            "reads/message",
            default.per_message(reads=True),
        ),
        Row(
            "cost: DynamoDB writes per ordinary message, default policy (aim ≤ 2)",
            "writes/message",
            default.per_message(reads=False),
        ),
    ]
    rows += [
        Row(
            "cost: DynamoDB reads per ordinary message, jobs.activity off (aim ≤ 1)",
            "reads/message",
            None if quiet is None else quiet.per_message(reads=True),
        ),
        Row(
            "cost: DynamoDB writes per ordinary message, jobs.activity off (aim ≤ 2)",
            "writes/message",
            None if quiet is None else quiet.per_message(reads=False),
        ),
    ]
    return rows
