"""Corrections (R3.3, R4.1, R4.6, R4.10): an admin marks a message as wrong or unverified, and the bot posts
a correction notice that links the original.

    correct [--unverified] <message link or id> <note>
    @bot correct [--unverified] <note>                  (as a reply in the message's thread)

The original is named by its link (a permalink pasted from the messenger), by its id, or, for a command
given in a message's thread, by that thread. The notice goes into the group (or to each member the bot
knows, where it may not post there), and the correction is kept in the group's partition.
"""

from __future__ import annotations

from chalicelib.authz import is_admin
from chalicelib.core.actions import Decision, Reply
from chalicelib.core.events import CommandIssued
from chalicelib.i18n import t
from chalicelib.kernel.commands import command_prefix
from chalicelib.kernel.context import Context
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.people import name_of
from chalicelib.kernel.where import where_in
from chalicelib.store import keys
from chalicelib.store.records import Item
from chalicelib.workflows import common
from chalicelib.workflows.common import DAY, ArgumentError

KEEP_DAYS = 365


def target_and_note(command: CommandIssued, words: tuple[str, ...], consumed: int) -> tuple[str, str]:
    """(the original, the note): a command in a thread names the thread and keeps every word as the note;
    otherwise the first word names the original."""
    if command.reply_to:
        return command.reply_to, common.text_after(command, consumed)
    if not words:
        return "", ""
    return words[0], common.text_after(command, consumed + 1)


def link_of(target: str) -> str:
    """A pasted link is shown as it is; an id is quoted so people can find it."""
    return target if target.startswith(("http://", "https://")) else f"「{target}」"


def on_command(command: CommandIssued, ctx: Context, deps: Deps) -> Decision:
    prefix = command_prefix(command.platform)
    if not command.chat or command.direct:
        return common.private(ctx.locale, "workflows.need_group", prefix=prefix)
    if not is_admin(command, command.user, ctx, deps):
        return common.refused(ctx.locale, "correction by a non-admin")
    try:
        parsed = common.leading_flags(command.args, switches=("unverified",))
    except ArgumentError:
        return common.private(ctx.locale, "workflows.correct.usage", prefix=prefix)
    target, note = target_and_note(command, parsed.words, parsed.consumed)
    if not target or not note:
        return common.private(ctx.locale, "workflows.correct.usage", prefix=prefix)
    kind = "unverified" if parsed.flags.get("unverified") else "wrong"
    ref = common.short_ref("C", command)
    text = t(
        ctx.locale,
        f"workflows.correct.notice.{kind}",
        link=link_of(target),
        note=note,
        by=name_of(command, command.user, deps),
        ref=ref,
    )
    deps.store.put_item(
        Item(
            keys.group_pk(command.gid),
            keys.correction_sk(ctx.now, ref),
            {"ref": ref, "target": target, "note": note, "kind": kind, "by": command.user, "at": ctx.now},
            expires_at=int(ctx.now + KEEP_DAYS * DAY),
        )
    )
    place = where_in(deps, command, ctx)
    audience = () if place.can_post else common.members(deps, place.gid, ctx.now)
    done = t(ctx.locale, "workflows.correct.done", ref=ref)
    return common.decided(
        *common.to_group(place, text, audience, reason=f"workflows.correct.{kind}"),
        Reply(text=done, private=True, reason="workflows.correct.done"),
        audit={"correction": {"ref": ref, "target": target, "kind": kind}},
    )
