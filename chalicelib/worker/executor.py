"""Moved to `chalicelib.kernel.executor` (the kernel at the bottom of the worker); this name stays for code
written before the move. New code imports the kernel."""

from __future__ import annotations

from chalicelib.kernel.executor import (
    ActionResult,
    DeliveryFailed,
    Performed,
    Performer,
    card_as_text,
    execute,
    reply_target,
)

__all__ = [
    "ActionResult",
    "DeliveryFailed",
    "Performed",
    "Performer",
    "card_as_text",
    "execute",
    "reply_target",
]
