"""The contracts every messenger adapter fulfils.

Inbound, an `Endpoint` per route: `verify` the raw request (signature, freshness, decryption) and get
back a `Verified` payload; `parse` only a `Verified` into normalised events; `ack` in the platform's
expected format. Outbound, a `Messenger` with the same verbs on every platform, and the `Capabilities`
that say which of them the platform really allows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal, Protocol

from chalicelib.core.cards import Card
from chalicelib.core.events import Event
from chalicelib.core.ids import Platform
from chalicelib.errors import VerificationFailed
from chalicelib.http import InboundRequest, Reply


@dataclass(frozen=True)
class SingleUse:
    """A signature that covers only headers (DingTalk's robot `sign`, its card `x-ddpaas-signature`), so
    nothing but this binds it to the bodies it came with: ingress claims `key` with the body's digest,
    until `expires_at` (when the freshness window has closed on it anyway), in numbered slots. The
    signature signs a millisecond, and two genuine messages of one app can share one: so it may be bound
    to up to `bodies` distinct bodies (1 for a request that cannot be such a twin; see
    `chalicelib.adapters.dingtalk.signature.single_use`). The same body again is a redelivery; another body
    once the slots are taken is a replay, refused."""

    key: str
    body_digest: str
    expires_at: int
    bodies: int = 1

    def slot(self, bound: Mapping[int, str]) -> int | None:
        """Where this body is to be claimed, given the bodies already bound (slot -> digest): None when it
        is one of them (a redelivery, to be let through), else the lowest free slot. Raises
        `VerificationFailed` when none is free: the signature is spent, the body a replay."""
        if self.body_digest in bound.values():
            return None
        free = next((n for n in range(self.bodies) if n not in bound), None)
        if free is None:
            raise VerificationFailed("this signature was already used with another body (a replay)")
        return free


@dataclass(frozen=True)
class Verified:
    """A request whose origin was proven. `payload` is the authenticated plaintext: the raw body, or
    what was decrypted from it (WeCom, DingTalk events). `once` is set where the signature does not cover
    the body (see `SingleUse`)."""

    request: InboundRequest
    payload: bytes
    context: Mapping[str, str] = field(default_factory=dict)
    once: SingleUse | None = None


@dataclass(frozen=True)
class Parsed:
    """What a verified request carried: events to process, or a URL-verification challenge to answer."""

    events: tuple[Event, ...] = ()
    challenge: str | None = None


class Endpoint(Protocol):
    platform: Platform
    content_types: frozenset[str]

    def verify(self, request: InboundRequest) -> Verified:
        """Raise `VerificationFailed` unless the request provably comes from the platform."""
        ...

    def parse(self, verified: Verified) -> Parsed:
        """Normalised events; an empty `Parsed` means "acknowledge and ignore". Raise
        `MalformedRequest` for a body that cannot be understood."""
        ...

    def ack(self, verified: Verified, parsed: Parsed) -> Reply:
        """The reply the platform expects, within its deadline."""
        ...


class Capability(StrEnum):
    SEE_ALL_MESSAGES = "see_all_messages"
    POST_TO_GROUP = "post_to_group"
    SEND_DIRECT = "send_direct"
    POST_CARD = "post_card"
    DELETE_MESSAGE = "delete_message"
    REMOVE_MEMBER = "remove_member"
    MUTE_MEMBER = "mute_member"
    RECALL_OWN = "recall_own"


@dataclass(frozen=True)
class CardChoices:
    """What selects a card of the platform can carry (`chalicelib.core.cards.Select`): how many, whether
    one may take several values, whether there is a user picker. A card that asks for more is refused
    by the platform's renderer, so whoever builds one asks here first."""

    max_selects: int = 5
    multiple: bool = True
    people: bool = False


@dataclass(frozen=True)
class Capabilities:
    """What a platform lets the bot do: `always`, or only `in_app_groups` (groups the app created,
    WeCom appchat and DingTalk app or scene groups). `notes` say why, for the README and the cases."""

    always: frozenset[Capability]
    in_app_groups: frozenset[Capability] = frozenset()
    notes: Mapping[Capability, str] = field(default_factory=dict)
    choices: CardChoices = field(default_factory=CardChoices)
    # Whether the token a card was sent with updates it again and again ("repeatable": Slack's
    # channel:ts, DingTalk's outTrackId) or once ("once": a WeCom response_code).
    card_updates: Literal["repeatable", "once"] = "repeatable"

    def allows(self, capability: Capability, *, app_group: bool = False) -> bool:
        return capability in self.always or (app_group and capability in self.in_app_groups)


@dataclass(frozen=True)
class Target:
    """Where a message goes. A group message names `chat` (and maybe a `thread`); a direct message
    names `user`. `reply_url` is a platform-issued reply channel, used when the platform requires it
    (WeCom AI bot `response_url`, DingTalk `sessionWebhook`)."""

    tenant: str
    chat: str = ""
    user: str = ""
    thread: str | None = None
    reply_url: str | None = None


@dataclass(frozen=True)
class DirectoryUser:
    """A person as the company directory knows them."""

    user: str
    name: str
    display_name: str = ""
    active: bool = True
    departments: tuple[str, ...] = ()
    is_bot: bool = False
    is_guest: bool = False
    is_admin: bool = False
    locale: str | None = None
    # Work contacts, where the platform gives them to the app: only ever hashed into a person's link
    # (`chalicelib.persons.contacts`), never stored in clear.
    email: str = ""
    mobile: str = ""


@dataclass(frozen=True)
class GroupInfo:
    """A group as the platform describes it: its name, and who runs it there. `admins` are native ids,
    the owner (or creator) first, then the platform's other admins of the group. `members`, where the
    platform lists them with the group (WeCom), are (native id, the name it gives them or "") in its
    order: a group nobody named is called by its members' names, as the platform's own clients do."""

    chat: str
    name: str = ""
    owner: str | None = None
    admins: tuple[str, ...] = ()
    members: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Sent:
    """What the platform answered for a message or card the bot sent: its id, and the token (WeCom
    response_code, DingTalk outTrackId) needed to update or recall it later."""

    message_id: str | None = None
    token: str | None = None


class Messenger(Protocol):
    """The outbound verbs. A verb the platform cannot do raises `NotSupported`; the executor checks
    `capabilities` first and takes the next best action instead."""

    platform: Platform
    capabilities: Capabilities

    def post_text(self, target: Target, text: str) -> Sent: ...

    def send_direct(self, tenant: str, user: str, text: str) -> Sent: ...

    def post_card(self, target: Target, card: Card) -> Sent: ...

    def update_card(
        self, tenant: str, card_ref: str, card: Card, *, response_token: str | None = None
    ) -> None: ...

    def delete_message(self, tenant: str, chat: str, message_id: str) -> None: ...

    def remove_member(self, tenant: str, chat: str, user: str) -> None: ...

    def mute_member(self, tenant: str, chat: str, user: str, seconds: int) -> None: ...

    def get_user(self, tenant: str, user: str) -> DirectoryUser | None: ...

    def bot_user_id(self, tenant: str) -> str | None: ...

    def group_info(self, tenant: str, chat: str) -> GroupInfo | None:
        """The group's name, owner and admins as the platform reports them (Slack conversations.info,
        WeCom appchat/get or externalcontact/groupchat/get, DingTalk scenegroup/get); None where the
        platform will not describe this group."""
        ...

    def org_admins(self, tenant: str) -> tuple[str, ...]:
        """The organisation's admins (Slack workspace admins and owners, WeCom the app's admins, DingTalk
        the company's admins): who is told when a group has no admin of its own."""
        ...

    def addressed(self, event: Event) -> Event | None:
        """The event as the bot sees it, before anything decides on it: None for the bot's own message
        or file; a message that @-mentions the bot marked `mentions_bot`, with the mention taken out of
        its text. Platforms whose callbacks already say both (WeCom, DingTalk) return the event as is."""
        ...

    def list_members(self, tenant: str, chat: str) -> tuple[str, ...]:
        """The native ids of a group's members, every page (where the platform lists them)."""
        ...

    def create_group(self, tenant: str, name: str, owner: str, members: tuple[str, ...]) -> str:
        """Create a group the bot manages, owned by `owner` with `members`; its chat id."""
        ...

    def post_image(self, target: Target, png: bytes, name: str, caption: str = "") -> Sent:
        """Upload a PNG image and post it to the target (a chat, or a user directly), with a caption where
        the platform shows one (charts of the assessment)."""
        ...

    def permalink(self, tenant: str, chat: str, message_id: str) -> str | None:
        """A link that opens the message in the messenger, where the platform gives one (Slack); None
        elsewhere, or when the platform will not say."""
        ...

    def recall_own(self, tenant: str, chat: str, message_id: str, *, token: str | None = None) -> None:
        """Withdraw one of the bot's own messages (`chat` "" for a direct message); `token` is what the
        platform gave when it was sent (`Sent.token`). Raises `NotSupported` where it cannot (RECALL_OWN)."""
        ...


class NotSupported(Exception):
    """The platform has no API for this verb (see `Capabilities`)."""
