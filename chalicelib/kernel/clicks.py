"""Opening a card click: what every domain's button handler does before its own work.

A button's value is sealed with its group and item (`chalicelib.cardsign`), and the click may come from
a direct message or another group, so each handler begins the same way: refuse a value the bot did not
seal for this button ("invalid card"), load the sealed group's context, and check there, on the server,
that the clicker has the right the button needs ("refused"). Both refusals are private and carry
`Decision.refused`, which the pipeline writes to the audit log. A handler states what it lets through as
a `ClickGate` and opens each click with it:

    CARD_GATE = ClickGate(ANSWERS, kinds=("approve", "reject"), allowed=is_admin, refusal="...")

    opened = CARD_GATE.open(click, ctx, deps)
    if isinstance(opened, Decision):
        return opened  # refused, answered

Each domain answers in its own words (`ClickAnswers`): the workflows by a direct message (a card in a
DingTalk group has no private reply), the admin loop and membership by a private reply.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from chalicelib.cardsign import Sealed, unseal
from chalicelib.core.actions import Decision, Reply, SendDirect
from chalicelib.core.events import CardClicked, Event
from chalicelib.i18n import t
from chalicelib.kernel.context import Context, load_context
from chalicelib.kernel.deps import Deps

# Whether `user` may press the button in the group of `ctx` (`chalicelib.authz.is_admin`, an approver...).
Right = Callable[[Event, str, Context, Deps], bool]
BAD_SEAL = "bad seal"


def answer_click(
    click: CardClicked, locale: str, key: str, *, why: str = "", direct: bool = True, **params: Any
) -> Decision:
    """A private answer to whoever clicked: a direct message, or a private reply (`direct=False`); with
    `why`, a refusal, recorded in the audit log."""
    text = t(locale, key, **params)
    action = (
        SendDirect(user=click.user, text=text, reason=key)
        if direct
        else Reply(text=text, private=True, reason=key)
    )
    decision = Decision.of(action)
    return dataclasses.replace(decision, refused=why) if why else decision


@dataclass(frozen=True)
class ClickAnswers:
    """A domain's answers to a click it refuses: message keys, and how they reach the clicker."""

    invalid: str  # a value the bot did not seal for this button (another group, item or button)
    refused: str  # a clicker without the button's right in the sealed group
    direct: bool = True  # a direct message; else a private reply

    def answer(self, click: CardClicked, locale: str, key: str, *, why: str, **params: Any) -> Decision:
        return answer_click(click, locale, key, why=why, direct=self.direct, **params)


@dataclass(frozen=True)
class OpenedClick:
    """A click whose seal holds, with the sealed group's context."""

    click: CardClicked
    sealed: Sealed
    ctx: Context  # the sealed group's

    @property
    def kind(self) -> str:
        """The button's action after its prefix (`approve` of `pub.approve`)."""
        return self.click.action.split(".", 1)[-1]

    @property
    def chat(self) -> str:
        return self.sealed.chat

    @property
    def ref(self) -> str:
        return self.sealed.ref

    @property
    def located(self) -> CardClicked:
        """The click, placed in the sealed group (its `gid` is that group's)."""
        return dataclasses.replace(self.click, chat=self.sealed.chat)


@dataclass(frozen=True)
class ClickGate:
    """What a card handler lets through: buttons of its `kinds` (the actions after their prefix; None: any)
    whose value the bot sealed for that action, pressed by someone with the right `allowed` in the sealed
    group (None: anyone). `refusal` says in the audit log why a clicker was refused (`{kind}`, `{chat}`)."""

    answers: ClickAnswers
    kinds: Collection[str] | None = None
    allowed: Right | None = None
    refusal: str = "{kind} without the right in {chat}"

    def open(self, click: CardClicked, ctx: Context, deps: Deps) -> OpenedClick | Decision:
        """The click opened in its sealed group, or the answer that refuses it."""
        kind = click.action.split(".", 1)[-1]
        sealed = None
        if self.kinds is None or kind in self.kinds:
            sealed = unseal(
                deps.settings, click.value, platform=click.platform, tenant=click.tenant, action=click.action
            )
        answers = self.answers
        if sealed is None:
            return answers.answer(click, ctx.locale, answers.invalid, why=BAD_SEAL)
        opened = OpenedClick(click, sealed, load_context(dataclasses.replace(click, chat=sealed.chat), deps))
        if self.allowed is not None and not self.allowed(opened.located, click.user, opened.ctx, deps):
            why = self.refusal.format(kind=kind, chat=sealed.chat)
            return answers.answer(click, opened.ctx.locale, answers.refused, why=why)
        return opened
