"""Ingress maps every refusal to a clear 4xx in one place, claims each event once, and frees the
claims when the queue refuses them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import pytest

from chalicelib.adapters.base import Endpoint, Parsed, Verified
from chalicelib.bootstrap import Deps
from chalicelib.clock import FrozenClock
from chalicelib.core.events import Event, MessagePosted
from chalicelib.core.ids import Platform
from chalicelib.errors import MalformedRequest, StoreError, VerificationFailed
from chalicelib.http import InboundRequest, Reply
from chalicelib.ingress import MAX_BODY_BYTES, handle
from chalicelib.settings import Settings
from chalicelib.store import keys, message_log
from chalicelib.store.memory import MemoryStore
from chalicelib.store.records import Item


def message(event_id: str = "Ev1") -> MessagePosted:
    return MessagePosted(
        platform="slack",
        tenant="T1",
        event_id=event_id,
        occurred_at=1.0,
        chat="C1",
        user="U1",
        message_id="1.0",
        text="hi",
    )


@dataclass
class ScriptedEndpoint:
    """An endpoint whose verdicts the test chooses."""

    platform: Platform = "slack"
    content_types: frozenset[str] = frozenset({"application/json"})
    events: tuple[Event, ...] = (message(),)
    refuse: Exception | None = None
    parse_error: Exception | None = None

    def verify(self, request: InboundRequest) -> Verified:
        if self.refuse:
            raise self.refuse
        return Verified(request, request.body)

    def parse(self, verified: Verified) -> Parsed:
        if self.parse_error:
            raise self.parse_error
        return Parsed(self.events)

    def ack(self, verified: Verified, parsed: Parsed) -> Reply:
        return Reply.text("ack")


@dataclass
class RecordingDispatcher:
    dispatched: list[Event] = field(default_factory=list)
    broken: bool = False

    def dispatch(self, events: Sequence[Event]) -> None:
        if self.broken:
            raise ConnectionError("queue down")
        self.dispatched.extend(events)


class BrokenStore(MemoryStore):
    """Every claim fails: an `EVT#` claim, and an ordinary message's claim by its message-log item."""

    def claim_event(self, platform: str, claim_key: str, now: float, ttl: int = 86400) -> bool:
        raise StoreError("ProvisionedThroughputExceededException")

    def put_item(self, item: Item, *, if_absent: bool = False) -> bool:
        raise StoreError("ProvisionedThroughputExceededException")


def make_deps(
    endpoint: ScriptedEndpoint | None, store: MemoryStore | None = None
) -> tuple[Deps, RecordingDispatcher]:
    dispatcher = RecordingDispatcher()
    clock = FrozenClock(1000.0)
    settings = Settings(_env_file=None)
    deps = Deps(settings=settings, clock=clock, store=store or MemoryStore(clock=clock))
    deps.dispatcher = dispatcher
    endpoints: dict[str, Endpoint] = {"slack.events": endpoint} if endpoint else {}
    deps._endpoints = {"slack": endpoints}
    return deps, dispatcher


def post(body: bytes = b"{}", content_type: str = "application/json") -> InboundRequest:
    return InboundRequest.build("POST", "/slack/events", {"Content-Type": content_type}, {}, body)


def test_an_accepted_event_is_claimed_dispatched_and_acked() -> None:
    deps, dispatcher = make_deps(ScriptedEndpoint())
    reply = handle("slack.events", post(), deps)
    assert (reply.status, reply.body) == (200, "ack")
    assert [e.event_id for e in dispatcher.dispatched] == ["Ev1"]


def test_a_second_delivery_of_the_same_event_is_acked_and_does_nothing() -> None:
    deps, dispatcher = make_deps(ScriptedEndpoint())
    first, second = handle("slack.events", post(), deps), handle("slack.events", post(), deps)
    assert first.status == second.status == 200
    assert len(dispatcher.dispatched) == 1


@pytest.mark.parametrize(
    ("endpoint", "request_", "status"),
    [
        (None, post(), 404),
        (ScriptedEndpoint(), post(b"x" * (MAX_BODY_BYTES + 1)), 413),
        (ScriptedEndpoint(), post(content_type="text/html"), 415),
        (ScriptedEndpoint(refuse=VerificationFailed("signature mismatch")), post(), 401),
        (ScriptedEndpoint(parse_error=MalformedRequest("not JSON")), post(), 400),
        (ScriptedEndpoint(parse_error=KeyError("event")), post(), 400),
    ],
    ids=["disabled", "too-large", "wrong-type", "bad-signature", "malformed", "parser-bug"],
)
def test_refusals_map_to_a_clear_4xx_and_nothing_is_dispatched(
    endpoint: ScriptedEndpoint | None, request_: InboundRequest, status: int
) -> None:
    deps, dispatcher = make_deps(endpoint)
    reply = handle("slack.events", request_, deps)
    assert reply.status == status
    assert "error" in reply.body
    assert dispatcher.dispatched == []


def test_a_disabled_platform_says_which_settings_switch_it_on() -> None:
    deps, _ = make_deps(None)
    assert "SLACK_SIGNING_SECRET" in handle("slack.events", post(), deps).body


def test_a_store_outage_answers_503_so_the_platform_retries() -> None:
    deps, dispatcher = make_deps(ScriptedEndpoint(), store=BrokenStore())
    assert handle("slack.events", post(), deps).status == 503
    assert dispatcher.dispatched == []


@pytest.mark.parametrize(
    "event",
    [message(), replace(message(), mentions_bot=True)],
    ids=["ordinary-message-log-claim", "command-evt-claim"],
)
def test_when_the_queue_refuses_the_claim_is_released_and_the_retry_gets_through(event: Event) -> None:
    deps, dispatcher = make_deps(ScriptedEndpoint(events=(event,)))
    dispatcher.broken = True
    assert handle("slack.events", post(), deps).status == 503
    dispatcher.broken = False
    assert handle("slack.events", post(), deps).status == 200
    assert len(dispatcher.dispatched) == 1


def log_items(store: MemoryStore) -> list[Item]:
    return list(store.query_items(keys.message_log_pk("slack:T1:C1", "1970-01-01")))


def test_an_ordinary_message_is_claimed_by_writing_its_message_log_item_and_nothing_else() -> None:
    store = MemoryStore(clock=FrozenClock(1000.0))
    deps, dispatcher = make_deps(ScriptedEndpoint(), store=store)
    handle("slack.events", post(), deps)
    assert len(dispatcher.dispatched) == 1
    assert dict(store.usage.calls) == {"PutItem": 1}  # one conditional write: the claim is the log entry
    (item,) = log_items(store)
    entry = message_log.from_item(item)  # an ordinary message's kind is left out: it reads as "msg"
    assert (entry.kind, entry.user, entry.message_id, entry.at) == ("msg", "U1", "1.0", 1.0)
    assert store.claim_event("slack", message().claim_key, 1000.0) is True  # no `EVT#` claim was made


def test_a_message_addressed_to_the_bot_keeps_the_event_id_claim_and_is_not_logged() -> None:
    store = MemoryStore(clock=FrozenClock(1000.0))
    command = replace(message(), mentions_bot=True)
    deps, _ = make_deps(ScriptedEndpoint(events=(command,)), store=store)
    handle("slack.events", post(), deps)
    assert log_items(store) == []
    assert store.claim_event("slack", command.claim_key, 1000.0) is False


def test_a_get_needs_no_content_type() -> None:
    deps, _ = make_deps(ScriptedEndpoint(events=()))
    request = InboundRequest.build("GET", "/slack/events", {}, {"echostr": "x"}, b"")
    assert handle("slack.events", request, deps).status == 200
