"""What the cleanup job undoes when it falls due: the bot's own posts (an announcement to withdraw at its
expiry (R4.7), a card to close when it goes stale, a notice to recall) and one-time passes that lapse.

Any domain that posts something with a lifetime registers it here with `BotPosts.register` (one PutItem);
the item sits in the group's partition (`POST#{message id}`) and, until it is handled, in the sparse GSI2
partition `DUE#post#{gid}` by its due time, so the cleanup finds what is due with one Query. Announcements
that ask for acknowledgement (`ack=True`) are also what the assessment counts acknowledgements against.
A pass granted until a time is registered with `Passes.grant` the same way (`DUE#pass#{gid}`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from chalicelib.store import keys
from chalicelib.store.base import Store
from chalicelib.store.records import Item

PostKind = Literal["announcement", "card", "notice"]
KEEP_AFTER_DUE = 90 * 86400  # a handled post stays readable this long (reports, acknowledgements)


@dataclass(frozen=True)
class BotPost:
    gid: str
    message_id: str
    chat: str
    kind: str
    at: float
    due: float
    token: str = ""  # what the platform needs to update or recall it (Slack "channel:ts", outTrackId...)
    title: str = ""
    ack: bool = False
    ref: str = ""  # the value an acknowledgement button carries
    state: str = "open"

    def data(self) -> dict[str, Any]:
        return {
            "gid": self.gid,
            "message_id": self.message_id,
            "chat": self.chat,
            "kind": self.kind,
            "at": self.at,
            "due": self.due,
            "token": self.token,
            "title": self.title,
            "ack": self.ack,
            "ref": self.ref,
            "state": self.state,
        }


def _post(item: Item) -> BotPost:
    d = item.data
    return BotPost(
        gid=str(d["gid"]),
        message_id=str(d["message_id"]),
        chat=str(d.get("chat", "")),
        kind=str(d.get("kind", "notice")),
        at=float(d.get("at", 0.0)),
        due=float(d.get("due", 0.0)),
        token=str(d.get("token", "")),
        title=str(d.get("title", "")),
        ack=bool(d.get("ack", False)),
        ref=str(d.get("ref", "")),
        state=str(d.get("state", "open")),
    )


class BotPosts:
    def __init__(self, store: Store) -> None:
        self.store = store

    def register(self, post: BotPost) -> None:
        self.store.put_item(
            Item(
                keys.group_pk(post.gid),
                keys.bot_post_sk(post.message_id),
                post.data(),
                gsi2=(keys.bot_posts_due_pk(post.gid), keys.due_index_sk(post.due, post.message_id)),
                expires_at=int(post.due) + KEEP_AFTER_DUE,
            )
        )

    def due(self, gid: str, now: float) -> Iterator[BotPost]:
        """Open posts due by `now`, the oldest due first (one Query of the sparse index)."""
        bound = keys.due_index_sk(now, "~")
        for item in self.store.query_items(keys.bot_posts_due_pk(gid), index="GSI2", below=bound):
            yield _post(item)

    def settle(self, post: BotPost, state: str) -> None:
        """Out of the due index for good (the item is written again without its GSI2 keys)."""
        handled = BotPost(**{**post.__dict__, "state": state})
        self.store.put_item(
            Item(
                keys.group_pk(post.gid),
                keys.bot_post_sk(post.message_id),
                handled.data(),
                expires_at=int(post.due) + KEEP_AFTER_DUE,
            )
        )

    def announcements(self, gid: str, start: float, end: float) -> list[BotPost]:
        """Announcements posted in [start, end) that asked for acknowledgement."""
        return [
            post
            for post in (_post(item) for item in self.store.query_items(keys.group_pk(gid), prefix="POST#"))
            if post.kind == "announcement" and post.ack and start <= post.at < end
        ]


@dataclass(frozen=True)
class Pass:
    gid: str
    uid: str
    user: str
    until: float


class Passes:
    def __init__(self, store: Store) -> None:
        self.store = store

    def grant(self, grant: Pass) -> None:
        self.store.put_item(
            Item(
                keys.group_pk(grant.gid),
                f"PASS#{grant.uid}",
                {"gid": grant.gid, "uid": grant.uid, "user": grant.user, "until": grant.until},
                gsi2=(keys.pass_due_pk(grant.gid), keys.due_index_sk(grant.until, grant.uid)),
                expires_at=int(grant.until) + KEEP_AFTER_DUE,
            )
        )

    def due(self, gid: str, now: float) -> Iterator[Pass]:
        bound = keys.due_index_sk(now, "~")
        for item in self.store.query_items(keys.pass_due_pk(gid), index="GSI2", below=bound):
            d = item.data
            yield Pass(str(d["gid"]), str(d["uid"]), str(d["user"]), float(d["until"]))

    def lapse(self, grant: Pass) -> None:
        self.store.update_member(grant.gid, grant.uid, grant.user, {"ads_pass": None})
        self.store.delete_item(keys.group_pk(grant.gid), f"PASS#{grant.uid}")
