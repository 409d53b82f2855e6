"""Group summaries and the org's rollup: what the console's overview shows, kept where the data changes
so that a page reads a few items, not every group's members, cases and assessments (issue #18).

A group's summary item (`keys.GROUP_SUMMARY_SK` in its partition) holds `members`, `last_active`,
`open_cases`, `score`, `period`, `active_members` and `admins`; the org's (`keys.ORG_SUMMARY_PK`) holds
`groups`, `open_cases` and `no_admin`. Each change is one atomic UpdateItem (ADD for counts, SET for the
rest) made by the store on the write that changes the data, and only when a figure changes:

- members: a member item created, or its role changed to or from `former`, or deleted
  (`DynamoStore` learns the item as it was from the write's own answer, `ReturnValues=ALL_OLD`, which
  costs no read);
- last activity: each activity write (at most hourly a member), never moving back in time;
- open cases: an admin card followed or closed (`chalicelib.moderation.followups`);
- the latest assessment: the assessment job's summary of a period no older than the one kept;
- admins: a group's item written with another count of known admins, and the org's count of groups
  without one.

Writes that bypass these paths (a points increment creating a member item, an open card expiring by
TTL) leave a summary off by one until `recount` rebuilds it from the items themselves; the daily
assessment pass and `qunguan groups recount` run it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from chalicelib.store import keys
from chalicelib.store.records import GroupRecord, GroupSummary, Item, MemberRecord, OrgSummary

if TYPE_CHECKING:
    from chalicelib.store.base import Store

FORMER = "former"  # chalicelib.membership.repository.FORMER: no longer in the group


def counted(role: str | None) -> int:
    """1 for a member item that counts as a member (its role, None when there is no item), else 0."""
    return 0 if role is None or role == FORMER else 1


def member_role(member: MemberRecord | None) -> str | None:
    return None if member is None else member.role


def known_admins(group: GroupRecord) -> int:
    """The admins the platform names for the group, after `admins add|remove`."""
    return len((set(group.admins) | set(group.added_admins)) - set(group.removed_admins))


def admin_uids(group: GroupRecord) -> set[str]:
    """The people `known_admins` counts, as uids (`platform:tenant:user`)."""
    mine = (set(group.admins) | set(group.added_admins)) - set(group.removed_admins)
    return {f"{group.platform}:{group.tenant}:{user}" for user in mine}


def group_change(
    before: GroupRecord | None, after: GroupRecord
) -> tuple[dict[str, Any], dict[str, int], set[str]]:
    """What writing `after` over `before` changes: the summary's fields to set, the org's counts to add,
    and the admins newly named (whose pointers to write)."""
    admins = known_admins(after)
    old_admins = None if before is None else known_admins(before)
    put: dict[str, Any] = {} if admins == old_admins else {"admins": admins}
    org: dict[str, int] = {}
    counted_before = 0 if old_admins is None else int(old_admins == 0)  # in the org's `no_admin`
    if before is None:
        org["groups"] = 1
    if int(admins == 0) != counted_before:
        org["no_admin"] = int(admins == 0) - counted_before
    new_admins = admin_uids(after) - (set() if before is None else admin_uids(before))
    return put, org, new_admins


def summary_of(gid: str, item: Item | None) -> GroupSummary:
    data: Mapping[str, Any] = {} if item is None else item.data
    score, active, last = data.get("score"), data.get("active_members"), data.get("last_active")
    return GroupSummary(
        gid=gid,
        members=max(0, int(data.get("members", 0))),
        last_active=None if last is None else float(last),
        open_cases=max(0, int(data.get("open_cases", 0))),
        score=None if score is None else float(score),
        period=str(data.get("period", "")),
        active_members=None if active is None else int(active),
        admins=int(data.get("admins", 0)),
    )


def org_of(item: Item | None) -> OrgSummary:
    data: Mapping[str, Any] = {} if item is None else item.data
    return OrgSummary(
        groups=max(0, int(data.get("groups", 0))),
        open_cases=max(0, int(data.get("open_cases", 0))),
        no_admin=max(0, int(data.get("no_admin", 0))),
    )


def summary_data(summary: GroupSummary) -> dict[str, Any]:
    """The summary item's attributes (absent rather than None)."""
    data: dict[str, Any] = {
        "gid": summary.gid,
        "members": summary.members,
        "open_cases": summary.open_cases,
        "admins": summary.admins,
        "last_active": summary.last_active,
        "score": summary.score,
        "period": summary.period or None,
        "active_members": summary.active_members,
    }
    return {name: value for name, value in data.items() if value is not None}


def recount_group(store: Store, group: GroupRecord) -> tuple[GroupSummary, GroupSummary]:
    """Rebuild a group's summary from its items (members, open cards, assessments, admins), write it,
    and move the org's counts by what was off; (as it was, as it is now). Also writes the pointer of
    each admin it names and rewrites the group's item (which indexes it by name, for items written
    before the index existed)."""
    group = store.get_group(group.gid) or group
    pk = keys.group_pk(group.gid)
    kept = store.get_item(pk, keys.GROUP_SUMMARY_SK)
    before = summary_of(group.gid, kept)
    members, last_active = 0, None
    for member in store.members_of(group.gid):
        members += counted(member.role)
        if member.role != FORMER and member.last_active is not None:
            last_active = max(last_active or member.last_active, member.last_active)
    open_cases = sum(1 for _ in store.query_items(pk, prefix=keys.FOLLOWUP_SK_PREFIX))
    latest: Mapping[str, Any] = {}
    for item in store.query_items(pk, prefix=keys.ASSESSMENT_SK_PREFIX, newest_first=True):
        if keys.ASSESSMENT_PART_MARK not in item.sk:
            latest = item.data
            break
    score, active = latest.get("score"), latest.get("active_members")
    now = GroupSummary(
        gid=group.gid,
        members=members,
        last_active=last_active,
        open_cases=open_cases,
        score=None if score is None else float(score),
        period=str(latest.get("period", "")),
        active_members=None if active is None else int(active),
        admins=known_admins(group),
    )
    store.put_group(group)
    for uid in sorted(admin_uids(group)):
        store.put_item(Item(keys.admin_groups_pk(uid), group.gid, {"gid": group.gid}))
    if now != before:
        store.put_item(Item(pk, keys.GROUP_SUMMARY_SK, summary_data(now)))
    if kept is not None:  # the org counted what the summary said: move it by what was off
        org = {
            "open_cases": now.open_cases - before.open_cases,
            "no_admin": int(now.admins == 0) - int(before.admins == 0),
        }
        org = {name: value for name, value in org.items() if value}
        if org:
            store.add_to_item(keys.ORG_SUMMARY_PK, keys.ORG_SUMMARY_SK, org, {})
    return before, now


def recount(store: Store) -> OrgSummary:
    """Every group's summary rebuilt (`recount_group`), then the org's rollup written from them."""
    groups = open_cases = no_admin = 0
    for group in store.list_groups():
        _, now = recount_group(store, group)
        groups += 1
        open_cases += now.open_cases
        no_admin += int(now.admins == 0)
    org = OrgSummary(groups=groups, open_cases=open_cases, no_admin=no_admin)
    data = {"groups": org.groups, "open_cases": org.open_cases, "no_admin": org.no_admin}
    store.put_item(Item(keys.ORG_SUMMARY_PK, keys.ORG_SUMMARY_SK, data))
    return org
