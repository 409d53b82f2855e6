"""R8.8 follow-up of open management issues: an admin card that is still open is reminded until it is
handled.

The cards followed are the admin loop's: a violation card, a removal proposal, a member's report (all
three on a case, `chalicelib.moderation.admin`) and an appeal (`chalicelib.moderation.reports`). When one
is sent, a follow-up (`GRP#{gid}` / `FUP#C#{case}` or `FUP#A#{case}`) records who got it and its plan:
by default reminders at 4 h and 24 h, then daily, five at most (`workflows.followups`); an appeal's
reviewers also 24 h and 2 h before its deadline (`appeal_days`), and the admins when it passes. The plan is
walked by one timer of the hourly `workflows` job (`chalicelib.workflows.timers`); each reminder is the
card again, with its buttons, naming how long it has waited.

It stops as soon as the card is handled: by its button or its reminder's, by the command

    handle <case> warn|mute|remove|dismiss|confirm_remove      a case (violation, removal, report)
    handle <case> uphold|reverse                               an appeal

or by an admin command that acts on the member (`warn`, `mute`, `remove`, `kick`, `ban`), which handles
their open cases in the group. The reminder checks the case itself before it goes out, so a card handled
any other way is not reminded either.

    pending        (also `open`) an admin lists the group's open cards, oldest first
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from chalicelib.authz import is_admin
from chalicelib.core.actions import Action, Decision, PostCard, Reply
from chalicelib.core.cards import Button, Card
from chalicelib.core.engine import rule_label
from chalicelib.core.events import CommandIssued, Event
from chalicelib.core.facts import AppealDecided, CaseActed
from chalicelib.core.ids import split_id
from chalicelib.i18n import t
from chalicelib.kernel.card_copies import Copies, owner_of, sent_copies
from chalicelib.kernel.commands import as_command, command_name, command_prefix
from chalicelib.kernel.context import Context, load_context, policies
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.people import name_of
from chalicelib.kernel.where import Where
from chalicelib.moderation import admin, reports
from chalicelib.moderation.cases import CaseRepo
from chalicelib.moderation.targets import target_of
from chalicelib.store import keys
from chalicelib.store.base import Store
from chalicelib.store.records import Item
from chalicelib.workflows import common
from chalicelib.workflows.common import DAY, HOUR
from chalicelib.workflows.moments import local
from chalicelib.workflows.settings import FollowUpSettings
from chalicelib.workflows.timers import Plan, Timer, Timers, plan_data, plan_of

KIND = "fup"  # the timer kind, in `chalicelib.workflows.reminders.STEPS`
CASE, APPEAL = "case", "appeal"
# The cards followed, by the prefix of their id: what is open, and what kind of card it was.
CARDS: dict[str, tuple[str, str]] = {
    "case": (CASE, "violation"),
    "removal": (CASE, "removal"),
    "report": (CASE, "report"),
    "appeal": (APPEAL, "appeal"),
}
CASE_CHOICES = ("warn", "mute", "remove", "dismiss", "confirm_remove")
APPEAL_CHOICES = ("uphold", "reverse")
BY_COMMAND = {"warn": "warned", "mute": "muted", "remove": "removed", "kick": "removed", "ban": "removed"}
MAX_LISTED = 20
KEEP_DAYS = 90


def followup_sk(kind: str, ref: str) -> str:
    return keys.appeal_followup_sk(ref) if kind == APPEAL else keys.case_followup_sk(ref)


def timer_ref(kind: str, ref: str) -> str:
    return f"{'A' if kind == APPEAL else 'C'}:{ref}"


def parse_timer_ref(value: str) -> tuple[str, str]:
    letter, _, ref = value.partition(":")
    return (APPEAL if letter == "A" else CASE), ref


@dataclass(frozen=True)
class FollowUp:
    gid: str
    chat: str
    ref: str  # the case
    kind: str  # case | appeal
    card: str  # violation | removal | report | appeal
    opened_at: float
    member: str
    rule: str
    recipients: tuple[str, ...]
    plan: Plan  # (remind | before | overdue, when)
    deadline: float | None = None
    reminded: int = 0
    cards: tuple[str, ...] = ()  # the tokens of the cards as sent, so the console's click updates one
    # Whose copy each of `cards` is, in the same order ("" for a card in the chat, or one kept before the
    # owners were): where the platform refuses an update, they are told by message instead.
    owners: tuple[str, ...] = ()

    def owner_of(self, token: str) -> str:
        """Whose copy the card `token` updates ("" where that is not known)."""
        return owner_of(self.cards, self.owners, token)

    def data(self) -> dict[str, Any]:
        return {
            "gid": self.gid,
            "chat": self.chat,
            "ref": self.ref,
            "kind": self.kind,
            "card": self.card,
            "opened_at": self.opened_at,
            "member": self.member,
            "rule": self.rule,
            "recipients": list(self.recipients),
            "plan": plan_data(self.plan),
            "deadline": self.deadline,
            "reminded": self.reminded,
            "cards": list(self.cards),
            "owners": list(self.owners),
        }

    @staticmethod
    def of(data: Mapping[str, Any]) -> FollowUp:
        deadline = data.get("deadline")
        return FollowUp(
            gid=str(data["gid"]),
            chat=str(data["chat"]),
            ref=str(data["ref"]),
            kind=str(data["kind"]),
            card=str(data["card"]),
            opened_at=float(data["opened_at"]),
            member=str(data.get("member", "")),
            rule=str(data.get("rule", "")),
            recipients=tuple(str(user) for user in data.get("recipients", ())),
            plan=plan_of(data),
            deadline=float(deadline) if deadline is not None else None,
            reminded=int(data.get("reminded", 0)),
            cards=tuple(str(token) for token in data.get("cards", ())),
            owners=tuple(str(user) for user in data.get("owners", ())),
        )


# Pure ------------------------------------------------------------------------------------------------


def plan(opened: float, settings: FollowUpSettings, *, deadline: float | None = None) -> Plan:
    """When an open card is reminded: `remind_hours` after it was sent, then every `repeat_hours`,
    `max_reminders` times in all. An appeal's reminders stop at its deadline; its reviewers are reminded
    `appeal_before_hours` before it (a regular reminder within the hour before one of those is dropped),
    and told when it passes."""
    if not settings.enabled:
        return ()
    times = [opened + hours * HOUR for hours in settings.remind_hours][: settings.max_reminders]
    while times and len(times) < settings.max_reminders:
        times.append(times[-1] + settings.repeat_hours * HOUR)
    steps = [("remind", at) for at in times]
    if deadline is None:
        return tuple(steps)
    before = [("before", deadline - hours * HOUR) for hours in settings.appeal_before_hours]
    before = [(step, at) for step, at in before if at > opened]
    steps = [
        (step, at)
        for step, at in steps
        if at < deadline and not any(abs(at - other) < HOUR for _, other in before)
    ]
    return tuple(sorted([*steps, *before, ("overdue", deadline)], key=lambda step: step[1]))


def age_text(seconds: float, locale: str) -> str:
    hours = max(int(seconds // HOUR), 0)
    if hours < 48:
        return t(locale, "followups.age.hours", hours=hours)
    return t(locale, "followups.age.days", days=hours // 24)


def choices(followup: FollowUp) -> tuple[str, ...]:
    if followup.kind == APPEAL:
        return APPEAL_CHOICES
    if followup.card == "removal":
        return ("confirm_remove", "dismiss")
    return ("warn", "mute", "remove", "dismiss")


def _buttons(followup: FollowUp, locale: str) -> tuple[Button, ...]:
    if followup.kind == APPEAL:
        return (
            Button(t(locale, "appeal.button.uphold"), "appeal.uphold", followup.ref),
            Button(t(locale, "appeal.button.reverse"), "appeal.reverse", followup.ref, "primary"),
        )
    return tuple(
        Button(
            t(locale, f"moderation.card.button.{kind}"),
            f"mod.{kind}",
            followup.ref,
            "danger" if kind in ("remove", "confirm_remove") else "default",
        )
        for kind in choices(followup)
    )


def what(followup: FollowUp, locale: str) -> str:
    return t(locale, f"followups.what.{followup.card}")


def reminder_card(
    followup: FollowUp,
    step: str,
    *,
    number: int,
    place: Where[Event],
    offset_hours: float,
    now: float,
    member: str = "",
) -> Card:
    """The open card again, with its buttons (sealed later), naming how long it has waited and the
    member it is about (`member`: by name, `name_of`)."""
    member = member or followup.member or "-"
    locale = place.locale
    if step == "overdue":
        title = t(locale, "followups.title.overdue", what=what(followup, locale), ref=followup.ref)
    elif step == "before" and followup.deadline is not None:
        hours = max(round((followup.deadline - now) / HOUR), 1)
        title = t(
            locale, "followups.title.before", what=what(followup, locale), ref=followup.ref, hours=hours
        )
    else:
        title = t(locale, "followups.title.remind", n=number, what=what(followup, locale), ref=followup.ref)
    fields = [
        (t(locale, "moderation.card.field.member"), member),
        (t(locale, "followups.field.rule"), rule_label(locale, followup.rule) if followup.rule else "-"),
        (t(locale, "followups.field.since"), local(followup.opened_at, offset_hours)),
    ]
    if followup.deadline is not None:
        fields.append((t(locale, "followups.field.deadline"), local(followup.deadline, offset_hours)))
    return Card(
        card_id=f"fup:{timer_ref(followup.kind, followup.ref)}:{number}",
        title=title,
        body=t(
            locale,
            "followups.body",
            what=what(followup, locale),
            member=member,
            group=place.label,
            age=age_text(now - followup.opened_at, locale),
        ),
        buttons=_buttons(followup, locale),
        fields=tuple(fields),
        footer=t(
            locale,
            "followups.footer",
            prefix=command_prefix(place.platform),
            ref=followup.ref,
            choices="|".join(choices(followup)),
        ),
    )


# The repository ---------------------------------------------------------------------------------------


class FollowUps:
    def __init__(self, store: Store) -> None:
        self.store = store

    def open(self, followup: FollowUp) -> bool:
        """Record a follow-up and start its timer; False if the card was followed already (a redelivery,
        or a second card on the same case)."""
        item = Item(
            keys.group_pk(followup.gid),
            followup_sk(followup.kind, followup.ref),
            followup.data(),
            # Every group's open cards in one sparse index: the web console's case queue (gone on close).
            gsi2=(
                keys.open_cards_pk(keys.group_shard(followup.gid)),
                keys.open_card_sk(followup.opened_at, followup.gid, followup.kind, followup.ref),
            ),
            expires_at=int(followup.opened_at + KEEP_DAYS * DAY),
        )
        if not self.store.put_item(item, if_absent=True):
            return False
        self.store.count_open_cases(followup.gid, 1)  # the console's overview (store/summaries.py)
        if followup.plan:
            key = timer_ref(followup.kind, followup.ref)
            Timers(self.store).set(Timer(followup.gid, KIND, key, followup.plan[0][1], 0))
        return True

    def get(self, gid: str, kind: str, ref: str) -> FollowUp | None:
        item = self.store.get_item(keys.group_pk(gid), followup_sk(kind, ref))
        return None if item is None else FollowUp.of(item.data)

    def of_group(self, gid: str) -> list[FollowUp]:
        """The group's follow-ups, oldest card first (one Query of the group's `FUP#` items)."""
        items = self.store.query_items(keys.group_pk(gid), prefix=keys.FOLLOWUP_SK_PREFIX)
        return sorted((FollowUp.of(item.data) for item in items), key=lambda f: (f.opened_at, f.ref))

    def all_open(self) -> list[FollowUp]:
        """Every group's follow-ups, oldest card first: one Query per shard of the sparse index (side by
        side, `Store.query_partitions`)."""
        shards = [keys.open_cards_pk(shard) for shard in range(keys.GROUP_SHARDS)]
        found = [FollowUp.of(item.data) for item in self.store.query_partitions(shards, index="GSI2")]
        return sorted(found, key=lambda f: (f.opened_at, f.ref))

    def reminded(self, followup: FollowUp, number: int) -> None:
        self.store.update_item(
            keys.group_pk(followup.gid), followup_sk(followup.kind, followup.ref), {"reminded": number}
        )

    def drop_cards(self, gid: str, kind: str, ref: str, tokens: set[str]) -> None:
        """Forget card tokens that can no longer update the card (a WeCom response_code, once used)."""
        followup = self.get(gid, kind, ref)
        if followup is None:
            return
        kept = [(token, followup.owner_of(token)) for token in followup.cards if token not in tokens]
        changes = {"cards": [token for token, _ in kept], "owners": [owner for _, owner in kept]}
        self.store.update_item(keys.group_pk(gid), followup_sk(kind, ref), changes)

    def close(self, gid: str, kind: str, ref: str) -> None:
        if self.store.pop_item(keys.group_pk(gid), followup_sk(kind, ref)) is not None:
            self.store.count_open_cases(gid, -1)
        Timers(self.store).clear(gid, KIND, timer_ref(kind, ref))


def still_open(deps: Deps, followup: FollowUp) -> bool:
    """Whether the card still waits for an admin: the case is open, or the appeal pending."""
    if followup.kind == APPEAL:
        item = deps.store.get_item(keys.group_pk(followup.gid), keys.case_appeal_sk(followup.ref))
        return item is not None and item.data.get("state") == "pending"
    case = CaseRepo(deps.store).get(followup.gid, followup.ref)
    return case is not None and case.state == "open"


def _subject_key(followup: FollowUp) -> tuple[str, str]:
    sk = keys.case_appeal_sk(followup.ref) if followup.kind == APPEAL else keys.case_item_sk(followup.ref)
    return keys.group_pk(followup.gid), sk


def which_still_open(deps: Deps, followups: Iterable[FollowUp]) -> list[bool]:
    """`still_open` of each, their cases and appeals read in one batch (a page of the console's queue)."""
    chosen = list(followups)
    found = {(item.pk, item.sk): item for item in deps.store.get_items([_subject_key(f) for f in chosen])}
    answers = []
    for followup in chosen:
        item = found.get(_subject_key(followup))
        wanted = "pending" if followup.kind == APPEAL else "open"
        answers.append(item is not None and item.data.get("state") == wanted)
    return answers


# The reminders job's part -----------------------------------------------------------------------------


def due(deps: Deps, timer: Timer, place: Where[Event], now: float) -> tuple[list[Action], Timer | None, str]:
    """Remind the open card a timer stands for; nothing (and no more) once it is handled. A late run sends
    one reminder, for the latest step that fell due, not one per step missed."""
    kind, ref = parse_timer_ref(timer.ref)
    repo = FollowUps(deps.store)
    followup = repo.get(timer.gid, kind, ref)
    if followup is None or timer.stage >= len(followup.plan):
        return [], None, "skipped"
    if not still_open(deps, followup):
        repo.close(followup.gid, followup.kind, followup.ref)
        return [], None, "handled"
    stage = timer.stage
    while stage + 1 < len(followup.plan) and followup.plan[stage + 1][1] <= now:
        stage += 1
    step = followup.plan[stage][0]
    number = followup.reminded + 1
    policy = policies(deps).for_group(followup.gid, now)
    card = reminder_card(
        followup,
        step,
        number=number,
        place=place,
        offset_hours=policy.jobs.utc_offset_hours,
        now=now,
        member=name_of(place.event, followup.member, deps),
    )
    sealed = common.sealed(card, deps, platform=place.platform, tenant=place.tenant, chat=followup.chat)
    users = followup.recipients or place.admins
    if step == "overdue":
        users = (*users, *place.admins)
    audience = tuple(user for user in dict.fromkeys(users) if user != followup.member)
    repo.reminded(followup, number)
    following = stage + 1
    nxt = (
        Timer(timer.gid, KIND, timer.ref, followup.plan[following][1], following)
        if following < len(followup.plan)
        else None
    )
    if not audience:
        return [], nxt, "nobody"
    return [PostCard(card=sealed, users=audience, reason="followups.remind")], nxt, step


# Commands ----------------------------------------------------------------------------------------------


def pending(command: CommandIssued, ctx: Context, deps: Deps) -> Decision:
    """`pending` (or `open`): the group's open admin cards, oldest first, for its admins."""
    prefix = command_prefix(command.platform)
    if not command.chat or command.direct:
        return common.private(ctx.locale, "workflows.need_group", prefix=prefix)
    if not is_admin(command, command.user, ctx, deps):
        return common.refused(ctx.locale, "pending by a non-admin")
    repo = FollowUps(deps.store)
    live = []
    for followup in repo.of_group(command.gid):
        if still_open(deps, followup):
            live.append(followup)
        else:
            repo.close(followup.gid, followup.kind, followup.ref)
    locale = ctx.locale
    if not live:
        return common.private(locale, "followups.none")
    offset = ctx.policy.jobs.utc_offset_hours
    lines = [t(locale, "followups.list.head", count=len(live))]
    listed = live[:MAX_LISTED]
    names = {member: name_of(command, member, deps) for member in {f.member for f in listed}}
    for number, followup in enumerate(listed, start=1):
        line = t(
            locale,
            "followups.list.line",
            n=number,
            what=what(followup, locale),
            ref=followup.ref,
            member=names[followup.member] or "-",
            rule=rule_label(locale, followup.rule) if followup.rule else "-",
            since=local(followup.opened_at, offset),
            age=age_text(ctx.now - followup.opened_at, locale),
            reminded=followup.reminded,
        )
        if followup.deadline is not None:
            line += t(locale, "followups.list.deadline", deadline=local(followup.deadline, offset))
        lines.append(line)
    if len(live) > MAX_LISTED:
        lines.append(t(locale, "followups.list.more", count=len(live) - MAX_LISTED))
    lines.append(t(locale, "followups.list.footer", prefix=prefix))
    return Decision.of(Reply(text="\n".join(lines), private=True, reason="followups.pending"))


def handle(command: CommandIssued, ctx: Context, deps: Deps) -> Decision:
    """`handle <case> <choice>`: what the open card's button does, for whoever has no button (a card
    shown as text) or prefers typing; in the group or in a direct message to the bot."""
    prefix = command_prefix(command.platform)
    words = [word.lower() for word in command.args]
    if len(words) != 2:
        return common.private(ctx.locale, "followups.handle.usage", prefix=prefix)
    ref, choice = (words[1], words[0]) if words[0] in (*CASE_CHOICES, *APPEAL_CHOICES) else words
    if choice not in (*CASE_CHOICES, *APPEAL_CHOICES):
        return common.private(ctx.locale, "followups.handle.usage", prefix=prefix)
    gid = CaseRepo(deps.store).locate(ref)
    if gid is None or split_id(gid)[:2] != (command.platform, command.tenant):
        return common.private(ctx.locale, "admin.case_missing", ref=ref[:40])
    chat = split_id(gid)[2]
    located = replace(command, chat=chat)  # rights are the case's group's, not where this is typed
    gctx = load_context(located, deps)
    appeal = choice in APPEAL_CHOICES
    if not is_admin(located, command.user, gctx, deps):
        gate = reports.APPEAL_GATE if appeal else admin.CARD_GATE  # refused as its button would be
        return admin.refused(gctx, gate.refusal.format(kind=choice, chat=chat))
    decide = reports.decide_appeal if appeal else admin.decide_case
    return decide(command, gctx, deps, chat=chat, ref=ref, kind=choice)


# After the actions -------------------------------------------------------------------------------------


def close_acted(acted: CaseActed | AppealDecided, deps: Deps) -> None:
    """A case or an appeal an admin decided is no longer followed."""
    kind = CASE if isinstance(acted, CaseActed) else APPEAL
    FollowUps(deps.store).close(acted.gid, kind, acted.ref)


def record(event: Event, ctx: Context, decision: Decision, results: tuple[Any, ...], deps: Deps) -> None:
    """Follow the admin cards that went out; stop following the ones handled by command."""
    if not decision.actions:
        return  # no card went out, no command acted
    _handled_by_command(event, ctx, decision, deps)
    if not decision.shadow:
        for (kind, ref), (card, users, copies) in _cards_sent(decision, results).items():
            _follow(event, ctx, deps, kind=kind, ref=ref, card=card, users=users, copies=copies)


def _cards_sent(
    decision: Decision, results: tuple[Any, ...]
) -> dict[tuple[str, str], tuple[str, tuple[str, ...], Copies]]:
    """The followed cards the actions sent, by (kind, case), with the tokens that update them and whose
    copy each is: a removal proposal wins over the violation card of the same case."""
    sent: dict[tuple[str, str], tuple[str, tuple[str, ...], Copies]] = {}
    for action, result in zip(decision.actions, results, strict=False):
        if not isinstance(action, PostCard) or getattr(result, "status", "failed") == "failed":
            continue
        prefix, _, ref = action.card.card_id.partition(":")
        if prefix not in CARDS or not ref:
            continue
        kind, card = CARDS[prefix]
        if (kind, ref) not in sent or card == "removal":
            sent[(kind, ref)] = (card, action.users, sent_copies(action, tuple(getattr(result, "sent", ()))))
    return sent


def _follow(
    event: Event,
    ctx: Context,
    deps: Deps,
    *,
    kind: str,
    ref: str,
    card: str,
    users: tuple[str, ...],
    copies: Copies = (),
) -> None:
    cases = CaseRepo(deps.store)
    gid = event.gid if event.chat and kind == CASE else cases.locate(ref)
    case = cases.get(gid, ref) if gid else None
    if gid is None or case is None:
        return
    policy = ctx.policy if gid == event.gid else policies(deps).for_group(gid, ctx.now)
    settings = policy.workflows.followups
    deadline = None
    if kind == APPEAL:
        appeal = deps.store.get_item(keys.group_pk(gid), keys.case_appeal_sk(ref))
        if appeal is None:
            return
        deadline = float(appeal.data.get("at", ctx.now)) + policy.appeal_days * DAY
    followup = FollowUp(
        gid=gid,
        chat=split_id(gid)[2],
        ref=ref,
        kind=kind,
        card=card,
        opened_at=ctx.now,
        member=case.user,
        rule=str(case.data.get("rule", "")),
        recipients=users,
        plan=plan(ctx.now, settings, deadline=deadline),
        deadline=deadline,
        cards=tuple(token for token, _ in copies),
        owners=tuple(owner for _, owner in copies),
    )
    FollowUps(deps.store).open(followup)


def _handled_by_command(event: Event, ctx: Context, decision: Decision, deps: Deps) -> None:
    """An admin command that acted on a member (`warn @x`, `mute @x`, ...) handles their open cases."""
    command = as_command(event)
    if command is None or not command.chat or decision.refused:
        return
    name = command_name(command)
    if name not in BY_COMMAND or not any(a.reason == "admin.done" for a in decision.actions):
        return
    member, _ = target_of(replace(command, name=name))
    if not member:
        return
    repo = FollowUps(deps.store)
    cases = CaseRepo(deps.store)
    for followup in _of_member(repo.of_group(command.gid), member):
        if cases.transition(
            followup.gid,
            followup.ref,
            from_state="open",
            to_state=BY_COMMAND[name],
            by=command.user,
            at=ctx.now,
        ):
            cases.add_event(
                followup.gid,
                followup.ref,
                at=ctx.now,
                what=name,
                by=command.user,
                detail={"by_command": True},
            )
        repo.close(followup.gid, followup.kind, followup.ref)


def _of_member(followups: Iterable[FollowUp], member: str) -> list[FollowUp]:
    return [followup for followup in followups if followup.kind == CASE and followup.member == member]


COMMANDS = {"pending": pending, "open": pending, "handle": handle}
