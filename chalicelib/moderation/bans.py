"""Bans in one group (R3.7): `ban` removes a member and refuses their return until `unban` or, where it was
given one, its expiry. One item per banned member in the group's partition (`BAN#{uid}`); a rejoin is
checked with one GetItem. Bans wider than a group are a person's sanctions (`chalicelib.persons`)."""

from __future__ import annotations

from chalicelib.store import keys
from chalicelib.store.base import Store
from chalicelib.store.records import Item


def group_ban(store: Store, gid: str, uid: str, now: float) -> Item | None:
    """The member's ban in this group, unless it has expired."""
    item = store.get_item(keys.group_pk(gid), keys.ban_sk(uid))
    if item is None or (item.data.get("until") is not None and now >= float(item.data["until"])):
        return None
    return item


def is_banned(store: Store, gid: str, uid: str, now: float | None = None) -> bool:
    item = store.get_item(keys.group_pk(gid), keys.ban_sk(uid))
    if item is None:
        return False
    until = item.data.get("until")
    return until is None or now is None or now < float(until)


def ban(
    store: Store, gid: str, uid: str, *, by: str, at: float, until: float | None = None, sanction: str = ""
) -> None:
    data: dict[str, object] = {"by": by, "at": at}
    if until is not None:
        data["until"] = until
    if sanction:
        data["sanction"] = sanction
    expires = int(until) + 86400 if until is not None else None  # TTL tidies it a day after it ends
    store.put_item(Item(keys.group_pk(gid), keys.ban_sk(uid), data, expires_at=expires))


def unban(store: Store, gid: str, uid: str) -> None:
    store.delete_item(keys.group_pk(gid), keys.ban_sk(uid))
