"""Moved to `chalicelib.kernel.outbox` (the kernel at the bottom of the worker); this name stays for code
written before the move. New code imports the kernel."""

from __future__ import annotations

from chalicelib.kernel.outbox import (
    KEEP_SECONDS,
    LEASE_SECONDS,
    Claim,
    Entry,
    Outbox,
    Step,
    fold,
    json_safe,
    new_owner,
    steps_of,
)

__all__ = [
    "KEEP_SECONDS",
    "LEASE_SECONDS",
    "Claim",
    "Entry",
    "Outbox",
    "Step",
    "fold",
    "json_safe",
    "new_owner",
    "steps_of",
]
