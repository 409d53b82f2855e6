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

A platform that fails to answer leaves the record as it was, to be asked again at the next cache miss.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import cast

from chalicelib.core.events import Event, MessagePosted
from chalicelib.core.ids import Platform
from chalicelib.errors import MessengerError
from chalicelib.kernel.deps import Deps
from chalicelib.store.records import GroupRecord

log = logging.getLogger("qunguan.groups")

DESCRIBE_EVERY = 86400.0


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
    # A name the bot already has stays (a rename arrives as an event or with a message); the platform's
    # fills a gap.
    name = group.name or (info.name if info else "")
    return replace(group, name=name, admins=admins, org_admins=org, described_at=now)


def learn(group: GroupRecord, event: Event) -> GroupRecord:
    """What the event itself says about the group: its title, a sender the platform marks as admin."""
    if not isinstance(event, MessagePosted) or event.direct:
        return group
    learnt = group
    if event.chat_name and event.chat_name != group.name:
        learnt = replace(learnt, name=event.chat_name)
    if event.sender_admin and event.user not in group.admins:
        learnt = learn_admin(learnt, event.user)
    return learnt


def learn_admin(group: GroupRecord, user: str) -> GroupRecord:
    """The group with `user` among its platform admins (the org's admins are no longer needed)."""
    if not user or user in group.admins:
        return group
    return replace(group, admins=(*group.admins, user), org_admins=())
