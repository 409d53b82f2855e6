"""The world the authorization attacks run in: one worker on a memory store, a recording messenger per
platform, groups on Slack and DingTalk, an org policy that names (or does not name) admins and owners,
and people who type commands and press sealed buttons. Everything goes through the worker's pipeline
(`process`), so what is refused is refused where production refuses it, and audited as there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from chalicelib.bootstrap import Deps
from chalicelib.cardsign import seal
from chalicelib.clock import FrozenClock
from chalicelib.core.events import CardClicked, CommandIssued, Event, MemberJoined
from chalicelib.core.ids import PLATFORMS, Platform, group_id, user_id
from chalicelib.core.policy import default_policy_text
from chalicelib.kernel.policies import PolicyRepo
from chalicelib.store import keys
from chalicelib.store.memory import MemoryStore
from chalicelib.store.records import AuditRecord, GroupRecord, MemberRecord
from chalicelib.worker.pipeline import process
from tests.reliability.support import demo_settings
from tests.support.messenger import RecordingMessenger

T0 = 1_709_251_200.0
TEAM = "T0SEC"  # the Slack workspace
CORP = "dingcorp1"  # the DingTalk corp
OTHER_CORP = "dingcorp2"  # an unrelated DingTalk corp


def slack(user: str) -> str:
    return user_id("slack", TEAM, user)


@dataclass
class World:
    clock: FrozenClock = field(default_factory=lambda: FrozenClock(T0))
    messengers: dict[str, RecordingMessenger] = field(
        default_factory=lambda: {p: RecordingMessenger(platform=p) for p in PLATFORMS}
    )
    _events: int = 0

    def __post_init__(self) -> None:
        self.store = MemoryStore(clock=self.clock)
        self.deps = Deps(
            settings=demo_settings(),
            clock=self.clock,
            store=self.store,
            messenger_factory=lambda platform: self.messengers[platform],
        )
        self.policies = PolicyRepo(self.store)

    # The setting -----------------------------------------------------------------------------------

    def org(self, **settings: Any) -> None:
        """The org policy: the shipped default with `settings` on top, applied as an operator does."""
        document = {**yaml.safe_load(default_policy_text()), "locale": "en", **settings}
        self.policies.apply(keys.ORG_SCOPE, yaml.safe_dump(document, allow_unicode=True), author="ops", now=0)

    def group(
        self, chat: str, *, platform: Platform = "slack", tenant: str = TEAM, admins: tuple[str, ...] = ()
    ) -> str:
        """A group the bot governs, whose platform admins are `admins` (native ids); its gid."""
        gid = group_id(platform, tenant, chat)
        self.store.put_group(
            GroupRecord(gid=gid, platform=platform, tenant=tenant, chat=chat, locale="en", admins=admins)
        )
        return gid

    def member(self, gid: str, user: str, role: str = "member") -> None:
        platform, tenant, _ = gid.split(":", 2)
        self.store.put_member(
            MemberRecord(gid=gid, uid=user_id(platform, tenant, user), user=user, role=role, last_active=T0)
        )

    # Acting ----------------------------------------------------------------------------------------

    def _next(self) -> str:
        self._events += 1
        self.clock.advance(1)
        return f"sec-{self._events}"

    def say(
        self,
        user: str,
        text: str,
        *,
        chat: str = "",
        platform: Platform = "slack",
        tenant: str = TEAM,
    ) -> CommandIssued:
        """`user` gives the command `text` in `chat` (a direct message when empty); the event given."""
        words = text.split()
        event = CommandIssued(
            platform=platform,
            tenant=tenant,
            event_id=self._next(),
            occurred_at=self.clock.now(),
            chat=chat,
            user=user,
            name=words[0],
            args=tuple(words[1:]),
            text=text,
            direct=not chat,
            reply_url="http://127.0.0.1:9/hooks/sec",
        )
        process(event, self.deps)
        return event

    def join(self, user: str, *, chat: str, platform: Platform = "slack", tenant: str = TEAM) -> None:
        """`user` joins the group `chat`."""
        event = MemberJoined(
            platform=platform,
            tenant=tenant,
            event_id=self._next(),
            occurred_at=self.clock.now(),
            chat=chat,
            user=user,
        )
        process(event, self.deps)

    def press(
        self,
        user: str,
        action: str,
        ref: str,
        *,
        sealed_for: str,
        platform: Platform = "slack",
        tenant: str = TEAM,
    ) -> CardClicked:
        """`user` presses the button `action` of a card the bot sealed for the group `sealed_for`."""
        value = seal(
            self.deps.settings, platform=platform, tenant=tenant, chat=sealed_for, ref=ref, action=action
        )
        event = CardClicked(
            platform=platform,
            tenant=tenant,
            event_id=self._next(),
            occurred_at=self.clock.now(),
            chat=sealed_for,
            user=user,
            action=action,
            value=value,
            card_id=f"card-{self._events}",
        )
        process(event, self.deps)
        return event

    # Reading what happened -------------------------------------------------------------------------

    def told(self, user: str, platform: Platform = "slack") -> str:
        """Everything the bot said to `user`: private replies, direct messages and cards, as one text."""
        texts = []
        for _, call in self.messengers[platform].calls:
            to = call.get("user") or getattr(call.get("target"), "user", "")
            if to == user:
                texts.append(f"{call.get('text', '')}{call.get('card', '')}")
        return "\n".join(texts)

    def in_groups(self, platform: Platform = "slack") -> list[str]:
        """Everything the bot posted into a group, texts and cards."""
        return [
            f"{call.get('text', '')}{call.get('card', '')}"
            for verb, call in self.messengers[platform].calls
            if verb in ("post_text", "post_card") and not getattr(call.get("target"), "user", "")
        ]

    def sent_to(self, user: str, platform: Platform = "slack") -> bool:
        """Whether the bot sent `user` a direct message (what a `warn` does)."""
        return any(
            verb == "send_direct" and call.get("user") == user
            for verb, call in self.messengers[platform].calls
        )

    def last_reply(self, platform: Platform = "slack") -> str:
        texts = [
            str(call.get("text", "")) for verb, call in self.messengers[platform].calls if "text" in call
        ]
        return texts[-1] if texts else ""

    def verbs(self, platform: Platform = "slack") -> list[str]:
        return self.messengers[platform].verbs()

    def forget(self) -> None:
        for messenger in self.messengers.values():
            messenger.calls.clear()

    def audit(self, event: Event) -> AuditRecord:
        (record,) = [
            r
            for r in self.store.list_audit(event.gid)
            if r.event_type == type(event).__name__
            and r.actor == getattr(event, "user", "")
            and r.at == event.occurred_at
        ]
        return record

    def ref_in(self, text: str, prefix: str) -> str:
        """The first ref like `R1A2B3C` (of `prefix`) in a text the bot sent."""
        found = re.search(rf"\b{prefix}[0-9A-F]{{6}}\b", text)
        assert found, f"no {prefix} ref in {text!r}"
        return found.group(0)
