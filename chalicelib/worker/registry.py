"""Which domain handles what. Each domain module (commands, moderation, membership, workflows, ...)
declares plain dicts, and the pipeline routes through their union (cosmicpython's message
bus, one level up):

    EVENTS:       {EventType: handler(event, ctx, deps) -> Decision}   every handler of a type runs
    COMMANDS:     {"name": handler(command, ctx, deps) -> Decision}    `/qg name`, `@bot name`
    CARD_ACTIONS: {"prefix": handler(click, ctx, deps) -> Decision}    buttons whose action is "prefix.*"
    AFTER:        (hook(event, ctx, decision, results, deps), ...)     record what the actions did
    RECORDS:      {FactType: recorder(fact, event, ctx, decision, results, deps)}  record a fact
    FACTS:        {FactType: handler(fact, event, ctx, deps) -> Decision}  follow a fact up

A handler may read what it needs through `deps` (its domain's repository), then decides with pure code;
the executor acts on the merged Decision. A command or card prefix claimed by two domains is an error,
and so is a kind of fact (`chalicelib.core.facts.FACT_KINDS`) that no domain records or follows up: a
fact is never dropped in silence.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from chalicelib.core.events import Event
from chalicelib.core.facts import FACT_KINDS
from chalicelib.kernel.handlers import (
    AfterHook,
    CardHandler,
    CommandHandler,
    EventHandler,
    FactHandler,
    Recorder,
)

DOMAINS = (
    "chalicelib.kernel.commands",
    "chalicelib.moderation.handlers",
    "chalicelib.membership.handlers",
    "chalicelib.membership.arrival",
    "chalicelib.membership.admins",
    "chalicelib.workflows.handlers",
    "chalicelib.jobs.handlers",
    "chalicelib.files.handlers",
    "chalicelib.worker.archive",
    "chalicelib.persons.handlers",
)


class UnhandledFact(ValueError):
    """A kind of fact that no domain records or follows up."""


@dataclass(frozen=True)
class Registry:
    events: Mapping[type[Event], tuple[EventHandler, ...]]
    commands: Mapping[str, CommandHandler]
    card_actions: Mapping[str, CardHandler]
    after: tuple[AfterHook, ...] = ()
    facts: Mapping[type, tuple[FactHandler, ...]] = field(default_factory=dict)
    records: Mapping[type, tuple[Recorder, ...]] = field(default_factory=dict)

    def handles(self, fact_type: type) -> bool:
        return fact_type in self.records or fact_type in self.facts

    @cached_property
    def command_names(self) -> frozenset[str]:
        """The commands' names, once (every event's context carries them)."""
        return frozenset(self.commands)


def build_registry(module_names: Iterable[str], *, fact_kinds: Iterable[type] = ()) -> Registry:
    """The union of the modules' routes. Every type in `fact_kinds` must have a recorder or a follow-up
    among them (`UnhandledFact` otherwise)."""
    events: dict[type[Event], tuple[EventHandler, ...]] = {}
    commands: dict[str, CommandHandler] = {}
    cards: dict[str, CardHandler] = {}
    after: list[AfterHook] = []
    facts: dict[type, tuple[FactHandler, ...]] = {}
    records: dict[type, tuple[Recorder, ...]] = {}
    for name in module_names:
        module = importlib.import_module(name)
        for event_type, handler in getattr(module, "EVENTS", {}).items():
            events[event_type] = (*events.get(event_type, ()), handler)
        _merge(commands, getattr(module, "COMMANDS", {}), name, "command")
        _merge(cards, getattr(module, "CARD_ACTIONS", {}), name, "card action prefix")
        after.extend(getattr(module, "AFTER", ()))
        for fact_type, handler in getattr(module, "FACTS", {}).items():
            facts[fact_type] = (*facts.get(fact_type, ()), handler)
        for fact_type, recorder in getattr(module, "RECORDS", {}).items():
            records[fact_type] = (*records.get(fact_type, ()), recorder)
    registry = Registry(events, commands, cards, tuple(after), facts, records)
    unhandled = sorted(kind.__name__ for kind in fact_kinds if not registry.handles(kind))
    if unhandled:
        raise UnhandledFact(f"no domain records or follows up these facts: {', '.join(unhandled)}")
    return registry


def _merge(into: dict[str, Any], new: Mapping[str, Any], module: str, what: str) -> None:
    for key, handler in new.items():
        if key in into:
            raise ValueError(f"{what} {key!r} of {module} is already handled elsewhere")
        into[key] = handler


@lru_cache(maxsize=1)
def registry() -> Registry:
    return build_registry(DOMAINS, fact_kinds=FACT_KINDS.values())
