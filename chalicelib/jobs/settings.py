"""This domain's section of the group policy. It lives in `chalicelib.core.sections.jobs`:
core assembles the policy and imports no domain."""

from __future__ import annotations

from chalicelib.core.sections.jobs import (
    DIMENSIONS,
    ActivityMode,
    AssessmentSettings,
    BackupSettings,
    CleanupSettings,
    JobsSettings,
    ReviewSettings,
    Weights,
)

__all__ = [
    "DIMENSIONS",
    "ActivityMode",
    "AssessmentSettings",
    "BackupSettings",
    "CleanupSettings",
    "JobsSettings",
    "ReviewSettings",
    "Weights",
]
