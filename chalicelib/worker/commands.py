"""Commands: `/qg <name> ...` on Slack, `@bot <name> ...` everywhere. Handlers are plain functions
routed by a dict; each returns a Decision and does no I/O."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from chalicelib.core.actions import Decision, Reply
from chalicelib.core.events import CommandIssued, Event, MessagePosted
from chalicelib.i18n import t
from chalicelib.worker.context import Context

HELP_WORDS = frozenset({"help", "帮助", "幫助", "?", "？", "h"})

Handler = Callable[[CommandIssued, Context], Decision]


def command_prefix(platform: str) -> str:
    return "/qg" if platform == "slack" else "@qunguan"


def as_command(event: Event) -> CommandIssued | None:
    """`@bot help` (or a direct message to the bot) read as the command it names."""
    if isinstance(event, CommandIssued):
        return event
    if not isinstance(event, MessagePosted) or not (event.mentions_bot or event.direct):
        return None
    words = event.text.split()
    name = words[0].lower() if words else "help"
    if name in HELP_WORDS:
        name = "help"
    return CommandIssued(
        platform=event.platform,
        tenant=event.tenant,
        event_id=event.event_id,
        occurred_at=event.occurred_at,
        chat=event.chat,
        user=event.user,
        name=name,
        args=tuple(words[1:]),
        text=event.text,
        reply_url=event.reply_url,
        direct=event.direct,
    )


def show_help(command: CommandIssued, ctx: Context) -> Decision:
    prefix = command_prefix(command.platform)
    text = f"{t(ctx.locale, 'help.title')}\n{t(ctx.locale, 'help.body', prefix=prefix)}"
    return Decision.of(Reply(text=text, private=True, reason="help"))


def unknown(command: CommandIssued, ctx: Context) -> Decision:
    prefix = command_prefix(command.platform)
    text = t(ctx.locale, "command.unknown", name=command.name[:40], prefix=prefix)
    return Decision.of(Reply(text=text, private=True, reason="command.unknown"))


HANDLERS: dict[str, Handler] = {"help": show_help}


def handle(command: CommandIssued, ctx: Context) -> Decision:
    name = "help" if command.name.lower() in HELP_WORDS else command.name.lower()
    return HANDLERS.get(name, unknown)(replace(command, name=name), ctx)
