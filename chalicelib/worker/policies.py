"""Moved to `chalicelib.kernel.policies` (the kernel at the bottom of the worker); this name stays for code
written before the move. New code imports the kernel."""

from __future__ import annotations

from chalicelib.kernel.policies import (
    POLICY_CACHE_SECONDS,
    PolicyRepo,
    PolicyVersion,
    default_text,
    parse_override,
)

__all__ = ["POLICY_CACHE_SECONDS", "PolicyRepo", "PolicyVersion", "default_text", "parse_override"]
