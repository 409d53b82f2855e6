"""Nothing silent (issue 16, item 7): a command whose action the platform refused tells whoever gave it
what could not be done and why, in their language; a direct message or a card clicked in a private chat
never registers that chat as a governed group."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.bootstrap import Deps
from chalicelib.clock import FrozenClock
from chalicelib.core.events import CardClicked, CommandIssued, MessagePosted
from chalicelib.errors import MessengerError
from chalicelib.settings import Settings
from chalicelib.store.memory import MemoryStore
from chalicelib.store.records import GroupRecord
from chalicelib.worker.pipeline import process
from tests.support.messenger import RecordingMessenger

T0 = 1_700_000_000.0


@dataclass
class RefusingMessenger(RecordingMessenger):
    """Slack as it answers a kick from a channel it cannot find (a final refusal, not worth retrying)."""

    def remove_member(self, tenant: str, chat: str, user: str) -> None:
        raise MessengerError("slack", "conversations.kick", "channel_not_found")


def make(messenger: RecordingMessenger, locale: str = "zh-CN") -> Deps:
    clock = FrozenClock(T0)
    deps = Deps(
        settings=Settings(_env_file=None, qg_default_locale=locale, qg_card_signing_key="k"),
        clock=clock,
        store=MemoryStore(clock=clock),
        messenger_factory=lambda p: messenger,
    )
    deps.store.put_group(
        GroupRecord(gid="slack:T1:C1", platform="slack", tenant="T1", chat="C1", admins=("UADMIN",))
    )
    return deps


def remove(user: str) -> CommandIssued:
    return CommandIssued(
        platform="slack",
        tenant="T1",
        event_id="c1",
        occurred_at=T0,
        chat="C1",
        user="UADMIN",
        name="remove",
        args=(f"<@{user}>",),
        text=f"remove <@{user}>",
        reply_url="https://hooks.example/r",
    )


def test_a_command_the_platform_refused_says_what_failed_and_why() -> None:
    messenger = RefusingMessenger()
    process(remove("U0BOB"), make(messenger))
    texts = [str(kwargs.get("text", "")) for _, kwargs in messenger.calls]
    assert any("没能完成：移出成员" in text and "channel_not_found" in text for text in texts)


def test_the_reason_comes_in_the_readers_language() -> None:
    messenger = RefusingMessenger()
    process(remove("U0BOB"), make(messenger, "en"))
    texts = [str(kwargs.get("text", "")) for _, kwargs in messenger.calls]
    assert any("Could not be done: removing the member" in text for text in texts)


def test_a_direct_message_never_registers_a_group() -> None:
    deps = make(RecordingMessenger())
    message = MessagePosted(
        platform="slack", tenant="T1", event_id="d1", occurred_at=T0, chat="D0BOB", user="U0BOB",
        message_id="1.0", text="help", direct=True,
    )  # fmt: skip
    process(message, deps)
    assert deps.store.get_group("slack:T1:D0BOB") is None


def test_a_card_clicked_in_a_private_chat_never_registers_it_as_a_group() -> None:
    deps = make(RecordingMessenger())
    click = CardClicked(
        platform="slack", tenant="T1", event_id="k1", occurred_at=T0, chat="D0ADMIN", user="UADMIN",
        action="mod.dismiss", value="not-sealed", card_id="1.2",
    )  # fmt: skip
    process(click, deps)
    assert deps.store.get_group("slack:T1:D0ADMIN") is None
