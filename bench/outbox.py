"""Rows: what the outbox costs in DynamoDB writes, per message, with and without actions.

The same path as the cost rows (bench/cost.py): Slack messages signed as Slack signs them, through
`chalicelib.ingress.handle` and the worker's `process`, against a `DynamoStore` on the embedded DynamoDB
(moto's server on loopback), after a warm-up message. Two streams in a group whose policy names two
admins:

- ordinary messages: no action, so no outbox read or write (the budget: 1 read, ≤ 2 writes in all);
- abusive messages, each from another member (so no flood or escalation changes the decision): each
  decides a deletion (Slack cannot delete without an admin token: asked of the member instead), a card
  to each admin and an explanation to the member, 4 steps; after a few, the group's violation spike
  alert is one more decision. The outbox's own writes are counted at its methods (the stored decision,
  one settle per step, the mark that it is recorded); its budget is 2 per decision + 1 per step. The
  message's total writes (its claim, the moderation window, the case and points, the audit record, ...)
  are reported beside them.

A recording fake of Slack's API on loopback answers the deliveries.
"""

from __future__ import annotations

import itertools
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import yaml

from bench import Row
from chalicelib.bootstrap import Deps
from chalicelib.clock import FrozenClock
from chalicelib.core.events import Event
from chalicelib.core.policy import default_policy_text
from chalicelib.ingress import handle
from chalicelib.kernel import outbox
from chalicelib.kernel.policies import PolicyRepo
from chalicelib.settings import Settings
from chalicelib.store import keys
from chalicelib.store.dynamodb import READ_OPERATIONS, DynamoStore
from chalicelib.worker.pipeline import process
from local.demo_settings import DEMO_SETTINGS
from local.dynamo import EmbeddedDynamo, start_dynamodb
from local.fakes.server import FakeMessengers
from local.peers import slack as slack_peer

CHANNEL = "C0QGOUTBOX"
ADMINS = ("U0QGADMIN1", "U0QGADMIN2")
ABUSE = "你是个傻逼"
_tables = itertools.count()
WRITES = (
    "open",
    "settle",
    "take",
    "release",
    "claim_recording",
    "recorded",
)  # the outbox's methods that write


class _Collect:
    def __init__(self) -> None:
        self.events: list[Event] = []

    def dispatch(self, events: Sequence[Event]) -> None:
        self.events.extend(events)


@contextmanager
def _counting_outbox() -> Iterator[Counter[str]]:
    """Count the outbox's own writes (its conditional put and updates), whatever else the message writes."""
    counts: Counter[str] = Counter()
    originals = {name: getattr(outbox.Outbox, name) for name in WRITES}

    def counted(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            counts[name] += 1
            if name == "open":  # the steps of each decision stored: the budget is 2 + 1 per step
                counts["(steps stored)"] += len(args[1].steps)
            return method(*args, **kwargs)

        return wrapper

    for name, method in originals.items():
        setattr(outbox.Outbox, name, counted(name, method))
    try:
        yield counts
    finally:
        for name, method in originals.items():
            setattr(outbox.Outbox, name, method)


def _message(clock: FrozenClock, index: int, user: str, text: str) -> Any:
    now = int(clock.now())
    event = {
        "type": "message",
        "channel": CHANNEL,
        "channel_type": "channel",
        "user": user,
        "text": text,
        "ts": f"{now}.{index:06d}",
        "event_ts": f"{now}.{index:06d}",
    }
    envelope = slack_peer.envelope(event, event_time=now)
    return slack_peer.event_request(envelope, DEMO_SETTINGS["SLACK_SIGNING_SECRET"], timestamp=now)


def _deps(dynamo: EmbeddedDynamo, fake: FakeMessengers, clock: FrozenClock) -> tuple[Deps, DynamoStore]:
    table = f"qunguan-bench-outbox-{os.getpid()}-{next(_tables)}"
    dynamo.create_table(table)
    values: dict[str, Any] = {key.lower(): value for key, value in DEMO_SETTINGS.items()}
    values.update(fake.settings(), qg_table_name=table, qg_dispatch="inline")
    store = DynamoStore(table, client=dynamo.client(), clock=clock)
    policy = {
        **yaml.safe_load(default_policy_text()),
        "admins": [f"slack:{slack_peer.TEAM}:{a}" for a in ADMINS],
    }
    PolicyRepo(store).apply(keys.ORG_SCOPE, yaml.safe_dump(policy, allow_unicode=True), author="bench", now=0)
    return Deps(settings=Settings(_env_file=None, **values), clock=clock, store=store), store


def measure(
    dynamo: EmbeddedDynamo, fake: FakeMessengers, messages: int, *, abusive: bool
) -> dict[str, float]:
    now = int(time.time())
    clock = FrozenClock(float(now - now % 300 + 100))
    deps, store = _deps(dynamo, fake, clock)
    dispatcher = _Collect()
    deps.dispatcher = dispatcher

    def send(index: int) -> int:
        user = f"U0QGM{index:04d}" if abusive else "U0QGMEMBER"
        text = ABUSE if abusive else f"周报模板已经更新，请大家按新格式填写。({index})"
        reply = handle("slack.events", _message(clock, index, user, text).to_inbound(), deps)
        assert reply.status == 200, reply.body
        events, dispatcher.events = dispatcher.events, []
        steps = 0
        for event in events:
            outcome = process(event, deps)
            steps += sum(len(getattr(a, "users", ())) or 1 for a in outcome.decision.actions)
        return steps

    send(0)  # the warm-up: the group registered, the policy cached
    store.usage.reset()
    steps = 0
    with _counting_outbox() as counts:
        for index in range(1, messages + 1):
            # Ordinary messages 2 s apart, as the cost rows (inside the policy cache's minute); abusive ones
            # far enough apart that no flood or duplicate rule joins in.
            clock.advance(30 if abusive else 2)
            steps += send(index)
    calls = store.usage.calls
    writes = sum(n for op, n in calls.items() if op not in READ_OPERATIONS)
    reads = sum(n for op, n in calls.items() if op in READ_OPERATIONS)
    return {
        "reads": reads / messages,
        "writes": writes / messages,
        "outbox_writes": sum(n for name, n in counts.items() if name in WRITES) / messages,
        "budget": (2 * counts["open"] + counts["(steps stored)"]) / messages,
        "steps": steps / messages,
        **{f"outbox.{name}": n / messages for name, n in counts.items()},
    }


def main(*, quick: bool = False) -> list[Row]:
    messages = 3 if quick else 20
    dynamo = start_dynamodb()
    fake = FakeMessengers().start()
    try:
        quiet = measure(dynamo, fake, messages, abusive=False)
        acting = measure(dynamo, fake, messages, abusive=True)
    finally:
        fake.stop()
        dynamo.stop()
    print(
        f"  outbox: ordinary message {quiet['reads']:g} reads, {quiet['writes']:g} writes "
        f"({quiet['outbox_writes']:g} by the outbox); abusive message with {acting['steps']:g} steps: "
        f"{acting['writes']:g} writes in all, {acting['outbox_writes']:g} by the outbox "
        f"({', '.join(f'{k[7:]} {v:g}' for k, v in acting.items() if k.startswith('outbox.'))})"
    )
    return [
        Row(
            "outbox: writes by the outbox per message with no action (aim 0)",
            "writes/message",
            quiet["outbox_writes"],
        ),
        Row(
            "outbox: DynamoDB writes per message with no action, in all (aim ≤ 2)",
            "writes/message",
            quiet["writes"],
        ),
        Row(
            f"outbox: writes by the outbox per message with actions (aim ≤ {acting['budget']:g}: "
            "2 per decision + 1 per step)",
            "writes/message",
            acting["outbox_writes"],
        ),
        Row(
            "outbox: DynamoDB writes per message with actions, in all (claim, case, points, audit, ...)",
            "writes/message",
            acting["writes"],
        ),
    ]
