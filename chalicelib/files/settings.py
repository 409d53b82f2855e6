"""This domain's section of the group policy. It lives in `chalicelib.core.sections.files`:
core assembles the policy and imports no domain."""

from __future__ import annotations

from chalicelib.core.sections.files import ArchiveSettings, Outsiders

__all__ = [
    "ArchiveSettings",
    "Outsiders",
]
