"""What the bot's arrival costs the messages after it (issue 13, item 7). On WeCom and DingTalk every
message of the minutes after the bot registers a group asks whether its setup card went out: the first
asks the table (one conditional put on the group's `SETUP` item), the container remembers the answer
(`Deps.setups`), and the messages after it cost no request, in real time as in an archived page."""

from __future__ import annotations

from dataclasses import replace

from chalicelib.bootstrap import SETUP_CACHE_SECONDS, Deps
from chalicelib.clock import FrozenClock
from chalicelib.core.events import MessagePosted
from chalicelib.settings import Settings
from chalicelib.store import keys
from chalicelib.store.memory import MemoryStore
from chalicelib.store.records import GroupRecord, Item
from chalicelib.worker.batch import moderate
from chalicelib.worker.pipeline import process
from tests.membership.factories import NOW
from tests.support.messenger import RecordingMessenger

GID = "wecom:corp:wr1"
SETUP = (keys.group_pk(GID), keys.setup_sk())


class CountingStore(MemoryStore):
    """The memory store, counting the conditional puts on the group's `SETUP` item."""

    setup_puts = 0

    def put_item(self, item: Item, *, if_absent: bool = False) -> bool:
        if (item.pk, item.sk) == SETUP:
            self.setup_puts += 1
        return super().put_item(item, if_absent=if_absent)


def container(store: CountingStore, clock: FrozenClock, messenger: RecordingMessenger) -> Deps:
    """One Lambda container: its own caches over the shared table."""
    settings = Settings(_env_file=None, qg_dispatch="inline")
    return Deps(settings=settings, clock=clock, store=store, messenger_factory=lambda platform: messenger)


def fresh_group(store: CountingStore) -> None:
    """Registered a moment ago, with an owner to send the setup card to."""
    group = GroupRecord(GID, "wecom", "corp", "wr1", name="研发部周会群", created_at=NOW, admins=("owner",))
    store.put_group(replace(group, described_at=NOW))


def message(n: int, at: float) -> MessagePosted:
    return MessagePosted(
        platform="wecom",
        tenant="corp",
        event_id=f"m{n}",
        occurred_at=at,
        chat="wr1",
        user=f"member{n % 3}",
        message_id=f"m{n}",
        text=f"周会改到下午三点 {n}",
    )


def setup_cards(messenger: RecordingMessenger) -> int:
    return sum(
        1
        for verb, call in messenger.calls
        if verb == "post_card" and call["card"].card_id.startswith("setup:")
    )


def test_only_the_first_message_after_the_arrival_asks_the_table_for_the_setup_claim() -> None:
    clock, messenger = FrozenClock(NOW), RecordingMessenger(platform="wecom")
    store = CountingStore(clock=clock)
    fresh_group(store)
    deps = container(store, clock, messenger)
    for n in range(10):
        clock.at = NOW + 1 + n
        process(message(n, clock.at), deps)
    assert store.setup_puts == 1
    assert setup_cards(messenger) == 1


def test_another_container_asks_once_and_sends_no_second_card() -> None:
    clock, messenger = FrozenClock(NOW + 1), RecordingMessenger(platform="wecom")
    store = CountingStore(clock=clock)
    fresh_group(store)
    process(message(0, NOW + 1), container(store, clock, messenger))
    other = container(store, clock, messenger)
    for n in range(1, 5):
        process(message(n, NOW + 1 + n), other)
    assert store.setup_puts == 2  # one per container: the claim, then its refusal
    assert setup_cards(messenger) == 1


def test_a_page_of_archived_messages_after_the_arrival_asks_nothing_of_the_table() -> None:
    clock, messenger = FrozenClock(NOW + 60), RecordingMessenger(platform="wecom")
    store = CountingStore(clock=clock)
    fresh_group(store)
    deps = container(store, clock, messenger)
    moderate([message(n, NOW + n) for n in range(3)], deps)  # an earlier pull: the arrival
    asked = store.setup_puts
    moderate([message(n, NOW + 10 + n) for n in range(3, 50)], deps)
    assert (asked, store.setup_puts) == (1, 1)
    assert setup_cards(messenger) == 1


def test_the_container_forgets_a_claimed_group_after_a_few_minutes() -> None:
    clock, messenger = FrozenClock(NOW + 1), RecordingMessenger(platform="wecom")
    store = CountingStore(clock=clock)
    fresh_group(store)
    deps = container(store, clock, messenger)
    process(message(0, NOW + 1), deps)
    assert deps.setups.get(GID, NOW + 1 + SETUP_CACHE_SECONDS - 1)
    assert deps.setups.get(GID, NOW + 1 + SETUP_CACHE_SECONDS) is None
