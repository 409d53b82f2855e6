"""R5.3: heated exchanges and slow mode."""

from __future__ import annotations


def _m(zh_cn: str, zh_tw: str, en: str) -> dict[str, str]:
    return {"zh-CN": zh_cn, "zh-TW": zh_tw, "en": en}


MESSAGES: dict[str, dict[str, str]] = {
    # The rules' names and reasons (the engine's explanation and the cases).
    "moderation.rule.heated": _m("争执升温", "爭執升溫", "Heated exchange"),
    "moderation.rule.slowmode": _m("慢速模式", "慢速模式", "Slow mode"),
    "moderation.reason.heated": _m(
        "{seconds} 秒内来回发了 {count} 条消息，言辞激烈。请先冷静一下，有分歧可以私下或会后再谈。",
        "{seconds} 秒內來回發了 {count} 則訊息，言詞激烈。請先冷靜一下，有分歧可以私下或會後再談。",
        "{count} heated messages back and forth in {seconds} seconds. Please take a breath; disagreements "
        "can be settled privately or after the meeting.",
    ),
    "moderation.reason.slowmode": _m(
        "本群处于慢速模式，每人每 {seconds} 秒只能发一条消息；请 {wait} 秒后再发。",
        "本群處於慢速模式，每人每 {seconds} 秒只能發一則訊息；請 {wait} 秒後再發。",
        "The group is in slow mode: one message per member every {seconds} seconds; please wait {wait} "
        "seconds.",
    ),
    # The group and the members of the exchange.
    "slowmode.notice.heated": _m(
        "🐢 讨论有些激烈，本群进入慢速模式至 {until}：每人每 {seconds} 秒一条消息。请大家冷静、就事论事。",
        "🐢 討論有些激烈，本群進入慢速模式至 {until}：每人每 {seconds} 秒一則訊息。請大家冷靜、就事論事。",
        "🐢 Things got heated: the group is in slow mode until {until}, one message per member every "
        "{seconds} seconds. Let's keep calm and stick to the point.",
    ),
    "slowmode.notice.on": _m(
        "🐢 管理员开启了慢速模式，至 {until}：每人每 {seconds} 秒一条消息。",
        "🐢 管理員開啟了慢速模式，至 {until}：每人每 {seconds} 秒一則訊息。",
        "🐢 An admin turned on slow mode until {until}: one message per member every {seconds} seconds.",
    ),
    "slowmode.notice.extended": _m(
        "🐢 慢速模式延长至 {until}。",
        "🐢 慢速模式延長至 {until}。",
        "🐢 Slow mode is extended until {until}.",
    ),
    "slowmode.notice.ended": _m(
        "慢速模式已结束，可以正常发言了。谢谢大家的配合。",
        "慢速模式已結束，可以正常發言了。謝謝大家的配合。",
        "Slow mode is over; post as usual. Thank you, everyone.",
    ),
    "slowmode.notice.ended_by": _m(
        "{by} 结束了慢速模式，可以正常发言了。",
        "{by} 結束了慢速模式，可以正常發言了。",
        "{by} ended slow mode; post as usual.",
    ),
    "slowmode.calm": _m(
        "你在「{group}」的讨论有些激烈，群已进入慢速模式至 {until}（每人每 {seconds} 秒一条）。"
        "请先冷静，有分歧可以私下沟通或请管理员协调。",
        "你在「{group}」的討論有些激烈，群組已進入慢速模式至 {until}（每人每 {seconds} 秒一則）。"
        "請先冷靜，有分歧可以私下溝通或請管理員協調。",
        "Your exchange in “{group}” got heated, and the group is in slow mode until {until} (one message "
        "per member every {seconds} seconds). Please take a breath; settle disagreements privately or "
        "ask an admin to help.",
    ),
    "slowmode.warn_only": _m(
        "提醒：你在「{group}」的讨论有些激烈，请冷静、就事论事。",
        "提醒：你在「{group}」的討論有些激烈，請冷靜、就事論事。",
        "A reminder: your exchange in “{group}” is getting heated. Please keep calm and stick to the point.",
    ),
    # The admins' card.
    "slowmode.card.title": _m(
        "🔥 「{group}」争执升温：已开启慢速模式",
        "🔥 「{group}」爭執升溫：已開啟慢速模式",
        "🔥 Heated exchange in “{group}”: slow mode is on",
    ),
    "slowmode.card.body": _m(
        "{members} 在 {seconds} 秒内来回发了 {count} 条消息（激烈程度 {heat}）。",
        "{members} 在 {seconds} 秒內來回發了 {count} 則訊息（激烈程度 {heat}）。",
        "{members} exchanged {count} messages in {seconds} seconds (heat {heat}).",
    ),
    "slowmode.card.footer": _m(
        "无法点按钮时：{prefix} slowmode off 结束；{prefix} slowmode on 20m 设定时长；"
        "{prefix} warn @成员 警告",
        "無法點按鈕時：{prefix} slowmode off 結束；{prefix} slowmode on 20m 設定時長；"
        "{prefix} warn @成員 警告",
        "No buttons? {prefix} slowmode off ends it; {prefix} slowmode on 20m sets its length; "
        "{prefix} warn @member warns",
    ),
    "slowmode.field.members": _m("成员", "成員", "Members"),
    "slowmode.field.until": _m("持续至", "持續至", "Until"),
    "slowmode.field.rate": _m("限速", "限速", "Rate"),
    "slowmode.rate": _m("每人每 {seconds} 秒一条", "每人每 {seconds} 秒一則", "one per {seconds} s"),
    "slowmode.button.end": _m("结束慢速模式", "結束慢速模式", "End slow mode"),
    "slowmode.button.extend": _m("延长 {minutes} 分钟", "延長 {minutes} 分鐘", "Extend {minutes} min"),
    "slowmode.button.warn": _m("警告双方", "警告雙方", "Warn members"),
    "slowmode.what.end": _m("结束了慢速模式", "結束了慢速模式", "ended slow mode"),
    "slowmode.what.extend": _m("延长至 {until}", "延長至 {until}", "extended it until {until}"),
    "slowmode.what.warn": _m("警告了 {members}", "警告了 {members}", "warned {members}"),
    "slowmode.over": _m(
        "这次慢速模式已经结束了。", "這次慢速模式已經結束了。", "That slow mode is already over."
    ),
    # The command.
    "slowmode.usage": _m(
        "用法：{prefix} slowmode on [10m]｜{prefix} slowmode off｜{prefix} slowmode status",
        "用法：{prefix} slowmode on [10m]｜{prefix} slowmode off｜{prefix} slowmode status",
        "Usage: {prefix} slowmode on [10m] | {prefix} slowmode off | {prefix} slowmode status",
    ),
    "slowmode.done.on": _m(
        "慢速模式已开启至 {until}（每人每 {seconds} 秒一条）。",
        "慢速模式已開啟至 {until}（每人每 {seconds} 秒一則）。",
        "Slow mode is on until {until} (one message per member every {seconds} seconds).",
    ),
    "slowmode.done.mentions_only": _m(
        "注意：在这个平台上我只能看到 @ 我的消息，限速只对这些消息生效；通知已发到群里。",
        "注意：在這個平台上我只能看到 @ 我的訊息，限速只對這些訊息生效；通知已發到群組。",
        "Note: here I only see messages that @-mention me, so the rate applies only to those; the notice "
        "went to the group.",
    ),
    "slowmode.done.off": _m("慢速模式已结束。", "慢速模式已結束。", "Slow mode is off."),
    "slowmode.not_on": _m("本群现在没有开启慢速模式。", "本群現在沒有開啟慢速模式。", "Slow mode is not on."),
    "slowmode.status.on": _m(
        "慢速模式开启中，至 {until}（每人每 {seconds} 秒一条）。",
        "慢速模式開啟中，至 {until}（每人每 {seconds} 秒一則）。",
        "Slow mode is on until {until} (one message per member every {seconds} seconds).",
    ),
    "slowmode.status.off": _m(
        "慢速模式未开启。管理员可发送 {prefix} slowmode on 10m 开启。",
        "慢速模式未開啟。管理員可傳送 {prefix} slowmode on 10m 開啟。",
        "Slow mode is off. Admins can send {prefix} slowmode on 10m.",
    ),
}
