"""What the cleanup job undoes when it falls due: the bot's own posts (an announcement to withdraw at its
expiry (R4.7), a card to close when it goes stale, a notice to recall) and one-time passes that lapse.

A domain gives a post a lifetime by deciding it with `keep=Lifetime(...)` (`chalicelib.core.actions`); once
the executor has posted it, `track` (an AFTER hook of the worker) registers each message the platform
answered with (`BotPosts.register`, one PutItem): the item sits in the group's partition
(`POST#[{source}#]{message id}`) and, until it is handled, in the sparse GSI2 partition `DUE#post#{gid}`
by its due time, so the cleanup finds what is due with one Query; the workflow that posted it finds its
posts by `source` with one Query to recall them early. A `Recall` that went through settles the post.
A message sent to one person privately is kept with whose it is (`user`), so that a stale card whose update
the platform refuses (a WeCom response_code used or past its 72 h) is told to them by message instead.
Announcements that ask for acknowledgement (`ack=True`) are also what the assessment counts
acknowledgements against. A pass granted until a time is registered with `Passes.grant` the same way
(`DUE#pass#{gid}`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from chalicelib.core.actions import Action, Decision, Lifetime, Recall
from chalicelib.core.cards import Card
from chalicelib.core.events import Event
from chalicelib.core.ids import group_id
from chalicelib.store import keys
from chalicelib.store.base import Store
from chalicelib.store.records import Item

if TYPE_CHECKING:
    from chalicelib.kernel.context import Context
    from chalicelib.kernel.deps import Deps
    from chalicelib.kernel.executor import ActionResult

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
    source: str = ""  # what it belongs to ("ann:<ref>"), for an early recall
    user: str = ""  # whose it is when it went to one person privately ("" in a chat, or kept before)

    @property
    def sk(self) -> str:
        return keys.bot_post_sk(self.message_id, source=self.source)

    def recall(self, *, fallback: Card | None = None, reason: str = "") -> Recall:
        """The action that withdraws it (settled by `track` once done)."""
        return Recall(
            chat=self.chat,
            message_id=self.message_id,
            token=self.token,
            gid=self.gid,
            key=self.sk,
            fallback=fallback,
            reason=reason,
        )

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
            "source": self.source,
            "user": self.user,
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
        source=str(d.get("source", "")),
        user=str(d.get("user", "")),
    )


class BotPosts:
    def __init__(self, store: Store) -> None:
        self.store = store

    def register(self, post: BotPost, *, kept_until: float | None = None) -> None:
        """In the due index by `post.due`; a post with no due time (`due` 0: it stays until its workflow
        recalls it) is kept until `kept_until`."""
        due_index = (keys.bot_posts_due_pk(post.gid), keys.due_index_sk(post.due, post.message_id))
        self.store.put_item(
            Item(
                keys.group_pk(post.gid),
                post.sk,
                post.data(),
                gsi2=due_index if post.due else None,
                expires_at=int(post.due or kept_until or post.at) + KEEP_AFTER_DUE,
            )
        )

    def of_source(self, gid: str, source: str) -> list[BotPost]:
        """The open posts of one workflow item (one Query)."""
        items = self.store.query_items(keys.group_pk(gid), prefix=keys.bot_posts_of_source_prefix(source))
        return [post for post in map(_post, items) if post.state == "open"]

    def get(self, gid: str, sk: str) -> BotPost | None:
        item = self.store.get_item(keys.group_pk(gid), sk)
        return None if item is None else _post(item)

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
                post.sk,
                handled.data(),
                expires_at=int(post.due or post.at) + KEEP_AFTER_DUE,
            )
        )

    def announcements(self, gid: str, start: float, end: float) -> list[BotPost]:
        """Announcements posted in [start, end) that asked for acknowledgement."""
        return [
            post
            for post in (
                _post(item)
                for item in self.store.query_items(keys.group_pk(gid), prefix=keys.BOT_POST_SK_PREFIX)
            )
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
                keys.pass_sk(grant.uid),
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
        self.store.delete_item(keys.group_pk(grant.gid), keys.pass_sk(grant.uid))


# After the actions -------------------------------------------------------------------------------------


def track(
    event: Event, ctx: Context, decision: Decision, results: tuple[ActionResult, ...], deps: Deps
) -> None:
    """Register each post decided with a `keep` under the message id(s) the platform answered with, and
    settle each post a `Recall` withdrew (a failed recall stays open: the cleanup tries again)."""
    if decision.shadow or not results:
        return
    repo = BotPosts(deps.store)
    home = decision.acting_chat or event.chat
    for action, result in zip(decision.actions, results, strict=False):
        if isinstance(action, Recall):
            if result.status != "failed" and action.gid and action.key:
                _settle(repo, action, "withdrawn" if result.status == "done" else "replaced")
            continue
        keep: Lifetime | None = getattr(action, "keep", None)
        if keep is None or result.status == "failed":
            continue
        chat = str(getattr(action, "chat", "") or "")
        gid = group_id(event.platform, event.tenant, chat or home)
        for sent, user in zip(result.sent, _recipients(action, len(result.sent)), strict=True):
            if not sent.message_id:
                continue  # an ephemeral or reply-URL message: nothing to recall
            repo.register(
                BotPost(
                    gid=gid,
                    message_id=sent.message_id,
                    chat=chat,
                    kind=keep.kind,
                    at=ctx.now,
                    due=keep.due,
                    token=sent.token or "",
                    title=keep.title,
                    source=keep.source,
                    user=user,
                ),
                kept_until=ctx.now + KEEP_AFTER_DUE,
            )


def _recipients(action: Action, count: int) -> list[str]:
    """Whose each of the `count` messages an action posted is ("" for its chat): the executor posts to
    the chat first, then to each user, one message each; where the count says otherwise, nobody's."""
    users = getattr(action, "users", None)
    if users is not None:
        recipients = ([""] if getattr(action, "chat", "") else []) + list(users)
    else:
        recipients = [str(getattr(action, "user", "") or "")]
    return recipients if len(recipients) == count else [""] * count


def _settle(repo: BotPosts, recall: Recall, state: str) -> None:
    post = repo.get(recall.gid, recall.key)
    if post is not None and post.state == "open":
        repo.settle(post, state)
