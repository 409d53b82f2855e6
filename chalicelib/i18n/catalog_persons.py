"""One person across groups (issue 20): sanctions, links, history, the person's own data."""

from __future__ import annotations


def _m(zh_cn: str, zh_tw: str, en: str) -> dict[str, str]:
    return {"zh-CN": zh_cn, "zh-TW": zh_tw, "en": en}


MESSAGES: dict[str, dict[str, str]] = {
    "persons.kind.ban": _m("封禁", "封禁", "ban"),
    "persons.kind.watch": _m("观察", "觀察", "watch"),
    "persons.scope.group": _m("本群", "本群", "this group"),
    "persons.scope.tag": _m("标签「{tag}」下的所有群", "標籤「{tag}」下的所有群", "every group tagged {tag}"),
    "persons.scope.org": _m("本组织的所有群", "本組織的所有群", "every group of the organisation"),
    "persons.sanction.usage": _m(
        "用法：{prefix} {name} @成员 [--scope group|org|tag:<标签>] [--for 30d] [原因]（{wrong} 无法识别）",
        "用法：{prefix} {name} @成員 [--scope group|org|tag:<標籤>] [--for 30d] [原因]（{wrong} 無法識別）",
        "Usage: {prefix} {name} @member [--scope group|org|tag:<tag>] [--for 30d] [reason] ({wrong} not "
        "understood)",
    ),
    "persons.sanction.self": _m(
        "不能对自己实施处分。", "不能對自己實施處分。", "You cannot sanction yourself."
    ),
    "persons.sanction.already": _m(
        "该处分已记录（{ref}）。", "該處分已記錄（{ref}）。", "That sanction is already recorded ({ref})."
    ),
    "persons.sanction.done": _m(
        "已对 {member} 实施{kind}（{scope}，至 {until}）：{reason}",
        "已對 {member} 實施{kind}（{scope}，至 {until}）：{reason}",
        "{member}: {kind} ({scope}, until {until}): {reason}",
    ),
    "persons.sanction.member.ban": _m(
        "你已被禁止进入{scope}（在「{group}」中作出，至 {until}）。原因：{reason}\n"
        "如有异议，可发送 {appeal} 申诉，"
        "将由另一位管理员复核。",
        "你已被禁止進入{scope}（在「{group}」中作出，至 {until}）。原因：{reason}\n"
        "如有異議，可傳送 {appeal} 申訴，"
        "將由另一位管理員複核。",
        "You are banned from {scope} (decided in {group}, until {until}). Reason: {reason}\nTo appeal to "
        "another admin, send {appeal}.",
    ),
    "persons.sanction.member.watch": _m(
        "管理员将在{scope}关注你的发言（在「{group}」中作出，至 {until}）。原因：{reason}\n"
        "如有异议，可发送 {appeal} "
        "申诉。",
        "管理員將在{scope}關注你的發言（在「{group}」中作出，至 {until}）。原因：{reason}\n"
        "如有異議，可傳送 {appeal} "
        "申訴。",
        "The admins of {scope} are watching your messages (decided in {group}, until {until}). Reason: "
        "{reason}\nTo appeal, send {appeal}.",
    ),
    "persons.lift.done": _m(
        "已解除 {member} 在{scope}的{kind}（{count} 项）。",
        "已解除 {member} 在{scope}的{kind}（{count} 項）。",
        "Lifted {count} {kind}(s) of {member} in {scope}.",
    ),
    "persons.lift.member": _m(
        "你在{scope}的{kind}已解除。",
        "你在{scope}的{kind}已解除。",
        "Your {kind} in {scope} has been lifted.",
    ),
    "persons.gate.why": _m(
        "此人被禁止进入{scope}（至 {until}）：{reason}",
        "此人被禁止進入{scope}（至 {until}）：{reason}",
        "Banned from {scope} (until {until}): {reason}",
    ),
    "persons.gate.member": _m(
        "你被禁止进入{scope}（至 {until}），已被移出「{group}」。原因：{reason}\n"
        "如有异议，可发送 {appeal} 申诉。",
        "你被禁止進入{scope}（至 {until}），已被移出「{group}」。原因：{reason}\n"
        "如有異議，可傳送 {appeal} 申訴。",
        "You are banned from {scope} (until {until}) and were removed from {group}. Reason: {reason}\nTo "
        "appeal, send {appeal}.",
    ),
    "persons.gate.watched": _m(
        "👀 受观察的成员 {member} 加入了「{group}」（{scope}，至 {until}）：{reason}",
        "👀 受觀察的成員 {member} 加入了「{group}」（{scope}，至 {until}）：{reason}",
        "👀 {member}, who is watched ({scope}, until {until}), joined {group}: {reason}",
    ),
    "persons.usage": _m(
        "用法：{prefix} person @成员（跨群记录） | {prefix} person link @成员 <平台:租户:用户>",
        "用法：{prefix} person @成員（跨群記錄） | {prefix} person link @成員 <平台:租戶:使用者>",
        "Usage: {prefix} person @member (history across groups) | {prefix} person link @member "
        "<platform:tenant:user>",
    ),
    "persons.link.usage": _m(
        "用法：{prefix} person link @成员 <平台:租户:用户>，例如 wecom:ww123:zhangsan",
        "用法：{prefix} person link @成員 <平台:租戶:使用者>，例如 wecom:ww123:zhangsan",
        "Usage: {prefix} person link @member <platform:tenant:user>, e.g. wecom:ww123:zhangsan",
    ),
    "persons.link.owners_only": _m(
        "其中一方正受处分：只有组织负责人可以关联。",
        "其中一方正受處分：只有組織負責人可以關聯。",
        "One of them is under a sanction: only the org's owners may link them.",
    ),
    "persons.link.done": _m(
        "已确认 {member} 与 {other} 为同一人（共 {count} 个账号）。",
        "已確認 {member} 與 {other} 為同一人（共 {count} 個帳號）。",
        "{member} and {other} are now one person ({count} accounts).",
    ),
    "persons.history.header": _m(
        "{member} 的跨群记录（{count} 个账号）：",
        "{member} 的跨群記錄（{count} 個帳號）：",
        "{member} across groups ({count} accounts):",
    ),
    "persons.history.sanction": _m(
        "{when} {kind}·{scope}：{reason}（{state}，{ref}）",
        "{when} {kind}·{scope}：{reason}（{state}，{ref}）",
        "{when} {kind} · {scope}: {reason} ({state}, {ref})",
    ),
    "persons.history.until": _m("至 {until}", "至 {until}", "until {until}"),
    "persons.history.lifted": _m("已解除：{why}", "已解除：{why}", "lifted: {why}"),
    "persons.history.entry": _m(
        "{when} {group}：{what}（{points} 分，{ref}）",
        "{when} {group}：{what}（{points} 分，{ref}）",
        "{when} {group}: {what} ({points} points, {ref})",
    ),
    "persons.history.identity": _m("{name}（{platform}）", "{name}（{platform}）", "{name} ({platform})"),
    "platform.slack": _m("Slack", "Slack", "Slack"),
    "platform.wecom": _m("企业微信", "企業微信", "WeCom"),
    "platform.dingtalk": _m("钉钉", "釘釘", "DingTalk"),
    "persons.history.none": _m("暂无记录。", "暫無記錄。", "Nothing on record."),
    "persons.mydata.unavailable": _m(
        "暂时无法导出：未配置归档存储。请联系管理员。",
        "暫時無法匯出：未設定封存儲存。請聯絡管理員。",
        "Your export cannot be made here: no archive bucket is set up. Please ask an admin.",
    ),
    "persons.mydata.ready": _m(
        "你的数据导出（仅你可见，{minutes} 分钟内有效）：\nJSON：{json}\nCSV：{csv}",
        "你的資料匯出（僅你可見，{minutes} 分鐘內有效）：\nJSON：{json}\nCSV：{csv}",
        "Your data export (for you only, valid for {minutes} minutes):\nJSON: {json}\nCSV: {csv}",
    ),
    # The admin card of a watched member's join (`chalicelib.persons.watch`).
    "persons.watch.card.title": _m(
        "👀 受观察的成员加入：{member}",
        "👀 受觀察的成員加入：{member}",
        "👀 A watched member joined: {member}",
    ),
    "persons.watch.button.stay": _m("允许留下", "允許留下", "Let them stay"),
    "persons.watch.button.remove": _m("移出", "移出", "Remove"),
    "persons.watch.button.history": _m("查看跨群记录", "查看跨群記錄", "Open their history"),
    # What every admin's copy says once one admin decided (`at`: in the group's time zone, labelled).
    "persons.watch.decided.stay": _m(
        "{by} 于 {at} 允许 {member} 留在群内。",
        "{by} 於 {at} 允許 {member} 留在群內。",
        "{by} let {member} stay ({at}).",
    ),
    "persons.watch.decided.remove": _m(
        "{by} 于 {at} 将 {member} 移出。",
        "{by} 於 {at} 將 {member} 移出。",
        "{by} removed {member} ({at}).",
    ),
    "persons.watch.already": _m(
        "此加入已由 {by} 处理（{state}）。",
        "此加入已由 {by} 處理（{state}）。",
        "{by} already decided this join ({state}).",
    ),
    "persons.watch.state.stay": _m("允许留下", "允許留下", "let stay"),
    "persons.watch.state.remove": _m("移出", "移出", "removed"),
    "persons.watch.own": _m(
        "这是关于你本人的加入，须由其他管理员处理。",
        "這是關於你本人的加入，須由其他管理員處理。",
        "This join is about you: another admin decides it.",
    ),
    "persons.watch.invalid": _m(
        "此卡片已失效（此人已再次加入或记录已过期）。",
        "此卡片已失效（此人已再次加入或記錄已過期）。",
        "This card is no longer valid (they joined again, or the record expired).",
    ),
    "persons.watch.refused": _m(
        "只有本群管理员可以处理此卡片。",
        "只有本群管理員可以處理此卡片。",
        "Only this group's admins may act on this card.",
    ),
    "persons.watch.why": _m(
        "受观察的成员，管理员决定移出：{reason}",
        "受觀察的成員，管理員決定移出：{reason}",
        "A watched member an admin decided to remove: {reason}",
    ),
    "persons.watch.removed_member": _m(
        "管理员已将你移出「{group}」。如有异议，请联系群管理员。",
        "管理員已將你移出「{group}」。如有異議，請聯絡群管理員。",
        "An admin removed you from {group}. If you disagree, please contact the group's admins.",
    ),
}
