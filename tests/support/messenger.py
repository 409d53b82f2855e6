"""An in-memory Messenger that records each verb it was asked for, with chosen capabilities."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chalicelib.adapters.base import (
    Capabilities,
    Capability,
    DirectoryUser,
    GroupInfo,
    NotSupported,
    Sent,
    Target,
)
from chalicelib.core.cards import Card
from chalicelib.core.events import Event
from chalicelib.core.ids import Platform
from chalicelib.errors import MessengerError

EVERYTHING = frozenset(Capability)


@dataclass
class RecordingMessenger:
    platform: Platform = "slack"
    capabilities: Capabilities = field(default_factory=lambda: Capabilities(always=EVERYTHING))
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    fail_with: MessengerError | None = None
    rosters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    groups: dict[str, GroupInfo] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # the directory's names, by user id
    aliases: dict[str, str] = field(default_factory=dict)  # the directory's display names, by user id
    admins: tuple[str, ...] = ()

    def _record(self, verb: str, **kwargs: Any) -> Sent:
        if self.fail_with is not None:
            raise self.fail_with
        self.calls.append((verb, kwargs))
        return Sent(message_id=f"m{len(self.calls)}")

    def verbs(self) -> list[str]:
        return [verb for verb, _ in self.calls]

    def post_text(self, target: Target, text: str) -> Sent:
        return self._record("post_text", target=target, text=text)

    def send_direct(self, tenant: str, user: str, text: str) -> Sent:
        return self._record("send_direct", tenant=tenant, user=user, text=text)

    def post_card(self, target: Target, card: Card) -> Sent:
        """A card's token is what `update_card` takes back (as Slack's "channel:ts")."""
        sent = self._record("post_card", target=target, card=card)
        return Sent(message_id=sent.message_id, token=f"{target.chat or target.user}:{sent.message_id}")

    def update_card(
        self, tenant: str, card_ref: str, card: Card, *, response_token: str | None = None
    ) -> None:
        self._record("update_card", card_ref=card_ref, card=card, response_token=response_token)

    def delete_message(self, tenant: str, chat: str, message_id: str) -> None:
        self._require(Capability.DELETE_MESSAGE)
        self._record("delete_message", chat=chat, message_id=message_id)

    def remove_member(self, tenant: str, chat: str, user: str) -> None:
        self._require(Capability.REMOVE_MEMBER)
        self._record("remove_member", chat=chat, user=user)

    def mute_member(self, tenant: str, chat: str, user: str, seconds: int) -> None:
        self._require(Capability.MUTE_MEMBER)
        self._record("mute_member", chat=chat, user=user, seconds=seconds)

    def get_user(self, tenant: str, user: str) -> DirectoryUser | None:
        return DirectoryUser(
            user=user, name=self.names.get(user, user), display_name=self.aliases.get(user, "")
        )

    def bot_user_id(self, tenant: str) -> str | None:
        return "UQGBOT"

    def group_info(self, tenant: str, chat: str) -> GroupInfo | None:
        return self.groups.get(chat)

    def org_admins(self, tenant: str) -> tuple[str, ...]:
        return self.admins

    def addressed(self, event: Event) -> Event | None:
        return event

    def list_members(self, tenant: str, chat: str) -> tuple[str, ...]:
        self._record("list_members", chat=chat)
        return self.rosters.get(chat, ())

    def create_group(self, tenant: str, name: str, owner: str, members: tuple[str, ...]) -> str:
        self._record("create_group", name=name, owner=owner, members=members)
        chat = f"G{len(self.rosters) + 1}"
        self.rosters[chat] = (owner, *members)
        return chat

    def post_image(self, target: Target, png: bytes, name: str, caption: str = "") -> Sent:
        return self._record("post_image", target=target, png=png, name=name, caption=caption)

    def permalink(self, tenant: str, chat: str, message_id: str) -> str | None:
        return None

    def recall_own(self, tenant: str, chat: str, message_id: str, *, token: str | None = None) -> None:
        self._require(Capability.RECALL_OWN)
        self._record("recall_own", chat=chat, message_id=message_id, token=token)

    def _require(self, capability: Capability) -> None:
        if not self.capabilities.allows(capability, app_group=True):
            raise NotSupported(capability)
