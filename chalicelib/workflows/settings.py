"""This domain's section of the group policy. It lives in `chalicelib.core.sections.workflows`:
core assembles the policy and imports no domain."""

from __future__ import annotations

from chalicelib.core.sections.workflows import (
    SEVERITIES,
    AnnouncementSettings,
    DiscussionSettings,
    FollowUpSettings,
    IncidentSettings,
    PollSettings,
    PublishingSettings,
    RevisionSettings,
    Severity,
    SpikeSettings,
    WorkflowSettings,
)

__all__ = [
    "SEVERITIES",
    "AnnouncementSettings",
    "DiscussionSettings",
    "FollowUpSettings",
    "IncidentSettings",
    "PollSettings",
    "PublishingSettings",
    "RevisionSettings",
    "Severity",
    "SpikeSettings",
    "WorkflowSettings",
]
