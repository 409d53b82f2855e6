"""People as the console shows them: by name, never by a raw id where a name is known.

A group's members are named from their records in that group (`display_name`, what the platform last
told the bot), read in one batch per page (`Store.get_members_in`: BatchGetItem); someone the
group has no record of keeps their id, the last resort (`chalicelib.core.naming.person_label`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from chalicelib.core.ids import split_id, user_id
from chalicelib.core.naming import person_label
from chalicelib.kernel.deps import Deps


def names_in(deps: Deps, gid: str, users: Iterable[str]) -> dict[str, str]:
    """Each native user id of the group `gid` with the name to show for them."""
    platform, tenant, _ = split_id(gid)
    wanted = list(dict.fromkeys(user for user in users if user))
    if not wanted:
        return {}
    uids = {user_id(platform, tenant, user): user for user in wanted}
    found = deps.store.get_members(gid, list(uids))
    named = {uids[uid]: member.display_name for uid, member in found.items() if uid in uids}
    return {user: person_label(user, named.get(user, "")) for user in wanted}


def names_across(deps: Deps, wanted: Mapping[str, Iterable[str]]) -> dict[str, dict[str, str]]:
    """`names_in` of several groups (gid: native user ids), their members read in one batch."""
    pairs: dict[tuple[str, str], tuple[str, str]] = {}
    for gid, users in wanted.items():
        platform, tenant, _ = split_id(gid)
        for user in users:
            if user:
                pairs[(gid, user_id(platform, tenant, user))] = (gid, user)
    found = deps.store.get_members_in(list(pairs))
    named: dict[str, dict[str, str]] = {gid: {} for gid in wanted}
    for pair, (gid, user) in pairs.items():
        member = found.get(pair)
        named[gid][user] = person_label(user, member.display_name if member else "")
    return named


def name_of(deps: Deps, uid: str, gid: str | None = None) -> str:
    """One person, by their qualified id: their name in `gid` (else in the first group that knows them)."""
    platform, tenant, user = split_id(uid)
    for where in [gid] if gid else deps.store.groups_of_member(uid)[:3]:
        if where and split_id(where)[:2] == (platform, tenant):
            member = deps.store.get_member(where, uid)
            if member is not None and member.display_name:
                return member.display_name
    return user


__all__ = ["name_of", "names_across", "names_in"]
