"""A domain for the fact-routing specifications (`test_facts`): it records `Noted` facts, follows up
`Asked` facts with a private word, and notes the order in which its recorder, hook and follow-up ran."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.core.actions import Decision, SendDirect
from chalicelib.core.events import Event
from chalicelib.core.facts import Fact
from chalicelib.kernel.context import Context
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.handlers import Recording


@dataclass(frozen=True)
class Noted(Fact):
    what: str


@dataclass(frozen=True)
class Asked(Fact):
    user: str


@dataclass(frozen=True)
class Unheard(Fact):
    """A fact no domain handles."""


SEEN: list[str] = []


def record_noted(fact: Noted, done: Recording) -> None:
    statuses = ",".join(result.status for result in done.results)
    SEEN.append(f"recorded {fact.what} after {statuses or 'nothing'}")


def hook(event: Event, ctx: Context, decision: Decision, results: tuple[Any, ...], deps: Deps) -> None:
    SEEN.append("hook")


def answer(fact: Asked, event: Event, ctx: Context, deps: Deps) -> Decision:
    SEEN.append(f"followed up {fact.user}")
    return Decision.of(SendDirect(user=fact.user, text="收到", reason="test.followed"))


RECORDS = {Noted: record_noted}
AFTER = (hook,)
FACTS = {Asked: answer}
