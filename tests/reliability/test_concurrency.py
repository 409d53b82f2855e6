"""Concurrency against a real DynamoDB endpoint (moto's server on loopback): fifty simultaneous copies of
one delivery make the bot act exactly once on every route, and simultaneous messages from one member
each see their own place in the flood count, which ends exact."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from chalicelib.clock import FrozenClock
from chalicelib.core.events import MessagePosted
from chalicelib.ingress import handle
from chalicelib.kernel.context import load_context
from chalicelib.moderation.signals import flood_slices, rule_context
from chalicelib.store import keys
from chalicelib.store.dynamodb import DynamoStore
from local.dynamo import EmbeddedDynamo
from local.fakes.server import Call, FakeMessengers
from local.peers import SignedRequest
from tests.functional import conversations as talk
from tests.support.stack import Stack, running_stack

COPIES = 50
BURST = 20  # messages from one member, well over the flood limit of 8 in 10 s
TABLE = "qunguan-concurrency"
TOKEN_CALLS = ("gettoken", "accessToken", "auth.test")


@pytest.fixture(scope="module")
def table(dynamodb: EmbeddedDynamo) -> str:
    dynamodb.create_table(TABLE)
    return TABLE


@pytest.fixture
def dynamo_stack(fake: FakeMessengers, table: str, dynamodb_client: Any) -> Iterator[Stack]:
    with running_stack(fake, store=DynamoStore(table, client=dynamodb_client)) as stack:
        yield stack


def deliveries(hook: str) -> dict[str, Callable[[], SignedRequest]]:
    """A fresh delivery per call, for each route, each of which makes the bot send something."""
    user = "wangwu"
    return {
        "slack.events": lambda: talk.slack_mention("help"),
        "slack.interactions": lambda: talk.slack_click(hook, action="mod.dismiss"),  # "this card is invalid"
        "slack.commands": lambda: talk.slack_command("help", hook),
        "wecom.callback": lambda: talk.wecom_direct("help"),
        "wecom.aibot": lambda: talk.wecom_aibot_mention("help", hook),
        "dingtalk.robot": lambda: talk.dingtalk_robot("help", hook, user=user),
        "dingtalk.events": lambda: talk.dingtalk_event(
            {
                "EventType": "chat_add_member",
                "CorpId": talk.DINGTALK_CORP,
                "ChatId": "cidFUNC",
                "UserId": [f"u{uuid.uuid4().hex[:8]}"],
                "TimeStamp": int(time.time() * 1000),
            }
        ),
        "dingtalk.cards": lambda: talk.dingtalk_card_click("mod.dismiss", "x", user=user),
    }


def sent(fake: FakeMessengers) -> list[Call]:
    return [c for c in fake.sent() if not c.path.endswith(TOKEN_CALLS)]


@pytest.mark.dynamodb
@pytest.mark.parametrize("route", list(deliveries("")))
def test_fifty_simultaneous_copies_of_one_delivery_make_the_bot_act_once(
    dynamo_stack: Stack, fake: FakeMessengers, route: str
) -> None:
    build = deliveries(fake.hook_url(route))[route]
    assert dynamo_stack.send(build()).status_code == 200  # warm-up: tokens and look-ups get cached
    fake.clear()
    assert dynamo_stack.send(build()).status_code == 200
    once = [(c.method, c.path) for c in sent(fake)]
    assert once, f"one delivery on {route} sent nothing: counting copies would prove nothing"

    fake.clear()
    request = build()
    with ThreadPoolExecutor(max_workers=COPIES) as pool:
        statuses = list(pool.map(lambda _: dynamo_stack.send(request).status_code, range(COPIES)))
    assert statuses == [200] * COPIES
    assert sorted((c.method, c.path) for c in sent(fake)) == sorted(once)


def said(n: int, at: float) -> MessagePosted:
    return MessagePosted(
        platform="slack",
        tenant="T0RACE",
        event_id=f"race{n}",
        occurred_at=at,
        chat="C0RACE",
        user="U0FAST",
        message_id=f"{at}.{n}",
        text=f"message number {n}",
    )


@pytest.mark.dynamodb
def test_simultaneous_messages_from_one_member_each_see_their_own_flood_count(
    fake: FakeMessengers, table: str, dynamodb_client: Any
) -> None:
    """One UpdateItem per message adds to the member's counter and returns what it was before: under
    contention every message must still see a different count, and none may be lost."""
    clock = FrozenClock(1_709_251_203.0)
    with running_stack(
        fake, store=DynamoStore(table, client=dynamodb_client, clock=clock), clock=clock
    ) as stack:
        messages = [said(n, clock.now()) for n in range(COPIES)]

        def flood_count(event: MessagePosted) -> int:
            return rule_context(event, load_context(event, stack.deps), stack.deps).flood_count

        with ThreadPoolExecutor(max_workers=COPIES) as pool:
            counts = list(pool.map(flood_count, messages))
        assert sorted(counts) == list(range(1, COPIES + 1))

        policy = load_context(messages[0], stack.deps).policy
        item = stack.store.get_item(
            keys.moderation_window_pk(messages[0].gid),
            keys.moderation_window_sk(int(clock.now() // policy.rules.duplicate.window_seconds)),
        )
        assert item is not None
        flood_slice = flood_slices(clock.now(), policy.rules.flood.window_seconds)[0]
        assert item.data[f"n_{messages[0].uid('U0FAST')}_{flood_slice}"] == COPIES


@pytest.mark.dynamodb
def test_a_burst_through_ingress_and_the_worker_keeps_the_flood_counter_exact(
    fake: FakeMessengers, table: str, dynamodb_client: Any
) -> None:
    clock = FrozenClock(float(int(time.time())))
    store = DynamoStore(table, client=dynamodb_client, clock=clock)
    channel = f"C{uuid.uuid4().hex[:8].upper()}"
    with running_stack(fake, store=store, clock=clock) as stack:
        requests = [talk.slack_message(f"burst {n}", user="U0BURST", channel=channel) for n in range(BURST)]
        # Straight into ingress: chalice.test.Client keeps one `current_request` for all threads, so
        # distinct requests sent through it at once may swap bodies (Lambda and `chalice local` do not).
        with ThreadPoolExecutor(max_workers=BURST) as pool:
            replies = list(pool.map(lambda r: handle("slack.events", r.to_inbound(), stack.deps), requests))
        assert [reply.status for reply in replies] == [200] * BURST
        gid = f"slack:{talk.SLACK_TEAM}:{channel}"
        policy = load_context(said(0, clock.now()), stack.deps).policy
        item = store.get_item(
            keys.moderation_window_pk(gid),
            keys.moderation_window_sk(int(clock.now() // policy.rules.duplicate.window_seconds)),
        )
        assert item is not None
        flood_slice = flood_slices(clock.now(), policy.rules.flood.window_seconds)[0]
        assert item.data[f"n_slack:{talk.SLACK_TEAM}:U0BURST_{flood_slice}"] == BURST
