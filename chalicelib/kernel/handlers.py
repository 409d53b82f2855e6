"""The handler types the domains register (`chalicelib.worker.registry` routes through them):

EventHandler:   handler(event, ctx, deps) -> Decision     every handler of the event's type runs
CommandHandler: handler(command, ctx, deps) -> Decision   `/qg name`, `@bot name`
CardHandler:    handler(click, ctx, deps) -> Decision     buttons whose action is "prefix.*"
AfterHook:      hook(event, ctx, decision, results, deps) what a domain records from the actions once
                                                          they are carried out (mutes, posts, cards)
Recorder:       recorder(fact, done)                      what a fact makes a domain record once the
                                                          decision is carried out (`done`: a Recording)
FactHandler:    handler(fact, event, ctx, deps) -> Decision  a follow-up of another domain's fact
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalicelib.core.actions import Decision
from chalicelib.core.events import CardClicked, CommandIssued, Event
from chalicelib.kernel.context import Context
from chalicelib.kernel.deps import Deps

EventHandler = Callable[[Any, Context, Deps], Decision]
CommandHandler = Callable[[CommandIssued, Context, Deps], Decision]
CardHandler = Callable[[CardClicked, Context, Deps], Decision]
AfterHook = Callable[[Event, Context, Decision, tuple[Any, ...], Deps], None]


@dataclass(frozen=True)
class Recording:
    """A decision once carried out, as its recorders see it: the event and its context, the decision,
    one result per action (`chalicelib.kernel.executor.ActionResult`), and the dependencies."""

    event: Event
    ctx: Context
    decision: Decision
    results: tuple[Any, ...]
    deps: Deps


Recorder = Callable[[Any, Recording], None]
FactHandler = Callable[[Any, Event, Context, Deps], Decision]
