"""The message log (what the assessment and the review read): what the worker logs for a message, where
the policy lets it, and what that costs: one write, no read."""

from __future__ import annotations

from dataclasses import replace

import pytest

from chalicelib.adapters.base import Capabilities, Capability
from chalicelib.bootstrap import Deps
from chalicelib.core.events import CardClicked, FileInfo, FileShared, MessagePosted
from chalicelib.jobs.activity import MessageLog, entry_for, is_question, record_event
from chalicelib.store.dynamodb import DynamoStore
from chalicelib.store.records import GroupRecord
from chalicelib.worker.context import load_context
from tests.jobs.support import GID, T0, set_policy
from tests.support.messenger import RecordingMessenger

DAY = 86400.0


def said(
    text: str = "the draft is ready", *, n: int = 1, user: str = "U1", **fields: object
) -> MessagePosted:
    event = MessagePosted(
        platform="slack",
        tenant="T1",
        event_id=f"e{n}",
        occurred_at=T0 - 10 * DAY + n,
        chat="C1",
        user=user,
        message_id=f"m{n}",
        text=text,
    )
    return replace(event, **fields)  # type: ignore[arg-type]


def logged(deps: Deps) -> list[dict[str, object]]:
    entries = MessageLog(deps.store).read(GID, T0 - 20 * DAY, T0, 8.0)
    return [dict(entry.data) for entry in entries]


def log(event: MessagePosted | FileShared | CardClicked, deps: Deps) -> None:
    record_event(event, load_context(event, deps), deps)


def test_a_message_is_logged_with_author_time_reply_and_mentions_but_not_its_text(
    deps: Deps, group: GroupRecord
) -> None:
    log(said("can you check it, @U2?", mentions=("U2",), reply_to="m0"), deps)
    (item,) = logged(deps)
    assert item == {
        "k": "msg",
        "u": "U1",
        "at": T0 - 10 * DAY + 1,
        "id": "m1",
        "re": "m0",
        "m": ["U2"],
        "q": 1,
    }


def test_the_text_is_kept_only_where_the_policy_keeps_messages(deps: Deps, group: GroupRecord) -> None:
    set_policy(deps, GID, "retention: {messages: 14}")
    log(said("minutes attached"), deps)
    (item,) = logged(deps)
    assert item["x"] == "minutes attached"


def test_one_message_costs_one_write_and_no_read(deps: Deps, group: GroupRecord, store: DynamoStore) -> None:
    event = said()
    ctx = load_context(event, deps)
    store.usage.reset()
    record_event(event, ctx, deps)
    assert dict(store.usage.calls) == {"PutItem": 1}
    assert store.usage.write_units == 1.0


def test_a_redelivered_message_is_logged_once(deps: Deps, group: GroupRecord) -> None:
    log(said(), deps)
    log(said(), deps)
    assert len(logged(deps)) == 1


@pytest.mark.parametrize(
    ("mode", "sees_everything", "logged_count"),
    [("auto", True, 1), ("auto", False, 0), ("on", False, 1), ("off", True, 0)],
)
@pytest.mark.usefixtures("group")
def test_auto_logs_only_where_the_bot_sees_every_message(
    deps: Deps, messenger: RecordingMessenger, mode: str, sees_everything: bool, logged_count: int
) -> None:
    if not sees_everything:  # WeCom and DingTalk: the bot hears only @-mentions of itself
        messenger.capabilities = Capabilities(always=frozenset(Capability) - {Capability.SEE_ALL_MESSAGES})
    set_policy(deps, GID, f"jobs: {{activity: '{mode}'}}")
    log(said(), deps)
    assert len(logged(deps)) == logged_count


def test_messages_to_the_bot_and_direct_messages_are_not_participation(
    deps: Deps, group: GroupRecord
) -> None:
    log(said("help", mentions_bot=True), deps)
    log(said("hi", n=2, direct=True), deps)
    assert logged(deps) == []


def test_an_acknowledgement_is_logged_even_where_messages_are_not(
    deps: Deps, group: GroupRecord, messenger: RecordingMessenger
) -> None:
    messenger.capabilities = Capabilities(always=frozenset(Capability) - {Capability.SEE_ALL_MESSAGES})
    click = CardClicked(
        platform="slack",
        tenant="T1",
        event_id="c1",
        occurred_at=T0 - DAY,
        chat="C1",
        user="U3",
        action="ann.ack",
        value="sealed-ref",
    )
    log(click, deps)
    (item,) = logged(deps)
    assert (item["k"], item["u"], item["ref"]) == ("ack", "U3", "sealed-ref")


def test_file_names_are_checked_against_the_groups_convention(deps: Deps, group: GroupRecord) -> None:
    set_policy(deps, GID, "rules: {files: {name_pattern: '^[^-]+-[^-]+-v\\d+\\.\\w+$'}}")
    files = (
        FileInfo("f1", "alpha-plan-v2.docx"),
        FileInfo("f2", "final final.docx"),
        FileInfo("f3", "x.exe"),
    )
    log(said("files", files=files), deps)
    shared = FileShared(
        platform="slack",
        tenant="T1",
        event_id="fs",
        occurred_at=T0 - DAY,
        chat="C1",
        user="U2",
        file=FileInfo("f4", "beta-notes-v1.pdf"),
        message_id="fm",
    )
    log(shared, deps)
    first, second = logged(deps)
    assert (first["f"], first["fb"]) == (3, 2)
    assert (second["k"], second["f"], second.get("fb", 0)) == ("file", 1, 0)


def test_slacks_nameless_file_shared_is_left_to_the_message_that_carries_the_file() -> None:
    from chalicelib.core.policy import DEFAULT_ORG_POLICY

    nameless = FileShared(
        platform="slack",
        tenant="T1",
        event_id="fs",
        occurred_at=T0,
        chat="C1",
        user="U2",
        file=FileInfo("F1", ""),
    )
    assert entry_for(nameless, DEFAULT_ORG_POLICY) is None


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("who has the slides?", True),
        ("谁有会议纪要？", True),
        ("明天开会吗", True),
        ("請問報告在哪裡", True),
        ("the slides are attached", False),
        ("收到", False),
    ],
)
def test_questions_are_recognised_in_chinese_and_english(text: str, question: bool) -> None:
    assert is_question(text) is question


@pytest.mark.parametrize(("mode", "worker_writes"), [("on", 2), ("off", 1)])
def test_the_message_log_is_the_one_extra_write_of_an_ordinary_message(
    deps: Deps, group: GroupRecord, store: DynamoStore, mode: str, worker_writes: int
) -> None:
    """Through the whole worker (every domain): one read; the moderation signals' write, and the log's
    when it is on. With the ingress claim, an ordinary message is three writes with the log, two without."""
    from chalicelib.worker.pipeline import process

    set_policy(deps, GID, f"jobs: {{activity: '{mode}'}}")
    process(said("good morning", n=1), deps)  # the first message of the hour also touches `last_active`
    store.usage.reset()
    process(said("the draft is ready", n=2), deps)
    writes = (
        store.usage.calls["PutItem"]
        + store.usage.calls["UpdateItem"]
        + store.usage.calls["TransactWriteItems"]
    )
    assert store.usage.calls["GetItem"] + store.usage.calls["Query"] == 1
    assert writes == worker_writes
