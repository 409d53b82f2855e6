"""The `jobs` section of the group policy: how the scheduled jobs behave for a group.

`GroupPolicy.jobs` is this model; `default_policy.yaml` spells out the same defaults with comments (a test
keeps them equal). Table-wide jobs (backup, restore drill) read it from the org policy only, since a
table has no group.

`activity` decides whether the jobs count the messages in the message log: `auto` (the default) counts
them where the messenger delivers every group message to the bot (Slack), because only there do counts of
messages, replies and answers measure participation; on WeCom and DingTalk the bot hears only the
@-mentions addressed to it, and counting those would score members on how often they talk to the bot.
The log costs an ordinary message no write of its own: its entry is the message's exactly-once claim at
ingress, written whatever this says, and applied when a job reads the log (see `chalicelib.jobs.activity`).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

ActivityMode = Literal["auto", "on", "off"]
DIMENSIONS = ("compliance", "participation", "responsiveness", "acknowledgements", "files")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Weights(_Section):
    """S9 / R9.2: the weight of each dimension in a member's total (they need not add up to 100; a
    dimension with nothing to measure for a member, such as no announcement to acknowledge, is left out
    and the others share its weight)."""

    compliance: float = Field(default=30.0, ge=0)
    participation: float = Field(default=30.0, ge=0)
    responsiveness: float = Field(default=20.0, ge=0)
    acknowledgements: float = Field(default=10.0, ge=0)
    files: float = Field(default=10.0, ge=0)

    def of(self, dimension: str) -> float:
        return float(getattr(self, dimension))


class AssessmentSettings(_Section):
    """R9.2, R9.3: the monthly assessment. Targets are per 30 days and scale with the period's length."""

    enabled: bool = True
    weights: Weights = Weights()
    points_cap: float = Field(default=5.0, gt=0)  # violation points at which compliance reaches 0
    target_active_days: float = Field(default=8.0, gt=0)  # days with a message, for full participation
    target_messages: float = Field(default=20.0, gt=0)  # messages (replies count twice)
    reply_target_minutes: float = Field(default=60.0, gt=0)  # an answer this fast scores in full
    reply_window_hours: float = Field(default=24.0, gt=0)  # no answer by then scores nothing
    top_contributors: int = Field(default=3, ge=0)
    min_messages_for_recognition: int = Field(default=5, ge=0)
    member_cards: bool = True  # a private report card to each member
    recognise_in_group: bool = False  # also thank the top contributors in the group (names them)
    report_link_hours: int = Field(default=12, ge=1, le=168)  # the HTML report's presigned link


class CleanupSettings(_Section):
    """R3.9, R4.7, R4.8: the daily cleanup."""

    enabled: bool = True
    max_items: int = Field(default=500, ge=1)  # per run; the rest continues in the next part
    closed_card_note: bool = True  # a closed card says why, instead of just losing its buttons


class ReviewSettings(_Section):
    """R8.5: the weekly re-scan of recorded messages with the current policy, in shadow."""

    enabled: bool = True
    days: int = Field(default=7, ge=1, le=90)
    samples_per_rule: int = Field(default=3, ge=0, le=20)


class BackupSettings(_Section):
    """R8.4, R6.6: the daily backups and the monthly restore drill (org policy only)."""

    keep: int = Field(default=7, ge=1, le=100)  # on-demand backups kept
    export: bool = True  # also export the table to S3 (needs PITR and QG_ARCHIVE_BUCKET)
    export_prefix: str = "exports"
    drill_keep_table: bool = False  # leave the restored table for inspection (it costs storage)


class JobsSettings(_Section):
    utc_offset_hours: float = Field(default=8.0, ge=-12, le=14)  # where the group's days begin and end
    activity: ActivityMode = "auto"
    cleanup: CleanupSettings = CleanupSettings()
    review: ReviewSettings = ReviewSettings()
    assessment: AssessmentSettings = AssessmentSettings()
    backup: BackupSettings = BackupSettings()

    @field_validator("activity", mode="before")
    @classmethod
    def _yaml_booleans(cls, value: Any) -> Any:
        """YAML 1.1 reads a bare `off`/`on` as a boolean."""
        return {False: "off", True: "on"}.get(value, value) if isinstance(value, bool) else value
