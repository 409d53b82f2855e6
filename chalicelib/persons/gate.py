"""The join gate's view of a person: banned here (this group's ban), or under a wider sanction.

`standing` reads the group's ban item (as before) and the identity's pointer, which carries the
person's org- and tag-wide sanctions: one read more than a group ban alone, whatever the number of
groups, platforms or sanctions. Moderation's, membership's and this domain's handlers of the same join
all ask, so the answer is kept for that decision (its context object), and the reads happen once.

An identity seen for the first time has no pointer (the one read, missed). Where the directory gives a
work e-mail or mobile, each contact's pointer (`CONTACT#{digest}`) is claimed for a new person with a
conditional write, not read: nobody had them (the common case), and the new person is written with no
further read. A contact someone has refuses the claim, and only then is it read, with its person: the
identity is linked to them then and there (once in the identity's life), so a person banned org-wide on
Slack is refused at their first WeCom join.
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
from chalicelib.persons.repository import PersonRepo, new_pid

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
    if not digests:
        return None
    pid = new_pid()
    claimed = repo.claim_contacts(digests, pid)
    if len(claimed) == len(digests):  # nobody has these contacts: the first identity of a new person
        repo.create(uid, via="directory", by="directory", at=now, contacts=digests, pid=pid, claimed=True)
        return Pointer(pid=pid, via="directory")
    taken = next(digest for digest in digests if digest not in claimed)
    known = repo.by_contact(taken)  # a person has this contact: the identity is theirs
    person = repo.person(known.pid) if known is not None else None
    if known is None or person is None:  # a claim left by a linking that did not finish
        created = repo.create(uid, via="directory", by="directory", at=now, contacts=digests)
        return Pointer(pid=created.pid, via="directory")
    repo.link(person, uid, via="directory", by="directory", at=now, contacts=digests)
    return Pointer(pid=person.pid, via="directory", sanctions=known.sanctions)
