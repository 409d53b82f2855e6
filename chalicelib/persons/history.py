"""A person's history across groups and platforms: `person @member` and `cases @member --all`.

Every identity's ledger (the cases opened about it in any group, with their points; mutes; the rules
acknowledged), and the person's sanctions, newest first. Shown privately, to the org's owners and, where
the org policy's `people.history` says `admins`, to the admins of the group it is asked in.
"""

from __future__ import annotations

import dataclasses

from chalicelib.core.actions import Decision, Reply
from chalicelib.core.engine import rule_label
from chalicelib.core.events import CommandIssued
from chalicelib.i18n import t
from chalicelib.kernel.commands import command_prefix
from chalicelib.kernel.context import Context
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.people import group_names, name_of, names_of_ids
from chalicelib.moderation.targets import target_of
from chalicelib.persons.linking import person_for
from chalicelib.persons.records import Person
from chalicelib.persons.repository import PersonRepo
from chalicelib.persons.rights import may_see_history
from chalicelib.persons.sanctions import scope_label, when

MAX_LINES = 30


def show(command: CommandIssued, ctx: Context, deps: Deps, words: list[str]) -> Decision:
    member, _ = target_of(dataclasses.replace(command, args=tuple(words)))
    locale = ctx.locale
    if member is None:
        text = t(locale, "persons.usage", prefix=command_prefix(command.platform))
        return Decision.of(Reply(text=text, private=True, reason="persons.usage"))
    if not command.chat or command.direct or not may_see_history(command, command.user, ctx, deps):
        refusal = Decision.of(Reply(text=t(locale, "admin.refused"), private=True, reason="admin.refused"))
        return dataclasses.replace(refusal, refused="person history by someone not allowed")
    person = person_for(command, member, deps, ctx.now)
    shown = name_of(command, member, deps)
    text = describe(shown, person, locale, deps, offset_hours=ctx.policy.jobs.utc_offset_hours)
    return Decision.of(Reply(text=text, private=True, reason="persons.history"))


def describe(member: str, person: Person, locale: str, deps: Deps, *, offset_hours: float = 0.0) -> str:
    """The person's history as the bot writes it: identities, sanctions, then the newest ledger entries.
    `member` is how the reader knows them; each account and group is named (once per distinct id,
    through the caches, whatever the number of rows), each time in the group's zone (`offset_hours`)."""
    repo = PersonRepo(deps.store)
    offset = offset_hours
    entries = repo.ledger(person.identities)
    people = names_of_ids(person.identities, deps)
    groups = group_names((str(entry.get("gid", "")) for entry in entries[:MAX_LINES]), deps)
    lines = [t(locale, "persons.history.header", member=member, count=len(person.identities))]
    lines += [identity_line(locale, uid, people[uid]) for uid in person.identities]
    for sanction in sorted(repo.sanctions(person.pid), key=lambda s: s.at, reverse=True):
        state = (
            t(locale, "persons.history.lifted", why=sanction.lifted_why)
            if sanction.lifted_at is not None
            else t(locale, "persons.history.until", until=when(sanction.until, offset))
        )
        lines.append(
            t(
                locale,
                "persons.history.sanction",
                when=when(sanction.at, offset),
                kind=t(locale, f"persons.kind.{sanction.kind}"),
                scope=scope_label(locale, sanction.scope, sanction.target),
                reason=sanction.reason,
                state=state,
                ref=sanction.case_ref,
            )
        )
    for entry in entries[:MAX_LINES]:
        lines.append(
            t(
                locale,
                "persons.history.entry",
                when=when(float(entry.get("at", 0.0)), offset),
                group=groups.get(str(entry.get("gid", "")), str(entry.get("gid", ""))),
                what=rule_label(locale, str(entry.get("rule", "")))
                if entry.get("kind") == "case"
                else str(entry.get("kind")),
                points=entry.get("points", 0),
                ref=str(entry.get("ref", "")),
            )
        )
    if len(lines) == 1 + len(person.identities):
        lines.append(t(locale, "persons.history.none"))
    return "\n".join(lines)


def identity_line(locale: str, uid: str, name: str) -> str:
    """One of the person's accounts: its name and platform (the id for an account the directory does not
    name, so it can still be linked or looked up)."""
    platform = uid.split(":", 1)[0]
    return "· " + t(locale, "persons.history.identity", name=name, platform=t(locale, f"platform.{platform}"))
