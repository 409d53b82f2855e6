"""People and groups named in what the bot writes: by the directory's name (cached,
`chalicelib.authz.directory_user`), by the group's name (its record, cached with the context's), their
id only when nothing better is known (`chalicelib.core.naming`).

A list names each person and group once, whatever the number of rows: `names_of_ids` and `group_names`
look each distinct id up once, through the container's caches (`Deps.directory`, `Deps.groups`), so a
history of fifty cases in three groups costs at most three reads, and the same names asked again within
the caches' minutes cost nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import cast

from chalicelib.adapters.base import DirectoryUser
from chalicelib.authz import directory_user
from chalicelib.core.events import Event
from chalicelib.core.ids import Platform, is_qualified, split_id
from chalicelib.core.naming import group_label, person_label
from chalicelib.errors import MessengerError
from chalicelib.kernel.deps import Deps

log = logging.getLogger("qunguan.people")


def name_of(event: Event, user: str, deps: Deps) -> str:
    """How the bot names `user` (a native id of the event's platform and tenant)."""
    if not user:
        return user
    return person_label(user, shown_name(directory_user(event, user, deps)))


def names_of_ids(uids: Iterable[str], deps: Deps) -> dict[str, str]:
    """How the bot names each qualified id (`platform:tenant:user`, of any platform), each looked up once
    through the directory cache `directory_user` fills (keyed by the same qualified id)."""
    now = deps.clock.now()
    named: dict[str, str] = {}
    for uid in dict.fromkeys(uids):
        if not is_qualified(uid):
            named[uid] = uid
            continue
        platform, tenant, user = split_id(uid)
        person = deps.directory.get(uid, now)
        if person is None:
            try:
                person = deps.messenger(cast(Platform, platform)).get_user(tenant, user)
            except MessengerError as exc:
                log.warning("directory look-up failed on %s: %s", platform, exc.detail)
            deps.directory.put(uid, person, now)
        named[uid] = person_label(user, shown_name(person))
    return named


def shown_name(person: DirectoryUser | None) -> str:
    """The directory's name for a person, else their display name (alias): a WeCom app made after
    2022-06-20 gets no `name` from user/get, and the user id that stands in for it is no name."""
    if person is None:
        return ""
    return next((name for name in (person.name, person.display_name) if name and name != person.user), "")


def group_names(gids: Iterable[str], deps: Deps) -> dict[str, str]:
    """How the bot names each group (`gid`): its name as its members know it (`group_label`), its chat id
    only for a group the bot has no name for. One cached read per distinct group."""
    from chalicelib.kernel.context import known_group

    now = deps.clock.now()
    named: dict[str, str] = {}
    for gid in dict.fromkeys(gids):
        if not is_qualified(gid):
            named[gid] = gid
            continue
        platform, _, chat = split_id(gid)
        group = known_group(gid, deps, now)
        named[gid] = group_label(platform, chat, group.name if group else "")
    return named
