"""Announcements (R3.8, R4.7): an admin posts one, members acknowledge it with a button, the reminders job
reminds who has not (by default at 4 h, 24 h and 48 h) and reports to the poster, and the announcement is
withdrawn when it expires.

    announce [--ack] [--expires 3d] <text>     an admin posts it (in the group, or to each member
                                               directly where the bot may not post in the group)
    announce status [ref]                      who has acknowledged (the poster and the admins)
    announce ack <ref>                         acknowledge without the button (a card shown as text)
    announce withdraw <ref>                    an admin withdraws it early

The announcement item (`ANN#{ref}`) holds the text, the audience (the members the bot knew when it was
posted) and its plan: the moments its reminders, report and expiry fall due, fixed when it is posted. Each
acknowledgement is its own item, written only if absent, so a second click changes nothing. The plan is
walked by one timer (`chalicelib.workflows.timers`). What the bot posts for an announcement (the card or
notice, the reminder cards) is decided with a lifetime (`keep`), so the platform's message ids are
registered as bot posts (`chalicelib.jobs.posts`) once sent; at its expiry, or when an admin withdraws it,
they are recalled (where the platform cannot, the card is marked withdrawn). Must-acknowledge announcements
are also registered as the post against which the assessment counts each member's acknowledgements.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from chalicelib.authz import is_admin
from chalicelib.core.actions import Action, Decision, Lifetime, PostCard, PostText, Reply, SendDirect
from chalicelib.core.cards import Button, Card
from chalicelib.core.events import CardClicked, CommandIssued, Event
from chalicelib.i18n import t
from chalicelib.kernel.clicks import ClickGate
from chalicelib.kernel.commands import command_prefix
from chalicelib.kernel.context import Context
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.where import Where, where_in
from chalicelib.store import keys
from chalicelib.store.base import Store
from chalicelib.store.records import Item
from chalicelib.workflows import common
from chalicelib.workflows.common import DAY, HOUR, ArgumentError, Namer, as_is
from chalicelib.workflows.settings import AnnouncementSettings
from chalicelib.workflows.timers import Plan, Timer, Timers, plan_data, plan_of

KIND = "ann"
ACK = "ann.ack"
KEEP_DAYS = 365
MAX_LISTED = 30


@dataclass(frozen=True)
class Announcement:
    ref: str
    gid: str
    chat: str
    by: str
    at: float
    text: str
    ack: bool = False
    expires_at: float | None = None
    audience: tuple[str, ...] = ()
    plan: Plan = ()  # (remind | report | expire, when)
    state: str = "open"  # open | expired | withdrawn
    source: str = ""  # the submission it was published from (R4.2)

    @property
    def title(self) -> str:
        first = self.text.strip().splitlines()[0] if self.text.strip() else ""
        return first if len(first) <= 40 else first[:39] + "…"

    def data(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "gid": self.gid,
            "chat": self.chat,
            "by": self.by,
            "at": self.at,
            "text": self.text,
            "ack": self.ack,
            "expires": self.expires_at,
            "audience": list(self.audience),
            "plan": plan_data(self.plan),
            "state": self.state,
            "source": self.source,
        }

    @staticmethod
    def of(data: Mapping[str, Any]) -> Announcement:
        expires = data.get("expires")
        return Announcement(
            ref=str(data["ref"]),
            gid=str(data["gid"]),
            chat=str(data["chat"]),
            by=str(data["by"]),
            at=float(data["at"]),
            text=str(data.get("text", "")),
            ack=bool(data.get("ack", False)),
            expires_at=float(expires) if expires is not None else None,
            audience=tuple(str(user) for user in data.get("audience", ())),
            plan=plan_of(data),
            state=str(data.get("state", "open")),
            source=str(data.get("source", "")),
        )


# Pure ------------------------------------------------------------------------------------------------


def plan(at: float, *, ack: bool, expires_at: float | None, settings: AnnouncementSettings) -> Plan:
    """When the reminders, the report and the expiry fall due. Nothing is reminded or reported after the
    expiry; a must-acknowledge announcement that expires before its report gets the report then."""
    steps: list[tuple[str, float]] = []
    if ack:
        steps += [("remind", at + hours * HOUR) for hours in settings.remind_hours]
        steps.append(("report", at + settings.report_hours * HOUR))
    if expires_at is not None:
        kept = [(kind, when) for kind, when in steps if when < expires_at]
        if ack and not any(kind == "report" for kind, _ in kept):
            kept.append(("report", expires_at))
        steps = [*kept, ("expire", expires_at)]
    return tuple(sorted(steps, key=lambda step: (step[1], step[0] == "expire")))


def pending(announcement: Announcement, acked: Mapping[str, float]) -> tuple[str, ...]:
    """Who was asked to acknowledge and has not."""
    return tuple(user for user in announcement.audience if user not in acked and user != announcement.by)


def expiry(flags: Mapping[str, Any], now: float, settings: AnnouncementSettings) -> float | None:
    seconds = flags.get("expires")
    if seconds is None and settings.expires_days is not None:
        seconds = settings.expires_days * DAY
    if seconds is None:
        return None
    return now + min(float(seconds), settings.max_expires_days * DAY)


def card(
    announcement: Announcement, locale: str, platform: str, *, reminder: int = 0, offset_hours: float = 8.0
) -> Card:
    """The announcement as a card; a reminder names which one it is. Its button is sealed later."""
    fields = [(t(locale, "workflows.ann.field.by"), announcement.by)]
    if announcement.expires_at is not None:
        fields.append(
            (t(locale, "workflows.ann.field.expires"), common.when(announcement.expires_at, offset_hours))
        )
    title_key = "workflows.ann.reminder.title" if reminder else "workflows.ann.card.title"
    buttons = (
        (Button(t(locale, "workflows.ann.button.ack"), ACK, announcement.ref, "primary"),)
        if announcement.ack
        else ()
    )
    footer = (
        t(locale, "workflows.ann.footer", prefix=command_prefix(platform), ref=announcement.ref)
        if announcement.ack
        else ""
    )
    return Card(
        card_id=f"ann-{announcement.ref}" + (f"-r{reminder}" if reminder else ""),
        title=t(locale, title_key, ref=announcement.ref, n=reminder),
        body=announcement.text,
        buttons=buttons,
        fields=tuple(fields),
        footer=footer,
    )


def status_text(
    announcement: Announcement, acked: Mapping[str, float], locale: str, name: Namer = as_is
) -> str:
    """Who acknowledged and who has not, by name (`name`: only those listed are looked up)."""
    waiting = pending(announcement, acked)
    asked = len(waiting) + sum(1 for user in announcement.audience if user in acked)
    lines = [
        t(
            locale,
            "workflows.ann.status",
            ref=announcement.ref,
            title=announcement.title,
            acked=len(acked),
            asked=asked,
            state=t(locale, f"workflows.state.{announcement.state}"),
        )
    ]
    if acked:
        lines.append(t(locale, "workflows.ann.status.acked", users=_listed(sorted(acked), name)))
    if waiting:
        lines.append(t(locale, "workflows.ann.status.pending", users=_listed(waiting, name)))
    return "\n".join(lines)


def _listed(users: Sequence[str], name: Namer) -> str:
    return common.listed(users, name, most=MAX_LISTED)


def step_actions(
    kind: str,
    announcement: Announcement,
    acked: Mapping[str, float],
    place: Where[Event],
    *,
    number: int,
    name: Namer = as_is,
) -> list[Action]:
    """What one step of the plan sends: a reminder card to who has not acknowledged, the report to the
    poster, or the notice that the announcement is withdrawn (to the group, or to its audience)."""
    locale = place.locale
    if kind == "remind":
        waiting = pending(announcement, acked)
        if not waiting:
            return []
        reminder = card(
            announcement, locale, place.platform, reminder=number, offset_hours=place.offset_hours
        )
        return [kept(PostCard(card=reminder, users=waiting, reason="workflows.ann.remind"), announcement)]
    if kind == "report":
        text = t(locale, "workflows.ann.report") + "\n" + status_text(announcement, acked, locale, name)
        return [SendDirect(user=announcement.by, text=text, reason="workflows.ann.report")]
    text = t(locale, "workflows.ann.expired", ref=announcement.ref, title=announcement.title)
    return common.to_group(place, text, announcement.audience, reason="workflows.ann.expired")


# The repository ---------------------------------------------------------------------------------------


class Announcements:
    def __init__(self, store: Store) -> None:
        self.store = store

    def create(self, announcement: Announcement) -> bool:
        """Store a new announcement (False if the ref exists: a redelivered command) and make it the
        group's latest."""
        expires = int(announcement.at + KEEP_DAYS * DAY)
        item = Item(
            keys.group_pk(announcement.gid),
            keys.announcement_sk(announcement.ref),
            announcement.data(),
            expires_at=expires,
        )
        if not self.store.put_item(item, if_absent=True):
            return False
        latest = Item(keys.group_pk(announcement.gid), keys.latest_sk(KIND), {"ref": announcement.ref})
        self.store.put_item(latest)
        return True

    def get(self, gid: str, ref: str) -> Announcement | None:
        item = self.store.get_item(keys.group_pk(gid), keys.announcement_sk(ref))
        return None if item is None else Announcement.of(item.data)

    def latest(self, gid: str) -> str | None:
        item = self.store.get_item(keys.group_pk(gid), keys.latest_sk(KIND))
        return None if item is None else str(item.data.get("ref", "")) or None

    def acknowledge(self, announcement: Announcement, user: str, uid: str, at: float) -> bool:
        """True for the first acknowledgement; False for any later one."""
        item = Item(
            keys.group_pk(announcement.gid),
            keys.announcement_ack_sk(announcement.ref, uid),
            {"user": user, "at": at},
            expires_at=int(announcement.at + KEEP_DAYS * DAY),
        )
        return self.store.put_item(item, if_absent=True)

    def acks(self, announcement: Announcement) -> dict[str, float]:
        items = self.store.query_items(
            keys.group_pk(announcement.gid), prefix=keys.announcement_acks_prefix(announcement.ref)
        )
        return {str(item.data["user"]): float(item.data["at"]) for item in items}

    def close(self, announcement: Announcement, state: str, *, by: str, at: float) -> bool:
        """Open -> expired or withdrawn, once."""
        return self.store.update_item(
            keys.group_pk(announcement.gid),
            keys.announcement_sk(announcement.ref),
            {"state": state, "closed_by": by, "closed_at": at},
            expect={"state": "open"},
        )


# Posting ----------------------------------------------------------------------------------------------


def post(
    deps: Deps,
    event: Event,
    ctx: Context,
    place: Where[Event],
    *,
    ref: str,
    text: str,
    by: str,
    ack: bool,
    expires_at: float | None,
    source: str = "",
) -> tuple[Announcement, list[Action]]:
    """Store an announcement, start its timer, and decide how it reaches the group. Shared by `announce`
    and the publishing approval."""
    now = ctx.now
    settings = ctx.policy.workflows.announcements
    audience = common.members(deps, place.gid, now, leave_out=(by,))
    announcement = Announcement(
        ref=ref,
        gid=place.gid,
        chat=place.chat,
        by=by,
        at=now,
        text=text,
        ack=ack,
        expires_at=expires_at,
        audience=audience,
        plan=plan(now, ack=ack, expires_at=expires_at, settings=settings),
        source=source,
    )
    repo = Announcements(deps.store)
    if repo.create(announcement):
        if announcement.plan:
            Timers(deps.store).set(Timer(place.gid, KIND, ref, announcement.plan[0][1], 0))
        if ack:
            _register_for_assessment(deps, announcement, event)
    else:
        announcement = repo.get(place.gid, ref) or announcement
    shown = common.sealed(
        card(announcement, place.locale, place.platform, offset_hours=place.offset_hours),
        deps,
        platform=event.platform,
        tenant=event.tenant,
        chat=place.chat,
    )
    if ack:
        actions: list[Action] = [common.card_to_group(place, shown, audience, reason="workflows.ann.posted")]
    else:
        notice = t(place.locale, "workflows.ann.notice", ref=ref, text=text)
        actions = common.to_group(place, notice, audience, reason="workflows.ann.posted")
    return announcement, [kept(action, announcement) for action in actions]


def source(announcement: Announcement) -> str:
    return f"{KIND}:{announcement.ref}"


def kept(action: Action, announcement: Announcement) -> Action:
    """The post registered once sent, to be recalled at the expiry (or when withdrawn)."""
    if not isinstance(action, PostCard | PostText | SendDirect):
        return action
    keep = Lifetime("announcement", announcement.expires_at or 0.0, announcement.title, source(announcement))
    return replace(action, keep=keep)


def recalls(deps: Deps, announcement: Announcement, locale: str) -> list[Action]:
    """Recall what was posted for it (the card, the notice, the reminders); a card the platform cannot
    recall is marked withdrawn instead."""
    from chalicelib.jobs.posts import BotPosts

    note = t(locale, "workflows.ann.card_withdrawn", ref=announcement.ref)
    withdrawn = Card(card_id=f"ann-{announcement.ref}", title=announcement.title, body=note, footer=note)
    return [
        post.recall(fallback=withdrawn if announcement.ack else None, reason="workflows.ann.recalled")
        for post in BotPosts(deps.store).of_source(announcement.gid, source(announcement))
    ]


def _register_for_assessment(deps: Deps, announcement: Announcement, event: Event) -> None:
    """The assessment counts acknowledgements against the bot posts that asked for them, by the value
    their button carries. Registered without a due time: withdrawing is this module's job, by its plan."""
    from chalicelib.jobs.posts import BotPost, BotPosts

    value = common.seal_value(
        deps,
        platform=event.platform,
        tenant=event.tenant,
        chat=announcement.chat,
        ref=announcement.ref,
        action=ACK,
    )
    post = BotPost(
        gid=announcement.gid,
        message_id=f"ann-{announcement.ref}",
        chat=announcement.chat,
        kind="announcement",
        at=announcement.at,
        due=announcement.expires_at or announcement.at,
        title=announcement.title,
        ack=True,
        ref=value,
    )
    BotPosts(deps.store).settle(post, "posted")


# Commands and the button ------------------------------------------------------------------------------


def on_command(command: CommandIssued, ctx: Context, deps: Deps) -> Decision:
    sub = command.args[0].lower() if command.args else ""
    if sub == "status" and len(command.args) <= 2:
        return _status(command, ctx, deps)
    if sub == "ack" and len(command.args) == 2:
        return _ack_command(command, ctx, deps)
    if sub == "withdraw" and len(command.args) == 2:
        return _withdraw(command, ctx, deps)
    return _announce(command, ctx, deps)


def _usage(ctx: Context, command: CommandIssued) -> Decision:
    return common.private(ctx.locale, "workflows.ann.usage", prefix=command_prefix(command.platform))


def _announce(command: CommandIssued, ctx: Context, deps: Deps) -> Decision:
    if not command.chat or command.direct:
        return common.private(ctx.locale, "workflows.need_group", prefix=command_prefix(command.platform))
    if not is_admin(command, command.user, ctx, deps):
        return common.refused(ctx.locale, "announce by a non-admin")
    try:
        parsed = common.leading_flags(command.args, switches=("ack",), durations=("expires",))
    except ArgumentError:
        return _usage(ctx, command)
    text = common.text_after(command, parsed.consumed)
    if not text:
        return _usage(ctx, command)
    settings = ctx.policy.workflows.announcements
    place = where_in(deps, command, ctx)
    ref = common.short_ref("A", command)
    announcement, actions = post(
        deps,
        command,
        ctx,
        place,
        ref=ref,
        text=text,
        by=command.user,
        ack=bool(parsed.flags.get("ack")),
        expires_at=expiry(parsed.flags, ctx.now, settings),
    )
    key = "workflows.ann.posted.ack" if announcement.ack else "workflows.ann.posted"
    done = t(
        ctx.locale, key, ref=ref, count=len(announcement.audience), prefix=command_prefix(command.platform)
    )
    return common.decided(*actions, Reply(text=done, private=True, reason=key))


def _find(command: CommandIssued, ctx: Context, deps: Deps, ref: str | None) -> Announcement | None:
    repo = Announcements(deps.store)
    ref = ref or repo.latest(command.gid)
    return repo.get(command.gid, ref.upper()) if ref else None


def _status(command: CommandIssued, ctx: Context, deps: Deps) -> Decision:
    announcement = _find(command, ctx, deps, command.args[1] if len(command.args) > 1 else None)
    if announcement is None:
        return common.private(ctx.locale, "workflows.ann.missing")
    if command.user != announcement.by and not is_admin(command, command.user, ctx, deps):
        return common.refused(ctx.locale, "announcement status by a non-admin")
    announcement = still_here(announcement, deps, ctx.now)
    acked = Announcements(deps.store).acks(announcement)
    text = status_text(announcement, acked, ctx.locale, common.namer(command, deps))
    return Decision.of(Reply(text=text, private=True, reason="workflows.ann.status"))


def still_here(announcement: Announcement, deps: Deps, now: float) -> Announcement:
    """The announcement's audience without whoever left the group since (banned, removed, departed):
    they are neither reminded nor counted as not having acknowledged. One index Query."""
    present = set(common.members(deps, announcement.gid, now))
    return replace(announcement, audience=tuple(user for user in announcement.audience if user in present))


def _ack_command(command: CommandIssued, ctx: Context, deps: Deps) -> Decision:
    announcement = _find(command, ctx, deps, command.args[1])
    if announcement is None:
        return common.private(ctx.locale, "workflows.ann.missing")
    key = _acknowledge(deps, announcement, command, command.user, ctx.now)
    return common.private(ctx.locale, key, ref=announcement.ref)


def _acknowledge(deps: Deps, announcement: Announcement, event: Event, user: str, now: float) -> str:
    if announcement.state != "open":
        return "workflows.ann.closed"
    if not announcement.ack:
        return "workflows.ann.no_ack"
    if not Announcements(deps.store).acknowledge(announcement, user, event.uid(user), now):
        return "workflows.ann.already"
    return "workflows.ann.thanks"


def _withdraw(command: CommandIssued, ctx: Context, deps: Deps) -> Decision:
    if not is_admin(command, command.user, ctx, deps):
        return common.refused(ctx.locale, "announcement withdrawn by a non-admin")
    announcement = _find(command, ctx, deps, command.args[1])
    if announcement is None:
        return common.private(ctx.locale, "workflows.ann.missing")
    if not Announcements(deps.store).close(announcement, "withdrawn", by=command.user, at=ctx.now):
        return common.private(ctx.locale, "workflows.ann.closed", ref=announcement.ref)
    Timers(deps.store).clear(announcement.gid, KIND, announcement.ref)
    place = where_in(deps, command, ctx)
    text = t(ctx.locale, "workflows.ann.withdrawn", ref=announcement.ref, title=announcement.title)
    return common.decided(
        *recalls(deps, announcement, place.locale),
        *common.to_group(place, text, announcement.audience, reason="workflows.ann.withdrawn"),
        Reply(text=text, private=True, reason="workflows.ann.withdrawn"),
    )


CARD_GATE = ClickGate(common.CLICK_ANSWERS, kinds=("ack",))


def on_card(click: CardClicked, ctx: Context, deps: Deps) -> Decision:
    opened = CARD_GATE.open(click, ctx, deps)
    if isinstance(opened, Decision):
        return opened
    gctx = opened.ctx
    announcement = Announcements(deps.store).get(opened.located.gid, opened.ref)
    if announcement is None:
        return common.click_answer(click, gctx.locale, "workflows.ann.missing")
    key = _acknowledge(deps, announcement, click, click.user, gctx.now)
    if key == "workflows.ann.already":
        return Decision()  # a second click does nothing
    return common.click_answer(click, gctx.locale, key, ref=announcement.ref)


# The reminders job's part -----------------------------------------------------------------------------


def due(deps: Deps, timer: Timer, place: Where[Event], now: float) -> tuple[list[Action], Timer | None, str]:
    """Carry out the step of the plan a timer stands at: its actions, the next timer, what was done."""
    repo = Announcements(deps.store)
    announcement = repo.get(timer.gid, timer.ref)
    if announcement is None or announcement.state != "open" or timer.stage >= len(announcement.plan):
        return [], None, "skipped"
    kind, _ = announcement.plan[timer.stage]
    if kind == "remind" and announcement.expires_at is not None and announcement.expires_at <= now:
        kind = "late"  # a late run reaching the expiry too: no reminder for what is being withdrawn
    announcement = still_here(announcement, deps, now)
    acked = repo.acks(announcement) if announcement.ack else {}
    number = sum(1 for step, _ in announcement.plan[: timer.stage + 1] if step == "remind")
    actions = [
        _sealed(action, deps, place, announcement.chat)
        for action in (
            step_actions(
                kind, announcement, acked, place, number=number, name=common.namer(place.event, deps)
            )
            if kind != "late"
            else ()
        )
    ]
    if kind == "expire" and repo.close(announcement, "expired", by="qunguan", at=now):
        actions += recalls(deps, announcement, place.locale)
    following = timer.stage + 1
    if following < len(announcement.plan) and kind != "expire":
        return actions, Timer(timer.gid, KIND, timer.ref, announcement.plan[following][1], following), kind
    return actions, None, kind


def _sealed(action: Action, deps: Deps, place: Where[Event], chat: str) -> Action:
    """A reminder card's button sealed for the announcement's group, like the first card's."""
    if not isinstance(action, PostCard):
        return action
    card_ = common.sealed(action.card, deps, platform=place.platform, tenant=place.tenant, chat=chat)
    return replace(action, card=card_)
