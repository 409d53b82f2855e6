"""The handler types the domains register (`chalicelib.worker.registry` routes through them):

EventHandler:   handler(event, ctx, deps) -> Decision     every handler of the event's type runs
CommandHandler: handler(command, ctx, deps) -> Decision   `/qg name`, `@bot name`
CardHandler:    handler(click, ctx, deps) -> Decision     buttons whose action is "prefix.*"
AfterHook:      hook(event, ctx, decision, results, deps) what a domain records once the decision is
                                                          carried out (cases, mutes, posts)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib.core.actions import Decision
from chalicelib.core.events import CardClicked, CommandIssued, Event
from chalicelib.kernel.context import Context
from chalicelib.kernel.deps import Deps

EventHandler = Callable[[Any, Context, Deps], Decision]
CommandHandler = Callable[[CommandIssued, Context, Deps], Decision]
CardHandler = Callable[[CardClicked, Context, Deps], Decision]
AfterHook = Callable[[Event, Context, Decision, tuple[Any, ...], Deps], None]
FactHandler = Callable[[Any, Event, Context, Deps], Decision]
