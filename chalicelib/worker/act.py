"""Moved to `chalicelib.kernel.act` (the kernel at the bottom of the worker); this name stays for code
written before the move. New code imports the kernel."""

from __future__ import annotations

from chalicelib.kernel.act import (
    Acted,
    After,
    Where,
    act,
    audit,
    audit_id,
    content_claim,
    event_claim,
    job_where,
    outcome,
    resume,
    where_of,
)

__all__ = [
    "Acted",
    "After",
    "Where",
    "act",
    "audit",
    "audit_id",
    "content_claim",
    "event_claim",
    "job_where",
    "outcome",
    "resume",
    "where_of",
]
