"""What every rule shares: the `Rule` protocol, the `Finding` a rule returns, and the `RuleContext` of
precomputed signals that keeps rules pure.

A rule never does I/O. Whatever it needs from the store (counters, the member's last message, known
document versions, a one-time pass) the pipeline computes first and puts in the context. A rule says what
it found; the engine decides what to do about it (by the rule's mode, the member's exemptions and the
escalation ladder).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from chalicelib.core.events import Event, FileInfo, FileShared, MessagePosted
from chalicelib.core.heat import Exchange
from chalicelib.core.policy import GroupPolicy, Severity

ParamValue = str | int | float


@dataclass(frozen=True, kw_only=True)
class Finding:
    """One thing a rule found in one event.

    `reason_key` is a catalogue key whose template takes `params` (never the offending value itself:
    PII is only ever named by kind and masked form). `evidence` is for the case log, under the same
    rule. `delete` asks for the message to be removed, `mute_seconds` for a mute. `explain: False` marks
    a repeat the member was already told about (the next messages of the same flood); `waived` a finding
    a one-time pass covered; `sensitive` content that must never be shown to anyone but its author.
    """

    rule: str
    severity: Severity
    points: float
    reason_key: str
    params: Mapping[str, ParamValue] = field(default_factory=dict)
    delete: bool = False
    evidence: Mapping[str, Any] = field(default_factory=dict)
    mute_seconds: int = 0
    explain: bool = True
    waived: bool = False
    sensitive: bool = False


@dataclass(frozen=True, kw_only=True, slots=True)
class RuleContext:
    """The signals the pipeline computes before the rules run (see each field for how).

    Counts include the event being evaluated. Member ids are the platform's native ids.
    """

    policy: GroupPolicy
    now: float
    role: str = "member"  # the member's platform role: owner | admin | member | guest
    is_admin: bool = False  # a platform owner/admin of the group, or named in policy.admins
    flood_count: int = 1  # this member's messages in the current flood window (policy.rules.flood)
    member_duplicates: int = 1  # this member's messages with this fingerprint in the duplicate window
    group_duplicates: int = 1  # the group's messages with this fingerprint in the duplicate window
    last_message_at: float | None = None  # this member's previous message in the group, before this one
    known_versions: Mapping[str, tuple[int, ...]] = field(default_factory=dict)  # doc key -> newest seen
    ads_pass: bool = False  # an admin gave this member a one-time pass for ads (R3.5)
    points: float = 0.0  # the member's stored violation points...
    points_at: float | None = None  # ...as of this time (they decay from there)
    admins: tuple[str, ...] = ()  # who gets admin cards: the platform's owners/admins of the group
    admins_source: str = "group"  # why them: "group" (its own), "org" (it has none), "nobody"
    group_name: str = ""  # the group as its members know it (`chalicelib.core.naming.group_label`)
    member_name: str = ""  # the member's name, where known (filled in once there is something to tell)
    message_link: str = ""  # a link to the message, where the platform gives one (Slack permalink)
    exchange: Exchange | None = None  # R5.3: the two members this message passes between, where counted
    slow_mode_until: float | None = None  # R5.3: the group is in slow mode until then...
    slow_mode_seconds: int = 0  # ...and each member may post once per this many seconds
    # What the platform lets the bot do in this group (the capability matrix), so that what the member and
    # the admins are told is what will happen.
    can_delete: bool = True
    can_mute: bool = True


class Rule(Protocol):
    """A small pure object: `evaluate` returns what it found in an event of one of `applies_to`."""

    @property
    def name(self) -> str: ...

    @property
    def applies_to(self) -> tuple[type[Event], ...]: ...

    def evaluate(self, event: Event, ctx: RuleContext) -> list[Finding]: ...


TEXT_EVENTS: tuple[type[Event], ...] = (MessagePosted, FileShared)


def event_text(event: Event) -> str:
    """The text a member wrote: a message's text, or a shared file's caption."""
    if isinstance(event, MessagePosted):
        return event.text
    if isinstance(event, FileShared):
        return event.caption
    return ""


def event_files(event: Event) -> tuple[FileInfo, ...]:
    if isinstance(event, MessagePosted):
        return event.files
    if isinstance(event, FileShared):
        return (event.file,)
    return ()


def event_user(event: Event) -> str:
    return event.user if isinstance(event, MessagePosted | FileShared) else str(getattr(event, "user", ""))


def event_message_id(event: Event) -> str | None:
    if isinstance(event, MessagePosted | FileShared):
        return event.message_id or None
    return None


__all__ = [
    "TEXT_EVENTS",
    "Finding",
    "ParamValue",
    "Rule",
    "RuleContext",
    "event_files",
    "event_message_id",
    "event_text",
    "event_user",
]
