"""Polls (R8.3): a question with two to six options, one vote per member, closed by its creator, an admin
or its deadline, with the results posted to the group.

    poll [--closes 2d] "<question>" <option> <option> ...
    poll results [ref]
    poll close <ref>

Each vote is its own item, written only if absent: a member votes once, and a second click does nothing.
Policy revisions gather opinions with the same poll (`chalicelib.workflows.revisions`).
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from chalicelib.authz import is_admin
from chalicelib.core.actions import Action, Decision, Reply
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
from chalicelib.workflows.common import DAY, HOUR, ArgumentError
from chalicelib.workflows.timers import Timer, Timers

KIND = "poll"
VOTE = "poll.vote"
KEEP_DAYS = 365
_QUOTES = str.maketrans({"“": '"', "”": '"', "「": '"', "」": '"', "‘": "'", "’": "'"})


@dataclass(frozen=True)
class Poll:
    ref: str
    gid: str
    chat: str
    by: str
    at: float
    question: str
    options: tuple[str, ...]
    closes_at: float
    state: str = "open"  # open | closed
    source: str = ""  # the revision it gathers opinions on

    def data(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "gid": self.gid,
            "chat": self.chat,
            "by": self.by,
            "at": self.at,
            "question": self.question,
            "options": list(self.options),
            "closes_at": self.closes_at,
            "state": self.state,
            "source": self.source,
        }

    @staticmethod
    def of(data: Mapping[str, Any]) -> Poll:
        return Poll(
            ref=str(data["ref"]),
            gid=str(data["gid"]),
            chat=str(data["chat"]),
            by=str(data["by"]),
            at=float(data["at"]),
            question=str(data["question"]),
            options=tuple(str(option) for option in data["options"]),
            closes_at=float(data["closes_at"]),
            state=str(data.get("state", "open")),
            source=str(data.get("source", "")),
        )


# Pure ------------------------------------------------------------------------------------------------


def parse(text: str, max_options: int) -> tuple[str, tuple[str, ...]]:
    """The question and the options from `"question" a b "c d"` (straight, curly or corner quotes).
    Raises ArgumentError for unbalanced quotes, fewer than two or more than `max_options` options, or
    an option given twice."""
    try:
        words = shlex.split(text.translate(_QUOTES))
    except ValueError as exc:
        raise ArgumentError(str(exc)) from None
    if len(words) < 3:
        raise ArgumentError("a question and at least two options")
    question, options = words[0], tuple(words[1:])
    if len(options) > max_options or len(set(options)) != len(options):
        raise ArgumentError("too many options, or one given twice")
    return question, options


def tally(poll: Poll, votes: Mapping[str, int]) -> list[tuple[str, int]]:
    """Each option with its number of votes, in the poll's order."""
    counts = [0] * len(poll.options)
    for choice in votes.values():
        if 0 <= choice < len(counts):
            counts[choice] += 1
    return list(zip(poll.options, counts, strict=True))


def results_text(poll: Poll, votes: Mapping[str, int], locale: str) -> str:
    counted = tally(poll, votes)
    total = sum(count for _, count in counted)
    lines = [t(locale, "workflows.poll.results", ref=poll.ref, question=poll.question, total=total)]
    for option, count in counted:
        share = round(100 * count / total) if total else 0
        lines.append(f"• {option}: {count} ({share}%)")
    return "\n".join(lines)


def card(poll: Poll, locale: str, platform: str, *, offset_hours: float = 8.0) -> Card:
    return Card(
        card_id=f"poll-{poll.ref}",
        title=t(locale, "workflows.poll.card.title", ref=poll.ref),
        body=poll.question,
        buttons=tuple(
            Button(option, VOTE, f"{poll.ref}:{index}") for index, option in enumerate(poll.options)
        ),
        fields=((t(locale, "workflows.poll.field.closes"), common.when(poll.closes_at, offset_hours)),),
        footer=t(locale, "workflows.poll.footer", prefix=command_prefix(platform), ref=poll.ref),
    )


# The repository ---------------------------------------------------------------------------------------


class Polls:
    def __init__(self, store: Store) -> None:
        self.store = store

    def create(self, poll: Poll) -> bool:
        expires = int(poll.at + KEEP_DAYS * DAY)
        item = Item(keys.group_pk(poll.gid), keys.poll_sk(poll.ref), poll.data(), expires_at=expires)
        if not self.store.put_item(item, if_absent=True):
            return False
        self.store.put_item(Item(keys.group_pk(poll.gid), keys.latest_sk(KIND), {"ref": poll.ref}))
        return True

    def get(self, gid: str, ref: str) -> Poll | None:
        item = self.store.get_item(keys.group_pk(gid), keys.poll_sk(ref))
        return None if item is None else Poll.of(item.data)

    def latest(self, gid: str) -> str | None:
        item = self.store.get_item(keys.group_pk(gid), keys.latest_sk(KIND))
        return None if item is None else str(item.data.get("ref", "")) or None

    def vote(self, poll: Poll, uid: str, user: str, choice: int, at: float) -> bool:
        """True for a member's first vote; False for any later one."""
        item = Item(
            keys.group_pk(poll.gid),
            keys.poll_vote_sk(poll.ref, uid),
            {"user": user, "choice": choice, "at": at},
            expires_at=int(poll.at + KEEP_DAYS * DAY),
        )
        return self.store.put_item(item, if_absent=True)

    def votes(self, poll: Poll) -> dict[str, int]:
        items = self.store.query_items(keys.group_pk(poll.gid), prefix=keys.poll_votes_prefix(poll.ref))
        return {str(item.data["user"]): int(item.data["choice"]) for item in items}

    def close(self, poll: Poll, *, by: str, at: float) -> bool:
        return self.store.update_item(
            keys.group_pk(poll.gid),
            keys.poll_sk(poll.ref),
            {"state": "closed", "closed_by": by, "closed_at": at},
            expect={"state": "open"},
        )


# Opening, voting, closing -----------------------------------------------------------------------------


def open_poll(deps: Deps, event: Event, place: Where[Event], poll: Poll) -> list[Action]:
    """Store the poll, set its closing timer, and post its card to the group (or to each member)."""
    if Polls(deps.store).create(poll):
        Timers(deps.store).set(Timer(poll.gid, KIND, poll.ref, poll.closes_at, 0))
    shown = common.sealed(
        card(poll, place.locale, place.platform, offset_hours=place.offset_hours),
        deps,
        platform=event.platform,
        tenant=event.tenant,
        chat=place.chat,
    )
    audience = () if place.can_post else common.members(deps, place.gid, poll.at)
    return [common.card_to_group(place, shown, audience, reason="workflows.poll.opened")]


def on_command(command: CommandIssued, ctx: Context, deps: Deps) -> Decision:
    prefix = command_prefix(command.platform)
    if not command.chat or command.direct:
        return common.private(ctx.locale, "workflows.need_group", prefix=prefix)
    sub = command.args[0].lower() if command.args else ""
    if sub == "results" and len(command.args) <= 2:
        return _results(command, ctx, deps)
    if sub == "close" and len(command.args) == 2:
        return _close(command, ctx, deps)
    settings = ctx.policy.workflows.polls
    try:
        parsed = common.leading_flags(command.args, durations=("closes",))
        question, options = parse(common.text_after(command, parsed.consumed), settings.max_options)
    except ArgumentError:
        return common.private(ctx.locale, "workflows.poll.usage", prefix=prefix, max=settings.max_options)
    place = where_in(deps, command, ctx)
    poll = Poll(
        ref=common.short_ref("V", command),
        gid=command.gid,
        chat=command.chat,
        by=command.user,
        at=ctx.now,
        question=question,
        options=options,
        closes_at=ctx.now + float(parsed.flags.get("closes", settings.hours * HOUR)),
    )
    done = Reply(
        text=t(ctx.locale, "workflows.poll.opened", ref=poll.ref, prefix=prefix),
        private=True,
        reason="workflows.poll.opened",
    )
    return common.decided(*open_poll(deps, command, place, poll), done)


def _find(command: CommandIssued, deps: Deps, ref: str | None) -> Poll | None:
    repo = Polls(deps.store)
    ref = ref or repo.latest(command.gid)
    return repo.get(command.gid, ref.upper()) if ref else None


def _results(command: CommandIssued, ctx: Context, deps: Deps) -> Decision:
    poll = _find(command, deps, command.args[1] if len(command.args) > 1 else None)
    if poll is None:
        return common.private(ctx.locale, "workflows.poll.missing")
    text = results_text(poll, Polls(deps.store).votes(poll), ctx.locale)
    return Decision.of(Reply(text=text, private=True, reason="workflows.poll.results"))


def _close(command: CommandIssued, ctx: Context, deps: Deps) -> Decision:
    poll = _find(command, deps, command.args[1])
    if poll is None:
        return common.private(ctx.locale, "workflows.poll.missing")
    if command.user != poll.by and not is_admin(command, command.user, ctx, deps):
        return common.refused(ctx.locale, "poll closed by neither its creator nor an admin")
    actions = closing(deps, poll, where_in(deps, command, ctx), by=command.user, now=ctx.now)
    if not actions:
        return common.private(ctx.locale, "workflows.poll.closed", ref=poll.ref)
    return common.decided(*actions)


def closing(deps: Deps, poll: Poll, place: Where[Event], *, by: str, now: float) -> list[Action]:
    """Close the poll once and post its results; nothing if it was already closed."""
    repo = Polls(deps.store)
    if not repo.close(poll, by=by, at=now):
        return []
    Timers(deps.store).clear(poll.gid, KIND, poll.ref)
    text = results_text(replace(poll, state="closed"), repo.votes(poll), place.locale)
    audience = () if place.can_post else common.members(deps, place.gid, now)
    return common.to_group(place, text, audience, reason="workflows.poll.closed")


CARD_GATE = ClickGate(common.CLICK_ANSWERS, kinds=("vote",))


def on_card(click: CardClicked, ctx: Context, deps: Deps) -> Decision:
    opened = CARD_GATE.open(click, ctx, deps)
    if isinstance(opened, Decision):
        return opened
    gctx = opened.ctx
    ref, _, index = opened.ref.partition(":")
    poll = Polls(deps.store).get(opened.located.gid, ref)
    if poll is None or not index.isdigit() or int(index) >= len(poll.options):
        return common.click_answer(click, gctx.locale, "workflows.poll.missing")
    if poll.state != "open" or gctx.now >= poll.closes_at:
        return common.click_answer(click, gctx.locale, "workflows.poll.closed", ref=poll.ref)
    if not Polls(deps.store).vote(poll, click.uid(click.user), click.user, int(index), gctx.now):
        return Decision()  # one vote per member: a second click does nothing
    return common.click_answer(click, gctx.locale, "workflows.poll.voted", option=poll.options[int(index)])


# The reminders job's part -----------------------------------------------------------------------------


def due(deps: Deps, timer: Timer, place: Where[Event], now: float) -> tuple[list[Action], Timer | None, str]:
    poll = Polls(deps.store).get(timer.gid, timer.ref)
    if poll is None or poll.state != "open":
        return [], None, "skipped"
    return closing(deps, poll, place, by="qunguan", now=now), None, "closed"
