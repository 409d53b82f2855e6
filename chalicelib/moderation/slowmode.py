"""R5.3 slow mode: after a heated exchange (the `heated` rule, enforced) or by an admin's command, each
member may post one message per `rules.slowmode.seconds_per_message` for a while.

    slowmode on [10m]        an admin starts it (or sets its end), for `default_minutes` unless given
    slowmode off             an admin ends it
    slowmode [status]        whether it is on, and until when

After a heated exchange the group gets a calm-down notice, the two members a private word (and where the
platform lets the bot mute them, DingTalk scene groups, a short mute), and the admins a card: End slow mode
/ Extend / Warn members, each of which works once. Where the bot cannot post into the group (a WeCom group
the app did not create), the notices go to each member privately.

The record (`GRP#{gid}` / `SLOWMODE`, in the sparse `DUE#slowmode` index by its end) says who started it
and until when. So that no message pays a read to know, the moderation window items of the coming minutes
are stamped with its end and rate (`chalicelib.moderation.exchanges`): the window write each message
already makes returns them. The five-minute pass (`chalicelib.jobs.minutely`) stamps ahead while it lasts
and ends it when it is over. The rate itself is the `slowmode` rule's (`chalicelib.core.rules.slowmode`).
Where the bot sees only @-mentions (WeCom, DingTalk), the rate applies only to those it sees.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib.adapters.base import Capability
from chalicelib.authz import is_admin
from chalicelib.core.actions import Action, Decision, Mute, PostCard, Reply, SendDirect, Unmute, UpdateCard
from chalicelib.core.cards import Button, Card
from chalicelib.core.engine import appeal_command, rule_label
from chalicelib.core.events import CardClicked, CommandIssued, Event
from chalicelib.core.facts import CaseDecided, ExchangeWarned, SlowModeStarted, Warned
from chalicelib.core.policy import GroupPolicy
from chalicelib.core.rules.base import RuleContext
from chalicelib.i18n import t
from chalicelib.kernel.clicks import ClickGate
from chalicelib.kernel.commands import command_prefix
from chalicelib.kernel.context import Context
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.handlers import Recording
from chalicelib.kernel.people import name_of
from chalicelib.kernel.where import Where, where_in
from chalicelib.moderation.cases import CaseRepo
from chalicelib.moderation.exchanges import slow_mode_stamp
from chalicelib.moderation.mutes import MuteRepo
from chalicelib.moderation.sealing import seal_card
from chalicelib.moderation.signals import WINDOW_MARGIN_SECONDS
from chalicelib.store import keys
from chalicelib.store.base import Store
from chalicelib.store.records import Item
from chalicelib.workflows import common
from chalicelib.workflows.moments import local_clock

PREFIX = "slow"
AUTOMATIC = "qunguan"
STAMP_AHEAD_SECONDS = 900  # the five-minute pass stamps this far ahead, so a missed run changes nothing
MAX_STAMPS = 48
WARN_POINTS = 1.0  # as `warn @member` (chalicelib.moderation.admin.MANUAL_WARN_POINTS)
MINUTE = 60
DAY = 86400


@dataclass(frozen=True)
class SlowMode:
    gid: str
    chat: str
    ref: str  # this episode, sealed on its card: a card of an earlier one does nothing
    since: float
    until: float
    seconds: int  # one message per member per this many seconds
    by: str  # the admin who started it, or "qunguan" after a heated exchange
    members: tuple[str, ...] = ()  # the exchange's two members
    extended: bool = False
    warned: bool = False
    enforcement: str = ""  # how the rate is held on this platform, where it is not simply everywhere

    def data(self) -> dict[str, Any]:
        return {
            "gid": self.gid,
            "chat": self.chat,
            "ref": self.ref,
            "since": self.since,
            "until": self.until,
            "seconds": self.seconds,
            "by": self.by,
            "members": list(self.members),
            "extended": self.extended,
            "warned": self.warned,
            "enforcement": self.enforcement,
            "ended": False,
        }

    @staticmethod
    def of(data: Mapping[str, Any]) -> SlowMode:
        return SlowMode(
            gid=str(data["gid"]),
            chat=str(data["chat"]),
            ref=str(data["ref"]),
            since=float(data["since"]),
            until=float(data["until"]),
            seconds=int(data["seconds"]),
            by=str(data.get("by", "")),
            members=tuple(str(member) for member in data.get("members", ())),
            extended=bool(data.get("extended", False)),
            warned=bool(data.get("warned", False)),
            enforcement=str(data.get("enforcement", "")),
        )


class SlowModes:
    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, gid: str) -> SlowMode | None:
        item = self.store.get_item(keys.group_pk(gid), keys.SLOW_MODE_SK)
        return None if item is None or item.data.get("ended") else SlowMode.of(item.data)

    def put(self, mode: SlowMode) -> None:
        self.store.put_item(
            Item(
                keys.group_pk(mode.gid),
                keys.SLOW_MODE_SK,
                mode.data(),
                gsi2=(keys.slow_modes_due_pk(), keys.slow_mode_due_sk(mode.until, mode.gid)),
                expires_at=int(mode.until) + DAY,
            )
        )

    def mark(self, mode: SlowMode, flag: str) -> bool:
        """Set `extended` or `warned` on this episode, once."""
        return self.store.update_item(
            keys.group_pk(mode.gid), keys.SLOW_MODE_SK, {flag: True}, expect={"ref": mode.ref, flag: False}
        )

    def end(self, mode: SlowMode) -> bool:
        """End this episode, once: True for whoever ends it first."""
        if not self.store.update_item(
            keys.group_pk(mode.gid),
            keys.SLOW_MODE_SK,
            {"ended": True},
            expect={"ref": mode.ref, "ended": False},
        ):
            return False
        self.store.delete_item(keys.group_pk(mode.gid), keys.SLOW_MODE_SK)
        return True

    def on(self) -> list[SlowMode]:
        """Every group's slow mode (one Query of the sparse index: only the ones on are in it)."""
        items = self.store.query_items(keys.slow_modes_due_pk(), index="GSI2")
        return [SlowMode.of(item.data) for item in items if not item.data.get("ended")]


def stamp(
    store: Store, policy: GroupPolicy, gid: str, *, start: float, through: float, mode: SlowMode | None
) -> int:
    """Stamp the group's moderation window items from `start` through `through` with the slow mode (or,
    with None, with its end): the window write of each message there returns it. The items are the ones
    `chalicelib.moderation.signals` writes, with the same expiry."""
    window = policy.rules.duplicate.window_seconds
    first = int(start // window)
    last = min(int(through // window), first + MAX_STAMPS - 1)
    values = slow_mode_stamp(mode.until, mode.seconds) if mode else slow_mode_stamp(0, 0)
    for bucket in range(first, last + 1):
        store.bump_counters(
            keys.moderation_window_pk(gid),
            keys.moderation_window_sk(bucket),
            {},
            values,
            expires_at=(bucket + 2) * window + WINDOW_MARGIN_SECONDS,
        )
    return last - first + 1


def begin(store: Store, policy: GroupPolicy, mode: SlowMode, now: float, *, was_until: float = 0.0) -> None:
    """Record the slow mode and stamp the coming window items; a slow mode cut shorter (`was_until`
    later than its new end) has its later stamps overwritten too."""
    SlowModes(store).put(mode)
    through = min(max(mode.until, was_until), now + STAMP_AHEAD_SECONDS)
    stamp(store, policy, mode.gid, start=now, through=through, mode=mode)


def finish(store: Store, policy: GroupPolicy, mode: SlowMode, now: float) -> bool:
    if not SlowModes(store).end(mode):
        return False
    stamp(store, policy, mode.gid, start=now, through=max(mode.until, now), mode=None)
    return True


# What people see ------------------------------------------------------------------------------------


def _audience(place: Where[Event], deps: Deps, now: float) -> tuple[str, ...]:
    return () if place.can_post else common.members(deps, place.gid, now)


def notice(place: Where[Event], deps: Deps, key: str, now: float, **params: Any) -> list[Action]:
    text = t(place.locale, key, **params)
    return common.to_group(place, text, _audience(place, deps, now), reason=key)


def admin_card(
    mode: SlowMode,
    place: Where[Event],
    policy: GroupPolicy,
    *,
    platform: str,
    detail: Mapping[str, Any],
    name: common.Namer = common.as_is,
) -> Card:
    """The admins' card: what happened (the members of the exchange by `name`), and End / Extend / Warn
    members."""
    locale, offset = place.locale, policy.jobs.utc_offset_hours
    members = " / ".join(map(name, mode.members)) or "-"
    buttons = [
        Button(t(locale, "slowmode.button.end"), f"{PREFIX}.end", mode.ref, "primary"),
        Button(
            t(locale, "slowmode.button.extend", minutes=policy.rules.slowmode.default_minutes),
            f"{PREFIX}.extend",
            mode.ref,
        ),
    ]
    if mode.members:
        buttons.append(Button(t(locale, "slowmode.button.warn"), f"{PREFIX}.warn", mode.ref, "danger"))
    return Card(
        card_id=f"slow:{mode.ref}",
        title=t(locale, "slowmode.card.title", group=place.label),
        body=t(
            locale,
            "slowmode.card.body",
            members=members,
            count=detail.get("count", "?"),
            seconds=detail.get("seconds", "?"),
            heat=detail.get("heat", "?"),
        ),
        buttons=tuple(buttons),
        fields=(
            (t(locale, "slowmode.field.members"), members),
            (t(locale, "slowmode.field.until"), local_clock(mode.until, offset)),
            (t(locale, "slowmode.field.rate"), t(locale, "slowmode.rate", seconds=mode.seconds)),
        ),
        footer=t(locale, "slowmode.card.footer", prefix=command_prefix(platform)),
    )


def starting(
    mode: SlowMode, place: Where[Event], policy: GroupPolicy, deps: Deps, now: float, *, mute_seconds: int = 0
) -> list[Action]:
    """The calm-down notice, and for the members of a heated exchange a private word and, where the bot
    may mute them, a short mute."""
    until = local_clock(mode.until, policy.jobs.utc_offset_hours)
    key = "slowmode.notice.heated" if mode.members else "slowmode.notice.on"
    actions = notice(place, deps, key, now, until=until, seconds=mode.seconds)
    for member in mode.members:
        text = t(place.locale, "slowmode.calm", group=place.label, until=until, seconds=mode.seconds)
        actions.append(SendDirect(user=member, text=text, reason="slowmode.calm"))
        if place.can_mute and mute_seconds:
            seconds = int(min(mute_seconds, max(mode.until - now, MINUTE)))
            actions.append(
                Mute(chat=mode.chat, user=member, seconds=seconds, reason="slowmode.mute", rule="heated")
            )
    return actions


def ending(
    mode: SlowMode, place: Where[Event], deps: Deps, now: float, *, key: str, **params: Any
) -> list[Action]:
    """The notice that slow mode is over, and the mutes of its members lifted (the ones still on)."""
    actions = notice(place, deps, key, now, **params)
    mutes = MuteRepo(deps.store)
    for member in mode.members:
        uid = f"{place.platform}:{place.tenant}:{member}"
        if mutes.get(mode.gid, uid) is not None:
            mutes.end(mode.gid, uid)
            text = t(place.locale, "member.mute_ended", group=place.label)
            actions.append(Unmute(chat=mode.chat, user=member, text=text, reason="slowmode.ended"))
    return actions


# After a heated exchange -----------------------------------------------------------------------------


def after_moderation(
    decision: Decision, event: Event, rctx: RuleContext, ctx: Context, deps: Deps
) -> Decision:
    """What the `heated` finding of a moderated message leads to, by its mode: enforced, slow mode starts
    (recorded after the actions, see `record_start`); warned, the other member of the exchange is reminded too
    (the engine told the poster); in shadow, nothing but the case."""
    case = decision.fact(CaseDecided)
    findings = case.findings if case is not None else ()
    finding = next((f for f in findings if f.get("rule") == "heated"), None)
    if finding is None or finding.get("mode") not in ("enforce", "warn"):
        return decision
    evidence = finding.get("evidence", {})
    members = tuple(str(member) for member in evidence.get("members", ()))
    partner = str(evidence.get("partner", ""))
    place = where_in(deps, event, ctx)
    if finding["mode"] == "warn":
        text = t(place.locale, "slowmode.warn_only", group=place.label)
        extra: list[Action] = (
            [SendDirect(user=partner, text=text, reason="slowmode.warn_only")] if partner else []
        )
        return dataclasses.replace(decision, actions=Decision.of(*decision.actions, *extra).actions)
    if (rctx.slow_mode_until or 0.0) > ctx.now:
        return decision
    policy = ctx.policy
    settings = policy.rules.slowmode
    mode = SlowMode(
        gid=event.gid,
        chat=event.chat,
        ref=(case.ref if case is not None else "")[:12] or f"{int(ctx.now)}",
        since=ctx.now,
        until=ctx.now + settings.default_minutes * MINUTE,
        seconds=settings.seconds_per_message,
        by=AUTOMATIC,
        members=members,
        enforcement=_enforcement(place, deps),
    )
    actions = starting(mode, place, policy, deps, ctx.now, mute_seconds=policy.rules.heated.mute_seconds)
    admins = tuple(admin for admin in place.admins if admin not in members)
    detail = {
        "count": sum(int(n) for n in evidence.get("messages", ())),
        "seconds": policy.rules.heated.window_seconds,
        "heat": evidence.get("heat", "?"),
    }
    if admins:  # its buttons are sealed with the rest of the decision (moderation.sealing.seal_decision)
        name = common.namer(event, deps)
        card = admin_card(mode, place, policy, platform=event.platform, detail=detail, name=name)
        actions.append(PostCard(card=card, users=admins, reason="slowmode.card", rule="heated"))
    started = dataclasses.replace(decision, actions=Decision.of(*decision.actions, *actions).actions)
    return started.with_facts(SlowModeStarted(dict(mode.data())))


def _enforcement(place: Where[Event], deps: Deps) -> str:
    """How the rate is held here, kept with the slow mode: a substitution is recorded, never silent."""
    platform = place.platform
    sees_all = deps.messenger(platform).capabilities.allows(Capability.SEE_ALL_MESSAGES)  # type: ignore[arg-type]
    if place.can_mute:
        return "the exchange muted briefly; the rate on the messages the bot sees"
    if sees_all:
        return "no mute here: a private word to the exchange; the rate on every message"
    return "no mute here: a private word to the exchange; the rate only on the messages the bot sees"


# Commands -------------------------------------------------------------------------------------------


def on_command(command: CommandIssued, ctx: Context, deps: Deps) -> Decision:
    prefix = command_prefix(command.platform)
    if not command.chat or command.direct:
        return common.private(ctx.locale, "workflows.need_group", prefix=prefix)
    sub = command.args[0].lower() if command.args else "status"
    if sub == "status":
        return _status(command, ctx, deps)
    if sub not in ("on", "off"):
        return common.private(ctx.locale, "slowmode.usage", prefix=prefix)
    if not is_admin(command, command.user, ctx, deps):
        return common.refused(ctx.locale, f"slowmode {sub} by a non-admin")
    place = where_in(deps, command, ctx)
    if sub == "off":
        return _off(command, ctx, deps, place)
    settings = ctx.policy.rules.slowmode
    seconds = common.parse_duration(command.args[1]) if len(command.args) > 1 else None
    if len(command.args) > 1 and seconds is None:
        return common.private(ctx.locale, "slowmode.usage", prefix=prefix)
    minutes = min(
        max(round((seconds or settings.default_minutes * MINUTE) / MINUTE), 1), settings.max_minutes
    )
    current = SlowModes(deps.store).get(command.gid)
    now = ctx.now
    offset = ctx.policy.jobs.utc_offset_hours
    if current is not None and current.until > now:
        mode = dataclasses.replace(current, until=now + minutes * MINUTE)
        begin(deps.store, ctx.policy, mode, now, was_until=current.until)
        actions = notice(place, deps, "slowmode.notice.extended", now, until=local_clock(mode.until, offset))
    else:
        mode = SlowMode(
            gid=command.gid,
            chat=command.chat,
            ref=common.short_ref("W", command),
            since=now,
            until=now + minutes * MINUTE,
            seconds=settings.seconds_per_message,
            by=command.user,
        )
        begin(deps.store, ctx.policy, mode, now)
        actions = starting(mode, place, ctx.policy, deps, now)
    done = t(ctx.locale, "slowmode.done.on", until=local_clock(mode.until, offset), seconds=mode.seconds)
    if not deps.messenger(command.platform).capabilities.allows(Capability.SEE_ALL_MESSAGES):
        done += "\n" + t(ctx.locale, "slowmode.done.mentions_only")
    return common.decided(*actions, Reply(text=done, private=True, reason="slowmode.on"))


def _off(command: CommandIssued, ctx: Context, deps: Deps, place: Where[Event]) -> Decision:
    current = SlowModes(deps.store).get(command.gid)
    if current is None or not finish(deps.store, ctx.policy, current, ctx.now):
        return common.private(ctx.locale, "slowmode.not_on")
    actions = ending(current, place, deps, ctx.now, key="slowmode.notice.ended_by", by=command.user)
    done = Reply(text=t(ctx.locale, "slowmode.done.off"), private=True, reason="slowmode.off")
    return common.decided(*actions, done)


def _status(command: CommandIssued, ctx: Context, deps: Deps) -> Decision:
    current = SlowModes(deps.store).get(command.gid)
    if current is None or current.until <= ctx.now:
        return common.private(ctx.locale, "slowmode.status.off", prefix=command_prefix(command.platform))
    until = local_clock(current.until, ctx.policy.jobs.utc_offset_hours)
    return common.private(ctx.locale, "slowmode.status.on", until=until, seconds=current.seconds)


# The admins' card -----------------------------------------------------------------------------------

KINDS = ("end", "extend", "warn")


CARD_GATE = ClickGate(
    common.CLICK_ANSWERS, kinds=KINDS, allowed=is_admin, refusal="slowmode.{kind} by a non-admin"
)


def on_card(click: CardClicked, ctx: Context, deps: Deps) -> Decision:
    opened = CARD_GATE.open(click, ctx, deps)
    if isinstance(opened, Decision):
        return opened
    sealed, gctx, located, kind = opened.sealed, opened.ctx, opened.located, opened.kind
    mode = SlowModes(deps.store).get(located.gid)
    now = gctx.now
    if mode is None or mode.ref != sealed.ref or mode.until <= now:
        if kind == "end":
            return Decision()  # ended already (by this card, a command or the clock): nothing to do
        return common.click_answer(click, gctx.locale, "slowmode.over")
    place = where_in(deps, located, gctx)
    policy = gctx.policy
    offset = policy.jobs.utc_offset_hours
    acting_chat = common.acting(sealed.chat, click)
    if kind == "end":
        if not finish(deps.store, policy, mode, now):
            return Decision()
        by = name_of(click, click.user, deps)
        actions = ending(mode, place, deps, now, key="slowmode.notice.ended_by", by=by)
        line = t(gctx.locale, "workflows.handled", by=by, what=t(gctx.locale, "slowmode.what.end"))
        update = common.handled(
            click,
            title=t(gctx.locale, "slowmode.card.title", group=place.label),
            line=line,
            fallback_id=f"slow:{mode.ref}",
            reason="slowmode.handled",
        )
        return common.decided(*actions, update, acting_chat=acting_chat)
    repo = SlowModes(deps.store)
    if not repo.mark(mode, "extended" if kind == "extend" else "warned"):
        return Decision()  # a second click does nothing
    if kind == "extend":
        limit = mode.since + policy.rules.slowmode.max_minutes * MINUTE
        longer = dataclasses.replace(
            mode,
            until=min(mode.until + policy.rules.slowmode.default_minutes * MINUTE, max(limit, mode.until)),
            extended=True,
        )
        begin(deps.store, policy, longer, now)
        until = local_clock(longer.until, offset)
        actions = notice(place, deps, "slowmode.notice.extended", now, until=until)
        what = t(gctx.locale, "slowmode.what.extend", until=until)
        return common.decided(
            *actions,
            _still_open(click, longer, place, policy, deps, what=what),
            acting_chat=acting_chat,
        )
    warnings = _warnings(click, mode)
    members = " / ".join(map(common.namer(click, deps), mode.members))
    what = t(gctx.locale, "slowmode.what.warn", members=members)
    updated = dataclasses.replace(mode, warned=True)
    actions = [
        SendDirect(
            user=user,
            text=t(
                gctx.locale,
                "member.warned",
                group=place.label,
                reason=rule_label(gctx.locale, "heated"),
                appeal=appeal_command(click, gctx.locale, ref),
            ),
            reason="slowmode.warn",
        )
        for ref, user in warnings
    ]
    return common.decided(
        *actions,
        _still_open(click, updated, place, policy, deps, what=what),
        facts=(ExchangeWarned(mode.chat, tuple(Warned(ref, user) for ref, user in warnings)),),
        acting_chat=acting_chat,
    )


def _warnings(click: CardClicked, mode: SlowMode) -> list[tuple[str, str]]:
    """A case ref per member warned: from the click and the member, so a redelivered click makes the same."""
    return [
        (hashlib.sha256(f"{click.platform}#{click.claim_key}#{member}".encode()).hexdigest()[:16], member)
        for member in mode.members
    ]


def _still_open(
    click: CardClicked, mode: SlowMode, place: Where[Event], policy: GroupPolicy, deps: Deps, *, what: str
) -> UpdateCard:
    """The card after Extend or Warn: who did what, and the buttons not used yet."""
    card = admin_card(mode, place, policy, platform=click.platform, detail={}, name=common.namer(click, deps))
    left = tuple(
        button
        for button in card.buttons
        if not (button.action.endswith(".extend") and mode.extended)
        and not (button.action.endswith(".warn") and mode.warned)
    )
    line = t(place.locale, "workflows.handled", by=name_of(click, click.user, deps), what=what)
    shown = dataclasses.replace(card, body=line, buttons=left)
    sealed = seal_card(shown, click, deps.settings, prefix=PREFIX, chat=mode.chat)
    return UpdateCard(
        card=sealed,
        card_ref=click.card_id,
        response_token=click.response_token,
        user=click.user,
        reason="slowmode.handled",
    )


# After the actions -----------------------------------------------------------------------------------


def record_start(started: SlowModeStarted, done: Recording) -> None:
    """A slow mode a heated exchange started begins now (its record and stamps)."""
    ctx, decision, deps = done.ctx, done.decision, done.deps
    if not decision.shadow:
        begin(deps.store, ctx.policy, SlowMode.of(started.mode), ctx.now)


def record_warnings(warned: ExchangeWarned, done: Recording) -> None:
    """Members warned from the card get their case and points, as `warn @member` gives."""
    event, ctx, deps = done.event, done.ctx, done.deps
    chat = warned.chat
    gid = f"{event.platform}:{event.tenant}:{chat}"
    cases = CaseRepo(deps.store)
    for entry in warned.warned:
        user = entry.user
        uid = event.uid(user)
        member = deps.store.get_member(gid, uid)
        cases.open(
            gid=gid,
            uid=uid,
            ref=entry.ref,
            data={
                "user": user,
                "chat": chat,
                "source": "admin",
                "actor": str(getattr(event, "user", "")),
                "rule": "heated",
                "rules": ["heated"],
                "reason": "slowmode.warn",
                "points": WARN_POINTS,
                "state": "closed",
                "outcome": "warned",
                "policy_revision": ctx.policy.revision,
            },
            at=ctx.now,
            retention_days=int(ctx.policy.retention.get("cases", 365)),
            points={"total": (member.points if member else 0.0) + WARN_POINTS, "at": ctx.now},
        )


# The five-minute pass --------------------------------------------------------------------------------


def sweep(deps: Deps, now: float) -> dict[str, int]:
    """End the slow modes that are over (a notice, the stamps cleared, the members' mutes lifted) and keep
    the window items of the ones still on stamped ahead."""
    from chalicelib.kernel.act import carry_out
    from chalicelib.kernel.where import job_where

    ended = kept = 0
    for mode in SlowModes(deps.store).on():
        place = job_where(deps, mode.gid, job="slowmode", key=f"{mode.ref}-{int(mode.until)}", now=now)
        policy = place.ctx.policy
        if mode.until > now:
            stamp(
                deps.store,
                policy,
                mode.gid,
                start=now,
                through=min(mode.until, now + STAMP_AHEAD_SECONDS),
                mode=mode,
            )
            kept += 1
            continue
        if not finish(deps.store, policy, mode, now):
            continue
        actions = ending(mode, place, deps, now, key="slowmode.notice.ended")
        carry_out(deps, place, actions, what="SlowModeEnded", key=f"{mode.ref}-{int(mode.until)}")
        ended += 1
    return {"slowmodes_ended": ended, "slowmodes_kept": kept}
