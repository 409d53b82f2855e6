"""Bans (R3.7): `ban` removes a member and refuses their return until `unban`. One item per banned member
in the group's partition (`BAN#{uid}`); a rejoin is checked with one GetItem."""

from __future__ import annotations

from chalicelib.store import keys
from chalicelib.store.base import Store
from chalicelib.store.records import Item


def is_banned(store: Store, gid: str, uid: str) -> bool:
    return store.get_item(keys.group_pk(gid), keys.ban_sk(uid)) is not None


def ban(store: Store, gid: str, uid: str, *, by: str, at: float) -> None:
    store.put_item(Item(keys.group_pk(gid), keys.ban_sk(uid), {"by": by, "at": at}))


def unban(store: Store, gid: str, uid: str) -> None:
    store.delete_item(keys.group_pk(gid), keys.ban_sk(uid))
