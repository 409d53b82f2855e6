"""The `archive` section of a group's policy (`GroupPolicy.archive`): the file archive (R6.4-R6.10).

`default_policy.yaml` spells the same defaults out with comments, and a test keeps the two equal. How long
an archived file is kept is `retention.files` (days), beside the other retentions. This module must not
import `chalicelib.core.policy` (which imports it).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Outsiders = Literal["approve", "refuse"]


class ArchiveSettings(BaseModel):
    """R6.5: files shared in the group are archived when `enabled` (and the bucket is configured), up to
    `max_size_mb`; files the files rule refuses (type, size) are not, with `skip_refused`. R6.4: members
    get a file only through a link that works `link_minutes`, which redirects to S3 for `s3_link_seconds`.
    R6.10: outsiders (guests on the roster, non-members) need an admin's approval (`approve`), which lets
    them fetch that file for `grant_hours`; `refuse` turns them away. Readers of a document are told of
    its new versions (`notify_new_versions`). On WeCom and DingTalk, where the bot sees no group files, a
    file sent to the bot privately within `upload_window_minutes` of `file upload` in a group is archived
    there."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = True
    max_size_mb: float = Field(default=100.0, gt=0, le=5000)
    skip_refused: bool = True
    link_minutes: int = Field(default=15, ge=1, le=24 * 60)
    s3_link_seconds: int = Field(default=60, ge=10, le=600)
    outsiders: Outsiders = "approve"
    grant_hours: int = Field(default=24, ge=1, le=24 * 30)
    notify_new_versions: bool = True
    upload_window_minutes: int = Field(default=60, ge=1, le=24 * 60)
    list_limit: int = Field(default=10, ge=1, le=50)
