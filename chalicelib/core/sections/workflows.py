"""The `workflows` section of a group's policy (`GroupPolicy.workflows`): announcement reminders, the
publishing approval's reminders, incident responders and spike thresholds, polls, policy revisions, the
follow-up of open admin cards (R8.8), scheduled discussions (R5.9) and the reminder of an unanswered
mention (R5.2, `chalicelib.workflows.mention_settings`).

`default_policy.yaml` spells the same defaults out with comments, and a test keeps the two equal. Defaults
follow LANDSCAPE.md section 5: must-acknowledge announcements are reminded at 4 h, 24 h and 48 h, and the
poster gets a report at 72 h. This module must not import `chalicelib.core.policy` (which imports it).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from chalicelib.core.sections.mentions import MentionSettings

Severity = Literal["low", "medium", "high", "critical"]
SEVERITIES: tuple[Severity, ...] = ("low", "medium", "high", "critical")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _ascending(value: tuple[float, ...]) -> tuple[float, ...]:
    return tuple(sorted(set(value)))


class AnnouncementSettings(_Section):
    """R3.8, R4.7: who has not acknowledged is reminded privately `remind_hours` after the post, and the
    poster gets a report at `report_hours`. `expires_days` is the default lifetime (none: until withdrawn);
    `--expires` on the command overrides it, up to `max_expires_days`."""

    remind_hours: tuple[float, ...] = (4.0, 24.0, 48.0)
    report_hours: float = Field(default=72.0, gt=0)
    expires_days: float | None = Field(default=None, gt=0)
    max_expires_days: float = Field(default=90.0, gt=0)

    _ascending = field_validator("remind_hours")(_ascending)


class PublishingSettings(_Section):
    """R4.2: a member's submission waits for an approver (the policy's `approvers`, else the admins), who
    is reminded at `remind_hours`; after `expire_hours` it lapses and the member is told. What is approved
    goes out as an announcement, with an acknowledgement button when `ack` is set."""

    remind_hours: tuple[float, ...] = (24.0, 48.0)
    expire_hours: float = Field(default=72.0, gt=0)
    ack: bool = True

    _ascending = field_validator("remind_hours")(_ascending)


class SpikeSettings(_Section):
    """R7.1: the join, leave or violation that brings a window of `window_minutes` to this many alerts
    the responders, once per window (0 turns an alert off). Each join, leave and case costs one counter
    write; nothing else does."""

    window_minutes: int = Field(default=10, ge=1, le=1440)
    joins: int = Field(default=20, ge=0)
    leaves: int = Field(default=20, ge=0)
    violations: int = Field(default=10, ge=0)


class IncidentSettings(_Section):
    """S7: who responds (qualified ids; the group's admins as well), and from which severity the
    group is isolated: newcomers wait for approval (`pause_joins`) and, where the platform lets the bot
    mute members, everyone but the admins and responders is muted for `isolation_minutes` (`mute_all`).
    Where it cannot, the responders are asked to restrict posting by hand."""

    responders: tuple[str, ...] = ()
    isolate_from: Severity = "high"
    pause_joins: bool = True
    mute_all: bool = True
    isolation_minutes: int = Field(default=120, ge=1, le=7 * 24 * 60)
    spikes: SpikeSettings = SpikeSettings()


class PollSettings(_Section):
    """R8.3: a poll closes after `hours` unless `--closes` says otherwise; at most 6 options (WeCom's
    cards take six buttons)."""

    hours: float = Field(default=72.0, gt=0)
    max_options: int = Field(default=6, ge=2, le=6)


class RevisionSettings(_Section):
    """S10: who approves a policy revision, pilots it and rolls it out (qualified ids, read from the org
    policy only, so a group's override cannot make its own owners; none named: nobody, until an operator
    names them), how many distinct owners must approve, whether the proposer's approval counts where the
    org names a single owner (four eyes otherwise), and how long opinions are gathered."""

    owners: tuple[str, ...] = ()
    approvals: int = Field(default=1, ge=1, le=5)
    self_approval: bool = False
    poll_hours: float = Field(default=72.0, gt=0)


class FollowUpSettings(_Section):
    """R8.8: an admin card still open (a violation, a report, a removal proposal, an appeal) is reminded to
    the admins it went to `remind_hours` after it was sent, then every `repeat_hours`, `max_reminders`
    times in all; an appeal's reviewers are reminded `appeal_before_hours` before its deadline too, and
    told when it passes. Handled, by its card or by a command, it is reminded no more."""

    enabled: bool = True
    remind_hours: tuple[float, ...] = (4.0, 24.0)
    repeat_hours: float = Field(default=24.0, gt=0)
    max_reminders: int = Field(default=5, ge=0, le=30)
    appeal_before_hours: tuple[float, ...] = (24.0, 2.0)

    _ascending = field_validator("remind_hours")(_ascending)

    @field_validator("appeal_before_hours")
    @classmethod
    def _descending(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        return tuple(sorted({hours for hours in value if hours > 0}, reverse=True))


class DiscussionSettings(_Section):
    """R5.9: scheduled discussions. `who` may schedule one (`admins`, or any of the group's `members`);
    those who said they attend, and those who have not answered, are reminded `remind_minutes` before
    it starts (unless `--remind` says otherwise, at most `max_reminders` of them); at the start the
    group gets the attendance. A discussion is scheduled at most `max_days_ahead` days ahead."""

    who: Literal["admins", "members"] = "admins"
    remind_minutes: tuple[float, ...] = (60.0, 10.0)
    max_reminders: int = Field(default=3, ge=1, le=6)
    max_days_ahead: float = Field(default=90.0, gt=0, le=366)
    announce_start: bool = True

    @field_validator("remind_minutes")
    @classmethod
    def _earliest_first(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        return tuple(sorted({minutes for minutes in value if minutes > 0}, reverse=True))


class WorkflowSettings(_Section):
    announcements: AnnouncementSettings = AnnouncementSettings()
    publishing: PublishingSettings = PublishingSettings()
    incidents: IncidentSettings = IncidentSettings()
    polls: PollSettings = PollSettings()
    revisions: RevisionSettings = RevisionSettings()
    followups: FollowUpSettings = FollowUpSettings()
    discussions: DiscussionSettings = DiscussionSettings()
    mentions: MentionSettings = MentionSettings()
