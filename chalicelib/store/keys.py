"""Every key of the single table, built in one place (DESIGN.md section 4).

High-churn items (event claims, rate counters, fingerprints) live in their own partitions, never in the
group's. Timestamps inside sort keys are fixed-width UTC ISO-8601 so that they sort as strings.
"""

from __future__ import annotations

import math
import zlib
from datetime import UTC, datetime
from functools import lru_cache

GROUP_SHARDS = 8
META = "META"


def iso(ts: float) -> str:
    """Seconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ` (sortable, fixed width): what
    `datetime.fromtimestamp(ts, UTC).strftime(...)` writes, in a third of its time (every message's
    log key has one; the day is formatted once per day seen)."""
    days, second = divmod(math.floor(ts), 86400)
    hour, second = divmod(second, 3600)
    minute, second = divmod(second, 60)
    return f"{_day(days)}T{hour:02d}:{minute:02d}:{second:02d}Z"


def day(ts: float) -> str:
    """The UTC day (`YYYY-MM-DD`) of seconds since the epoch `ts`."""
    return _day(math.floor(ts) // 86400)


@lru_cache(maxsize=64)
def _day(days: int) -> str:
    return datetime.fromtimestamp(days * 86400, UTC).strftime("%Y-%m-%d")


def group_pk(gid: str) -> str:
    return f"GRP#{gid}"


def group_shard(gid: str) -> int:
    return zlib.crc32(gid.encode()) % GROUP_SHARDS


def groups_index_pk(shard: int) -> str:
    return f"GROUPS#{shard}"


MEMBER_SK_PREFIX = "MEM#"


def member_sk(uid: str) -> str:
    return f"{MEMBER_SK_PREFIX}{uid}"


GROUP_SUMMARY_SK = "SUMMARY"  # in the group's partition: its counts, kept where the data changes
ORG_SUMMARY_PK = "ORG#SUMMARY"  # the org's rollup of every group's summary, one item
ORG_SUMMARY_SK = "SUMMARY"
GROUPS_BY_NAME_PK = "GROUPS#BYNAME"  # GSI1 of the groups' META items: every group by name, a page a Query
NAME_KEY_CHARS = 120


def group_name_sk(name: str, gid: str) -> str:
    """GSI1 sort key of a group's META item: its name folded (so that case does not split the list), then
    the gid, which makes the key unique and gives a group without a name a stable place."""
    return f"{name.casefold()[:NAME_KEY_CHARS]}#{gid}"


def name_prefix(text: str) -> str:
    """What a search for `text` looks for at the start of `group_name_sk`: the text folded as names are."""
    return text.strip().casefold()[:NAME_KEY_CHARS]


def cursor_within(prefix: str, after: str) -> str:
    """`after` if it is a key of a name starting with `prefix` (a page's cursor), else "" (the start)."""
    return after if prefix and after.startswith(prefix) and "#" in after else ""


def admin_groups_pk(uid: str) -> str:
    """The groups whose platform admins (or `admins add`) name a person, a pointer item each (SK: the
    gid), written when the group's item gains them: the console finds a group admin's groups with one
    Query instead of reading every group. A stale pointer is harmless: each group is checked again."""
    return f"ADMINOF#{uid}"


def member_groups_pk(uid: str) -> str:
    """The groups a person is a member of, a pointer item each (SK: the gid), written when the member
    item is created: their own page in the web console reads them with one Query."""
    return f"MEMBEROF#{uid}"


def activity_index_pk(gid: str) -> str:
    return f"ACT#{gid}"


def activity_index_sk(last_active: float, uid: str) -> str:
    return f"{iso(last_active)}#{uid}"


def policy_pk(scope: str) -> str:
    return f"POL#{scope}"


POLICY_VERSION_SK_PREFIX = "V#"


def policy_sk(version: int) -> str:
    return f"{POLICY_VERSION_SK_PREFIX}{version:08d}"


def event_claim_pk(platform: str, claim_key: str) -> str:
    return f"EVT#{platform}#{claim_key}"


EVENT_CLAIM_SK = "EVT"


def signature_use_pk(route: str, digest: str) -> str:
    """A header-only signature (DingTalk robot and card callbacks) claimed with the bodies it came with,
    one item a body, up to the few its millisecond may carry (`chalicelib.adapters.base.SingleUse`)."""
    return f"SIG#{route}#{digest}"


SIGNATURE_USE_SK = "SIG"


def signature_use_sk(slot: int) -> str:
    """The item of a signature's `slot`th body: the first keeps the one-body key `SIGNATURE_USE_SK`."""
    return SIGNATURE_USE_SK if slot == 0 else f"{SIGNATURE_USE_SK}#{slot}"


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


def setup_sk() -> str:
    """The bot's arrival in the group: the setup card and the introduction were sent (once)."""
    return "SETUP"


CASE_SK_PREFIX = "CASE#"  # a group's cases, each followed by its events, snapshot and appeal


def case_item_sk(case_ref: str) -> str:
    """A case, found directly by the ref that cards and appeals carry."""
    return f"{CASE_SK_PREFIX}{case_ref}"


def case_snapshot_sk(case_ref: str) -> str:
    """The text of the message a case is about, where the policy keeps one (`retention.snapshots`)."""
    return f"{case_item_sk(case_ref)}#SNAP"


def case_appeal_sk(case_ref: str) -> str:
    """The member's appeal of a case, pending until a second admin upholds or reverses it."""
    return f"{case_item_sk(case_ref)}#APPEAL"


def member_cases_pk(gid: str, uid: str) -> str:
    """GSI1: one member's cases in a group, oldest first by sort key."""
    return f"CASES#{gid}#{uid}"


def member_cases_sk(at: float, case_ref: str) -> str:
    return f"{iso(at)}#{case_ref}"


def case_event_sk(case_ref: str, at: float, n: int) -> str:
    """What happened to a case afterwards (admin action, appeal, reversal): appended, never rewritten."""
    return f"{case_events_prefix(case_ref)}{iso(at)}#{n:03d}"


def case_events_prefix(case_ref: str) -> str:
    return f"{case_item_sk(case_ref)}#EV#"


def due_index_pk(kind: str) -> str:
    """GSI2: things that fall due at a time (mute ends, appeal deadlines, reminders)."""
    return f"DUE#{kind}"


def due_index_sk(at: float, ref: str) -> str:
    return f"{iso(at)}#{ref}"


def case_pointer_pk(case_ref: str) -> str:
    """Which group a case belongs to, so an appeal can name only the case (it may come by DM)."""
    return f"CASEREF#{case_ref}"


CASE_POINTER_SK = "REF"


def report_limit_sk(hour: int) -> str:
    return f"R#{hour}"


def exchange_sk(slot: int) -> str:
    """A group's heated-exchange counters of one half-window (R5.3), beside its moderation window items
    (`moderation_window_pk`)."""
    return f"X#{slot}"


def mute_sk(uid: str) -> str:
    """A timed mute, in the group's partition, until the sweep lifts it."""
    return f"MUTE#{uid}"


def mutes_due_pk() -> str:
    """GSI2 (sparse): every group's mutes by their end, for the five-minute sweep."""
    return due_index_pk("unmute")


def mute_due_sk(until: float, gid: str, uid: str) -> str:
    return due_index_sk(until, f"{gid}#{uid}")


def ban_sk(uid: str) -> str:
    """A banned member, in the group's partition: a rejoin is checked with one GetItem (R3.7)."""
    return f"BAN#{uid}"


SLOW_MODE_SK = "SLOWMODE"  # the group's slow mode (R5.3), while it is on


def slow_modes_due_pk() -> str:
    """GSI2 (sparse): every group's slow mode that is on, by its end."""
    return due_index_pk("slowmode")


def slow_mode_due_sk(until: float, gid: str) -> str:
    return due_index_sk(until, gid)


FOLLOWUP_SK_PREFIX = "FUP#"  # a group's follow-ups of open admin cards (R8.8)


def case_followup_sk(case_ref: str) -> str:
    """The follow-up of an admin card on a case (violation, removal proposal, report)."""
    return f"{FOLLOWUP_SK_PREFIX}C#{case_ref}"


def appeal_followup_sk(case_ref: str) -> str:
    """The follow-up of an appeal card on a case."""
    return f"{FOLLOWUP_SK_PREFIX}A#{case_ref}"


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
    return f"{membership_history_prefix(uid)}{iso(at)}#{what}"


def membership_history_prefix(uid: str) -> str:
    return f"MSH#{uid}#"


def inactivity_pk(gid: str) -> str:
    """A group's inactivity stages in their own partition: the job reads them in one Query."""
    return f"INACT#{gid}"


def inactivity_sk(uid: str) -> str:
    return member_sk(uid)


def membership_due_pk(gid: str) -> str:
    """GSI2 (sparse): a group's join requests, name checks and acknowledgements that fall due."""
    return due_index_pk(f"membership#{gid}")


def membership_due_sk(at: float, kind: str, uid: str) -> str:
    return due_index_sk(at, f"{kind}#{uid}")


# Jobs -------------------------------------------------------------------------------------------------
OPS_PK = "OPS#table"  # table-wide jobs (backup, restore drill) keep their runs and manifests here


JOB_RUN_SK_PREFIX = "JOB#"


def job_run_sk(job: str, period: str, *, dry_run: bool = False) -> str:
    """One run of a job for one period (in the group's partition, or OPS_PK for table-wide jobs)."""
    return f"{JOB_RUN_SK_PREFIX}{job}#{period}" + ("#dry" if dry_run else "")


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


BOT_POST_SK_PREFIX = "POST#"


def bot_post_sk(message_id: str, *, source: str = "") -> str:
    """Something the bot posted that falls due (an announcement to withdraw, a card to close); after the
    workflow item it belongs to (`ann:<ref>`), if any, so that the item's posts are found together."""
    return bot_posts_of_source_prefix(source) + message_id if source else BOT_POST_SK_PREFIX + message_id


def bot_posts_of_source_prefix(source: str) -> str:
    return f"{BOT_POST_SK_PREFIX}{source}#"


def bot_posts_due_pk(gid: str) -> str:
    """GSI2 (sparse): a group's bot posts by the time they fall due, for the cleanup job."""
    return due_index_pk(f"post#{gid}")


def pass_sk(uid: str) -> str:
    """A member's one-time pass for the ads rule, granted until a time."""
    return f"PASS#{uid}"


def pass_due_pk(gid: str) -> str:
    """GSI2 (sparse): a group's one-time passes by the time they lapse."""
    return due_index_pk(f"pass#{gid}")


ASSESSMENT_SK_PREFIX = "ASSESS#"


def assessment_sk(period: str) -> str:
    """A group's assessment summary for a period (the trend reads the earlier ones)."""
    return f"{ASSESSMENT_SK_PREFIX}{period}"


ASSESSMENT_PART_MARK = "#R#"  # in a part's key, never in a summary's


def assessment_part_sk(period: str, part: int) -> str:
    """Members' results of an assessment, a few hundred per item, for the report cards."""
    return f"{ASSESSMENT_SK_PREFIX}{period}{ASSESSMENT_PART_MARK}{part:05d}"


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


def incident_closed_by_sk(claim: str) -> str:
    """Which incident an event (its `Claim.id`) closed: how its redelivery finds it once the pointer went."""
    return f"INCIDENT#CLOSEDBY#{claim}"


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


def mention_reminder_pk(gid: str) -> str:
    """A group's reminders of unanswered mentions (R5.2), apart from the group: the job reads them in one
    Query (they expire a few days after the mention)."""
    return f"MREM#{gid}"


def mention_reminder_sk(at: float, message_id: str, uid: str) -> str:
    """One reminder: the asking message (its time and id) and the member asked, written once."""
    return f"{iso(at)}#{message_id}#{uid}"


def person_settings_pk(uid: str) -> str:
    """A person's own choices, across their groups (`remind off`)."""
    return f"PREF#{uid}"


MENTION_REMINDERS_OFF_SK = "MENTIONS#OFF"


def poll_sk(ref: str) -> str:
    return f"POLL#{ref}"


def poll_vote_sk(ref: str, uid: str) -> str:
    """One member's vote, written once."""
    return f"POLL#{ref}#V#{uid}"


def poll_votes_prefix(ref: str) -> str:
    return f"POLL#{ref}#V#"


def discussion_sk(ref: str) -> str:
    """A scheduled discussion (R5.9): its plan and the stage it has reached."""
    return f"DISC#{ref}"


def discussion_answer_sk(ref: str, uid: str) -> str:
    """One member's answer (attends or not), written once and changed with a conditional update."""
    return f"{discussion_answers_prefix(ref)}{uid}"


def discussion_answers_prefix(ref: str) -> str:
    return f"DISC#{ref}#R#"


def discussions_due_pk() -> str:
    """GSI2 (sparse): every group's discussions by their next step, for the five-minute pass."""
    return due_index_pk("discussion")


def discussion_due_sk(at: float, gid: str, ref: str) -> str:
    return due_index_sk(at, f"{gid}#{ref}")


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


def file_link_pk(digest: str) -> str:
    """A link issued to a member (by the sha256 of its token, never the token): the browser it is bound
    to and whether it was used (`chalicelib.files.links`)."""
    return f"FLINK#{digest}"


FILE_LINK_SK = "LINK"


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


def console_session_pk(digest: str) -> str:
    """A web console session, by the SHA-256 of its cookie's secret (the secret itself is never stored):
    deleting the item revokes the session at once, whatever the cookie says (`chalicelib.console`)."""
    return f"CONSOLE#S#{digest}"


CONSOLE_SESSION_SK = "SESSION"


def console_login_pk(state: str) -> str:
    """A sign-in under way: its `state`, `nonce`, platform and where to go after, used once."""
    return f"CONSOLE#L#{state}"


CONSOLE_LOGIN_SK = "LOGIN"


def open_cards_pk(shard: int) -> str:
    """GSI2 (sparse) of follow-ups: every group's admin cards still open, sharded like the groups, so the
    console's case queue is a Query per shard whatever the number of groups."""
    return f"OPENCARDS#{shard}"


def open_card_sk(opened_at: float, gid: str, kind: str, ref: str) -> str:
    return f"{iso(opened_at)}#{gid}#{kind}#{ref}"


def open_requests_pk(shard: int) -> str:
    """GSI2 (sparse) of the requests that wait for a decision: every group's join requests and publishing
    drafts still pending (`chalicelib.kernel.open_requests`), sharded like the groups."""
    return f"OPENREQ#{shard}"


def open_request_sk(kind: str, key: str) -> str:
    """The marker of one pending request in its group's partition: a join request by its member's uid
    (one at a time), a draft by its ref."""
    return f"{OPEN_REQUEST_SK_PREFIX}{kind}#{key}"


OPEN_REQUEST_SK_PREFIX = "OPENREQ#"  # every marker of a group's partition


def sent_cards_prefix(kind: str, ref: str) -> str:
    """The cards sent for one pending request (`chalicelib.kernel.request_cards`), in its group's
    partition, one item a recipient's card: `SENTCARD#{kind}#{ref}#{which}`."""
    return f"SENTCARD#{kind}#{ref}#"


# A message archive (WeCom 会话内容存档), per platform and tenant: where the pull stands (`SEQ`), who is
# pulling (`LEASE`, expiring), alerts raised once (`ALERT#kind`), items that could not be read
# (`FAIL#seq`), and external contacts' consent to be archived (`CONSENT#user`).
ARCHIVE_CHECKPOINT_SK = "SEQ"
ARCHIVE_LEASE_SK = "LEASE"


def archive_pk(platform: str, tenant: str) -> str:
    return f"ARCHIVE#{platform}#{tenant}"


def archive_alert_sk(kind: str) -> str:
    return f"ALERT#{kind}"


def archive_failure_sk(seq: int) -> str:
    return f"FAIL#{seq:020d}"


def archive_consent_sk(user: str) -> str:
    return f"CONSENT#{user}"


def archive_cursor_sk(conversation: str) -> str:
    """Where a pulled source stands in one group (DingTalk's audit: the group's `nextToken`)."""
    return f"CURSOR#{conversation}"


def outbox_pk(platform: str, claim_key: str) -> str:
    """A decision being carried out, in its own partition (one per event, like the claim): the actions as
    stored before the first was done, and each one's result once the platform confirmed it."""
    return f"OUT#{platform}#{claim_key}"


OUTBOX_SK = "OUT"


# --- people (chalicelib.persons) ---------------------------------------------------------------------


def person_pk(pid: str) -> str:
    """One person across platforms: `META` (identities, contact hashes, hold), sanctions, erasure."""
    return f"PERSON#{pid}"


PERSON_SK = META


def sanction_sk(sanction_id: str) -> str:
    """A ban or watch on the person, with its scope, reason, expiry and lifting."""
    return f"SANCT#{sanction_id}"


SANCTION_SK_PREFIX = "SANCT#"


def sanctions_due_pk() -> str:
    """GSI2 (sparse): every person's live sanctions by their expiry, for the five-minute sweep."""
    return due_index_pk("sanction")


def watched_join_sk(uid: str) -> str:
    """In the group's partition: a watched member's latest join, its admin card's nonce and whether an
    admin decided it (let stay or removed), once (`chalicelib.persons.watch`)."""
    return f"WATCHJ#{uid}"


def identity_pk(uid: str) -> str:
    """A platform identity's pointer to its person, carrying the person's org- and tag-wide sanctions:
    the join gate reads this one item (`chalicelib.persons.gate`)."""
    return f"IDN#{uid}"


def contact_pk(digest: str) -> str:
    """A keyed hash of a work e-mail or mobile, pointing at the person it proves (never the clear value)."""
    return f"CONTACT#{digest}"


POINTER_SK = "PERSON"


def ledger_pk(uid: str) -> str:
    """What happened to one platform identity in every group (cases with their points, mutes, bans,
    acknowledgements): a person's history is the union of their identities' ledgers."""
    return f"LEDGER#{uid}"


def ledger_sk(at: float, kind: str, ref: str) -> str:
    return f"{iso(at)}#{kind}#{ref}"


def export_pk(token: str) -> str:
    """A person's data export (`/qg mydata`), until its link expires."""
    return f"EXPORT#{token}"
