"""Scheduled discussions (R5.9): take part on time, with attendance by acknowledgement.

    discussion <when> [--remind 1h,10m] <topic>    schedule one: a card with I'll attend / Can't attend
    discussion status [ref]                          who attends, who cannot, who has not answered
    discussion attend <ref> | decline <ref>          answer without the buttons (a card shown as text)
    discussion cancel <ref>                          its organiser or an admin

`<when>` is read in the group's time zone (`jobs.utc_offset_hours`, `chalicelib.workflows.moments`):
`2026-12-01T15:00`, `tomorrow 15:00`, `明天 15:00`, `15:00`, `+2h`. Who may schedule is the policy's
(`workflows.discussions.who`: the admins by default). Before the start (by default 60 and 10 minutes before,
or as `--remind` says) who said they attend is reminded privately, and who has not answered gets the
card again; who cannot attend is left alone. At the start the group gets the attendance and the organiser
the full list.

The discussion (`GRP#{gid}` / `DISC#{ref}`) holds its plan and the stage it has reached; each answer is
its own item (`DISC#{ref}#R#{uid}`), so the same click twice does nothing and a changed mind is one
conditional update. A reminder ten minutes before cannot wait for the hourly `workflows` job, so the
plan is walked twice over: by the group's timer in that job, and by the five-minute pass
(`chalicelib.jobs.minutely`), which finds what is due through the discussion's own entry in the sparse
`DUE#discussion` index. Whichever comes first takes the step, with a conditional update of the stage;
the other finds it taken.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from chalicelib.authz import is_admin
from chalicelib.core.actions import Action, Decision, PostCard, Reply, SendDirect
from chalicelib.core.cards import Button, Card
from chalicelib.core.events import CardClicked, CommandIssued, Event
from chalicelib.i18n import t
from chalicelib.kernel.clicks import ClickGate
from chalicelib.kernel.commands import command_prefix
from chalicelib.kernel.context import Context, load_context
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.people import name_of
from chalicelib.kernel.where import Where, where_in
from chalicelib.store import keys
from chalicelib.store.base import Store
from chalicelib.store.records import Item
from chalicelib.workflows import common
from chalicelib.workflows.common import DAY, ArgumentError, Namer, as_is
from chalicelib.workflows.moments import MomentError, local, parse_moment
from chalicelib.workflows.settings import DiscussionSettings
from chalicelib.workflows.timers import Plan, Timer, Timers, plan_data, plan_of

KIND = "disc"
ATTEND, DECLINE = "disc.yes", "disc.no"
ANSWERS = {ATTEND: "yes", DECLINE: "no"}
KEEP_DAYS = 120
MAX_LISTED = 30
MINUTE = 60
MAX_REMIND_SECONDS = 7 * DAY


@dataclass(frozen=True)
class Discussion:
    ref: str
    gid: str
    chat: str
    by: str
    at: float
    starts_at: float
    topic: str
    offset_hours: float
    audience: tuple[str, ...] = ()
    remind_minutes: tuple[float, ...] = ()
    plan: Plan = ()  # (remind | start, when)
    stage: int = 0
    state: str = "scheduled"  # scheduled | started | cancelled

    @property
    def when(self) -> str:
        return local(self.starts_at, self.offset_hours)

    @property
    def next_at(self) -> float | None:
        if self.state != "scheduled" or self.stage >= len(self.plan):
            return None
        return self.plan[self.stage][1]

    def data(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "gid": self.gid,
            "chat": self.chat,
            "by": self.by,
            "at": self.at,
            "starts_at": self.starts_at,
            "topic": self.topic,
            "offset_hours": self.offset_hours,
            "audience": list(self.audience),
            "remind_minutes": list(self.remind_minutes),
            "plan": plan_data(self.plan),
            "stage": self.stage,
            "state": self.state,
        }

    @staticmethod
    def of(data: Mapping[str, Any]) -> Discussion:
        return Discussion(
            ref=str(data["ref"]),
            gid=str(data["gid"]),
            chat=str(data["chat"]),
            by=str(data["by"]),
            at=float(data["at"]),
            starts_at=float(data["starts_at"]),
            topic=str(data.get("topic", "")),
            offset_hours=float(data.get("offset_hours", 0.0)),
            audience=tuple(str(user) for user in data.get("audience", ())),
            remind_minutes=tuple(float(m) for m in data.get("remind_minutes", ())),
            plan=plan_of(data),
            stage=int(data.get("stage", 0)),
            state=str(data.get("state", "scheduled")),
        )


# Pure ------------------------------------------------------------------------------------------------


def plan(created: float, starts_at: float, remind_minutes: Sequence[float]) -> Plan:
    """The reminders still ahead when it is scheduled (earliest first), then the start."""
    reminders = sorted(
        {starts_at - minutes * MINUTE for minutes in remind_minutes if starts_at - minutes * MINUTE > created}
    )
    return (*(("remind", at) for at in reminders), ("start", starts_at))


def remind_offsets(value: str, settings: DiscussionSettings) -> tuple[float, ...]:
    """`1h,10m` as minutes, earliest first, at most `max_reminders`. Raises ArgumentError."""
    minutes = []
    for word in value.split(","):
        seconds = common.parse_duration(word) if word.strip() else None
        if seconds is None or not 0 < seconds <= MAX_REMIND_SECONDS:
            raise ArgumentError(f"--remind {value}")
        minutes.append(seconds / MINUTE)
    return tuple(sorted(set(minutes), reverse=True))[: settings.max_reminders]


def pending(discussion: Discussion, answers: Mapping[str, str]) -> tuple[str, ...]:
    """Who was asked and has not answered."""
    return tuple(user for user in discussion.audience if user not in answers and user != discussion.by)


def attending(discussion: Discussion, answers: Mapping[str, str]) -> tuple[str, ...]:
    """Who said they attend; the organiser always does."""
    said = [user for user, answer in answers.items() if answer == "yes" and user != discussion.by]
    return (discussion.by, *sorted(said))


def _listed(users: Sequence[str], name: Namer = as_is) -> str:
    return common.listed(users, name, most=MAX_LISTED, empty="-")


def status_text(discussion: Discussion, answers: Mapping[str, str], locale: str, name: Namer = as_is) -> str:
    coming = attending(discussion, answers)
    declined = sorted(user for user, answer in answers.items() if answer == "no")
    waiting = pending(discussion, answers)
    return "\n".join(
        [
            t(
                locale,
                "discussions.status.head",
                ref=discussion.ref,
                topic=discussion.topic,
                when=discussion.when,
                state=t(locale, f"discussions.state.{discussion.state}"),
            ),
            t(locale, "discussions.status.yes", count=len(coming), users=_listed(coming, name)),
            t(locale, "discussions.status.no", count=len(declined), users=_listed(declined, name)),
            t(locale, "discussions.status.pending", count=len(waiting), users=_listed(waiting, name)),
        ]
    )


def card(
    discussion: Discussion, locale: str, platform: str, *, reminder: bool = False, name: Namer = as_is
) -> Card:
    """The discussion as a card with I'll attend / Can't attend (sealed later), naming its organiser."""
    remind = " / ".join(_minutes(m, locale) for m in discussion.remind_minutes) or "-"
    title_key = "discussions.reminder.title" if reminder else "discussions.card.title"
    return Card(
        card_id=f"disc-{discussion.ref}" + ("-r" if reminder else ""),
        title=t(locale, title_key, ref=discussion.ref, topic=discussion.topic),
        body=t(locale, "discussions.card.body", when=discussion.when, by=name(discussion.by)),
        buttons=(
            Button(t(locale, "discussions.button.yes"), ATTEND, discussion.ref, "primary"),
            Button(t(locale, "discussions.button.no"), DECLINE, discussion.ref),
        ),
        fields=(
            (t(locale, "discussions.field.when"), discussion.when),
            (t(locale, "discussions.field.by"), name(discussion.by)),
            (t(locale, "discussions.field.remind"), remind),
        ),
        footer=t(locale, "discussions.footer", prefix=command_prefix(platform), ref=discussion.ref),
    )


def _minutes(minutes: float, locale: str) -> str:
    if minutes >= 60 and minutes % 60 == 0:
        return t(locale, "discussions.hours", hours=int(minutes // 60))
    return t(locale, "discussions.minutes", minutes=round(minutes))


def step_actions(
    step: str,
    discussion: Discussion,
    answers: Mapping[str, str],
    place: Where[Event],
    now: float,
    *,
    audience_all: Sequence[str],
    name: Namer = as_is,
) -> list[Action]:
    """What one step sends. A reminder: a private word to who attends, the card again to who has not
    answered (nothing to who cannot attend, nothing once it has started). The start: the attendance to
    the group (or, where the bot cannot post there, to each member) and the full list to the organiser."""
    locale = place.locale
    if step == "remind":
        if now >= discussion.starts_at:
            return []
        left = _minutes(max(round((discussion.starts_at - now) / MINUTE), 1), locale)
        text = t(locale, "discussions.remind", topic=discussion.topic, when=discussion.when, left=left)
        actions: list[Action] = [
            SendDirect(user=user, text=text, reason="discussions.remind")
            for user in attending(discussion, answers)
        ]
        waiting = pending(discussion, answers)
        if waiting:
            again = card(discussion, locale, place.platform, reminder=True, name=name)
            actions.append(PostCard(card=again, users=waiting, reason="discussions.remind"))
        return actions
    coming = attending(discussion, answers)
    notice = t(
        locale,
        "discussions.start",
        ref=discussion.ref,
        topic=discussion.topic,
        count=len(coming),
        users=_listed(coming, name),
    )
    report = t(locale, "discussions.start.report") + "\n" + status_text(discussion, answers, locale, name)
    actions = [SendDirect(user=discussion.by, text=report, reason="discussions.started")]
    return [*common.to_group(place, notice, audience_all, reason="discussions.started"), *actions]


# The repository ---------------------------------------------------------------------------------------


class Discussions:
    def __init__(self, store: Store) -> None:
        self.store = store

    def _item(self, discussion: Discussion) -> Item:
        due = discussion.next_at
        return Item(
            keys.group_pk(discussion.gid),
            keys.discussion_sk(discussion.ref),
            discussion.data(),
            gsi2=(
                (keys.discussions_due_pk(), keys.discussion_due_sk(due, discussion.gid, discussion.ref))
                if due is not None
                else None
            ),
            expires_at=int(discussion.starts_at + KEEP_DAYS * DAY),
        )

    def create(self, discussion: Discussion) -> bool:
        """Store a new discussion (False if the ref exists: a redelivered command), make it the group's
        latest and start its timer."""
        if not self.store.put_item(self._item(discussion), if_absent=True):
            return False
        self.store.put_item(
            Item(keys.group_pk(discussion.gid), keys.latest_sk(KIND), {"ref": discussion.ref})
        )
        Timers(self.store).set(Timer(discussion.gid, KIND, discussion.ref, discussion.plan[0][1], 0))
        return True

    def get(self, gid: str, ref: str) -> Discussion | None:
        item = self.store.get_item(keys.group_pk(gid), keys.discussion_sk(ref))
        return None if item is None else Discussion.of(item.data)

    def latest(self, gid: str) -> str | None:
        item = self.store.get_item(keys.group_pk(gid), keys.latest_sk(KIND))
        return None if item is None else str(item.data.get("ref", "")) or None

    def answer(self, discussion: Discussion, user: str, uid: str, answer: str, at: float) -> str:
        """`new` for a first answer, `changed` for a changed mind, `same` for the same answer again."""
        pk, sk = keys.group_pk(discussion.gid), keys.discussion_answer_sk(discussion.ref, uid)
        expires = int(discussion.starts_at + KEEP_DAYS * DAY)
        item = Item(pk, sk, {"user": user, "answer": answer, "at": at}, expires_at=expires)
        if self.store.put_item(item, if_absent=True):
            return "new"
        other = "no" if answer == "yes" else "yes"
        if self.store.update_item(pk, sk, {"answer": answer, "at": at}, expect={"answer": other}):
            return "changed"
        return "same"

    def answers(self, discussion: Discussion) -> dict[str, str]:
        items = self.store.query_items(
            keys.group_pk(discussion.gid), prefix=keys.discussion_answers_prefix(discussion.ref)
        )
        return {str(item.data["user"]): str(item.data["answer"]) for item in items}

    def advance(self, discussion: Discussion, to_stage: int, state: str) -> Discussion | None:
        """Move from the stage it stands at to `to_stage`, once: the discussion after, or None if someone
        else moved it first (or it was cancelled)."""
        if not self.store.update_item(
            keys.group_pk(discussion.gid),
            keys.discussion_sk(discussion.ref),
            {"stage": to_stage, "state": state},
            expect={"stage": discussion.stage, "state": "scheduled"},
        ):
            return None
        moved = replace(discussion, stage=to_stage, state=state)
        self.store.put_item(self._item(moved))  # its entry in the due index moves on (or goes)
        return moved

    def cancel(self, discussion: Discussion, *, by: str, at: float) -> bool:
        if not self.store.update_item(
            keys.group_pk(discussion.gid),
            keys.discussion_sk(discussion.ref),
            {"state": "cancelled", "cancelled_by": by, "cancelled_at": at},
            expect={"state": "scheduled"},
        ):
            return False
        self.store.put_item(self._item(replace(discussion, state="cancelled")))
        Timers(self.store).clear(discussion.gid, KIND, discussion.ref)
        return True

    def due(self, now: float) -> list[Discussion]:
        """Every group's discussions with a step due by `now`: one Query of the sparse index."""
        bound = keys.due_index_sk(now, "~")
        items = self.store.query_items(keys.discussions_due_pk(), index="GSI2", below=bound)
        return [Discussion.of(item.data) for item in items]


# Taking the steps -------------------------------------------------------------------------------------


def take(
    deps: Deps, discussion: Discussion, place: Where[Event], now: float
) -> tuple[list[Action], Timer | None, str]:
    """Take the steps of the plan that fell due, once, and say what comes next. After a pause only the
    latest step is sent: a reminder that is no longer ahead of the start is dropped."""
    if discussion.state != "scheduled":
        return [], None, "skipped"
    stage = discussion.stage
    if stage >= len(discussion.plan) or discussion.plan[stage][1] > now:
        return [], _timer(discussion), "not_due"
    last = stage
    while last + 1 < len(discussion.plan) and discussion.plan[last + 1][1] <= now:
        last += 1
    step = discussion.plan[last][0]
    repo = Discussions(deps.store)
    moved = repo.advance(discussion, last + 1, "started" if step == "start" else "scheduled")
    if moved is None:
        current = repo.get(discussion.gid, discussion.ref)
        return [], _timer(current) if current else None, "skipped"
    answers = repo.answers(discussion)
    audience_all = () if place.can_post else discussion.audience
    actions = [
        _sealed(action, deps, place, discussion.chat)
        for action in step_actions(
            step, moved, answers, place, now, audience_all=audience_all, name=common.namer(place.event, deps)
        )
    ]
    return actions, _timer(moved), step


def _timer(discussion: Discussion) -> Timer | None:
    due = discussion.next_at
    return None if due is None else Timer(discussion.gid, KIND, discussion.ref, due, discussion.stage)


def _sealed(action: Action, deps: Deps, place: Where[Event], chat: str) -> Action:
    if not isinstance(action, PostCard):
        return action
    shown = common.sealed(action.card, deps, platform=place.platform, tenant=place.tenant, chat=chat)
    return replace(action, card=shown)


def due(deps: Deps, timer: Timer, place: Where[Event], now: float) -> tuple[list[Action], Timer | None, str]:
    """The hourly `workflows` job's part (`chalicelib.workflows.reminders.STEPS`)."""
    discussion = Discussions(deps.store).get(timer.gid, timer.ref)
    if discussion is None:
        return [], None, "skipped"
    return take(deps, discussion, place, now)


def sweep(deps: Deps, now: float) -> dict[str, int]:
    """The five-minute pass's part: every step due in any group, taken and carried out in its group."""
    from chalicelib.kernel.act import carry_out
    from chalicelib.kernel.where import job_where

    counts = {"discussion_reminders": 0, "discussion_starts": 0}
    timers = Timers(deps.store)
    for discussion in Discussions(deps.store).due(now):
        key = f"{discussion.ref}-{discussion.stage}"
        place = job_where(deps, discussion.gid, job="discussion", key=key, now=now)
        actions, following, step = take(deps, discussion, place, now)
        if step in ("skipped", "not_due"):
            continue
        if following is None:
            timers.clear(discussion.gid, KIND, discussion.ref)
        else:
            timers.set(following)
        carry_out(deps, place, actions, what="DiscussionStep", key=key)
        counts["discussion_starts" if step == "start" else "discussion_reminders"] += 1
    return counts


# Commands and the buttons ------------------------------------------------------------------------------


def on_command(command: CommandIssued, ctx: Context, deps: Deps) -> Decision:
    prefix = command_prefix(command.platform)
    sub = command.args[0].lower() if command.args else ""
    if sub == "status" and len(command.args) <= 2:
        return _status(command, ctx, deps)
    if sub in ("attend", "decline", "yes", "no") and len(command.args) == 2:
        return _answer_command(command, ctx, deps, "yes" if sub in ("attend", "yes") else "no")
    if sub == "cancel" and len(command.args) == 2:
        return _cancel(command, ctx, deps)
    if not command.chat or command.direct:
        return common.private(ctx.locale, "workflows.need_group", prefix=prefix)
    return _schedule(command, ctx, deps)


def _usage(ctx: Context, command: CommandIssued) -> Decision:
    return common.private(ctx.locale, "discussions.usage", prefix=command_prefix(command.platform))


def _leading_remind(
    words: Sequence[str], settings: DiscussionSettings
) -> tuple[tuple[float, ...] | None, int]:
    """A leading `--remind 1h,10m` (or `--remind=1h,10m`): the offsets and how many words it took."""
    if not words or not words[0].startswith("--"):
        return None, 0
    name, _, value = words[0][2:].partition("=")
    if name != "remind":
        raise ArgumentError(words[0])
    if value:
        return remind_offsets(value, settings), 1
    if len(words) < 2:
        raise ArgumentError(words[0])
    return remind_offsets(words[1], settings), 2


def _schedule(command: CommandIssued, ctx: Context, deps: Deps) -> Decision:
    settings = ctx.policy.workflows.discussions
    if settings.who == "admins" and not is_admin(command, command.user, ctx, deps):
        return common.refused(ctx.locale, "discussion scheduled by a non-admin")
    offset = ctx.policy.jobs.utc_offset_hours
    words = list(command.args)
    try:
        remind, used = _leading_remind(words, settings)
        moment = parse_moment(words[used:], ctx.now, offset)
        used += moment.words
        after, more = _leading_remind(words[used:], settings)
        used += more
    except (ArgumentError, MomentError):
        return _usage(ctx, command)
    topic = common.text_after(command, used)
    if not topic:
        return _usage(ctx, command)
    if moment.at - ctx.now > settings.max_days_ahead * DAY:
        return common.private(ctx.locale, "discussions.too_far", days=f"{settings.max_days_ahead:g}")
    minutes = after or remind or settings.remind_minutes
    place = where_in(deps, command, ctx)
    discussion = Discussion(
        ref=common.short_ref("D", command),
        gid=command.gid,
        chat=command.chat,
        by=command.user,
        at=ctx.now,
        starts_at=moment.at,
        topic=topic,
        offset_hours=offset,
        audience=common.members(deps, command.gid, ctx.now, leave_out=(command.user,)),
        remind_minutes=tuple(minutes),
        plan=plan(ctx.now, moment.at, minutes),
    )
    repo = Discussions(deps.store)
    if repo.create(discussion):
        common.point(deps, discussion.ref, discussion.gid, keep_until=discussion.starts_at + KEEP_DAYS * DAY)
    else:
        discussion = repo.get(command.gid, discussion.ref) or discussion
    shown = common.sealed(
        card(discussion, place.locale, command.platform, name=common.namer(command, deps)),
        deps,
        platform=command.platform,
        tenant=command.tenant,
        chat=command.chat,
    )
    posted = common.card_to_group(place, shown, discussion.audience, reason="discussions.scheduled")
    done = t(
        ctx.locale,
        "discussions.scheduled",
        ref=discussion.ref,
        when=discussion.when,
        count=len(discussion.audience),
        prefix=command_prefix(command.platform),
    )
    return common.decided(posted, Reply(text=done, private=True, reason="discussions.scheduled"))


def _find(
    command: CommandIssued, ctx: Context, deps: Deps, ref: str | None
) -> tuple[Discussion | None, Context]:
    """The discussion a command names: in the group it is given in, or (a ref, in a direct message) the
    group the ref belongs to; with that group's context."""
    repo = Discussions(deps.store)
    if command.chat and not command.direct:
        ref = ref or repo.latest(command.gid)
        return (repo.get(command.gid, ref.upper()) if ref else None), ctx
    gid = common.locate(deps, ref.upper()) if ref else None
    if gid is None:
        return None, ctx
    found = repo.get(gid, ref.upper()) if ref else None
    if found is None:
        return None, ctx
    return found, load_context(replace(command, chat=found.chat), deps)


def _status(command: CommandIssued, ctx: Context, deps: Deps) -> Decision:
    discussion, _ = _find(command, ctx, deps, command.args[1] if len(command.args) > 1 else None)
    if discussion is None:
        return common.private(ctx.locale, "discussions.missing")
    answers = Discussions(deps.store).answers(discussion)
    text = status_text(discussion, answers, ctx.locale, common.namer(command, deps))
    return Decision.of(Reply(text=text, private=True, reason="discussions.status"))


def _answer_command(command: CommandIssued, ctx: Context, deps: Deps, answer: str) -> Decision:
    discussion, gctx = _find(command, ctx, deps, command.args[1])
    if discussion is None:
        return common.private(ctx.locale, "discussions.missing")
    key = _answer(deps, discussion, command, answer, gctx.now)
    if key is None:
        return common.private(ctx.locale, "discussions.already", ref=discussion.ref)
    return common.private(ctx.locale, key, topic=discussion.topic, when=discussion.when, ref=discussion.ref)


def _answer(deps: Deps, discussion: Discussion, event: Event, answer: str, now: float) -> str | None:
    """The answer's catalogue key; None for the same answer given again."""
    if discussion.state != "scheduled" or now >= discussion.starts_at:
        return "discussions.closed"
    user = str(getattr(event, "user", ""))
    result = Discussions(deps.store).answer(discussion, user, event.uid(user), answer, now)
    if result == "same":
        return None
    return f"discussions.thanks.{answer}"


def _cancel(command: CommandIssued, ctx: Context, deps: Deps) -> Decision:
    discussion, gctx = _find(command, ctx, deps, command.args[1])
    if discussion is None:
        return common.private(ctx.locale, "discussions.missing")
    located = replace(command, chat=discussion.chat)
    if command.user != discussion.by and not is_admin(located, command.user, gctx, deps):
        return common.refused(ctx.locale, "discussion cancelled by neither its organiser nor an admin")
    if not Discussions(deps.store).cancel(discussion, by=command.user, at=gctx.now):
        return common.private(ctx.locale, "discussions.closed", ref=discussion.ref)
    place = where_in(deps, located, gctx)
    text = t(
        gctx.locale,
        "discussions.cancelled",
        ref=discussion.ref,
        topic=discussion.topic,
        when=discussion.when,
        by=name_of(command, command.user, deps),
    )
    audience = () if place.can_post else discussion.audience
    return common.decided(
        *common.to_group(place, text, audience, reason="discussions.cancelled"),
        Reply(text=text, private=True, reason="discussions.cancelled"),
        acting_chat=discussion.chat if discussion.chat != command.chat else "",
    )


CARD_GATE = ClickGate(common.CLICK_ANSWERS, kinds=("yes", "no"))


def on_card(click: CardClicked, ctx: Context, deps: Deps) -> Decision:
    opened = CARD_GATE.open(click, ctx, deps)
    if isinstance(opened, Decision):
        return opened
    gctx = opened.ctx
    discussion = Discussions(deps.store).get(opened.located.gid, opened.ref)
    if discussion is None:
        return common.click_answer(click, gctx.locale, "discussions.missing")
    key = _answer(deps, discussion, click, ANSWERS[click.action], gctx.now)
    if key is None:
        return Decision()  # the same answer again: a second click does nothing
    return common.click_answer(
        click, gctx.locale, key, topic=discussion.topic, when=discussion.when, ref=discussion.ref
    )
