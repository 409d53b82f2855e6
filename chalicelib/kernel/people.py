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
    person = directory_user(event, user, deps)
    return person_label(user, (person.name or person.display_name) if person else "")


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
        named[uid] = person_label(user, (person.name or person.display_name) if person else "")
    return named


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
