"""The worker pipeline: `@bot help` and `/qg help` are answered in the group's language, a member's
activity is written at most hourly, every decision that acted is audited, a delivery that failed
for good is raised for the queue to retry, and only an event that acted is logged at INFO."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest

from chalicelib.bootstrap import Deps
from chalicelib.clock import FrozenClock
from chalicelib.core.events import CommandIssued, MemberJoined, MessagePosted
from chalicelib.errors import MessengerError
from chalicelib.kernel.executor import DeliveryFailed
from chalicelib.settings import Settings
from chalicelib.store.memory import MemoryStore
from chalicelib.store.records import GroupRecord
from chalicelib.worker.pipeline import process
from tests.support.messenger import RecordingMessenger

T0 = 1_700_000_000.0


def make(locale: str = "zh-CN") -> tuple[Deps, RecordingMessenger, FrozenClock]:
    messenger = RecordingMessenger()
    clock = FrozenClock(T0)
    settings = Settings(_env_file=None, qg_default_locale=locale)
    deps = Deps(
        settings=settings, clock=clock, store=MemoryStore(clock=clock), messenger_factory=lambda p: messenger
    )
    return deps, messenger, clock


def said(text: str, *, event_id: str = "e1", mentions_bot: bool = False) -> MessagePosted:
    return MessagePosted(
        platform="slack",
        tenant="T1",
        event_id=event_id,
        occurred_at=T0,
        chat="C1",
        user="U1",
        message_id=event_id,
        text=text,
        mentions_bot=mentions_bot,
    )


def test_at_bot_help_is_answered_in_the_group_in_its_default_language() -> None:
    deps, messenger, _ = make()
    process(said("help", mentions_bot=True), deps)
    assert messenger.verbs() == ["post_text"]
    assert "群规" in messenger.calls[0][1]["text"]
    assert messenger.calls[0][1]["target"].chat == "C1"


@pytest.mark.parametrize(("locale", "needle"), [("zh-TW", "群規"), ("en", "rulebook")])
def test_help_follows_the_groups_locale(locale: str, needle: str) -> None:
    deps, messenger, _ = make()
    deps.store.put_group(
        GroupRecord(gid="slack:T1:C1", platform="slack", tenant="T1", chat="C1", locale=locale)
    )
    process(said("帮助", mentions_bot=True), deps)
    assert needle in messenger.calls[0][1]["text"]


def test_slash_help_answers_through_the_reply_url_privately() -> None:
    deps, messenger, _ = make("en")
    command = CommandIssued(
        platform="slack",
        tenant="T1",
        event_id="t1",
        occurred_at=T0,
        chat="C1",
        user="U1",
        name="help",
        reply_url="https://hooks.example/r",
    )
    process(command, deps)
    target = messenger.calls[0][1]["target"]
    assert (target.reply_url, target.user) == ("https://hooks.example/r", "U1")


def test_chatter_addressed_to_the_bot_points_to_help_privately() -> None:
    deps, messenger, _ = make("en")
    process(said("dance", mentions_bot=True), deps)
    (answer,) = [kwargs for verb, kwargs in messenger.calls if verb == "post_text"]
    assert "/qg help" in answer["text"]
    assert answer["target"].user == "U1"  # ephemeral: only the sender sees it


def test_an_ordinary_message_sends_nothing_and_audits_nothing() -> None:
    deps, messenger, _ = make()
    process(said("good morning"), deps)
    assert messenger.calls == []
    assert deps.store.list_audit("slack:T1:C1") == []


def test_activity_is_written_at_most_hourly() -> None:
    deps, _, clock = make()
    process(said("one", event_id="a"), deps)
    first = deps.store.get_member("slack:T1:C1", "slack:T1:U1")
    assert first is not None and first.last_active == T0
    clock.advance(1800)
    process(said("two", event_id="b"), deps)
    assert deps.store.get_member("slack:T1:C1", "slack:T1:U1").last_active == T0  # type: ignore[union-attr]
    clock.advance(1800)
    process(said("three", event_id="c"), deps)
    assert deps.store.get_member("slack:T1:C1", "slack:T1:U1").last_active == T0 + 3600  # type: ignore[union-attr]


def test_a_group_seen_for_the_first_time_is_registered_and_governed() -> None:
    deps, _, _ = make()
    process(
        MemberJoined(platform="slack", tenant="T1", event_id="j", occurred_at=T0, chat="C9", user="U1"), deps
    )
    group = deps.store.get_group("slack:T1:C9")
    assert group is not None and group.enabled


def test_every_decision_that_acted_is_audited() -> None:
    deps, _, _ = make()
    process(said("help", mentions_bot=True), deps)
    (record,) = deps.store.list_audit("slack:T1:C1")
    assert record.actions == ("Reply:help",) and record.outcome == "done" and record.actor == "U1"


@pytest.mark.parametrize(("policy", "days"), [("", 400), ("retention: {audit: 30}\n", 30)])
def test_an_audit_record_expires_after_the_retention_the_policy_sets(policy: str, days: int) -> None:
    from chalicelib.kernel.policies import PolicyRepo
    from chalicelib.store import keys

    deps, _, _ = make()
    if policy:
        PolicyRepo(deps.store).apply(keys.ORG_SCOPE, policy, author="ops", now=T0)
    process(said("help", mentions_bot=True), deps)
    (record,) = deps.store.list_audit("slack:T1:C1")
    assert record.expires_at == int(T0) + days * 86400


def test_a_delivery_that_failed_for_good_is_raised_for_the_queue_to_retry() -> None:
    deps, messenger, _ = make()
    messenger.fail_with = MessengerError(
        "slack", "chat.postMessage", "HTTP 503 after 4 attempts", retryable=True
    )
    with pytest.raises(DeliveryFailed):
        process(said("help", mentions_bot=True), deps)
    assert deps.store.list_audit("slack:T1:C1") == []  # recorded once it is carried out, not half-way
    messenger.fail_with = None
    process(said("help", mentions_bot=True), deps, redelivered=True)
    (record,) = deps.store.list_audit("slack:T1:C1")
    assert record.outcome == "done" and messenger.verbs() == ["post_text"]


def test_a_permanent_refusal_is_recorded_not_retried() -> None:
    deps, messenger, _ = make()
    messenger.fail_with = MessengerError("slack", "chat.postMessage", "channel_not_found")
    outcome = process(replace(said("help", mentions_bot=True)), deps)
    assert outcome.results[0].status == "failed"


def test_a_message_moderation_acted_on_gets_no_unknown_command_reply_on_top() -> None:
    deps, messenger, _ = make("en")
    process(said("你是个傻逼", mentions_bot=True), deps)
    assert "post_text" not in messenger.verbs()  # no "unknown command" in the group
    assert "send_direct" in messenger.verbs()  # the private explanation


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_an_event_that_acted_on_nothing_is_a_debug_line_and_one_that_acted_an_info_line() -> None:
    """A page of a thousand ordinary archived messages writes no thousand lines at INFO."""
    deps, _, _ = make()
    logger = logging.getLogger("qunguan.worker")
    lines, level = _Lines(), logger.level
    logger.addHandler(lines)
    logger.setLevel(logging.DEBUG)
    try:
        process(said("明天上午十点开会"), deps)
        process(said("help", event_id="e2", mentions_bot=True), deps)
    finally:
        logger.removeHandler(lines)
        logger.setLevel(level)
    processed = [(r.levelno, r.getMessage()) for r in lines.records if r.getMessage().startswith("processed")]
    assert processed == [
        (logging.DEBUG, "processed slack MessagePosted actions=-"),
        (logging.INFO, "processed slack MessagePosted actions=Reply:done"),
    ]
