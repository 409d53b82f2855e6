"""R8.8: open admin cards reminded until handled, and the admins' list of what is open."""

from __future__ import annotations


def _m(zh_cn: str, zh_tw: str, en: str) -> dict[str, str]:
    return {"zh-CN": zh_cn, "zh-TW": zh_tw, "en": en}


MESSAGES: dict[str, dict[str, str]] = {
    "followups.what.violation": _m("违规处理", "違規處理", "Violation"),
    "followups.what.removal": _m("移出提议", "移出提議", "Removal proposal"),
    "followups.what.report": _m("成员举报", "成員檢舉", "Member's report"),
    "followups.what.appeal": _m("申诉", "申訴", "Appeal"),
    "followups.age.hours": _m("{hours} 小时", "{hours} 小時", "{hours} h"),
    "followups.age.days": _m("{days} 天", "{days} 天", "{days} days"),
    "followups.title.remind": _m(
        "⏰ 第 {n} 次提醒：{what} {ref} 仍待处理",
        "⏰ 第 {n} 次提醒：{what} {ref} 仍待處理",
        "⏰ Reminder {n}: {what} {ref} is still open",
    ),
    "followups.title.before": _m(
        "⏰ {what} {ref} 将在约 {hours} 小时后到期，请尽快决定",
        "⏰ {what} {ref} 將在約 {hours} 小時後到期，請盡快決定",
        "⏰ {what} {ref} is due in about {hours} h: please decide",
    ),
    "followups.title.overdue": _m(
        "⚠️ {what} {ref} 已过期限，仍未决定",
        "⚠️ {what} {ref} 已過期限，仍未決定",
        "⚠️ {what} {ref} is past its deadline, undecided",
    ),
    "followups.body": _m(
        "「{group}」的{what}（成员：{member}）已等待 {age}，尚无管理员处理。",
        "「{group}」的{what}（成員：{member}）已等待 {age}，尚無管理員處理。",
        "{what} in “{group}” (member: {member}) has waited {age} for an admin.",
    ),
    "followups.field.rule": _m("规则", "規則", "Rule"),
    "followups.field.since": _m("送达时间", "送達時間", "Sent"),
    "followups.field.deadline": _m("决定期限", "決定期限", "Decide by"),
    "followups.footer": _m(
        "无法点按钮时：{prefix} handle {ref} {choices}；{prefix} pending 查看全部待处理",
        "無法點按鈕時：{prefix} handle {ref} {choices}；{prefix} pending 查看全部待處理",
        "No buttons? {prefix} handle {ref} {choices}; {prefix} pending lists everything open",
    ),
    "followups.none": _m(
        "本群没有待处理的管理卡片。👍",
        "本群沒有待處理的管理卡片。👍",
        "Nothing is waiting for the admins here. 👍",
    ),
    "followups.list.head": _m(
        "待处理的管理卡片（{count} 张，最早的在前）：",
        "待處理的管理卡片（{count} 張，最早的在前）：",
        "Open admin cards ({count}, oldest first):",
    ),
    "followups.list.line": _m(
        "{n}. {what} {ref} · {member} · {rule} · {since}（已等 {age}，提醒 {reminded} 次）",
        "{n}. {what} {ref} · {member} · {rule} · {since}（已等 {age}，提醒 {reminded} 次）",
        "{n}. {what} {ref} · {member} · {rule} · {since} (waiting {age}, reminded {reminded}×)",
    ),
    "followups.list.deadline": _m(" · 期限 {deadline}", " · 期限 {deadline}", " · due {deadline}"),
    "followups.list.more": _m("……另有 {count} 张", "……另有 {count} 張", "…and {count} more"),
    "followups.list.footer": _m(
        "处理：{prefix} handle 案件号 warn|mute|remove|dismiss（申诉：uphold|reverse），或点卡片上的按钮。",
        "處理：{prefix} handle 案件號 warn|mute|remove|dismiss（申訴：uphold|reverse），或點卡片上的按鈕。",
        "Handle one: {prefix} handle <case> warn|mute|remove|dismiss (appeals: uphold|reverse), or use "
        "the card's buttons.",
    ),
    "followups.handle.usage": _m(
        "用法：{prefix} handle 案件号 warn|mute|remove|dismiss|confirm_remove；"
        "申诉：{prefix} handle 案件号 uphold|reverse",
        "用法：{prefix} handle 案件號 warn|mute|remove|dismiss|confirm_remove；"
        "申訴：{prefix} handle 案件號 uphold|reverse",
        "Usage: {prefix} handle <case> warn|mute|remove|dismiss|confirm_remove; appeals: "
        "{prefix} handle <case> uphold|reverse",
    ),
}
