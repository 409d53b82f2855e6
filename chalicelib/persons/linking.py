"""Finding or making the person behind an identity, and an admin's confirmed link.

`person_for` is used wherever a person is needed (a sanction, the history, an export): the identity's
pointer, else the person its directory contacts prove, else a new person. `link` is the admin's verb
`person link @member <platform:tenant:user>`: the two identities become one person, audited; an admin of
this group links a member of it, and only the org's owners may link across to another person who is under
a sanction, so that nobody can lift or spread a ban by relinking.
"""

from __future__ import annotations

import dataclasses

from chalicelib.authz import directory_user, is_admin
from chalicelib.core.actions import Decision, Reply
from chalicelib.core.events import CommandIssued, Event
from chalicelib.core.ids import is_qualified
from chalicelib.i18n import t
from chalicelib.kernel.commands import command_prefix
from chalicelib.kernel.context import Context
from chalicelib.kernel.deps import Deps
from chalicelib.moderation.targets import target_of
from chalicelib.persons.contacts import contact_digests
from chalicelib.persons.records import Person
from chalicelib.persons.repository import PersonRepo
from chalicelib.persons.rights import is_owner


def person_for(event: Event, user: str, deps: Deps, now: float) -> Person:
    """The person of `user` (of the event's platform and tenant), linked by the directory where it can
    be, created where nobody has them yet."""
    repo = PersonRepo(deps.store)
    uid = event.uid(user)
    pointer = repo.pointer(uid)
    person = repo.person(pointer.pid) if pointer is not None else None
    if person is not None:
        return person
    digests = contact_digests(deps.settings, directory_user(event, user, deps))
    for digest in digests:
        known = repo.by_contact(digest)
        found = repo.person(known.pid) if known is not None else None
        if found is not None:
            return repo.link(found, uid, via="directory", by="directory", at=now, contacts=digests)
    return repo.create(uid, via="seen", by="", at=now, contacts=digests)


def _private(ctx: Context, key: str, **params: object) -> Decision:
    return Decision.of(Reply(text=t(ctx.locale, key, **params), private=True, reason=key))


def link(command: CommandIssued, ctx: Context, deps: Deps, words: list[str]) -> Decision:
    """`person link @member <platform:tenant:user>`."""
    prefix = command_prefix(command.platform)
    member, rest = target_of(dataclasses.replace(command, args=tuple(words)))
    other = next((word for word in rest if is_qualified(word)), "")
    if member is None or not other:
        return _private(ctx, "persons.link.usage", prefix=prefix)
    if not command.chat or command.direct or not is_admin(command, command.user, ctx, deps):
        return dataclasses.replace(_private(ctx, "admin.refused"), refused="person link by a non-admin")
    uid = command.uid(member)
    if other == uid:
        return _private(ctx, "persons.link.usage", prefix=prefix)
    repo = PersonRepo(deps.store)
    person = person_for(command, member, deps, ctx.now)
    theirs = repo.pointer(other)
    if theirs is not None and theirs.pid != person.pid:
        owner = is_owner(command, command.user, deps)
        sanctioned = any(s.active(ctx.now) for pid in (person.pid, theirs.pid) for s in repo.sanctions(pid))
        if sanctioned and not owner:
            why = "person link of a sanctioned person by a non-owner"
            return dataclasses.replace(_private(ctx, "persons.link.owners_only"), refused=why)
    by = command.uid(command.user)
    linked = repo.link(person, other, via="admin", by=by, at=ctx.now)
    decision = _private(ctx, "persons.link.done", member=member, other=other, count=len(linked.identities))
    audit = {"person_link": {"pid": linked.pid, "uid": uid, "linked": other, "by": by}}
    return dataclasses.replace(decision, audit=audit)
