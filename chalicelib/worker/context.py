"""Moved to `chalicelib.kernel.context` (the kernel at the bottom of the worker); this name stays for code
written before the move. New code imports the kernel."""

from __future__ import annotations

from chalicelib.kernel.context import Context, actor_of, ensure_group, load_context, policies

__all__ = [
    "Context",
    "actor_of",
    "ensure_group",
    "load_context",
    "policies",
]
