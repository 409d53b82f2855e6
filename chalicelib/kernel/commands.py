"""Commands: `/qg <name> ...` on Slack, `@bot <name> ...` everywhere. This module recognises them and
holds the core ones (`help`, `help <command>`); the other domains add theirs through
`chalicelib.worker.registry`. How each is used is `chalicelib.kernel.usage`.

What is not a command gets a private answer: a near miss the command it likely meant, chatter addressed
to the bot a short pointer to help. On WeCom and DingTalk a "private" reply to a group message would go
to the group (the reply URL posts there), so these go as a direct message instead."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from chalicelib.core.actions import Action, Decision, Reply, SendDirect
from chalicelib.core.events import CommandIssued, Event, MessagePosted
from chalicelib.i18n import catalogue, t
from chalicelib.kernel.context import Context
from chalicelib.kernel.deps import Deps

if TYPE_CHECKING:
    from chalicelib.kernel.executor import ActionResult

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
    """`help`, or `help <command>`: what it does, its usage and an example."""
    from chalicelib.kernel import usage

    prefix = command_prefix(command.platform)
    asked = command.args[0].lower().lstrip("/") if command.args else ""
    if asked and usage.known(asked):
        text = usage.command_help(asked, prefix, ctx.locale)
        return Decision.of(Reply(text=text, private=True, reason="help.command"))
    if asked:
        return unknown(replace(command, name=asked), ctx, deps)
    text = f"{t(ctx.locale, 'help.title')}\n{t(ctx.locale, 'help.body', prefix=prefix)}"
    return Decision.of(Reply(text=text, private=True, reason="help"))


def unknown(command: CommandIssued, ctx: Context, deps: Deps) -> Decision:
    """Not a command: the one it likely meant, or (said to the bot in a message) a pointer to help."""
    from chalicelib.kernel import usage

    prefix = command_prefix(command.platform)
    name = command.name[:40]
    suggestion = usage.nearest(name, list(usage.USAGE))
    if suggestion is not None:
        line = usage.usage_line(suggestion, prefix, ctx.locale)
        text = t(ctx.locale, "help.did_you_mean", name=name, suggestion=suggestion, usage=line)
        return Decision.of(privately(command, text, "command.unknown"))
    key = "help.chatter" if said_in_a_message(command) else "command.unknown"
    text = t(ctx.locale, key, name=name, prefix=prefix)
    return Decision.of(privately(command, text, key))


def missing_arguments(command: CommandIssued, ctx: Context) -> Decision:
    """A command that needs arguments and got none: its usage and an example."""
    from chalicelib.kernel import usage

    prefix = command_prefix(command.platform)
    text = t(
        ctx.locale,
        "help.missing",
        usage=usage.usage_line(command.name, prefix, ctx.locale),
        example=usage.example_line(command.name, prefix, ctx.locale),
    )
    return Decision.of(privately(command, text, "help.missing"))


def said_in_a_message(command: CommandIssued) -> bool:
    """An @-mention or a direct message read as a command (`as_command`), not Slack's slash command
    (which always comes with its response_url): words said to the bot, perhaps no command at all."""
    return command.platform != "slack" or command.reply_url is None


def failure_notice(
    event: Event, ctx: Context, actions: tuple[Action, ...], results: tuple[ActionResult, ...]
) -> Action | None:
    """Nothing silent: when an action of a command failed for good (not to be retried), whoever gave the
    command is told what could not be done and why, in their language."""
    command = as_command(event)
    if command is None:
        return None
    failed = [
        result
        for action, result in zip(actions, results, strict=False)
        if result.status == "failed" and not result.retryable and not isinstance(action, Reply)
    ]
    if not failed:
        return None
    names = []
    for result in failed:
        key = f"action.{result.action}"
        names.append(t(ctx.locale, key) if key in catalogue() else result.action)
    why = "; ".join(dict.fromkeys(result.detail[:120] for result in failed if result.detail)) or "-"
    text = t(ctx.locale, "command.failed", what="、".join(dict.fromkeys(names)), why=why)
    return privately(command, text, "command.failed")


def privately(command: CommandIssued, text: str, reason: str) -> Action:
    """An answer only the sender sees: an ephemeral reply on Slack and in direct messages; elsewhere a
    direct message, since a reply to a group message lands in the group."""
    if command.chat and not command.direct and command.platform != "slack":
        return SendDirect(user=command.user, text=text, reason=reason)
    return Reply(text=text, private=True, reason=reason)


COMMANDS = {"help": show_help}
