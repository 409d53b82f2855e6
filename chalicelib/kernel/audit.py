"""When an audit record expires: after the group policy's `retention.audit` days (400 by default), so TTL
removes it on time and the cleanup job only catches up after a retention was shortened."""

from __future__ import annotations

from chalicelib.core.policy import GroupPolicy

DEFAULT_DAYS = 400
DAY = 86400


def audit_expires_at(policy: GroupPolicy, at: float) -> int:
    return int(at) + int(policy.retention.get("audit", DEFAULT_DAYS)) * DAY
