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
    text = describe(member, person, locale, deps)
    return Decision.of(Reply(text=text, private=True, reason="persons.history"))


def describe(member: str, person: Person, locale: str, deps: Deps) -> str:
    """The person's history as the bot writes it: identities, sanctions, then the newest ledger entries."""
    repo = PersonRepo(deps.store)
    lines = [t(locale, "persons.history.header", member=member, count=len(person.identities))]
    lines += [f"· {uid}" for uid in person.identities]
    for sanction in sorted(repo.sanctions(person.pid), key=lambda s: s.at, reverse=True):
        state = (
            t(locale, "persons.history.lifted", why=sanction.lifted_why)
            if sanction.lifted_at is not None
            else t(locale, "persons.history.until", until=when(sanction.until))
        )
        lines.append(
            t(
                locale,
                "persons.history.sanction",
                when=when(sanction.at),
                kind=t(locale, f"persons.kind.{sanction.kind}"),
                scope=scope_label(locale, sanction.scope, sanction.target),
                reason=sanction.reason,
                state=state,
                ref=sanction.case_ref,
            )
        )
    entries = repo.ledger(person.identities)
    for entry in entries[:MAX_LINES]:
        lines.append(
            t(
                locale,
                "persons.history.entry",
                when=when(float(entry.get("at", 0.0))),
                group=str(entry.get("gid", "")),
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
