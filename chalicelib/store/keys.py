"""Every key of the single table, built in one place (DESIGN.md section 4).

High-churn items (event claims, rate counters, fingerprints) live in their own partitions, never in the
group's. Timestamps inside sort keys are fixed-width UTC ISO-8601 so that they sort as strings.
"""

from __future__ import annotations

import zlib
from datetime import UTC, datetime

GROUP_SHARDS = 8
META = "META"


def iso(ts: float) -> str:
    """Seconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ` (sortable, fixed width)."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def group_pk(gid: str) -> str:
    return f"GRP#{gid}"


def group_shard(gid: str) -> int:
    return zlib.crc32(gid.encode()) % GROUP_SHARDS


def groups_index_pk(shard: int) -> str:
    return f"GROUPS#{shard}"


def member_sk(uid: str) -> str:
    return f"MEM#{uid}"


def activity_index_pk(gid: str) -> str:
    return f"ACT#{gid}"


def activity_index_sk(last_active: float, uid: str) -> str:
    return f"{iso(last_active)}#{uid}"


def policy_pk(scope: str) -> str:
    return f"POL#{scope}"


def policy_sk(version: int) -> str:
    return f"V#{version:08d}"


def event_claim_pk(platform: str, claim_key: str) -> str:
    return f"EVT#{platform}#{claim_key}"


EVENT_CLAIM_SK = "EVT"


def rate_pk(gid: str, uid: str) -> str:
    return f"RATE#{gid}#{uid}"


def rate_sk(window_start: int) -> str:
    return f"W#{window_start}"


def fingerprint_pk(gid: str) -> str:
    return f"FP#{gid}"


def fingerprint_sk(digest: str, window_start: int) -> str:
    return f"{digest}#{window_start}"


def case_sk(ts: float, case_id: str) -> str:
    return f"CASE#{iso(ts)}#{case_id}"


AUDIT_SK_PREFIX = "AUD#"


def audit_sk(ts: float, audit_id: str) -> str:
    return f"{AUDIT_SK_PREFIX}{iso(ts)}#{audit_id}"


POLICY_CURRENT_SK = "CURRENT"
ORG_SCOPE = "org"


def group_policy_scope(gid: str) -> str:
    return f"group:{gid}"


def moderation_window_pk(gid: str) -> str:
    """The one item per group and time bucket that holds every member's flood and duplicate counters."""
    return f"RATE#{gid}"


def moderation_window_sk(bucket: int) -> str:
    return f"W#{bucket}"


def documents_sk() -> str:
    """The group's known document versions (file rule R6.3)."""
    return "DOCS"


def case_item_sk(case_ref: str) -> str:
    """A case, found directly by the ref that cards and appeals carry."""
    return f"CASE#{case_ref}"


def member_cases_pk(gid: str, uid: str) -> str:
    """GSI1: one member's cases in a group, oldest first by sort key."""
    return f"CASES#{gid}#{uid}"


def case_event_sk(case_ref: str, at: float, n: int) -> str:
    """What happened to a case afterwards (admin action, appeal, reversal): appended, never rewritten."""
    return f"CASE#{case_ref}#EV#{iso(at)}#{n:03d}"


def due_index_pk(kind: str) -> str:
    """GSI2: things that fall due at a time (mute ends, appeal deadlines, reminders)."""
    return f"DUE#{kind}"


def due_index_sk(at: float, ref: str) -> str:
    return f"{iso(at)}#{ref}"


def case_pointer_pk(case_ref: str) -> str:
    """Which group a case belongs to, so an appeal can name only the case (it may come by DM)."""
    return f"CASEREF#{case_ref}"


def report_limit_sk(hour: int) -> str:
    return f"R#{hour}"
