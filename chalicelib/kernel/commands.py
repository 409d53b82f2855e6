"""Commands: `/qg <name> ...` on Slack, `@bot <name> ...` everywhere. This module recognises them and
holds the core ones (`help`); the other domains add theirs through `chalicelib.worker.registry`."""

from __future__ import annotations

from chalicelib.core.actions import Decision, Reply
from chalicelib.core.events import CommandIssued, Event, MessagePosted
from chalicelib.i18n import t
from chalicelib.kernel.context import Context
from chalicelib.kernel.deps import Deps

HELP_WORDS = frozenset({"help", "帮助", "幫助", "?", "？", "h"})


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
        mentions=event.mentions,
        reply_to=event.reply_to or event.thread,
    )


def command_name(command: CommandIssued) -> str:
    name = command.name.lower()
    return "help" if name in HELP_WORDS else name


def show_help(command: CommandIssued, ctx: Context, deps: Deps) -> Decision:
    prefix = command_prefix(command.platform)
    text = f"{t(ctx.locale, 'help.title')}\n{t(ctx.locale, 'help.body', prefix=prefix)}"
    return Decision.of(Reply(text=text, private=True, reason="help"))


def unknown(command: CommandIssued, ctx: Context, deps: Deps) -> Decision:
    prefix = command_prefix(command.platform)
    text = t(ctx.locale, "command.unknown", name=command.name[:40], prefix=prefix)
    return Decision.of(Reply(text=text, private=True, reason="command.unknown"))


COMMANDS = {"help": show_help}
