"""`remind on|off|status`: a member turns the reminder of their unanswered mentions (R5.2) off or on for
themselves, in all their groups on that messenger and workspace; in a group or in a direct message to the
bot. Any member, for themselves only. In a group where the reminder cannot work (the bot does not see
every message there: WeCom, DingTalk) the answer says so.
"""

from __future__ import annotations

from chalicelib.core.actions import Decision, Reply
from chalicelib.core.events import CommandIssued
from chalicelib.i18n import t
from chalicelib.jobs.activity import log_used
from chalicelib.kernel.commands import command_prefix
from chalicelib.kernel.context import Context
from chalicelib.kernel.deps import Deps
from chalicelib.workflows import common
from chalicelib.workflows.mention_records import MentionRecords

OFF = frozenset({"off", "关", "關", "关闭", "關閉"})
ON = frozenset({"on", "开", "開", "开启", "開啟"})
STATUS = frozenset({"status", "状态", "狀態"})


def on_command(command: CommandIssued, ctx: Context, deps: Deps) -> Decision:
    prefix = command_prefix(command.platform)
    word = command.args[0].lower() if command.args else "status"
    records = MentionRecords(deps.store)
    uid = command.uid(command.user)
    if word in OFF:
        records.opt_out(uid, ctx.now)
        key = "workflows.mentions.off"
    elif word in ON:
        records.opt_in(uid)
        key = "workflows.mentions.on"
    elif word in STATUS:
        key = "workflows.mentions.status.off" if records.opted_out(uid) else "workflows.mentions.status.on"
    else:
        return common.private(ctx.locale, "workflows.mentions.usage", prefix=prefix)
    text = t(ctx.locale, key, prefix=prefix)
    if command.chat and not command.direct and not _works_here(command, ctx, deps):
        text += "\n" + t(ctx.locale, "workflows.mentions.unavailable")
    return Decision.of(Reply(text=text, private=True, reason=key))


def _works_here(command: CommandIssued, ctx: Context, deps: Deps) -> bool:
    return ctx.policy.workflows.mentions.enabled and log_used(command.gid, ctx.policy, deps)
