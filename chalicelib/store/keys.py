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


# Membership
def join_request_sk(uid: str) -> str:
    """A newcomer's join request, in the group's partition (R2.2)."""
    return f"JOIN#{uid}"


def name_check_sk(uid: str) -> str:
    """A member whose shown name does not conform yet, with the grace period's end (R2.3)."""
    return f"NAME#{uid}"


def rules_ack_sk(uid: str) -> str:
    """A newcomer's acknowledgement of the rules, pending until they press the button (R2.7)."""
    return f"ACK#{uid}"


RULES_ACK_PREFIX = "ACK#"


def guest_sk(uid: str) -> str:
    """A guest on the group's roster, until an expiry (R2.1)."""
    return f"GUEST#{uid}"


GUEST_PREFIX = "GUEST#"


AWAY_PREFIX = "AWAY#"


def away_sk(uid: str) -> str:
    """A member on leave until a date: exempt from inactivity exits (R8.7)."""
    return f"{AWAY_PREFIX}{uid}"


def departure_sk(uid: str, change_id: str) -> str:
    """Once-only marker: one directory change of one person handled in one group."""
    return f"DEPART#{uid}#{change_id}"


def membership_history_sk(uid: str, at: float, what: str) -> str:
    """What happened to a membership (admitted, rejected, reinstated, removed), appended."""
    return f"MSH#{uid}#{iso(at)}#{what}"


def inactivity_pk(gid: str) -> str:
    """A group's inactivity stages in their own partition: the job reads them in one Query."""
    return f"INACT#{gid}"


def inactivity_sk(uid: str) -> str:
    return f"MEM#{uid}"


def membership_due_pk(gid: str) -> str:
    """GSI2 (sparse): a group's join requests, name checks and acknowledgements that fall due."""
    return due_index_pk(f"membership#{gid}")


def membership_due_sk(at: float, kind: str, uid: str) -> str:
    return due_index_sk(at, f"{kind}#{uid}")


# Jobs -------------------------------------------------------------------------------------------------
OPS_PK = "OPS#table"  # table-wide jobs (backup, restore drill) keep their runs and manifests here


def job_run_sk(job: str, period: str, *, dry_run: bool = False) -> str:
    """One run of a job for one period (in the group's partition, or OPS_PK for table-wide jobs)."""
    return f"JOB#{job}#{period}" + ("#dry" if dry_run else "")


def job_request_id(job: str, period: str, chat: str, *, dry_run: bool = False, part: int = 0) -> str:
    """The `event_id` of a `JobRequested`: claimed once, so a second request for the same job, group and
    period does nothing; a continuation of a long run is part 1, 2, ..."""
    return f"job:{job}:{period}:{chat}" + (":dry" if dry_run else "") + (f":{part}" if part else "")


def message_log_pk(gid: str, day: str) -> str:
    """A group's logged messages of one UTC day (`YYYY-MM-DD`; items written before the UTC days: the
    group's local day): one Query per day for the jobs. An ordinary message's item is its ingress claim
    (`chalicelib.store.message_log`)."""
    return f"MSG#{gid}#{day}"


def message_log_sk(at: float, message_id: str) -> str:
    return f"{iso(at)}#{message_id}"


def bot_post_sk(message_id: str) -> str:
    """Something the bot posted that falls due (an announcement to withdraw, a card to close)."""
    return f"POST#{message_id}"


def bot_posts_due_pk(gid: str) -> str:
    """GSI2 (sparse): a group's bot posts by the time they fall due, for the cleanup job."""
    return due_index_pk(f"post#{gid}")


def pass_due_pk(gid: str) -> str:
    """GSI2 (sparse): a group's one-time passes by the time they lapse."""
    return due_index_pk(f"pass#{gid}")


def assessment_sk(period: str) -> str:
    """A group's assessment summary for a period (the trend reads the earlier ones)."""
    return f"ASSESS#{period}"


def assessment_part_sk(period: str, part: int) -> str:
    """Members' results of an assessment, a few hundred per item, for the report cards."""
    return f"ASSESS#{period}#R#{part:05d}"


def backup_manifest_sk(backup_name: str) -> str:
    """Item counts and checksums per item type of the table as a backup captured it."""
    return f"BACKUP#{backup_name}"


def transfer_review_sk(uid: str) -> str:
    """An open review of a member's department change (R2.5), decided once by an admin."""
    return f"XFER#{uid}"


# Workflows --------------------------------------------------------------------------------------------
def workflow_due_pk(gid: str) -> str:
    """GSI2 (sparse): a group's workflow timers (announcement reminders and expiry, approval reminders,
    poll closings, revision notices) by the time they fall due: the reminders job's one Query."""
    return due_index_pk(f"workflow#{gid}")


def workflow_due_sk(at: float, kind: str, ref: str) -> str:
    return due_index_sk(at, f"{kind}#{ref}")


def workflow_timer_sk(kind: str, ref: str) -> str:
    """The one timer of a workflow item, in the group's partition: its next due moment."""
    return f"WFT#{kind}#{ref}"


def latest_sk(kind: str) -> str:
    """A group's most recent item of a kind (the announcement `announce status` shows by default)."""
    return f"LATEST#{kind}"


def announcement_sk(ref: str) -> str:
    return f"ANN#{ref}"


def announcement_ack_sk(ref: str, uid: str) -> str:
    """One member's acknowledgement, written once: a second click finds it there."""
    return f"ANN#{ref}#ACK#{uid}"


def announcement_acks_prefix(ref: str) -> str:
    return f"ANN#{ref}#ACK#"


def submission_sk(ref: str) -> str:
    """A member's submission for publishing, until an approver decides (R4.2)."""
    return f"PUB#{ref}"


def correction_sk(at: float, ref: str) -> str:
    return f"CORR#{iso(at)}#{ref}"


def incident_sk(ref: str) -> str:
    return f"INC#{ref}"


OPEN_INCIDENT_SK = "INCIDENT#OPEN"  # the group's one open incident, written only if absent


def incident_event_sk(ref: str, at: float, n: int) -> str:
    """A status update of an incident, appended; with the audit log it makes the timeline."""
    return f"INC#{ref}#EV#{iso(at)}#{n:03d}"


def incident_events_prefix(ref: str) -> str:
    return f"INC#{ref}#EV#"


def incident_responder_sk(ref: str, uid: str) -> str:
    return f"INC#{ref}#R#{uid}"


def incident_responders_prefix(ref: str) -> str:
    return f"INC#{ref}#R#"


def spike_window_pk(gid: str) -> str:
    """A group's join, leave and violation counters per time window (R7.1), apart from the group."""
    return f"SPIKE#{gid}"


def spike_window_sk(bucket: int) -> str:
    return f"W#{bucket}"


def poll_sk(ref: str) -> str:
    return f"POLL#{ref}"


def poll_vote_sk(ref: str, uid: str) -> str:
    """One member's vote, written once."""
    return f"POLL#{ref}#V#{uid}"


def poll_votes_prefix(ref: str) -> str:
    return f"POLL#{ref}#V#"


SUGGESTIONS_PREFIX = "SUG#"


def suggestion_sk(ref: str) -> str:
    return f"{SUGGESTIONS_PREFIX}{ref}"


REVISIONS_PK = "REV#org"  # policy revisions concern the org policy, so they live outside any group


def revision_sk(ref: str) -> str:
    return f"REV#{ref}"


def revision_approval_sk(ref: str, uid: str) -> str:
    """One owner's approval of a revision, written once."""
    return f"REV#{ref}#OK#{uid}"


def revision_approvals_prefix(ref: str) -> str:
    return f"REV#{ref}#OK#"


def workflow_pointer_pk(ref: str) -> str:
    """Which group a workflow item belongs to, so a command in a direct message can name only its ref."""
    return f"WFREF#{ref}"


WORKFLOW_POINTER_SK = "REF"


def directory_names_pk(uid: str) -> str:
    """The names a person last had in the directory, so that a profile change that leaves them as they
    were (Slack sends `user_change` for a new status, too) costs one read and no fan-out."""
    return f"DIR#{uid}"


DIRECTORY_NAMES_SK = "NAMES"


# Files (R6.4-R6.10) -----------------------------------------------------------------------------------
def file_sk(file_id: str) -> str:
    """An archived file's record, in the group's partition: `files` lists them with one Query."""
    return f"FILE#{file_id}"


FILE_SK_PREFIX = "FILE#"


def files_by_age_pk(gid: str) -> str:
    """GSI2: a group's archived files by the time they were archived, for the cleanup (R6.7)."""
    return f"FILES#{gid}"


def files_by_age_sk(at: float, file_id: str) -> str:
    return f"{iso(at)}#{file_id}"


def file_pointer_pk(file_id: str) -> str:
    """Which group an archived file belongs to: a link, or a command in a direct message, names only it."""
    return f"FILEREF#{file_id}"


FILE_POINTER_SK = "REF"


def file_source_pk(platform: str, tenant: str, digest: str) -> str:
    """A file as the messenger names it (a digest of its id there), claimed once: Slack delivers one
    upload as both a message and a `file_shared` event."""
    return f"FILESRC#{platform}#{tenant}#{digest}"


FILE_SOURCE_SK = "SRC"


def file_content_sk(sha256: str) -> str:
    """The same bytes archived in a group before (a second copy is not stored)."""
    return f"FSHA#{sha256}"


def file_document_sk(doc_key: str) -> str:
    """The versions of one document in a group, oldest first (the files rule's document key)."""
    return f"FDOC#{doc_key}"


def file_log_sk(file_id: str, at: float, ref: str) -> str:
    """A link issued for a file, or a download through one (R6.9), appended."""
    return f"FLOG#{file_id}#{iso(at)}#{ref}"


def file_log_prefix(file_id: str) -> str:
    return f"FLOG#{file_id}#"


def document_reader_sk(doc_key: str, uid: str) -> str:
    """Someone who downloaded a version of a document: told when a newer one is archived (R6.10)."""
    return f"FREAD#{doc_key}#{uid}"


def document_readers_prefix(doc_key: str) -> str:
    return f"FREAD#{doc_key}#"


def file_request_sk(ref: str) -> str:
    """An outsider's request for a file, until an admin approves or rejects it (R6.10)."""
    return f"FREQ#{ref}"


def file_grant_sk(file_id: str, uid: str) -> str:
    """An outsider's approved access to one file, until it expires."""
    return f"FGRANT#{file_id}#{uid}"


def file_upload_pk(uid: str) -> str:
    """Where the files a person sends the bot privately are archived (WeCom, DingTalk), for a while."""
    return f"FUPLOAD#{uid}"


FILE_UPLOAD_SK = "DEST"
