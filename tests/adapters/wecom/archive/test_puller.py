"""The puller against the fake SDK: pages from the checkpoint, a conditional checkpoint, one puller per
corp, network errors retried with back-off, and what it hands on."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

import pytest

from chalicelib.adapters.wecom.archive.errors import SdkError
from chalicelib.adapters.wecom.archive.keys import PrivateKeys
from chalicelib.adapters.wecom.archive.puller import ArchivePuller, PullLimits
from chalicelib.adapters.wecom.archive.sdk import FinanceSdk
from chalicelib.clock import FrozenClock
from chalicelib.core.events import Event, MessagePosted
from chalicelib.store import keys
from chalicelib.store.memory import MemoryStore
from chalicelib.store.records import Item
from local.fakes.wecom_archive import FakeArchive
from tests.adapters.wecom.archive.conftest import CORP_ID

ROOM = "wrjc7bDwYAOAhf9quEwRRxyyoMm0QAAA"
PK = keys.archive_pk("wecom", CORP_ID)


def text(n: int) -> dict[str, object]:
    return {
        "msgid": f"msg-{n}",
        "action": "send",
        "from": "zhangsan",
        "tolist": ["lisi"],
        "roomid": ROOM,
        "msgtime": 1_700_000_000_000 + n,
        "msgtype": "text",
        "text": {"content": f"第 {n} 条"},
    }


class Recorder:
    def __init__(self) -> None:
        self.pages: list[list[Event]] = []

    def __call__(self, events: Sequence[Event]) -> None:
        self.pages.append(list(events))


class Fixture:
    def __init__(
        self,
        sdk: FinanceSdk,
        archive: FakeArchive,
        *,
        page_size: int = 1000,
        store: MemoryStore | None = None,
        hand_on: Callable[[Sequence[Event]], None] | None = None,
    ) -> None:
        self.store = store or MemoryStore(clock=FrozenClock(1_700_000_000.0))
        self.handed = Recorder()
        self.sleeps: list[float] = []
        self.puller = ArchivePuller(
            sdk,
            PrivateKeys.from_json(archive.private_keys_json()),
            store=self.store,
            clock=FrozenClock(1_700_000_000.0),
            tenant=CORP_ID,
            hand_on=hand_on or self.handed,
            limits=PullLimits(page_size=page_size),
            sleep=self.sleeps.append,
        )


def test_a_pull_pages_from_the_checkpoint_until_a_short_page(sdk: FinanceSdk, archive: FakeArchive) -> None:
    for n in range(7):
        archive.post(text(n))
    f = Fixture(sdk, archive, page_size=3)
    report = f.puller.pull()
    assert (report.outcome, report.pages, report.seq_from, report.seq_to) == ("caught_up", 3, 0, 7)
    assert [len(page) for page in f.handed.pages] == [3, 3, 1]
    assert f.puller.checkpoint() == 7
    posted = [e for page in f.handed.pages for e in page]
    assert all(isinstance(e, MessagePosted) and e.chat == ROOM for e in posted)

    archive.post(text(7))
    again = f.puller.pull()
    assert (again.seq_from, again.seq_to, again.events) == (7, 8, 1)


def test_one_puller_per_corp_at_a_time(sdk: FinanceSdk, archive: FakeArchive) -> None:
    archive.post(text(1))
    f = Fixture(sdk, archive)
    f.store.put_item(Item(PK, keys.ARCHIVE_LEASE_SK, data={"holder": "another"}, expires_at=1_700_000_100))
    assert f.puller.pull().outcome == "busy"
    assert f.handed.pages == []


def test_a_lease_left_by_a_crashed_puller_expires(sdk: FinanceSdk, archive: FakeArchive) -> None:
    archive.post(text(1))
    f = Fixture(sdk, archive)
    f.store.put_item(Item(PK, keys.ARCHIVE_LEASE_SK, data={"holder": "dead"}, expires_at=1_699_999_000))
    assert f.puller.pull().outcome == "caught_up"
    assert f.store.get_item(PK, keys.ARCHIVE_LEASE_SK) is None  # released after the pull


def test_the_checkpoint_moves_only_from_the_seq_the_page_started_at(
    sdk: FinanceSdk, archive: FakeArchive
) -> None:
    for n in range(2):
        archive.post(text(n))
    store = MemoryStore(clock=FrozenClock(1_700_000_000.0))
    store.put_item(Item(PK, keys.ARCHIVE_CHECKPOINT_SK, data={"seq": 0}))

    def racing(events: Sequence[Event]) -> None:  # someone else moved the checkpoint meanwhile
        store.update_item(PK, keys.ARCHIVE_CHECKPOINT_SK, {"seq": 5})

    f = Fixture(sdk, archive, store=store, hand_on=racing)
    assert f.puller.pull().outcome == "contended"
    assert f.puller.checkpoint() == 5


def test_a_network_error_is_retried_with_back_off_then_raised(sdk: FinanceSdk, archive: FakeArchive) -> None:
    archive.sdk_error(10001)
    f = Fixture(sdk, archive)
    with pytest.raises(SdkError) as failure:
        f.puller.pull()
    assert failure.value.code == 10001
    assert f.sleeps == [0.5, 1.0, 2.0]
    assert f.store.get_item(PK, keys.ARCHIVE_LEASE_SK) is None  # the lease is released on the way out


def test_an_sdk_refusal_is_one_alert_and_no_retry(sdk: FinanceSdk, archive: FakeArchive) -> None:
    archive.sdk_error(10009)  # IP not allowed
    f = Fixture(sdk, archive)
    assert f.puller.pull().outcome == "operator"
    assert f.sleeps == []
    assert f.store.get_item(PK, keys.archive_alert_sk("sdk-10009")) is not None


def test_malformed_json_from_the_sdk_keeps_the_seq(sdk: FinanceSdk, archive: FakeArchive) -> None:
    archive.post(text(1))
    (archive.directory / "errcode").write_text("{not json")
    f = Fixture(sdk, archive)
    with pytest.raises(SdkError, match="not JSON"):
        f.puller.pull()
    assert f.puller.checkpoint() == 0


def test_items_that_map_to_nothing_are_counted_by_type(sdk: FinanceSdk, archive: FakeArchive) -> None:
    archive.post({"msgid": "s1", "action": "switch", "time": 1554119421840, "user": "XuJinSheng"})
    archive.post({**text(1), "roomid": ""})
    archive.post({**text(2), "msgtype": "vote", "vote": {}})
    report = Fixture(sdk, archive).puller.pull()
    assert dict(report.ignored) == {"switch": 1, "one-to-one": 1, "vote": 1}
    assert report.seq_to == 3


def test_an_item_the_binding_refuses_is_recorded_and_the_page_goes_on(
    sdk: FinanceSdk, archive: FakeArchive
) -> None:
    archive.post(text(1))
    line = json.loads((archive.directory / "chatdata.tsv").read_text().split("\t", 1)[1])
    archive.post_raw(json.dumps({**line, "seq": 2, "encrypt_chat_msg": "!!!!not-base64!!!!"}))
    f = Fixture(sdk, archive)
    report = f.puller.pull()
    assert (report.events, report.failed) == (1, 1)
    assert f.store.get_item(PK, keys.archive_failure_sk(2)) is not None


# The fake SDK, like a wrong key, refuses a plaintext that does not open with "{" (its own scheme).
@pytest.mark.parametrize(
    "plain",
    [
        b'{"msgid": "msg-2", "msgtype": "text"',
        b'{"msgid": "msg-2"} {}',
        b'{"msgid": "msg-2", "x": "\xff\xfe"}',
    ],
    ids=["cut-short", "two-values", "not-utf-8"],
)
def test_a_decrypted_message_that_is_not_json_is_recorded_under_its_seq_and_the_page_goes_on(
    sdk: FinanceSdk, archive: FakeArchive, plain: bytes
) -> None:
    archive.post(text(1))
    archive.post_plain(plain, msgid="msg-2")
    archive.post(text(3))
    f = Fixture(sdk, archive)
    report = f.puller.pull()
    assert [e.event_id for page in f.handed.pages for e in page] == ["msg-1", "msg-3"]
    assert (report.failed, report.seq_to, f.puller.checkpoint()) == (1, 3, 3)
    failure = f.store.get_item(PK, keys.archive_failure_sk(2))
    assert (
        failure is not None and failure.data["msgid"] == "msg-2" and failure.data["kind"] == "undecryptable"
    )
