"""The message log (what the assessment and the review read). An ordinary message's log entry is its
exactly-once claim, written at ingress from what the message says; what depends on the policy (whether
messages count, file-name conventions, kept text) is applied when a job reads the log, or written by the
worker where the policy opts in. Through the real Slack route on moto's DynamoDB."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.adapters.base import Capabilities, Capability
from chalicelib.bootstrap import Deps
from chalicelib.clock import FrozenClock
from chalicelib.core.events import CardClicked, FileInfo, FileShared, JobRequested, MessagePosted
from chalicelib.ingress import claim, handle
from chalicelib.jobs.activity import Entry, MessageLog, entry_for, is_question, record_event
from chalicelib.jobs.assessment import AssessmentJob
from chalicelib.jobs.periods import month_bounds
from chalicelib.kernel.context import load_context
from chalicelib.kernel.where import Where, job_where
from chalicelib.settings import Settings
from chalicelib.store import keys
from chalicelib.store.dynamodb import READ_OPERATIONS, DynamoStore
from chalicelib.store.records import GroupRecord, Item
from local.peers.slack import envelope, event_request
from tests.jobs.support import GID, T0, RecordingDispatcher, set_policy
from tests.support.messenger import RecordingMessenger

DAY = 86400.0
SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
ONLY_MENTIONS = Capabilities(always=frozenset(Capability) - {Capability.SEE_ALL_MESSAGES})  # WeCom, DingTalk


def scope_of(deps: Deps, gid: str) -> Where[JobRequested]:
    """The assessment's run in group `gid` at T0."""
    return job_where(deps, gid, job="assessment", key="2026-11", now=T0)


@pytest.fixture
def slack(deps: Deps, group: GroupRecord) -> Deps:
    """The jobs' deps with Slack's route switched on: messages arrive signed, through ingress."""
    deps.settings = Settings(
        _env_file=None,
        qg_dispatch="inline",
        qg_table_name=deps.settings.qg_table_name,
        slack_signing_secret=SECRET,
    )
    return deps


def ts(n: int, at: float = T0 - 10 * DAY) -> str:
    """A Slack message timestamp, `n` seconds after `at`."""
    return f"{int(at) + n}.000100"


def post(
    deps: Deps,
    text: str,
    stamp: str,
    *,
    user: str = "U1",
    retry: int | None = None,
    event_id: str | None = None,
    **fields: Any,
) -> int:
    """A member's message in C1 through the Slack route; the worker runs what ingress claimed. Returns how
    many events the worker processed."""
    message = {
        "type": "message",
        "channel": "C1",
        "channel_type": "channel",
        "user": user,
        "text": text,
        "ts": stamp,
        "event_ts": stamp,
        **fields,
    }
    request = event_request(
        envelope(message, team="T1", event_id=event_id), SECRET, timestamp=int(T0), retry_num=retry
    )
    assert handle("slack.events", request.to_inbound(), deps).status == 200
    dispatcher = deps.dispatcher
    assert isinstance(dispatcher, RecordingDispatcher)
    return dispatcher.drain()


def logged(deps: Deps) -> list[dict[str, object]]:
    entries = MessageLog(deps.store).read(GID, T0 - 20 * DAY, T0, 8.0)
    return [dict(entry.data) for entry in entries]


def per_message(store: DynamoStore) -> tuple[int, int]:
    calls: Counter[str] = store.usage.calls
    reads = sum(n for operation, n in calls.items() if operation in READ_OPERATIONS)
    return reads, sum(calls.values()) - reads


# Cost -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["auto", "on", "off"])
def test_an_ordinary_slack_message_costs_one_read_and_two_writes(
    slack: Deps, store: DynamoStore, mode: str
) -> None:
    """Ingress to worker: the claim, which is the log entry; the member's read; the moderation signals'
    write. Whatever `jobs.activity` says: the log costs an ordinary message nothing."""
    set_policy(slack, GID, f"jobs: {{activity: '{mode}'}}")
    mid_window(slack)
    post(slack, "good morning", ts(1))  # the first of the hour: the policy is read, `last_active` written
    store.usage.reset()
    assert post(slack, "the draft is ready", ts(2)) == 1
    assert per_message(store) == (1, 2)
    assert dict(store.usage.calls) == {"PutItem": 1, "GetItem": 1, "UpdateItem": 1}


def mid_window(deps: Deps) -> None:
    """Away from the start of a 5-minute moderation window, where the sliding flood window also reads the
    window before (one more read in the first 12.5 s of each: `chalicelib.moderation.signals`)."""
    clock = deps.clock
    assert isinstance(clock, FrozenClock)
    clock.at = clock.at - clock.at % 300 + 150


def test_keeping_the_text_is_the_one_extra_write_a_policy_opts_into(slack: Deps, store: DynamoStore) -> None:
    set_policy(slack, GID, "retention: {messages: 14}")
    mid_window(slack)
    post(slack, "good morning", ts(1))
    store.usage.reset()
    post(slack, "the draft is ready", ts(2))
    assert per_message(store) == (1, 3)


# What is logged, once ---------------------------------------------------------------------------------------
def test_the_claim_is_the_log_entry_with_author_time_reply_and_mentions_but_no_text(slack: Deps) -> None:
    post(slack, "can you check it, <@U2>?", ts(1), thread_ts=ts(0))
    (item,) = logged(slack)
    assert item == {"u": "U1", "at": float(ts(1)), "id": ts(1), "re": ts(0), "m": ["U2"], "q": 1}
    claims = slack.store.query_items(keys.event_claim_pk("slack", f"T1#msg:C1:{ts(1)}"))
    assert list(claims) == []  # no separate claim item


def test_a_redelivered_message_is_logged_once(slack: Deps) -> None:
    first = post(slack, "the draft is ready", ts(1))
    retried = post(slack, "the draft is ready", ts(1), retry=1)  # Slack's retry of the same delivery
    again = post(slack, "the draft is ready", ts(1), event_id="Ev0OTHER")  # the same post, another envelope
    assert (first, retried, again) == (1, 0, 0)
    assert len(logged(slack)) == 1


def test_the_log_keeps_no_text_unless_retention_messages_is_set(slack: Deps) -> None:
    post(slack, "minutes attached", ts(1))
    set_policy(slack, GID, "retention: {messages: 14}")
    post(slack, "slides attached", ts(2))
    first, second = logged(slack)
    assert "x" not in first
    assert second["x"] == "slides attached"


def test_messages_to_the_bot_and_direct_messages_are_not_logged(slack: Deps) -> None:
    assert post(slack, "<@UQGBOT> help", ts(1)) == 1
    assert post(slack, "hi", ts(2), channel_type="im") == 1
    assert logged(slack) == []


def test_a_wecom_mention_is_not_counted_as_participation_under_activity_auto(
    deps: Deps, messenger: RecordingMessenger
) -> None:
    """On WeCom the bot hears only the messages that @-mention it: they keep their event-id claim, and the
    log that `auto` would read there holds none of them."""
    messenger.capabilities = ONLY_MENTIONS
    gid = "wecom:T1:C1"
    deps.store.put_group(GroupRecord(gid=gid, platform="wecom", tenant="T1", chat="C1", admins=("UADMIN",)))
    mention = MessagePosted(
        platform="wecom",
        tenant="T1",
        event_id="msg-1",
        occurred_at=T0 - 10 * DAY,
        chat="C1",
        user="U1",
        message_id="msg-1",
        text="who has the minutes?",
        mentions_bot=True,
    )
    assert claim(mention, deps, T0) is True
    assert claim(mention, deps, T0) is False  # a redelivery
    assessed = AssessmentJob().assess(deps, scope_of(deps, gid), "2026-11")
    assert assessed.result.figures["messages"] == 0
    assert all(m.facts.messages == 0 for m in assessed.members)


@pytest.mark.parametrize(
    ("mode", "sees_everything", "counted"),
    [("auto", True, 1), ("auto", False, 0), ("on", False, 1), ("off", True, 0)],
)
def test_jobs_activity_decides_when_the_log_is_read_whether_messages_count(
    slack: Deps, messenger: RecordingMessenger, mode: str, sees_everything: bool, counted: int
) -> None:
    post(slack, "the draft is ready", ts(1))
    click = CardClicked(
        platform="slack",
        tenant="T1",
        event_id="c1",
        occurred_at=T0 - 9 * DAY,
        chat="C1",
        user="U1",
        action="ann.ack",
        value="sealed-ref",
    )
    record_event(click, load_context(click, slack), slack)
    if not sees_everything:
        messenger.capabilities = ONLY_MENTIONS
    set_policy(slack, GID, f"jobs: {{activity: '{mode}'}}")
    assessed = AssessmentJob().assess(slack, scope_of(slack, GID), "2026-11")
    assert assessed.result.figures["messages"] == counted
    kinds = [
        e.kind for e in MessageLog(slack.store).read(GID, T0 - 20 * DAY, T0, 8.0, messages=bool(counted))
    ]
    assert kinds == (["msg", "ack"] if counted else ["ack"])  # acknowledgements count whatever the mode


def test_an_acknowledgement_is_logged_by_the_worker_even_where_messages_do_not_count(
    deps: Deps, group: GroupRecord, messenger: RecordingMessenger
) -> None:
    messenger.capabilities = ONLY_MENTIONS
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
    record_event(click, load_context(click, deps), deps)
    (item,) = logged(deps)
    assert (item["k"], item["u"], item["ref"]) == ("ack", "U3", "sealed-ref")


# File names -------------------------------------------------------------------------------------------------
def test_file_names_are_kept_and_judged_when_read_against_the_groups_convention_of_then(slack: Deps) -> None:
    files = [
        {"id": "F1", "name": "alpha-plan-v2.docx"},
        {"id": "F2", "name": "final final.docx"},
        {"id": "F3", "name": "x.exe"},
    ]
    post(slack, "files", ts(1), subtype="file_share", files=files)
    (item,) = logged(slack)
    assert (item["f"], item["fn"]) == (3, ["alpha-plan-v2.docx", "final final.docx", "x.exe"])
    assert "fb" not in item  # nothing policy-dependent is written at ingress

    def bad_files() -> int:
        policy = scope_of(slack, GID).policy
        (entry,) = MessageLog(slack.store).read(GID, T0 - 20 * DAY, T0, 8.0, files=policy.rules.files)
        return entry.bad_files

    assert bad_files() == 1  # the default convention: .exe is not an allowed type
    set_policy(slack, GID, "rules: {files: {name_pattern: '^[^-]+-[^-]+-v\\d+\\.\\w+$'}}")
    assert bad_files() == 2  # a convention set later applies to the month being assessed


def test_a_named_file_share_is_logged_by_the_worker(deps: Deps, group: GroupRecord) -> None:
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
    record_event(shared, load_context(shared, deps), deps)
    (item,) = logged(deps)
    assert (item["k"], item["f"], item["fn"]) == ("file", 1, ["beta-notes-v1.pdf"])


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


# Days -------------------------------------------------------------------------------------------------------
def local(month: int, day: int, hour: int, minute: int = 0) -> float:
    """A time of 2026 at the group's local time (UTC+8, the default)."""
    return datetime(2026, month, day, hour, minute, tzinfo=UTC).timestamp() - 8 * 3600


def test_entries_sit_under_their_utc_day_and_are_read_by_the_groups_local_period(slack: Deps) -> None:
    last = local(11, 30, 23, 30)  # 15:30 UTC on the 30th
    first_of_december = local(12, 1, 0, 30)  # 16:30 UTC on the 30th: the same UTC day, another local day
    post(slack, "last of november", ts(0, last))
    post(slack, "first of december", ts(0, first_of_december))
    day = list(slack.store.query_items(keys.message_log_pk(GID, "2026-11-30")))
    assert len(day) == 2
    november = list(MessageLog(slack.store).read(GID, *month_bounds("2026-11", 8.0), 8.0))
    assert [e.at for e in november] == [float(ts(0, last))]


def test_entries_written_under_the_groups_local_day_before_are_still_read(
    deps: Deps, group: GroupRecord
) -> None:
    at = local(11, 2, 7)  # 23:00 UTC on the 1st: the local day is the 2nd
    legacy = Item(
        keys.message_log_pk(GID, "2026-11-02"),
        keys.message_log_sk(at, "old"),
        {"k": "msg", "u": "U1", "at": at, "id": "old"},
    )
    deps.store.put_item(legacy)
    MessageLog(deps.store).record(
        GID,
        Entry(kind="msg", user="U2", at=at + 60, message_id="new"),
        scope_of(deps, GID).policy,
    )
    read = list(MessageLog(deps.store).read(GID, *month_bounds("2026-11", 8.0), 8.0))
    assert [e.message_id for e in read] == ["old", "new"]  # both, in time order


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


def test_the_worker_writes_nothing_more_for_an_ordinary_message_by_default(
    deps: Deps, group: GroupRecord, store: DynamoStore
) -> None:
    event = MessagePosted(
        platform="slack",
        tenant="T1",
        event_id="e1",
        occurred_at=T0 - DAY,
        chat="C1",
        user="U1",
        message_id="m1",
        text="the draft is ready",
    )
    ctx = load_context(event, deps)
    store.usage.reset()
    record_event(event, ctx, deps)
    assert dict(store.usage.calls) == {}
    set_policy(deps, GID, "retention: {activity: 120}")  # kept longer than the claim lives: written again
    record_event(event, load_context(event, deps), deps)
    (item,) = logged(deps)
    assert item["at"] == T0 - DAY
    raw = store.get_item(keys.message_log_pk(GID, "2026-11-30"), keys.message_log_sk(T0 - DAY, "m1"))
    assert raw is not None and raw.expires_at == int(T0 - DAY) + 120 * int(DAY)
