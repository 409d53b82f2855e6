"""What the bot does, in the imperative. A `Decision` is a list of actions with reasons; the executor
carries them out through the platform's `Messenger`, or takes the next best action where the platform
cannot (and records the substitution).

Actions name members and chats by their platform-native ids; the executor knows the event's platform
and tenant. `reason` is a catalogue key a member can read once translated (see `chalicelib.i18n`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, TypeVar

from chalicelib.core.cards import Card
from chalicelib.core.facts import Fact


@dataclass(frozen=True)
class Lifetime:
    """How long a post of the bot's stays: it is registered with the platform's message id once sent, and
    recalled when it falls due (`kind` "announcement", "card" or "notice"). `source` names what it belongs
    to (e.g. "ann:<ref>"), so the workflow that posted it can recall it early."""

    kind: str
    due: float
    title: str = ""
    source: str = ""


@dataclass(frozen=True, kw_only=True)
class Action:
    reason: str = ""
    rule: str = ""
    # Merge order: a decision is carried out from the most to the least severe action.
    severity: ClassVar[int] = 0


@dataclass(frozen=True, kw_only=True)
class Reply(Action):
    """Answer in the context of the triggering event: the same chat and thread, or the reply URL the
    platform gave with it. `private` asks for an ephemeral answer where the platform has one."""

    text: str
    private: bool = False


@dataclass(frozen=True, kw_only=True)
class SendDirect(Action):
    user: str
    text: str
    keep: Lifetime | None = None


@dataclass(frozen=True, kw_only=True)
class PostImage(Action):
    """A PNG image (a job's chart) to each of `users` privately, with a caption where the platform shows
    one. It is stored in the outbox with the decision (base64), so keep it small: the charts are a few KB."""

    users: tuple[str, ...]
    name: str
    png: bytes
    caption: str = ""


@dataclass(frozen=True, kw_only=True)
class PostText(Action):
    chat: str
    text: str
    keep: Lifetime | None = None


@dataclass(frozen=True, kw_only=True)
class PostCard(Action):
    """Post a card to a chat, or to each of `users` directly (WeCom cards go only to users)."""

    card: Card
    chat: str = ""
    users: tuple[str, ...] = ()
    keep: Lifetime | None = None


@dataclass(frozen=True, kw_only=True)
class UpdateCard(Action):
    """Show `card` in place of the card `card_ref` / `response_token` name. `user` is whose copy it is:
    where the platform refuses the update (a WeCom response_code used or past its 72 h), they are told by
    a private message instead, and the result records the substitution."""

    card: Card
    card_ref: str
    response_token: str | None = None
    user: str = ""


@dataclass(frozen=True, kw_only=True)
class Recall(Action):
    """Withdraw one of the bot's own posts (`chat` "" for a direct message, `token` what the platform gave
    when it was sent). Where the platform cannot recall it, `fallback` replaces the card's content if the
    platform can update cards; otherwise it stays, and the result says so."""

    chat: str
    message_id: str
    token: str = ""
    gid: str = ""  # the registered post (group and key) to settle once it is recalled
    key: str = ""
    fallback: Card | None = None


@dataclass(frozen=True, kw_only=True)
class Warn(Action):
    user: str
    chat: str
    text: str
    severity: ClassVar[int] = 10


@dataclass(frozen=True, kw_only=True)
class DeleteMessage(Action):
    chat: str
    message_id: str
    user: str
    text: str = ""
    explained: bool = False  # the member was already told what to do where the platform cannot delete
    severity: ClassVar[int] = 20


@dataclass(frozen=True, kw_only=True)
class Mute(Action):
    chat: str
    user: str
    seconds: int
    explained: bool = False  # the member was already told what to do where the platform cannot mute
    severity: ClassVar[int] = 30


@dataclass(frozen=True, kw_only=True)
class Unmute(Action):
    """End a mute: lift it where the platform muted, else tell the member they may post again."""

    chat: str
    user: str
    text: str = ""
    severity: ClassVar[int] = 5


@dataclass(frozen=True, kw_only=True)
class Remove(Action):
    chat: str
    user: str
    ban: bool = False
    severity: ClassVar[int] = 40


F = TypeVar("F", bound=Fact)


@dataclass(frozen=True)
class Decision:
    """The verdict on one event: the actions, most severe first, and what to record besides.

    - `acting_chat`: the group the actions act in, when it is not the event's (a card clicked in a
      direct message acts in the group its sealed value names);
    - `retry`: why the handler's own work (archiving a file, say) failed in a way worth retrying: the
      event fails once its actions are done, and its redelivery decides again;
    - `refused`: why a request was turned away (the audit keeps it);
    - `aside`: the decision does not answer the event (the setup card of a group the bot just arrived
      in): a message addressed to the bot still gets its "unknown command" hint;
    - `facts`: what the domains record or follow up once it is done (`chalicelib.core.facts`), routed by
      type to the handlers they registered;
    - `audit`: detail for the decision's audit record only (JSON-like, written by `act()` under
      "audit"); nothing reads it back to decide.
    """

    actions: tuple[Action, ...] = ()
    shadow: bool = False
    acting_chat: str = ""
    retry: str = ""
    refused: str = ""
    aside: bool = False
    facts: tuple[Fact, ...] = ()
    audit: Mapping[str, Any] = field(default_factory=dict)

    @staticmethod
    def of(*actions: Action, shadow: bool = False) -> Decision:
        ordered = sorted(actions, key=lambda action: -action.severity)
        return Decision(tuple(ordered), shadow=shadow)

    def fact(self, kind: type[F]) -> F | None:
        """The decision's first fact of type `kind`, if it has one."""
        return next((fact for fact in self.facts if isinstance(fact, kind)), None)

    def with_facts(self, *facts: Fact) -> Decision:
        return replace(self, facts=(*self.facts, *facts))

    @staticmethod
    def merge(*decisions: Decision) -> Decision:
        """Several domains' decisions on one event as one: every action, most severe first; every fact;
        the audit details merged; the first acting group, retry and refusal given; shadow only if every
        part was, aside only if every part was."""
        parts = [
            d
            for d in decisions
            if d.actions or d.audit or d.acting_chat or d.retry or d.refused or d.facts or d.aside
        ]
        if not parts:
            return Decision()
        audit: dict[str, Any] = {}
        for part in parts:
            audit.update(part.audit)
        merged = Decision.of(
            *(a for part in parts for a in part.actions), shadow=all(p.shadow for p in parts)
        )
        return Decision(
            merged.actions,
            merged.shadow,
            acting_chat=next((p.acting_chat for p in parts if p.acting_chat), ""),
            retry=next((p.retry for p in parts if p.retry), ""),
            refused=next((p.refused for p in parts if p.refused), ""),
            aside=all(p.aside for p in parts),
            facts=tuple(fact for part in parts for fact in part.facts),
            audit=audit,
        )

    def __bool__(self) -> bool:
        return bool(self.actions)
