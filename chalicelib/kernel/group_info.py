"""What the platform says about a group: its name and its admins, asked once and kept on the group record.

A group is described when the bot first sees it and again once a day (`DESCRIBE_EVERY`), through the
messenger's `group_info` (Slack conversations.info, WeCom appchat/get or externalcontact/groupchat/get,
DingTalk scenegroup/get). When the platform names no admin for the group (a Slack channel whose creator
left, a WeCom group the app did not create, a DingTalk group that is not a scene group), the
organisation's admins (`org_admins`) are kept as the group's fallback, so that an admin card always has
someone to go to.

What a message itself says is learnt as it comes, at no cost: DingTalk's robot callback carries the group's
title and marks a sender who is an admin of the group (`MessagePosted.chat_name`, `.sender_admin`), and a
Slack `member_joined_channel` for the bot names whoever invited it (`learn_admin`).

A group nobody named (WeCom answers an empty name: appchat/get, externalcontact/groupchat/get,
msgaudit/groupchat/get) is called by its members' names, as WeCom's clients call it (`named`): composed
here once, in the group's language, kept on the record as a name is (`GroupRecord.named_by_members`), so
every text, card, console page and report that names the group names it so, and composed again at each
description, as its members come and go.

A platform that fails to answer leaves the record as it was, to be asked again at the next cache miss.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from typing import cast

from chalicelib.core.events import Event, MessagePosted
from chalicelib.core.ids import Platform, user_id
from chalicelib.core.naming import NAMED_MEMBERS, members_label
from chalicelib.errors import MessengerError
from chalicelib.i18n import normalise_locale
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.people import names_of_ids
from chalicelib.store.records import GroupRecord

log = logging.getLogger("qunguan.groups")

DESCRIBE_EVERY = 86400.0
LOOKED_UP = 10  # the first members whose names are looked for, to call a group nobody named by three


def stale(group: GroupRecord, now: float) -> bool:
    return now - group.described_at >= DESCRIBE_EVERY


def describe(group: GroupRecord, deps: Deps, now: float) -> GroupRecord:
    """The group with the platform's name and admins (and the org's admins when it names none)."""
    messenger = deps.messenger(cast(Platform, group.platform))
    try:
        info = messenger.group_info(group.tenant, group.chat)
        bot = messenger.bot_user_id(group.tenant)
        platform_admins = tuple(a for a in (info.admins if info else ()) if a and a != bot)
        admins = tuple(dict.fromkeys((*platform_admins, *group.admins)))
        org = () if admins else tuple(a for a in messenger.org_admins(group.tenant) if a != bot)
    except MessengerError as exc:
        log.warning("%s did not describe %s: %s", group.platform, group.gid, exc.detail)
        return group
    group = named(group, info.name if info else "", info.members if info else (), deps, now)
    return replace(group, admins=admins, org_admins=org, described_at=now)


def named(
    group: GroupRecord, name: str, members: Sequence[tuple[str, str]], deps: Deps, now: float
) -> GroupRecord:
    """The group with the name the platform gives, else with one made of its `members` ((native id, the
    name the platform gives them or ""), in the platform's order). A name the bot already has stays (a
    rename arrives as an event or with a message); one it composed is composed again; with neither a name
    nor members, the group keeps what it had."""
    if group.name and not group.named_by_members:
        return group
    if name:
        return replace(group, name=name, named_by_members=False)
    if not members:
        return group
    from chalicelib.kernel.context import policies  # the context describes groups: imported when needed

    locale = normalise_locale(group.locale or policies(deps).for_group(group.gid, now).locale)
    label = members_label(_member_names(group, members[:LOOKED_UP], deps), len(members), locale)
    return replace(group, name=label, named_by_members=True)


def _member_names(group: GroupRecord, members: Sequence[tuple[str, str]], deps: Deps) -> list[str]:
    """The names the bot knows of `members`, in order, until it has `NAMED_MEMBERS`: the platform's, else
    the member's record in the group (what the platform last told the bot: one batch read), else the
    directory's (`names_of_ids`, cached). A name that is only the id is no name: nobody reads an id."""
    uids = [user_id(group.platform, group.tenant, user) for user, _ in members]
    records = deps.store.get_members(group.gid, uids)
    found: list[str] = []
    for uid, (user, given) in zip(uids, members, strict=True):
        record = records.get(uid)
        name = _real(user, given) or _real(user, record.display_name if record else "")
        if not name:
            name = _real(user, names_of_ids([uid], deps)[uid])
        if name:
            found.append(name)
        if len(found) == NAMED_MEMBERS:
            break
    return found


def _real(user: str, name: str) -> str:
    shown = name.strip()
    return shown if shown and shown != user else ""


def learn(group: GroupRecord, event: Event) -> GroupRecord:
    """What the event itself says about the group: its title, a sender the platform marks as admin."""
    if not isinstance(event, MessagePosted) or event.direct:
        return group
    learnt = group
    if event.chat_name and event.chat_name != group.name:
        learnt = replace(learnt, name=event.chat_name, named_by_members=False)
    if event.sender_admin and event.user not in group.admins:
        learnt = learn_admin(learnt, event.user)
    return learnt


def learn_admin(group: GroupRecord, user: str) -> GroupRecord:
    """The group with `user` among its platform admins (the org's admins are no longer needed)."""
    if not user or user in group.admins:
        return group
    return replace(group, admins=(*group.admins, user), org_admins=())
