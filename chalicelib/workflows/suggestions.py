"""The suggestions box (R4.11, R8.2): members give feedback on the group's information and management; the
admins get each suggestion on a card and answer it once (noted, or will act on it), and the member is told.

    suggest [--anonymous] <text>     any member; with --anonymous the admins never see who wrote it
    suggest list                     the admins: suggestions not answered yet
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib.authz import admins_of, is_admin
from chalicelib.core.actions import Decision, PostCard, Reply, SendDirect
from chalicelib.core.cards import Button, Card
from chalicelib.core.events import CardClicked, CommandIssued
from chalicelib.i18n import t
from chalicelib.kernel.clicks import ClickGate
from chalicelib.kernel.commands import command_prefix
from chalicelib.kernel.context import Context
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.people import name_of
from chalicelib.store import keys
from chalicelib.store.base import Store
from chalicelib.store.records import Item
from chalicelib.workflows import common
from chalicelib.workflows.common import DAY, ArgumentError

KEEP_DAYS = 365
ANSWERS = {"noted": "noted", "accept": "accepted"}
MAX_LISTED = 20


@dataclass(frozen=True)
class Suggestion:
    ref: str
    gid: str
    user: str  # kept to tell them the answer; never shown when anonymous
    at: float
    text: str
    anonymous: bool = False
    state: str = "open"  # open | noted | accepted

    def data(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "gid": self.gid,
            "user": self.user,
            "at": self.at,
            "text": self.text,
            "anonymous": self.anonymous,
            "state": self.state,
        }

    @staticmethod
    def of(data: Mapping[str, Any]) -> Suggestion:
        return Suggestion(
            ref=str(data["ref"]),
            gid=str(data["gid"]),
            user=str(data["user"]),
            at=float(data["at"]),
            text=str(data["text"]),
            anonymous=bool(data.get("anonymous", False)),
            state=str(data.get("state", "open")),
        )


class Suggestions:
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, suggestion: Suggestion) -> bool:
        item = Item(
            keys.group_pk(suggestion.gid),
            keys.suggestion_sk(suggestion.ref),
            suggestion.data(),
            expires_at=int(suggestion.at + KEEP_DAYS * DAY),
        )
        return self.store.put_item(item, if_absent=True)

    def get(self, gid: str, ref: str) -> Suggestion | None:
        item = self.store.get_item(keys.group_pk(gid), keys.suggestion_sk(ref))
        return None if item is None else Suggestion.of(item.data)

    def answer(self, suggestion: Suggestion, state: str, *, by: str, at: float) -> bool:
        return self.store.update_item(
            keys.group_pk(suggestion.gid),
            keys.suggestion_sk(suggestion.ref),
            {"state": state, "answered_by": by, "answered_at": at},
            expect={"state": "open"},
        )

    def open(self, gid: str) -> list[Suggestion]:
        found = (
            Suggestion.of(item.data)
            for item in self.store.query_items(keys.group_pk(gid), prefix=keys.SUGGESTIONS_PREFIX)
        )
        return sorted((s for s in found if s.state == "open"), key=lambda s: -s.at)


def author(suggestion: Suggestion, locale: str) -> str:
    return t(locale, "workflows.suggest.anonymous") if suggestion.anonymous else suggestion.user


def card(suggestion: Suggestion, locale: str) -> Card:
    return Card(
        card_id=f"sug-{suggestion.ref}",
        title=t(locale, "workflows.suggest.card.title", ref=suggestion.ref),
        body=suggestion.text,
        fields=((t(locale, "workflows.suggest.field.from"), author(suggestion, locale)),),
        buttons=(
            Button(t(locale, "workflows.suggest.button.noted"), "sug.noted", suggestion.ref),
            Button(t(locale, "workflows.suggest.button.accept"), "sug.accept", suggestion.ref, "primary"),
        ),
    )


def on_command(command: CommandIssued, ctx: Context, deps: Deps) -> Decision:
    prefix = command_prefix(command.platform)
    if not command.chat or command.direct:
        return common.private(ctx.locale, "workflows.need_group", prefix=prefix)
    if command.args == ("list",):
        return _list(command, ctx, deps)
    try:
        parsed = common.leading_flags(command.args, switches=("anonymous",))
    except ArgumentError:
        return common.private(ctx.locale, "workflows.suggest.usage", prefix=prefix)
    text = common.text_after(command, parsed.consumed)
    if not text:
        return common.private(ctx.locale, "workflows.suggest.usage", prefix=prefix)
    suggestion = Suggestion(
        ref=common.short_ref("S", command),
        gid=command.gid,
        user=command.user,
        at=ctx.now,
        text=text,
        anonymous=bool(parsed.flags.get("anonymous")),
    )
    Suggestions(deps.store).add(suggestion)
    admins = tuple(admin for admin in admins_of(ctx, command) if admin != command.user)
    shown = common.sealed(
        card(suggestion, ctx.locale),
        deps,
        platform=command.platform,
        tenant=command.tenant,
        chat=command.chat,
    )
    thanks = Reply(
        text=t(ctx.locale, "workflows.suggest.thanks", ref=suggestion.ref),
        private=True,
        reason="workflows.suggest.thanks",
    )
    if not admins:
        return Decision.of(thanks)
    return common.decided(PostCard(card=shown, users=admins, reason="workflows.suggest"), thanks)


def _list(command: CommandIssued, ctx: Context, deps: Deps) -> Decision:
    if not is_admin(command, command.user, ctx, deps):
        return common.refused(ctx.locale, "suggestions listed by a non-admin")
    found = Suggestions(deps.store).open(command.gid)
    if not found:
        return common.private(ctx.locale, "workflows.suggest.none")
    lines = [t(ctx.locale, "workflows.suggest.list", count=len(found))]
    lines += [f"{s.ref} {author(s, ctx.locale)}: {s.text[:80]}" for s in found[:MAX_LISTED]]
    return Decision.of(Reply(text="\n".join(lines), private=True, reason="workflows.suggest.list"))


CARD_GATE = ClickGate(
    common.CLICK_ANSWERS, kinds=ANSWERS, allowed=is_admin, refusal="suggestion by a non-admin"
)


def on_card(click: CardClicked, ctx: Context, deps: Deps) -> Decision:
    opened = CARD_GATE.open(click, ctx, deps)
    if isinstance(opened, Decision):
        return opened
    sealed, gctx = opened.sealed, opened.ctx
    repo = Suggestions(deps.store)
    suggestion = repo.get(opened.located.gid, sealed.ref)
    if suggestion is None:
        return common.click_answer(click, gctx.locale, "workflows.suggest.missing")
    state = ANSWERS[opened.kind]
    if not repo.answer(suggestion, state, by=click.user, at=gctx.now):
        return common.click_answer(click, gctx.locale, "workflows.suggest.already", ref=suggestion.ref)
    locale = gctx.locale
    what = t(locale, f"workflows.suggest.what.{state}")
    told = SendDirect(
        user=suggestion.user,
        text=t(locale, f"workflows.suggest.answer.{state}", ref=suggestion.ref),
        reason=f"workflows.suggest.{state}",
    )
    update = common.handled(
        click,
        title=t(locale, "workflows.suggest.card.title", ref=suggestion.ref),
        line=t(locale, "workflows.handled", by=name_of(click, click.user, deps), what=what),
        fallback_id=f"sug-{suggestion.ref}",
        reason="workflows.suggest.handled",
    )
    return common.decided(told, update, acting_chat=common.acting(sealed.chat, click))
