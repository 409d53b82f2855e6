"""Facts routed by type: what a decision tells the domains besides its actions goes to the recorders and
follow-ups registered for its type, in a fixed order (recorders, then the hooks on what the actions did,
then the follow-ups, which act through the outbox); a kind of fact nobody handles is refused when the
registry is built, and one that reaches the worker anyway is logged as an error, never dropped in silence.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from chalicelib.bootstrap import Deps
from chalicelib.clock import FrozenClock
from chalicelib.core.actions import Decision, SendDirect
from chalicelib.core.events import MessagePosted
from chalicelib.core.facts import FACT_KINDS
from chalicelib.kernel.act import act, event_claim
from chalicelib.kernel.context import load_context
from chalicelib.kernel.executor import ActionResult
from chalicelib.kernel.outbox import Outbox
from chalicelib.kernel.where import where_of
from chalicelib.settings import Settings
from chalicelib.store.memory import MemoryStore
from chalicelib.worker.pipeline import record
from chalicelib.worker.registry import UnhandledFact, build_registry, registry
from tests.support.messenger import RecordingMessenger
from tests.worker import fact_domain
from tests.worker.fact_domain import Asked, Noted, Unheard

T0 = 1_700_000_000.0
DOMAIN = "tests.worker.fact_domain"


@pytest.fixture(autouse=True)
def seen() -> Iterator[list[str]]:
    fact_domain.SEEN.clear()
    yield fact_domain.SEEN
    fact_domain.SEEN.clear()


def make() -> tuple[Deps, RecordingMessenger]:
    messenger = RecordingMessenger()
    clock = FrozenClock(T0)
    deps = Deps(
        settings=Settings(_env_file=None),
        clock=clock,
        store=MemoryStore(clock=clock),
        messenger_factory=lambda platform: messenger,
    )
    return deps, messenger


def said(event_id: str = "e1") -> MessagePosted:
    return MessagePosted(
        platform="slack",
        tenant="T1",
        event_id=event_id,
        occurred_at=T0,
        chat="C1",
        user="U1",
        message_id=event_id,
        text="你好",
    )


@contextmanager
def logged(caplog: pytest.LogCaptureFixture, name: str) -> Iterator[None]:
    """`caplog` hears logger `name` even where the app's logging setup stopped it propagating."""
    logger = logging.getLogger(name)
    logger.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.ERROR, logger=name):
            yield
    finally:
        logger.removeHandler(caplog.handler)


def texts_to(messenger: RecordingMessenger, user: str) -> list[str]:
    return [str(kw["text"]) for verb, kw in messenger.calls if verb == "send_direct" and kw["user"] == user]


def test_every_kind_of_fact_is_recorded_or_followed_up_by_some_domain() -> None:
    routes = registry()
    assert [name for name, kind in FACT_KINDS.items() if not routes.handles(kind)] == []


def test_the_registry_refuses_a_kind_of_fact_that_no_domain_handles() -> None:
    with pytest.raises(UnhandledFact, match="Unheard"):
        build_registry([DOMAIN], fact_kinds=(Noted, Asked, Unheard))
    assert build_registry([DOMAIN], fact_kinds=(Noted, Asked)).handles(Asked)


def test_a_fact_goes_to_its_recorders_then_the_hooks_then_its_follow_ups(seen: list[str]) -> None:
    deps, messenger = make()
    event = said()
    ctx = load_context(event, deps)
    decision = Decision(facts=(Asked("U7"), Noted("case 1")))
    record(event, ctx, decision, (ActionResult("Reply", "done"),), deps, routes=build_registry([DOMAIN]))
    assert seen == ["recorded case 1 after done", "hook", "followed up U7"]
    assert texts_to(messenger, "U7") == ["收到"]


def test_a_follow_up_is_acted_on_once_through_the_outbox(seen: list[str]) -> None:
    deps, messenger = make()
    event = said()
    ctx = load_context(event, deps)
    routes = build_registry([DOMAIN])
    decision = Decision(facts=(Asked("U7"),))
    record(event, ctx, decision, (), deps, routes=routes)
    record(event, ctx, decision, (), deps, routes=routes)  # a recording run again (a redelivery)
    assert texts_to(messenger, "U7") == ["收到"]
    assert Outbox(deps.store).load(event_claim(event, "Asked.0.0")) is not None


def test_a_fact_that_no_domain_handles_is_logged_as_an_error(
    seen: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    deps, _ = make()
    event = said()
    with logged(caplog, "qunguan.worker"):
        record(event, load_context(event, deps), Decision(facts=(Unheard(),)), (), deps, routes=registry())
    assert any("Unheard" in message for message in caplog.messages)


def test_facts_acted_on_where_nobody_records_them_are_logged_as_an_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    deps, messenger = make()
    event = said()
    decision = Decision((SendDirect(user="U1", text="好", reason="test"),), facts=(Noted("lost"),))
    with logged(caplog, "qunguan.act"):
        act(deps, where_of(deps, event), decision)
    assert texts_to(messenger, "U1") == ["好"]
    assert any("Noted" in message and "without a recorder" in message for message in caplog.messages)
