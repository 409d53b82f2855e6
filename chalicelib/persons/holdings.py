"""Everything qunguan holds about a person, found the same way for their export and their erasure.

    the person (`PERSON#{pid}`: the record, sanctions)      each identity's pointer, ledger, groups index
                                                            (`MEMBEROF#`), directory names and preferences;
                                                            each contact's pointer
    in every group of an identity's platform and tenant:    the member record; the group record where its
    platform admin list names them (day-one admin discovery); every item of the group's
    partition whose keys or attributes name them (cases with their events, snapshots and appeals, bans,
    mutes, join requests, name checks, acknowledgements, file readers and grants, history); the audit
    records that name them; the message log's days within the group's retention (what they posted, and
    the messages that @-mention them); the group's short-lived windows, reminders and inactivity stages that
name them (rate and report windows, fingerprints, mention reminders); the files they sent the bot privately
(`FUPLOAD#{uid}`). A member's own rate counters (`RATE#{gid}#{uid}`) live minutes and go by TTL.

A rare, operator- or member-initiated walk: one Query per group partition and per logged day, never a
Scan of the table (the erasure adds one Scan for what has no index by person: `chalicelib.persons.
erasure`). What is `own` is about them (their case, their message); the rest only names them (an
admin's audit record of a decision they took, someone else's message that mentions them).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from chalicelib.adapters.dingtalk.track import is_copy_for
from chalicelib.core.ids import split_id
from chalicelib.persons.records import Person
from chalicelib.store import keys
from chalicelib.store.base import Store
from chalicelib.store.message_log import DAY, LOG_DAYS, log_day
from chalicelib.store.records import AuditRecord, GroupRecord, Item, MemberRecord

Where = Literal["item", "member", "audit", "group"]
AUDIT_LIMIT = 100_000
_CLAIM_PARTS = re.compile(r"[:#|]")


@dataclass(frozen=True)
class Identity:
    uid: str
    platform: str
    tenant: str
    user: str

    @classmethod
    def of(cls, uid: str) -> Identity:
        platform, tenant, user = split_id(uid)
        return cls(uid, platform, tenant, user)


@dataclass(frozen=True)
class Found:
    where: Where
    kind: str
    identity: Identity | None
    own: bool
    gid: str = ""
    item: Item | None = None
    member: MemberRecord | None = None
    audit: AuditRecord | None = None
    group: GroupRecord | None = None  # a group whose platform admin list names them


def names(value: Any, who: Identity) -> bool:
    """Whether a value (nested) is, or contains, the identity: its qualified id anywhere in a string, its
    native id as a whole string (native ids are short: `U1` inside a sentence is not them), as a part
    of a claim id (`claim_names`) or at the end of a DingTalk card's token (`token_names`)."""
    if isinstance(value, str):
        return who.uid in value or value == who.user or claim_names(value, who) or token_names(value, who)
    if isinstance(value, dict):
        return any(names(key, who) or names(inner, who) for key, inner in value.items())
    if isinstance(value, list | tuple):
        return any(names(inner, who) for inner in value)
    return False


def claim_names(value: str, who: Identity) -> bool:
    """Whether an event's claim id (`Claim.id`: "{platform}#{tenant}#{event id}", kept by a policy version,
    an incident's pointer and close, the close's marker key) names them: an event id is built of parts
    joined by ":" (WeCom "FromUserName:CreateTime:Event...", the console's "console:...:{user}", DingTalk's
    "{id}:{user}"), one of which is their native id."""
    head = f"{who.platform}#{who.tenant}#"
    at = value.find(head)
    return at >= 0 and who.user in _CLAIM_PARTS.split(value[at + len(head) :])


def token_names(value: str, who: Identity) -> bool:
    """Whether a DingTalk card's token (its outTrackId: `chalicelib.adapters.dingtalk.track`) is the copy
    sent to them."""
    return who.platform == "dingtalk" and is_copy_for(value, who.user)


def kind_of(sk: str) -> str:
    head = sk.split("#", 1)[0]
    if head == "CASE":
        return (
            "snapshot"
            if sk.endswith("#SNAP")
            else "appeal"
            if sk.endswith("#APPEAL")
            else ("case_event" if "#EV#" in sk else "case")
        )
    return head.lower() or "item"


def holdings(
    store: Store,
    person: Person,
    now: float,
    *,
    retention_days: int = LOG_DAYS,
    groups: Sequence[GroupRecord] | None = None,
) -> Iterator[Found]:
    """`groups`: every group record, where the caller listed them already (the erasure reads their names)."""
    identities = [Identity.of(uid) for uid in person.identities]
    for item in store.query_items(keys.person_pk(person.pid)):
        yield Found(
            "item",
            "sanction" if item.sk.startswith(keys.SANCTION_SK_PREFIX) else "person",
            None,
            True,
            item=item,
        )
    for who in identities:
        for pk in (
            keys.identity_pk(who.uid),
            keys.ledger_pk(who.uid),
            keys.file_upload_pk(who.uid),
            keys.member_groups_pk(who.uid),
            keys.directory_names_pk(who.uid),
            keys.person_settings_pk(who.uid),
        ):
            for item in store.query_items(pk):
                yield Found("item", pk.split("#", 1)[0].lower(), who, True, item=item)
    for digest in person.contacts:
        for item in store.query_items(keys.contact_pk(digest)):
            yield Found("item", "contact", None, True, item=item)
    for group in store.list_groups() if groups is None else groups:
        for who in identities:
            if (group.platform, group.tenant) == (who.platform, who.tenant):
                if who.user in admin_lists(group):
                    yield Found("group", "group_admin", who, False, gid=group.gid, group=group)
                yield from _in_group(store, group.gid, who, now, retention_days)


def admin_lists(group: GroupRecord) -> set[str]:
    """Every native id the group record names as an admin (the platform's, the overrides, the org's)."""
    return {*group.admins, *group.added_admins, *group.removed_admins, *group.org_admins}


def _in_group(store: Store, gid: str, who: Identity, now: float, retention_days: int) -> Iterator[Found]:
    member = store.get_member(gid, who.uid)
    if member is not None:
        yield Found("member", "member", who, True, gid=gid, member=member)
    for item in store.query_items(keys.group_pk(gid)):
        if item.sk.startswith((keys.AUDIT_SK_PREFIX, keys.MEMBER_SK_PREFIX)) or item.sk == keys.META:
            continue  # the audit records and the member are read as such, on both stores; META is the group's
        in_keys = (
            who.uid in item.sk
            or claim_names(item.sk, who)
            or any(who.uid in key for pair in (item.gsi1, item.gsi2) if pair for key in pair)
        )
        if in_keys or names(item.data, who):
            own = in_keys or item.data.get("uid") == who.uid or item.data.get("user") == who.user
            yield Found("item", kind_of(item.sk), who, own, gid=gid, item=item)
    for pk in (
        keys.moderation_window_pk(gid),
        keys.fingerprint_pk(gid),
        keys.mention_reminder_pk(gid),
        keys.inactivity_pk(gid),
    ):
        for item in store.query_items(pk):  # per-window counters, reminders and stages keyed by who
            if names(item.data, who) or who.uid in item.sk:
                yield Found("item", pk.split("#", 1)[0].lower(), who, False, gid=gid, item=item)
    for record in store.list_audit(gid, limit=AUDIT_LIMIT):
        if (
            record.actor in (who.user, who.uid)
            or names(record.detail, who)
            or names(list(record.actions), who)
        ):
            yield Found("audit", "audit", who, record.actor in (who.user, who.uid), gid=gid, audit=record)
    yield from _logged(store, gid, who, now, retention_days)


def _logged(store: Store, gid: str, who: Identity, now: float, retention_days: int) -> Iterator[Found]:
    """The message log's days within the retention: what they posted, and what mentions them."""
    for day in range(retention_days + 1):
        for item in store.query_items(keys.message_log_pk(gid, log_day(now - day * DAY))):
            if item.data.get("u") == who.user:
                yield Found("item", "message", who, True, gid=gid, item=item)
            elif names(item.data.get("m") or [], who):
                yield Found("item", "message_mention", who, False, gid=gid, item=item)
