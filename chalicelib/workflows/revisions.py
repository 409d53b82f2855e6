"""Policy revisions (S10, R8.1): a change to the org policy is proposed with its diff, opinions are
gathered with a poll, the owners approve it, a notice of what changes is published, it is piloted in chosen
groups, then rolled out to all; and it can be rolled back.

    revision propose <path>=<value> ... [-- <why>]   an admin; e.g. rules.flood.max_messages=6
    revision approve <ref> | revision reject <ref>   an owner (also the buttons of the owners' card)
    revision pilot <ref> [<chat> ...]                an owner who administers every one of these groups:
                                                     as an override of each (this one when none is named)
    revision rollout <ref>                           an owner: applied to the org policy
    revision rollback <ref>                          an owner: the pilot overrides or the org policy back
    revision [status] [<ref>]                        where a revision stands: in full for the owners,
                                                     without names for anyone else

The owners are named, never inferred: `workflows.revisions.owners` of the org policy, by qualified id (a
group's override cannot name its own). With none named, nobody approves, pilots, rolls out or rolls back
until an operator names them, and whoever tries is told so. The proposer's own approval does not count
(four eyes), unless the org names a single owner and sets `self_approval`.

A revision keeps its patch, not a whole text: the pilot combines it with each pilot group's override, and
the rollout merges it onto the org policy as it is then (`chalicelib.kernel.policies.PolicyRepo`, which
keeps every version); an append (`admins+=[...]`) stays an append all the way (`core.policy.combine`).
The proposing group sees each step at once; the other groups get the pilot, rollout and rollback notices
from the reminders job (one timer per group, set when the step is taken). What a notice, a poll or a
non-owner's status shows of a change to a list of people is only that it changed.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from chalicelib.authz import is_admin
from chalicelib.core.actions import Action, Decision, PostCard, Reply, SendDirect
from chalicelib.core.cards import Button, Card
from chalicelib.core.events import CardClicked, CommandIssued, Event
from chalicelib.core.ids import group_id, is_qualified, split_id, user_id
from chalicelib.core.people import PEOPLE_KEYS
from chalicelib.core.policy import (
    PolicyError,
    combine,
    default_policy_text,
    diff,
    load_policy_yaml,
    merge,
)
from chalicelib.i18n import t
from chalicelib.kernel.act import event_claim
from chalicelib.kernel.clicks import ClickGate
from chalicelib.kernel.commands import command_prefix
from chalicelib.kernel.context import Context, load_context, policies
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.people import name_of, names_of_ids
from chalicelib.kernel.policies import PolicyRepo, parse_override
from chalicelib.kernel.where import Where, where_in
from chalicelib.store import keys
from chalicelib.store.base import Store
from chalicelib.store.records import Item
from chalicelib.workflows import common, polls
from chalicelib.workflows.common import DAY, HOUR, ArgumentError, Decided
from chalicelib.workflows.revision_trial import trial_text
from chalicelib.workflows.timers import Timer, Timers

KIND = "rev"
NOTICE = "revnote"
KEEP_DAYS = 730
MAX_DIFF_LINES = 12
FORBIDDEN = ("groups", "version", "override_version")
STEPS = {"approve", "reject", "pilot", "rollout", "rollback"}


@dataclass(frozen=True)
class Revision:
    ref: str
    by: str
    at: float
    gid: str  # where it was proposed
    patch: dict[str, Any]
    reason: str = ""
    changes: tuple[str, ...] = ()
    poll: str = ""
    state: str = "proposed"  # proposed | approved | rejected | piloting | rolled_out | rolled_back
    pilots: tuple[tuple[str, str | None], ...] = ()  # (gid, its override before the pilot)
    org_version: int = 0  # the org version the rollout made
    rolled_back_by: str = ""  # the claim of the command that rolled it back (its redelivery finishes it)

    @property
    def proposer(self) -> str:
        """Who proposed it, as a uid (of the proposing group's platform and tenant)."""
        platform, tenant, _ = split_id(self.gid)
        return user_id(platform, tenant, self.by)

    def data(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "by": self.by,
            "at": self.at,
            "gid": self.gid,
            "patch": self.patch,
            "reason": self.reason,
            "changes": list(self.changes),
            "poll": self.poll,
            "state": self.state,
            "pilots": [[gid, before] for gid, before in self.pilots],
            "org_version": self.org_version,
            "rolled_back_by": self.rolled_back_by,
        }

    @staticmethod
    def of(data: Mapping[str, Any]) -> Revision:
        return Revision(
            ref=str(data["ref"]),
            by=str(data["by"]),
            at=float(data["at"]),
            gid=str(data["gid"]),
            patch=dict(data.get("patch", {})),
            reason=str(data.get("reason", "")),
            changes=tuple(str(line) for line in data.get("changes", ())),
            poll=str(data.get("poll", "")),
            state=str(data.get("state", "proposed")),
            pilots=tuple(
                (str(gid), None if before is None else str(before)) for gid, before in data.get("pilots", ())
            ),
            org_version=int(data.get("org_version", 0)),
            rolled_back_by=str(data.get("rolled_back_by", "")),
        )


# Pure ------------------------------------------------------------------------------------------------


def parse_patch(words: Sequence[str]) -> tuple[dict[str, Any], str]:
    """`a.b=1 c=[x, y] -- why` as the nested patch {a: {b: 1}, c: [x, y]} and the reason. Values are
    YAML; settings that say which version or which groups a document is are refused. `c+=[z]` stays the
    append `c+: [z]` (`combine`), so that it appends to the org's list at the rollout."""
    patch: dict[str, Any] = {}
    reason_at = list(words).index("--") if "--" in words else len(words)
    for word in words[:reason_at]:
        path, sep, raw = word.partition("=")
        parts = [part for part in path.split(".") if part]
        if not sep or not parts or parts[0] in FORBIDDEN:
            raise ArgumentError(word)
        try:
            value: Any = yaml.safe_load(raw) if raw else ""
        except yaml.YAMLError as exc:
            raise ArgumentError(word) from exc
        for part in reversed(parts):
            value = {part: value}
        try:
            patch = combine(patch, value)
        except PolicyError as exc:
            raise ArgumentError(word) from exc
    if not patch:
        raise ArgumentError("no change")
    return patch, " ".join(words[reason_at + 1 :])


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[str, ...]:
    """Each changed setting as `path: old → new`."""
    left, right = _flat(before), _flat(after)
    return tuple(
        f"{path}: {_shown(left.get(path))} → {_shown(right.get(path))}" for path in diff(before, after)
    )


def _flat(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, Mapping):
        found: dict[str, Any] = {}
        for key, item in value.items():
            found.update(_flat(item, f"{prefix}.{key}" if prefix else str(key)))
        return found
    return {prefix: value}


def _shown(value: Any) -> str:
    return (
        "-"
        if value is None
        else yaml.safe_dump(value, default_flow_style=True, allow_unicode=True)
        .strip()
        .removesuffix("...")
        .strip()
    )


def names_people(line: str) -> bool:
    """Whether a change line (`path: old → new`) shows a list of people, or a group's inline override."""
    path = line.split(": ", 1)[0].split(".")
    return path[0] == "groups" or path[-1].removesuffix("+") in PEOPLE_KEYS


def shown_changes(revision: Revision, locale: str, *, in_full: bool = False) -> tuple[str, ...]:
    """The change lines as they may be shown: in full to the owners; to anyone else, a change to a list
    of people only as a change (the lists hold every platform's admins)."""
    if in_full:
        return revision.changes
    return tuple(
        t(locale, "workflows.rev.hidden", path=line.split(": ", 1)[0]) if names_people(line) else line
        for line in revision.changes
    )


def notice_text(revision: Revision, step: str, locale: str, *, in_full: bool = False) -> str:
    """What a group (or, `in_full`, the owners' card) is told of a revision's step."""
    lines = shown_changes(revision, locale, in_full=in_full)[:MAX_DIFF_LINES]
    more = len(revision.changes) - len(lines)
    body = "\n".join(f"• {line}" for line in lines) + (f"\n• … (+{more})" if more > 0 else "")
    return t(
        locale, f"workflows.rev.notice.{step}", ref=revision.ref, changes=body, reason=revision.reason or "-"
    )


# The repository ---------------------------------------------------------------------------------------


class Revisions:
    def __init__(self, store: Store) -> None:
        self.store = store

    def create(self, revision: Revision) -> bool:
        item = Item(
            keys.REVISIONS_PK,
            keys.revision_sk(revision.ref),
            revision.data(),
            expires_at=int(revision.at + KEEP_DAYS * DAY),
        )
        if not self.store.put_item(item, if_absent=True):
            return False
        self.store.put_item(Item(keys.REVISIONS_PK, keys.latest_sk(KIND), {"ref": revision.ref}))
        return True

    def get(self, ref: str) -> Revision | None:
        item = self.store.get_item(keys.REVISIONS_PK, keys.revision_sk(ref))
        return None if item is None else Revision.of(item.data)

    def latest(self) -> str | None:
        item = self.store.get_item(keys.REVISIONS_PK, keys.latest_sk(KIND))
        return None if item is None else str(item.data.get("ref", "")) or None

    def move(self, revision: Revision, to: str, *, frm: tuple[str, ...], **changes: Any) -> bool:
        """From one of the states `frm` to `to`, once."""
        for state in frm:
            if revision.state == state and self.store.update_item(
                keys.REVISIONS_PK,
                keys.revision_sk(revision.ref),
                {"state": to, **changes},
                expect={"state": state},
            ):
                return True
        return False

    def approve(self, revision: Revision, uid: str, user: str, at: float) -> bool:
        item = Item(
            keys.REVISIONS_PK,
            keys.revision_approval_sk(revision.ref, uid),
            {
                "user": user,
                "uid": uid,
                "at": at,
            },  # `uid`: whose platform names them (an owner may be anywhere)
            expires_at=int(revision.at + KEEP_DAYS * DAY),
        )
        return self.store.put_item(item, if_absent=True)

    def approvals(self, revision: Revision) -> list[str]:
        """Who approved it, by native id."""
        items = self.store.query_items(keys.REVISIONS_PK, prefix=keys.revision_approvals_prefix(revision.ref))
        return [str(item.data["user"]) for item in items]

    def approvers(self, revision: Revision) -> list[str]:
        """Who approved it, by qualified id, to be named on their own platform: the approval's `uid`; for
        one kept before it was, the uid its key names, else the native id read as of the proposing group's
        platform and tenant (where the revision was proposed)."""
        prefix = keys.revision_approvals_prefix(revision.ref)
        platform, tenant, _ = split_id(revision.gid)
        found = []
        for item in self.store.query_items(keys.REVISIONS_PK, prefix=prefix):
            kept, keyed = str(item.data.get("uid", "")), item.sk.removeprefix(prefix)
            user = str(item.data.get("user", ""))
            found.append(
                next((one for one in (kept, keyed) if is_qualified(one)), user_id(platform, tenant, user))
            )
        return found


# Who may -----------------------------------------------------------------------------------------------


def owners(repo: PolicyRepo) -> tuple[str, ...]:
    """The owners the org policy names (qualified ids); empty: nobody decides revisions yet."""
    return repo.org().workflows.revisions.owners


def is_owner(event: Event, user: str, ctx: Context, deps: Deps) -> bool:
    """Whether the org policy names `user` (of the event's platform and tenant) an owner. Never inferred
    from being an admin: a group's admin may appoint co-admins, and so could make owners."""
    return event.uid(user) in owners(policies(deps))


def owner_refusal(event: Event, locale: str, deps: Deps, step: str) -> Decision | None:
    """The answer that turns away someone who may not take `step`: when no owners are named, one that
    says so (an operator must name them first); else the ordinary refusal. None: an owner."""
    named = owners(policies(deps))
    if not named:
        why = f"revision {step}: no owners named"
        return common.answer(event, locale, "workflows.rev.no_owners", why=why)
    if event.uid(getattr(event, "user", "")) not in named:
        return common.answer(event, locale, "workflows.refused", why=f"revision {step} by a non-owner")
    return None


def org_data(repo: PolicyRepo) -> dict[str, Any]:
    live = repo.current(keys.ORG_SCOPE)
    data = yaml.safe_load(live.text if live else default_policy_text()) or {}
    return dict(data)


def patched(repo: PolicyRepo, patch: Mapping[str, Any]) -> dict[str, Any]:
    """The org document with `patch` merged on: an append (`admins+`) appends to the org's list as the
    document spells it out, or to its default where it does not."""
    return merge(org_data(repo), patch, repo.org().model_dump(mode="json"))


# Commands ----------------------------------------------------------------------------------------------


def on_command(command: CommandIssued, ctx: Context, deps: Deps) -> Decision:
    prefix = command_prefix(command.platform)
    if not command.chat or command.direct:
        return common.private(ctx.locale, "workflows.need_group", prefix=prefix)
    sub = command.args[0].lower() if command.args else "status"
    if sub == "propose":
        return _propose(command, ctx, deps)
    if sub == "status" or sub not in STEPS:
        ref = (
            command.args[1]
            if sub == "status" and len(command.args) > 1
            else (None if sub == "status" else sub)
        )
        return _status(command, ctx, deps, ref)
    if len(command.args) < 2:
        return common.private(ctx.locale, "workflows.rev.usage", prefix=prefix)
    revision = Revisions(deps.store).get(command.args[1].upper())
    if revision is None:
        return common.private(ctx.locale, "workflows.rev.missing", ref=command.args[1][:20])
    refusal = owner_refusal(command, ctx.locale, deps, sub)
    if refusal is not None:
        return refusal
    if sub in ("approve", "reject"):
        outcome = _decide(command, ctx, deps, revision, sub)
        return outcome.decision if isinstance(outcome, Decided) else outcome
    if sub == "pilot":
        return _pilot(command, ctx, deps, revision, command.args[2:])
    if sub == "rollout":
        return _rollout(command, ctx, deps, revision)
    return _rollback(command, ctx, deps, revision)


def _propose(command: CommandIssued, ctx: Context, deps: Deps) -> Decision:
    prefix = command_prefix(command.platform)
    if not is_admin(command, command.user, ctx, deps):
        return common.refused(ctx.locale, "revision proposed by a non-admin")
    try:
        patch, reason = parse_patch(command.args[1:])
    except ArgumentError:
        return common.private(ctx.locale, "workflows.rev.usage", prefix=prefix)
    repo = policies(deps)
    try:
        old = load_policy_yaml(yaml.safe_dump(org_data(repo), allow_unicode=True), stored=True)
        new = load_policy_yaml(yaml.safe_dump(patched(repo, patch), allow_unicode=True))
    except PolicyError as exc:
        return common.private(ctx.locale, "workflows.rev.invalid", error=str(exc)[:300])
    lines = changes(old.model_dump(mode="json"), new.model_dump(mode="json"))
    if not lines:
        return common.private(ctx.locale, "workflows.rev.no_change")
    settings = ctx.policy.workflows.revisions
    ref = common.short_ref("R", command)
    poll_ref = common.short_ref("V", command)
    revision = Revision(ref, command.user, ctx.now, command.gid, patch, reason, lines, poll_ref)
    Revisions(deps.store).create(revision)
    place = where_in(deps, command, ctx)
    locale = ctx.locale
    question = (
        t(locale, "workflows.rev.poll.question", ref=ref)
        + "\n"
        + "\n".join(f"• {line}" for line in shown_changes(revision, locale)[:MAX_DIFF_LINES])
    )
    poll = polls.Poll(
        ref=poll_ref,
        gid=place.gid,
        chat=place.chat,
        by=command.user,
        at=ctx.now,
        question=question,
        options=(t(locale, "workflows.rev.poll.agree"), t(locale, "workflows.rev.poll.disagree")),
        closes_at=ctx.now + settings.poll_hours * HOUR,
        source=ref,
    )
    actions: list[Action] = list(polls.open_poll(deps, command, place, poll))
    named = owners(repo)
    deciders = common.native_ids(named, command)
    card = Card(
        card_id=f"rev-{ref}",
        title=t(locale, "workflows.rev.card.title", ref=ref, by=name_of(command, command.user, deps)),
        body=notice_text(revision, "proposed", locale, in_full=True)
        + "\n\n"
        + trial_text(deps, repo, command.gid, new, now=ctx.now, locale=locale),
        buttons=(
            Button(t(locale, "workflows.rev.button.approve"), "rev.approve", ref, "primary"),
            Button(t(locale, "workflows.rev.button.reject"), "rev.reject", ref, "danger"),
        ),
        footer=t(locale, "workflows.rev.footer", prefix=prefix, ref=ref, poll=poll_ref),
    )
    if deciders:
        shown = common.sealed(card, deps, platform=command.platform, tenant=command.tenant, chat=command.chat)
        actions.append(PostCard(card=shown, users=deciders, reason="workflows.rev.proposed"))
    text = t(locale, "workflows.rev.proposed", ref=ref, poll=poll_ref, count=len(lines))
    if not named:
        text += "\n" + t(locale, "workflows.rev.no_owners")
    done = Reply(text=text, private=True, reason="workflows.rev.proposed")
    return common.decided(*actions, done, audit={"revision": {"ref": ref, "what": "proposed"}})


def _status(command: CommandIssued, ctx: Context, deps: Deps, ref: str | None) -> Decision:
    """Where a revision stands: for an owner, who proposed and approved it and every change; for anyone
    else, its state and its changes without names (a change to a list of people shows only that it
    changed)."""
    repo = Revisions(deps.store)
    ref = ref or repo.latest()
    revision = repo.get(ref.upper()) if ref else None
    if revision is None:
        return common.private(ctx.locale, "workflows.rev.missing", ref=(ref or "-")[:20])
    state = t(ctx.locale, f"workflows.rev.state.{revision.state}")
    in_full = is_owner(command, command.user, ctx, deps)
    head = (
        t(
            ctx.locale,
            "workflows.rev.status",
            ref=revision.ref,
            state=state,
            by=proposer_name(revision, deps),
            approvals=", ".join(names_of_ids(repo.approvers(revision), deps).values()) or "-",
            pilots=len(revision.pilots),
        )
        if in_full
        else t(
            ctx.locale,
            "workflows.rev.status.summary",
            ref=revision.ref,
            state=state,
            count=len(revision.changes),
            pilots=len(revision.pilots),
        )
    )
    shown = shown_changes(revision, ctx.locale, in_full=in_full)
    lines = [head, *(f"• {line}" for line in shown[:MAX_DIFF_LINES])]
    gid = revision.gid
    poll = polls.Polls(deps.store).get(gid, revision.poll) if revision.poll else None
    if poll is not None:
        lines.append(polls.results_text(poll, polls.Polls(deps.store).votes(poll), ctx.locale))
    return Decision.of(Reply(text="\n".join(lines), private=True, reason="workflows.rev.status"))


# Deciding ----------------------------------------------------------------------------------------------


def _decide(
    event: CommandIssued | CardClicked, ctx: Context, deps: Deps, revision: Revision, kind: str
) -> Decided | Decision:
    """An owner approves (once each; enough approvals make it approved) or rejects (`Decided`); otherwise
    the private answer (refused, noted, already)."""
    locale = ctx.locale
    repo = Revisions(deps.store)
    say = functools.partial(common.answer, event, locale)
    if kind == "reject":
        if not repo.move(revision, "rejected", frm=("proposed",), decided_by=event.user, decided_at=ctx.now):
            return say("workflows.rev.wrong_state", ref=revision.ref, state=_state(revision, locale))
        by = name_of(event, event.user, deps)
        text = t(locale, "workflows.rev.rejected", ref=revision.ref, by=by)
        rejected = common.decided(
            SendDirect(user=revision.by, text=text, reason="workflows.rev.rejected"),
            *say("workflows.rev.rejected", ref=revision.ref, by=by).actions,
            audit={"revision": {"ref": revision.ref, "what": "rejected", "by": event.user}},
        )
        return Decided(rejected, author=proposer_name(revision, deps))
    if revision.state != "proposed":
        return say("workflows.rev.wrong_state", ref=revision.ref, state=_state(revision, locale))
    if event.uid(event.user) == revision.proposer and not _may_approve_own(deps):
        return dataclasses.replace(
            say("workflows.rev.own", ref=revision.ref),
            refused="revision approved by its own proposer",
        )
    if not repo.approve(revision, event.uid(event.user), event.user, ctx.now):
        return (
            Decision() if isinstance(event, CardClicked) else say("workflows.rev.already", ref=revision.ref)
        )
    needed = ctx.policy.workflows.revisions.approvals
    given = repo.approvals(revision)
    if len(given) < needed or not repo.move(revision, "approved", frm=("proposed",), decided_at=ctx.now):
        return say("workflows.rev.approval_noted", ref=revision.ref, more=max(needed - len(given), 0))
    place = _proposing_place(event, ctx, deps, revision)
    notice = notice_text(revision, "approved", place.locale)
    audience = () if place.can_post else common.members(deps, place.gid, ctx.now)
    approved = common.decided(
        *common.to_group(place, notice, audience, reason="workflows.rev.approved"),
        *say("workflows.rev.approved.you", ref=revision.ref, prefix=command_prefix(event.platform)).actions,
        audit={"revision": {"ref": revision.ref, "what": "approved", "by": event.user}},
        acting_chat=_acting(place, event),
    )
    return Decided(approved, author=proposer_name(revision, deps))


def proposer_name(revision: Revision, deps: Deps) -> str:
    """Who proposed it, by name (looked up on the proposing group's platform)."""
    return names_of_ids([revision.proposer], deps)[revision.proposer]


def _may_approve_own(deps: Deps) -> bool:
    """Four eyes: a proposer's approval counts only where the org names a single owner (nobody else
    could approve) and says so with `self_approval`."""
    org = policies(deps).org().workflows.revisions
    return org.self_approval and len(org.owners) == 1


def _state(revision: Revision, locale: str) -> str:
    return t(locale, f"workflows.rev.state.{revision.state}")


def _acting(place: Where[Event], event: Event) -> str:
    return place.chat if place.chat != event.chat else ""


def _proposing_place(event: Event, ctx: Context, deps: Deps, revision: Revision) -> Where[Event]:
    """The group the revision was proposed in, when it is on the event's platform; else the event's."""
    platform, tenant, chat = split_id(revision.gid)
    if (platform, tenant) != (event.platform, event.tenant):
        return where_in(deps, event, ctx)
    gctx = ctx if chat == event.chat else load_context(dataclasses.replace(event, chat=chat), deps)
    return where_in(deps, event, gctx, chat=chat)


# Who may press is checked in `on_card` (`owner_refusal`), so that a click while no owners are named is
# told so.
CARD_GATE = ClickGate(common.CLICK_ANSWERS, kinds=("approve", "reject"))


def on_card(click: CardClicked, ctx: Context, deps: Deps) -> Decision:
    opened = CARD_GATE.open(click, ctx, deps)
    if isinstance(opened, Decision):
        return opened
    sealed, gctx, located, kind = opened.sealed, opened.ctx, opened.located, opened.kind
    refusal = owner_refusal(click, gctx.locale, deps, kind)
    if refusal is not None:
        return refusal
    revision = Revisions(deps.store).get(sealed.ref)
    if revision is None:
        return common.click_answer(click, gctx.locale, "workflows.rev.missing", ref=sealed.ref)
    outcome = _decide(located, gctx, deps, revision, kind)
    if not isinstance(outcome, Decided):
        return outcome
    decision = outcome.decision
    what = t(gctx.locale, f"workflows.rev.what.{kind}")
    line = t(gctx.locale, "workflows.handled", by=name_of(click, click.user, deps), what=what)
    title = t(gctx.locale, "workflows.rev.card.title", ref=revision.ref, by=outcome.author)
    update = common.handled(
        click, title=title, line=line, fallback_id=f"rev-{revision.ref}", reason="workflows.rev.handled"
    )
    actions = Decision.of(*decision.actions, update).actions
    return dataclasses.replace(decision, actions=actions, acting_chat=common.acting(sealed.chat, click))


# Pilot, rollout, rollback -------------------------------------------------------------------------------


def _pilot(
    command: CommandIssued, ctx: Context, deps: Deps, revision: Revision, chats: Sequence[str]
) -> Decision:
    locale = ctx.locale
    if revision.state not in ("approved", "piloting"):
        return common.private(
            locale, "workflows.rev.wrong_state", ref=revision.ref, state=_state(revision, locale)
        )
    targets = list(dict.fromkeys(chats or (command.chat,)))
    foreign = [chat for chat in targets if not _administers(command, ctx, deps, chat)]
    if foreign:
        shown = ", ".join(chat[:40] for chat in foreign[:5])
        return common.answer(
            command,
            locale,
            "workflows.rev.pilot.foreign",
            ref=revision.ref,
            chats=shown,
            why=f"revision pilot into groups the caller does not administer: {shown}",
        )
    repo = policies(deps)
    piloted = dict(revision.pilots)
    added: list[str] = []
    claim = event_claim(command).id
    for chat in targets:
        gid = group_id(command.platform, command.tenant, chat)
        if gid in piloted:
            continue
        scope = keys.group_policy_scope(gid)
        mine = repo.claimed(scope, claim)  # this command, processed before and killed part-way
        if mine is not None:
            before = repo.version(scope, mine.version - 1)
            piloted[gid] = before.text if before else None
            added.append(gid)
            continue
        live = repo.current(scope)
        try:
            repo.apply(
                scope,
                yaml.safe_dump(
                    combine(parse_override(live.text if live else ""), revision.patch), allow_unicode=True
                ),
                author=command.user,
                now=ctx.now,
                claim=claim,
            )
        except PolicyError as exc:
            return common.private(locale, "workflows.rev.invalid", error=f"{chat}: {str(exc)[:300]}")
        piloted[gid] = live.text if live else None
        added.append(gid)
    pilots = tuple(piloted.items())
    if not Revisions(deps.store).move(
        revision, "piloting", frm=("approved", "piloting"), pilots=[[gid, before] for gid, before in pilots]
    ):
        return common.private(
            locale, "workflows.rev.wrong_state", ref=revision.ref, state=_state(revision, locale)
        )
    _notify(deps, [gid for gid in added if gid != command.gid], revision.ref, ctx.now)
    actions = _here(command, ctx, deps, revision, "pilot") if command.gid in added else []
    done = Reply(
        text=t(locale, "workflows.rev.piloting", ref=revision.ref, count=len(pilots)),
        private=True,
        reason="workflows.rev.piloting",
    )
    return common.decided(
        *actions, done, audit={"revision": {"ref": revision.ref, "what": "pilot", "groups": added}}
    )


def _administers(command: CommandIssued, ctx: Context, deps: Deps, chat: str) -> bool:
    """Whether whoever gave the command is an admin of the group `chat` of their platform and tenant, a
    group the bot knows (a chat it has never seen is nobody's to pilot in)."""
    if chat == command.chat:
        return is_admin(command, command.user, ctx, deps)
    if deps.store.get_group(group_id(command.platform, command.tenant, chat)) is None:
        return False
    located = dataclasses.replace(command, chat=chat)
    return is_admin(located, command.user, load_context(located, deps), deps)


def _rollout(command: CommandIssued, ctx: Context, deps: Deps, revision: Revision) -> Decision:
    locale = ctx.locale
    repo = policies(deps)
    claim = event_claim(command).id  # a redelivery that decides again finds what this command wrote
    try:
        applied = repo.apply(
            keys.ORG_SCOPE,
            yaml.safe_dump(patched(repo, revision.patch), allow_unicode=True),
            author=command.user,
            now=ctx.now,
            claim=claim,
        )
    except PolicyError as exc:
        return common.private(locale, "workflows.rev.invalid", error=str(exc)[:300])
    ours = revision.state == "rolled_out" and revision.org_version == applied.version  # moved before the kill
    if not ours and not Revisions(deps.store).move(
        revision,
        "rolled_out",
        frm=("approved", "piloting"),
        org_version=applied.version,
        rolled_out_at=ctx.now,
    ):
        repo.rollback(keys.ORG_SCOPE, author=command.user, now=ctx.now)  # someone else moved it first
        return common.private(
            locale, "workflows.rev.wrong_state", ref=revision.ref, state=_state(revision, locale)
        )
    _restore_pilots(repo, revision, command.user, ctx.now, claim=claim)
    everyone = [group.gid for group in deps.store.list_groups() if group.enabled and group.gid != command.gid]
    _notify(deps, everyone, revision.ref, ctx.now)
    done = Reply(
        text=t(
            locale, "workflows.rev.rolled_out", ref=revision.ref, version=applied.version, count=len(everyone)
        ),
        private=True,
        reason="workflows.rev.rolled_out",
    )
    return common.decided(
        *_here(command, ctx, deps, revision, "rollout"),
        done,
        audit={"revision": {"ref": revision.ref, "what": "rollout", "version": applied.version}},
    )


def _rollback(command: CommandIssued, ctx: Context, deps: Deps, revision: Revision) -> Decision:
    """The revision moves to rolled back (once, whoever else tries), then the policies go back: the org's
    previous version again, or each pilot group's override as it was. The move records the command's
    claim, so a worker killed between the move and the writes leaves its redelivery to find the revision
    rolled back by this very command and finish the writes (each under the claim: never twice)."""
    locale = ctx.locale
    repo = policies(deps)
    claim = event_claim(command).id
    redone = revision.state == "rolled_back" and revision.rolled_back_by == claim  # moved, then killed
    revisions = Revisions(deps.store)
    if revision.state == "rolled_out" or (redone and revision.org_version):
        if not redone:
            live = repo.current(keys.ORG_SCOPE)
            if live is None or live.version != revision.org_version:
                return common.private(
                    locale, "workflows.rev.moved_on", ref=revision.ref, version=revision.org_version
                )
            if not revisions.move(
                revision, "rolled_back", frm=("rolled_out",), rolled_back_at=ctx.now, rolled_back_by=claim
            ):
                return common.private(
                    locale, "workflows.rev.wrong_state", ref=revision.ref, state=_state(revision, locale)
                )
        repo.rollback(keys.ORG_SCOPE, author=command.user, now=ctx.now, claim=claim)
        reached = [
            group.gid for group in deps.store.list_groups() if group.enabled and group.gid != command.gid
        ]
    elif revision.state == "piloting" or redone:
        if not redone and not revisions.move(
            revision, "rolled_back", frm=("piloting",), rolled_back_at=ctx.now, rolled_back_by=claim
        ):
            return common.private(
                locale, "workflows.rev.wrong_state", ref=revision.ref, state=_state(revision, locale)
            )
        _restore_pilots(repo, revision, command.user, ctx.now, claim=claim)
        reached = [gid for gid, _ in revision.pilots if gid != command.gid]
    else:
        return common.private(
            locale, "workflows.rev.wrong_state", ref=revision.ref, state=_state(revision, locale)
        )
    _notify(deps, reached, revision.ref, ctx.now)
    rolled = dataclasses.replace(revision, state="rolled_back")
    done = Reply(
        text=t(locale, "workflows.rev.rolled_back", ref=revision.ref),
        private=True,
        reason="workflows.rev.rolled_back",
    )
    return common.decided(
        *_here(command, ctx, deps, rolled, "rollback"),
        done,
        audit={"revision": {"ref": revision.ref, "what": "rollback"}},
    )


def _restore_pilots(
    repo: PolicyRepo, revision: Revision, author: str, now: float, *, claim: str = ""
) -> None:
    """Each pilot group's override as it was before the pilot: after a rollout the org holds the change.
    Under `claim` (the command's), a redelivery finds each restored version again instead of another."""
    for gid, before in revision.pilots:
        scope = keys.group_policy_scope(gid)
        repo.apply(scope, before or "", author=author, now=now, stored=True, claim=claim)


def _here(command: CommandIssued, ctx: Context, deps: Deps, revision: Revision, step: str) -> list[Action]:
    place = where_in(deps, command, ctx)
    audience = () if place.can_post else common.members(deps, place.gid, ctx.now)
    return common.to_group(
        place, notice_text(revision, step, ctx.locale), audience, reason=f"workflows.rev.{step}"
    )


def _notify(deps: Deps, gids: Sequence[str], ref: str, now: float) -> None:
    """A notice timer in each group, due now: the next reminders run posts it there."""
    timers = Timers(deps.store)
    for gid in gids:
        timers.set(Timer(gid, NOTICE, ref, now, 0))


# The reminders job's part -----------------------------------------------------------------------------

_STEP_OF_STATE = {"piloting": "pilot", "rolled_out": "rollout", "rolled_back": "rollback"}


def due(deps: Deps, timer: Timer, place: Where[Event], now: float) -> tuple[list[Action], Timer | None, str]:
    """A revision's notice in one group, as the revision stands now."""
    revision = Revisions(deps.store).get(timer.ref)
    step = _STEP_OF_STATE.get(revision.state) if revision else None
    if revision is None or step is None:
        return [], None, "skipped"
    audience = () if place.can_post else common.members(deps, place.gid, now)
    return (
        common.to_group(
            place, notice_text(revision, step, place.locale), audience, reason=f"workflows.rev.{step}"
        ),
        None,
        step,
    )
