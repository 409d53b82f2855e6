"""R5.9: scheduled discussions with attendance by acknowledgement."""

from __future__ import annotations


def _m(zh_cn: str, zh_tw: str, en: str) -> dict[str, str]:
    return {"zh-CN": zh_cn, "zh-TW": zh_tw, "en": en}


MESSAGES: dict[str, dict[str, str]] = {
    "discussions.usage": _m(
        "用法：{prefix} discussion 时间 [--remind 1h,10m] 议题。时间可写 2026-12-01T15:00、明天 15:00、"
        "15:00 或 +2h（本群时区）。另有：{prefix} discussion status｜attend 编号｜decline 编号｜cancel 编号",
        "用法：{prefix} discussion 時間 [--remind 1h,10m] 議題。時間可寫 2026-12-01T15:00、明天 15:00、"
        "15:00 或 +2h（本群時區）。另有：{prefix} discussion status｜attend 編號｜decline 編號｜cancel 編號",
        "Usage: {prefix} discussion <when> [--remind 1h,10m] <topic>. <when>: 2026-12-01T15:00, "
        "tomorrow 15:00, 15:00 or +2h (the group's time zone). Also: {prefix} discussion status | "
        "attend <ref> | decline <ref> | cancel <ref>",
    ),
    "discussions.too_far": _m(
        "讨论最多只能提前 {days} 天安排。",
        "討論最多只能提前 {days} 天安排。",
        "A discussion can be scheduled at most {days} days ahead.",
    ),
    "discussions.card.title": _m(
        "🗓 讨论 {ref}：{topic}", "🗓 討論 {ref}：{topic}", "🗓 Discussion {ref}: {topic}"
    ),
    "discussions.reminder.title": _m(
        "⏰ 讨论 {ref} 即将开始，你会参加吗？{topic}",
        "⏰ 討論 {ref} 即將開始，你會參加嗎？{topic}",
        "⏰ Discussion {ref} is coming up: will you attend? {topic}",
    ),
    "discussions.card.body": _m(
        "时间：{when}\n发起人：{by}\n请点按钮告诉大家你是否参加。",
        "時間：{when}\n發起人：{by}\n請點按鈕告訴大家你是否參加。",
        "When: {when}\nOrganiser: {by}\nPlease say whether you will attend.",
    ),
    "discussions.field.when": _m("时间", "時間", "When"),
    "discussions.field.by": _m("发起人", "發起人", "Organiser"),
    "discussions.field.remind": _m("提前提醒", "提前提醒", "Reminders before"),
    "discussions.button.yes": _m("我会参加", "我會參加", "I'll attend"),
    "discussions.button.no": _m("无法参加", "無法參加", "Can't attend"),
    "discussions.footer": _m(
        "无法点按钮时：{prefix} discussion attend {ref} 或 {prefix} discussion decline {ref}",
        "無法點按鈕時：{prefix} discussion attend {ref} 或 {prefix} discussion decline {ref}",
        "No buttons? {prefix} discussion attend {ref} or {prefix} discussion decline {ref}",
    ),
    "discussions.minutes": _m("{minutes} 分钟", "{minutes} 分鐘", "{minutes} min"),
    "discussions.hours": _m("{hours} 小时", "{hours} 小時", "{hours} h"),
    "discussions.scheduled": _m(
        "讨论 {ref} 已安排在 {when}，已通知 {count} 位成员。{prefix} discussion status {ref} 查看出席情况。",
        "討論 {ref} 已安排在 {when}，已通知 {count} 位成員。{prefix} discussion status {ref} 查看出席情況。",
        "Discussion {ref} is scheduled for {when}; {count} members were asked. "
        "{prefix} discussion status {ref} shows who attends.",
    ),
    "discussions.remind": _m(
        "⏰ 提醒：讨论「{topic}」将于 {when} 开始（还有 {left}），请准时参加。",
        "⏰ 提醒：討論「{topic}」將於 {when} 開始（還有 {left}），請準時參加。",
        "⏰ Reminder: the discussion “{topic}” starts at {when} (in {left}). Please be on time.",
    ),
    "discussions.start": _m(
        "🗓 讨论 {ref}「{topic}」现在开始。出席（{count} 人）：{users}",
        "🗓 討論 {ref}「{topic}」現在開始。出席（{count} 人）：{users}",
        "🗓 Discussion {ref} “{topic}” starts now. Attending ({count}): {users}",
    ),
    "discussions.start.report": _m(
        "你发起的讨论现在开始，出席情况如下：",
        "你發起的討論現在開始，出席情況如下：",
        "Your discussion starts now. Attendance:",
    ),
    "discussions.status.head": _m(
        "🗓 讨论 {ref}「{topic}」· {when} · {state}",
        "🗓 討論 {ref}「{topic}」· {when} · {state}",
        "🗓 Discussion {ref} “{topic}” · {when} · {state}",
    ),
    "discussions.status.yes": _m(
        "参加（{count}）：{users}", "參加（{count}）：{users}", "Attending ({count}): {users}"
    ),
    "discussions.status.no": _m(
        "无法参加（{count}）：{users}", "無法參加（{count}）：{users}", "Can't attend ({count}): {users}"
    ),
    "discussions.status.pending": _m(
        "未回复（{count}）：{users}", "未回覆（{count}）：{users}", "No answer yet ({count}): {users}"
    ),
    "discussions.state.scheduled": _m("待开始", "待開始", "scheduled"),
    "discussions.state.started": _m("已开始", "已開始", "started"),
    "discussions.state.cancelled": _m("已取消", "已取消", "cancelled"),
    "discussions.thanks.yes": _m(
        "已记下：你会参加「{topic}」（{when}）。开始前会提醒你。",
        "已記下：你會參加「{topic}」（{when}）。開始前會提醒你。",
        "Noted: you will attend “{topic}” ({when}). You will be reminded before it starts.",
    ),
    "discussions.thanks.no": _m(
        "已记下：你无法参加「{topic}」（{when}）。",
        "已記下：你無法參加「{topic}」（{when}）。",
        "Noted: you cannot attend “{topic}” ({when}).",
    ),
    "discussions.already": _m(
        "你已经这样回复过讨论 {ref} 了。",
        "你已經這樣回覆過討論 {ref} 了。",
        "You already answered discussion {ref} that way.",
    ),
    "discussions.closed": _m(
        "讨论 {ref} 已开始或已取消，不能再回复。",
        "討論 {ref} 已開始或已取消，不能再回覆。",
        "Discussion {ref} has started or was cancelled; it takes no more answers.",
    ),
    "discussions.missing": _m(
        "找不到这个讨论，请检查编号。", "找不到這個討論，請檢查編號。", "No such discussion; check the ref."
    ),
    "discussions.cancelled": _m(
        "讨论 {ref}「{topic}」（原定 {when}）已由 {by} 取消。",
        "討論 {ref}「{topic}」（原定 {when}）已由 {by} 取消。",
        "Discussion {ref} “{topic}” ({when}) was cancelled by {by}.",
    ),
}
