"""Normalised inbound events: what happened, in the past tense, the same for every messenger.

Adapters turn each platform's payload into these frozen dataclasses; everything after ingress sees only
them. `event_id` is the platform's own delivery id (or a content hash where the platform has none) and
is what the exactly-once claim is made on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from chalicelib.core.ids import Platform, group_id, user_id


@dataclass(frozen=True, kw_only=True)
class Event:
    """Fields every event has. `chat` is the platform's chat id, or "" outside any group."""

    platform: Platform
    tenant: str
    event_id: str
    occurred_at: float
    chat: str = ""

    @property
    def gid(self) -> str:
        return group_id(self.platform, self.tenant, self.chat)

    def uid(self, user: str) -> str:
        return user_id(self.platform, self.tenant, user)

    @property
    def claim_key(self) -> str:
        """The key the exactly-once claim is made on: unique per platform and tenant."""
        return f"{self.tenant}#{self.event_id}"


@dataclass(frozen=True)
class FileInfo:
    file_id: str
    name: str
    size: int | None = None
    mime_type: str | None = None


@dataclass(frozen=True, kw_only=True)
class MessagePosted(Event):
    """A member posted a message. `mentions_bot` is true when the bot was @-mentioned, and `text` then
    has the bot's mention removed. `reply_url` is a platform-issued reply channel (WeCom AI bot
    `response_url`, DingTalk `sessionWebhook`, Slack `response_url`) where one came with the message.
    Where the platform says so in the message itself (DingTalk's robot callback): `chat_name` is the
    group's title, `user_name` the sender's name, and `sender_admin` that the sender is an admin of it."""

    user: str
    message_id: str
    text: str
    mentions: tuple[str, ...] = ()
    mentions_bot: bool = False
    files: tuple[FileInfo, ...] = ()
    reply_to: str | None = None
    thread: str | None = None
    direct: bool = False
    reply_url: str | None = None
    chat_name: str = ""
    user_name: str = ""
    sender_admin: bool = False


@dataclass(frozen=True, kw_only=True)
class MemberJoined(Event):
    user: str
    inviter: str | None = None


@dataclass(frozen=True, kw_only=True)
class MemberLeft(Event):
    user: str
    removed_by: str | None = None


@dataclass(frozen=True, kw_only=True)
class FileShared(Event):
    user: str
    file: FileInfo
    message_id: str | None = None
    caption: str = ""


@dataclass(frozen=True, kw_only=True)
class CardClicked(Event):
    """A member pressed a button on one of the bot's cards. `action` and `value` are what the bot put on
    the button; `card_id` identifies the card (Slack message ts, WeCom task id, DingTalk outTrackId);
    `response_token` is what the platform needs to update the card (Slack response_url, WeCom
    ResponseCode). Who clicked is the platform's signed word, never a field inside `value`. `choices` are
    what the card's selects held when the button was pressed, as `key=value` (a key once per value)."""

    user: str
    action: str
    value: str = ""
    card_id: str = ""
    response_token: str | None = None
    choices: tuple[str, ...] = ()

    def chosen(self, key: str) -> tuple[str, ...]:
        """The values chosen in the card's select `key` (none when it was not on the card)."""
        return tuple(c.partition("=")[2] for c in self.choices if c.partition("=")[0] == key)


@dataclass(frozen=True, kw_only=True)
class CommandIssued(Event):
    """An explicit command: Slack's `/qg`, or `@bot <command>` once the pipeline has recognised it."""

    user: str
    name: str
    args: tuple[str, ...] = ()
    text: str = ""
    reply_url: str | None = None
    direct: bool = False
    mentions: tuple[str, ...] = ()
    reply_to: str | None = None


DirectoryChange = Literal["left", "moved", "updated"]


@dataclass(frozen=True, kw_only=True)
class DirectoryChanged(Event):
    """The company directory changed for a person: they left the company, moved department, or their
    profile (name, display name) changed. `chat` is "" because it concerns every group. `new_user` is
    the person's new id when the directory renamed them (WeCom `update_user` with `NewUserID`, doc
    path/90970): from then on the platform knows them only by it."""

    user: str
    change: DirectoryChange
    departments: tuple[str, ...] = ()
    name: str | None = None
    display_name: str | None = None
    new_user: str | None = None


@dataclass(frozen=True, kw_only=True)
class JobRequested(Event):
    """The scheduler asks for one job to run for one group and period (the fan-out unit). `period`
    names what the run covers (`2026-11-24`, `2026-11`), so the claim on `event_id` makes a second
    request for the same job, group and period do nothing."""

    job: str
    period: str
    dry_run: bool = False


@dataclass(frozen=True, kw_only=True)
class MessageWithdrawn(Event):
    """A member withdrew (recalled) one of their messages; `message_id` is the withdrawn one's. Seen
    through WeCom's message archive (`revoke`): a message withdrawn in the page it came in is not acted
    on; one acted on already has the case about it, if an admin card still waits, closed as withdrawn."""

    user: str
    message_id: str


@dataclass(frozen=True, kw_only=True)
class ConsentChanged(Event):
    """An external contact agreed, or declined, to have their conversations archived (WeCom `agree` and
    `disagree`): recorded, since a member who has not agreed is not seen at all."""

    user: str
    agreed: bool


@dataclass(frozen=True, kw_only=True)
class ArchiveNotified(Event):
    """The platform says new archived messages are ready to pull (WeCom `msgaudit_notify`). The worker
    pulls the tenant's archive; the event carries nothing else."""


EVENT_TYPES: tuple[type[Event], ...] = (
    MessagePosted,
    MemberJoined,
    MemberLeft,
    FileShared,
    CardClicked,
    CommandIssued,
    DirectoryChanged,
    JobRequested,
    MessageWithdrawn,
    ConsentChanged,
    ArchiveNotified,
)

__all__ = [
    "EVENT_TYPES",
    "ArchiveNotified",
    "CardClicked",
    "CommandIssued",
    "ConsentChanged",
    "DirectoryChange",
    "DirectoryChanged",
    "Event",
    "FileInfo",
    "FileShared",
    "JobRequested",
    "MemberJoined",
    "MemberLeft",
    "MessagePosted",
    "MessageWithdrawn",
]
