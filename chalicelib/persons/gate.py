"""The join gate's view of a person: banned here (this group's ban), or under a wider sanction.

`standing` reads the group's ban item (as before) and the identity's pointer, which carries the
person's org- and tag-wide sanctions: one read more than a group ban alone, whatever the number of
groups, platforms or sanctions. Moderation's, membership's and this domain's handlers of the same join
all ask, so the answer is kept for that decision (its context object), and the reads happen once.

An identity seen for the first time has no pointer: where the directory gives a work e-mail or mobile
and a person already has it (`CONTACT#{digest}`, one read per contact), the identity is linked to that
person then and there, so a person banned org-wide on Slack is refused at their first WeCom join.
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.authz import directory_user
from chalicelib.core.events import MemberJoined
from chalicelib.kernel.context import Context
from chalicelib.kernel.deps import Deps
from chalicelib.moderation.bans import group_ban
from chalicelib.persons.contacts import contact_digests
from chalicelib.persons.records import GateSanction, Pointer
from chalicelib.persons.repository import PersonRepo

MEMO_SIZE = 64


@dataclass(frozen=True)
class Standing:
    group_banned: bool
    pointer: Pointer | None

    def bans(self, gid: str, tags: tuple[str, ...], now: float) -> list[GateSanction]:
        found = self.pointer.applying(gid, tags, now) if self.pointer else []
        return [s for s in found if s.kind == "ban"]

    def watches(self, gid: str, tags: tuple[str, ...], now: float) -> list[GateSanction]:
        found = self.pointer.applying(gid, tags, now) if self.pointer else []
        return [s for s in found if s.kind == "watch"]

    def refused(self, gid: str, tags: tuple[str, ...], now: float) -> bool:
        return self.group_banned or bool(self.bans(gid, tags, now))


_memo: dict[tuple[int, str], tuple[Context, Standing]] = {}


def standing(event: MemberJoined, ctx: Context, deps: Deps) -> Standing:
    """The join's standing, read once per decision: moderation's and membership's handlers, and this
    domain's, get the same context object for one event, and so the same answer."""
    uid = event.uid(event.user)
    key = (id(ctx), uid)
    hit = _memo.get(key)
    if hit is not None and hit[0] is ctx:
        return hit[1]
    found = Standing(
        group_ban(deps.store, event.gid, uid, ctx.now) is not None, _pointer(event, deps, ctx.now)
    )
    if len(_memo) >= MEMO_SIZE:
        _memo.clear()
    _memo[key] = (ctx, found)
    return found


def _pointer(event: MemberJoined, deps: Deps, now: float) -> Pointer | None:
    repo = PersonRepo(deps.store)
    uid = event.uid(event.user)
    pointer = repo.pointer(uid)
    if pointer is not None:
        return pointer
    digests = contact_digests(deps.settings, directory_user(event, event.user, deps))
    for digest in digests:
        known = repo.by_contact(digest)
        person = repo.person(known.pid) if known is not None else None
        if known is not None and person is not None:
            repo.link(person, uid, via="directory", by="directory", at=now, contacts=digests)
            return Pointer(pid=person.pid, via="directory", sanctions=known.sanctions)
    if digests:  # the first identity of this person qunguan meets: the others will link to it
        person = repo.create(uid, via="directory", by="directory", at=now, contacts=digests)
        return Pointer(pid=person.pid, via="directory")
    return None
