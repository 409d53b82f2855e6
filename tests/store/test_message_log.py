"""An ordinary message's exactly-once claim is its message-log item (`chalicelib.store.message_log`):
built from the parsed message alone, the same for every copy of the message, claimed once however many
copies race for it, against MemoryStore and DynamoStore on moto."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

import pytest

from chalicelib.core.events import CardClicked, FileInfo, FileShared, MessagePosted
from chalicelib.store import keys
from chalicelib.store.base import EVENT_CLAIM_TTL, Store
from chalicelib.store.message_log import LOG_DAYS, Entry, claim_item, from_item, to_item
from tests.store.conftest import T0
from tests.store.test_contract import run_concurrently

DAY = 86400


def message(**fields: object) -> MessagePosted:
    event = MessagePosted(
        platform="slack",
        tenant="T1",
        event_id=f"msg:C1:{T0 - 60:.6f}",
        occurred_at=T0 - 60,
        chat="C1",
        user="U1",
        message_id=f"{T0 - 60:.6f}",
        text="who has the minutes?",
        mentions=("U2", "U1"),
        thread="1709251000.000100",
        files=(FileInfo("F1", "plan-v2.docx"), FileInfo("F2", "")),
    )
    return replace(event, **fields)  # type: ignore[arg-type]


def test_the_claim_item_holds_what_the_message_says_and_nothing_that_needs_a_policy() -> None:
    item = claim_item(message(), T0)
    assert item is not None
    assert item.pk == "MSG#slack:T1:C1#2024-02-29"  # the UTC day of the message, not of a group's zone
    assert item.sk == keys.message_log_sk(T0 - 60, message().message_id)
    assert item.data == {  # no kind: an item without one is a message ("msg")
        "u": "U1",
        "at": T0 - 60,
        "id": message().message_id,
        "re": "1709251000.000100",
        "m": ["U2"],  # not the author
        "q": 1,
        "f": 2,
        "fn": ["plan-v2.docx"],
    }
    assert item.expires_at == int(T0 - 60) + LOG_DAYS * DAY
    assert from_item(item).file_names == ("plan-v2.docx",)


def test_an_item_reads_back_as_the_entry_it_was_made_of_and_so_does_one_written_before() -> None:
    item = claim_item(message(), T0)
    assert item is not None
    entry = from_item(item)
    assert (entry.kind, entry.message_id, entry.user, entry.at) == (
        "msg",
        message().message_id,
        "U1",
        T0 - 60,
    )
    older = replace(item, data={**item.data, "k": "msg"})
    assert from_item(older) == entry
    ack = to_item("slack:T1:C1", Entry(kind="ack", user="U3", at=T0, message_id="a#1", ref="r1"))
    assert (from_item(ack).kind, from_item(ack).message_id) == ("ack", "a#1")


def test_every_copy_of_a_message_builds_the_same_key_whenever_it_arrives() -> None:
    first = claim_item(message(), T0)
    retried = claim_item(message(event_id="another-envelope"), T0 + 3600)  # later, with another id
    assert first is not None and retried is not None
    assert (first.pk, first.sk) == (retried.pk, retried.sk)


def test_a_message_from_long_ago_still_claims_for_a_day() -> None:
    old = claim_item(message(occurred_at=T0 - 100 * DAY), T0)
    assert old is not None and old.expires_at == int(T0) + EVENT_CLAIM_TTL


@pytest.mark.parametrize(
    "event",
    [
        message(mentions_bot=True),  # a command or question to the bot: not participation
        message(direct=True),
        message(chat=""),
        FileShared(
            platform="slack",
            tenant="T1",
            event_id="Ev1",
            occurred_at=T0,
            chat="C1",
            user="U1",
            file=FileInfo("F1", ""),
        ),
        CardClicked(
            platform="slack",
            tenant="T1",
            event_id="c1",
            occurred_at=T0,
            chat="C1",
            user="U1",
            action="ann.ack",
        ),
    ],
    ids=["to-the-bot", "direct", "no-chat", "file-shared", "click"],
)
def test_everything_else_keeps_its_event_id_claim(event: object) -> None:
    assert claim_item(event, T0) is None  # type: ignore[arg-type]


def test_exactly_one_of_thirty_concurrent_copies_of_a_message_claims_it(store: Store) -> None:
    item = claim_item(message(), T0)
    assert item is not None
    results = run_concurrently(30, lambda _: store.put_item(item, if_absent=True))
    assert sorted(results) == [False] * 29 + [True]
    assert len(list(store.query_items(item.pk))) == 1


def test_a_released_claim_lets_the_retry_through(store: Store) -> None:
    item = claim_item(message(), T0)
    assert item is not None
    assert store.put_item(item, if_absent=True)
    store.delete_item(item.pk, item.sk)  # the queue refused the event
    assert store.put_item(item, if_absent=True)


def test_the_module_is_light_enough_for_ingress() -> None:
    code = (
        "import sys, chalicelib.store.message_log\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('boto3','botocore','pydantic','yaml')))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"
