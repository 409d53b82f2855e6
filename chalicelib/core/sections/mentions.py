"""The `workflows.mentions` section of a group's policy (R5.2): the private reminder of an unanswered
@-mention (`chalicelib.workflows.mentions`).

It works only where the jobs count the message log (`jobs.activity`: `auto` means where the messenger
delivers every group message, Slack): on WeCom and DingTalk the bot hears only the @-mentions addressed to
itself, so it cannot know whether anyone answered. Plain hours, no working-hours calendar: a mention still
unanswered `remind_after_hours` after it was posted is reminded at the next hourly run that is not in the
group's quiet hours (`quiet_from`-`quiet_until`, in `jobs.utc_offset_hours`; the same time twice: none),
and one older than `within_hours` no longer is (the job reads the log back that far, one Query per UTC
day). Must not import `chalicelib.core.policy` (which imports it through `workflows.settings`).
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

CLOCK = r"^([01]\d|2[0-3]):[0-5]\d$"  # a time of day, HH:MM


class MentionSettings(BaseModel):
    """R5.2: `enabled` (and `jobs.activity`) switch it; `questions`: a question posted in reply to a
    member's message asks that member as a mention does; `max_per_day`: reminded mentions per member and
    group per local day (the oldest first; the rest wait for the next day, while within `within_hours`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = True
    remind_after_hours: float = Field(default=4.0, gt=0, le=48)
    within_hours: float = Field(default=24.0, gt=0, le=72)
    quiet_from: str = Field(default="22:00", pattern=CLOCK)
    quiet_until: str = Field(default="08:00", pattern=CLOCK)
    max_per_day: int = Field(default=3, ge=1, le=50)
    questions: bool = True

    @field_validator("quiet_from", "quiet_until", mode="before")
    @classmethod
    def _clock(cls, value: object) -> object:
        """`22:00` unquoted is YAML 1.1's base-60 integer 1320: read back as the time it was written as;
        `8:30` is accepted as `08:30`."""
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
            value = f"{value // 60:02d}:{value % 60:02d}"
        if isinstance(value, str) and re.fullmatch(r"\d:[0-5]\d", value):
            value = f"0{value}"
        return value

    @model_validator(mode="after")
    def _window(self) -> MentionSettings:
        if self.within_hours <= self.remind_after_hours:
            raise ValueError("within_hours must be longer than remind_after_hours")
        return self

    @property
    def quiet(self) -> tuple[int, int]:
        """The quiet hours as minutes of the local day: (from, until); equal means none."""
        start, end = (int(v[:2]) * 60 + int(v[3:]) for v in (self.quiet_from, self.quiet_until))
        return start, end
