"""Moved to `chalicelib.kernel.audit` (the kernel at the bottom of the worker); this name stays for code
written before the move. New code imports the kernel."""

from __future__ import annotations

from chalicelib.kernel.audit import DAY, DEFAULT_DAYS, audit_expires_at

__all__ = ["DAY", "DEFAULT_DAYS", "audit_expires_at"]
