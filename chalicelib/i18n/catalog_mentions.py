"""R5.2: the private reminder of an unanswered mention, and `remind on|off`."""

from __future__ import annotations


def _m(zh_cn: str, zh_tw: str, en: str) -> dict[str, str]:
    return {"zh-CN": zh_cn, "zh-TW": zh_tw, "en": en}


MESSAGES: dict[str, dict[str, str]] = {
    "jobs.title.mentions": _m("未回复提及的提醒", "未回覆提及的提醒", "Unanswered mentions"),
    # The reminder: never the message's text (the log keeps none), only who, where and when.
    "workflows.mentions.remind.head": _m(
        "⏰ 在群「{group}」里有人在等你回复：",
        "⏰ 在群「{group}」裡有人在等你回覆：",
        "⏰ Someone in “{group}” is waiting for your answer:",
    ),
    "workflows.mentions.remind.mention": _m(
        "• {who} 在 {when} @了你",
        "• {who} 在 {when} @了你",
        "• {who} mentioned you at {when}",
    ),
    "workflows.mentions.remind.question": _m(
        "• {who} 在 {when} 回复你的消息提了问题",
        "• {who} 在 {when} 回覆你的訊息提了問題",
        "• {who} asked a question in reply to your message at {when}",
    ),
    "workflows.mentions.remind.foot": _m(
        "在群里回复后就不会再提醒。不想收到这类提醒：{prefix} remind off",
        "在群裡回覆後就不會再提醒。不想收到這類提醒：{prefix} remind off",
        "Once you answer in the group you won't be reminded again. To stop these reminders: "
        "{prefix} remind off",
    ),
    # `remind on|off|status`
    "workflows.mentions.off": _m(
        "好的，不会再私信提醒你未回复的提及。想恢复时发送 {prefix} remind on。",
        "好的，不會再私訊提醒你未回覆的提及。想恢復時傳送 {prefix} remind on。",
        "Done: you won't be reminded of unanswered mentions any more. {prefix} remind on turns them back on.",
    ),
    "workflows.mentions.on": _m(
        "好的，有人 @你而你还没回复时，我会私信提醒你（每天有上限，夜间不打扰）。",
        "好的，有人 @你而你還沒回覆時，我會私訊提醒你（每天有上限，夜間不打擾）。",
        "Done: when someone mentions you and you haven't answered, I'll remind you privately (a few a day "
        "at most, never at night).",
    ),
    "workflows.mentions.status.on": _m(
        "未回复提及的提醒：开启。关闭：{prefix} remind off",
        "未回覆提及的提醒：開啟。關閉：{prefix} remind off",
        "Reminders of unanswered mentions: on. To turn them off: {prefix} remind off",
    ),
    "workflows.mentions.status.off": _m(
        "未回复提及的提醒：已关闭。开启：{prefix} remind on",
        "未回覆提及的提醒：已關閉。開啟：{prefix} remind on",
        "Reminders of unanswered mentions: off. To turn them on: {prefix} remind on",
    ),
    "workflows.mentions.usage": _m(
        "用法：{prefix} remind on｜off｜status（有人 @你而你未回复时的私信提醒）",
        "用法：{prefix} remind on｜off｜status（有人 @你而你未回覆時的私訊提醒）",
        "Usage: {prefix} remind on | off | status (a private reminder when a mention of you is unanswered)",
    ),
    "workflows.mentions.unavailable": _m(
        "注意：在这个群里我只能看到 @我的消息，看不出谁已回复，所以这里不会发送这类提醒。",
        "注意：在這個群裡我只能看到 @我的訊息，看不出誰已回覆，所以這裡不會傳送這類提醒。",
        "Note: in this group I see only the messages that mention me, so I can't tell who answered; no such "
        "reminders are sent here.",
    ),
}
