"""The admin loop: card outcomes, reports, appeals and admin commands."""

from __future__ import annotations


def _m(zh_cn: str, zh_tw: str, en: str) -> dict[str, str]:
    return {"zh-CN": zh_cn, "zh-TW": zh_tw, "en": en}


MESSAGES: dict[str, dict[str, str]] = {
    "admin.refused": _m(
        "只有本群管理员可以这样做，此次操作已记录。",
        "只有本群管理員可以這樣做，此次操作已記錄。",
        "Only this group's admins can do that; the attempt has been recorded.",
    ),
    "admin.card_invalid": _m(
        "这张卡片已失效或不属于本群。", "這張卡片已失效或不屬於本群。", "This card is no longer valid here."
    ),
    "admin.case_missing": _m("找不到案件 {ref}。", "找不到案件 {ref}。", "There is no case {ref}."),
    "admin.already_handled": _m(
        "案件 {ref} 已由 {by} 处理。",
        "案件 {ref} 已由 {by} 處理。",
        "Case {ref} was already handled by {by}.",
    ),
    "admin.handled": _m("{by} 已处理：{what}", "{by} 已處理：{what}", "Handled by {by}: {what}"),
    "admin.what.warn": _m("警告", "警告", "warned"),
    "admin.what.mute": _m("禁言 {minutes} 分钟", "禁言 {minutes} 分鐘", "muted for {minutes} min"),
    "admin.what.unmute": _m("解除禁言", "解除禁言", "unmuted"),
    "admin.what.remove": _m("移出群", "移出群組", "removed"),
    "admin.what.ban": _m("移出并禁止再加入", "移出並禁止再加入", "removed and banned"),
    "admin.what.unban": _m("解除禁入", "解除禁入", "unbanned"),
    "admin.what.pass": _m("给予一次发布许可", "給予一次發布許可", "granted a one-time pass"),
    "admin.what.dismiss": _m("撤销处理并退回扣分", "撤銷處理並退回扣分", "dismissed, points returned"),
    "admin.done": _m("已完成：{what}（{member}）", "已完成：{what}（{member}）", "Done: {what} ({member})"),
    "admin.need_target": _m(
        "请指明成员：{prefix} {name} @成员",
        "請指明成員：{prefix} {name} @成員",
        "Name the member: {prefix} {name} @member",
    ),
    "member.warned": _m(
        "管理员就你在「{group}」的言行给予正式警告：{reason}\n如有异议：{appeal}",
        "管理員就你在「{group}」的言行給予正式警告：{reason}\n如有異議：{appeal}",
        "An admin of “{group}” has formally warned you: {reason}\nTo appeal: {appeal}",
    ),
    "member.mute_ended": _m(
        "你在「{group}」的禁言已结束，可以发言了。",
        "你在「{group}」的禁言已結束，可以發言了。",
        "Your mute in “{group}” is over; you can post again.",
    ),
    "member.dismissed": _m(
        "「{group}」的管理员撤销了对你的处理（案件 {ref}），扣分已退回。",
        "「{group}」的管理員撤銷了對你的處理（案件 {ref}），扣分已退回。",
        "An admin of “{group}” dismissed case {ref} against you; its points were returned.",
    ),
    "member.banned": _m(
        "管理员已将你移出「{group}」，并禁止再次加入。原因：{reason}\n"
        "如有异议，请在 {days} 天内发送「{appeal}」申诉，将由另一位管理员复核。",
        "管理員已將你移出「{group}」，並禁止再次加入。原因：{reason}\n"
        "如有異議，請在 {days} 天內傳送「{appeal}」申訴，將由另一位管理員複核。",
        "An admin removed you from “{group}” and banned you from joining again. Reason: {reason}\n"
        "If you think this is wrong, send “{appeal}” within {days} days; another admin will review it.",
    ),
    "member.pass": _m(
        "管理员允许你在「{group}」发布一次广告或私事信息。",
        "管理員允許你在「{group}」發布一次廣告或私事訊息。",
        "An admin allowed you one post with an ad or a private matter in “{group}”.",
    ),
    "member.banned_rejoin": _m(
        "你已被禁止加入「{group}」；如有疑问请联系管理员。",
        "你已被禁止加入「{group}」；如有疑問請聯絡管理員。",
        "You are banned from “{group}”; please contact its admins if you think this is wrong.",
    ),
    "report.thanks": _m(
        "已将举报转交管理员，谢谢。", "已將檢舉轉交管理員，謝謝。", "Thanks: the admins have your report."
    ),
    "report.limit": _m(
        "一小时内最多举报 {limit} 次，请稍后再试。",
        "一小時內最多檢舉 {limit} 次，請稍後再試。",
        "You can report at most {limit} times an hour; please try later.",
    ),
    "report.need_target": _m(
        "请回复要举报的消息，或写明成员：{prefix} report @成员 原因",
        "請回覆要檢舉的訊息，或寫明成員：{prefix} report @成員 原因",
        "Reply to the message you report, or name the member: {prefix} report @member reason",
    ),
    "report.admin_target": _m(
        "管理员不能在群内被举报；请联系合规负责人。",
        "管理員不能在群內被檢舉；請聯絡合規負責人。",
        "Admins cannot be reported in the group; please contact the compliance owner.",
    ),
    "report.card.title": _m("举报：{member}", "檢舉：{member}", "Report: {member}"),
    "report.card.body": _m(
        "{reporter} 举报了 {member} 在「{group}」的消息。{reason}",
        "{reporter} 檢舉了 {member} 在「{group}」的訊息。{reason}",
        "{reporter} reported {member}'s message in “{group}”. {reason}",
    ),
    "appeal.usage": _m(
        "用法：{prefix} appeal <案件编号> [理由]",
        "用法：{prefix} appeal <案件編號> [理由]",
        "Usage: {prefix} appeal <case> [reason]",
    ),
    "appeal.not_yours": _m("这个案件不是针对你的。", "這個案件不是針對你的。", "That case is not about you."),
    "appeal.too_late": _m(
        "申诉期（{days} 天）已过。", "申訴期（{days} 天）已過。", "The {days}-day appeal period is over."
    ),
    "appeal.already": _m(
        "你已就此案件提出申诉。", "你已就此案件提出申訴。", "You have already appealed this case."
    ),
    "appeal.sent": _m(
        "申诉已提交给另一位管理员，将在 {days} 天内处理。",
        "申訴已提交給另一位管理員，將在 {days} 天內處理。",
        "Your appeal went to a second admin, who will decide within {days} days.",
    ),
    "appeal.no_reviewer": _m(
        "暂无另一位管理员可处理申诉；申诉已记录，管理员会跟进。",
        "暫無另一位管理員可處理申訴；申訴已記錄，管理員會跟進。",
        "No second admin is available yet; your appeal is recorded and will be followed up.",
    ),
    "appeal.card.title": _m("申诉：案件 {ref}", "申訴：案件 {ref}", "Appeal: case {ref}"),
    "appeal.card.body": _m(
        "{member} 对「{rule}」的处理提出申诉，请在 {days} 天内决定。理由：{reason}",
        "{member} 對「{rule}」的處理提出申訴，請在 {days} 天內決定。理由：{reason}",
        "{member} appeals the “{rule}” decision; please decide within {days} days. Reason: {reason}",
    ),
    "appeal.button.uphold": _m("维持原处理", "維持原處理", "Uphold"),
    "appeal.button.reverse": _m("撤销处理", "撤銷處理", "Reverse"),
    "appeal.own_action": _m(
        "你是原处理人，申诉需由另一位管理员决定。",
        "你是原處理人，申訴需由另一位管理員決定。",
        "You took the original action; a second admin must decide the appeal.",
    ),
    "appeal.own_appeal": _m(
        "这是你本人的申诉（或针对你的案例），需由另一位管理员处理，此次操作已记录。",
        "這是你本人的申訴（或針對你的案例），需由另一位管理員處理，此次操作已記錄。",
        "This appeal is yours (or the case is about you): another admin must decide it; the attempt "
        "has been recorded.",
    ),
    "admin.own_case": _m(
        "案例 {ref} 针对的是你本人，需由另一位管理员处理，此次操作已记录。",
        "案例 {ref} 針對的是你本人，需由另一位管理員處理，此次操作已記錄。",
        "Case {ref} is about you: another admin must decide it; the attempt has been recorded.",
    ),
    "appeal.upheld": _m(
        "你对「{group}」案件 {ref} 的申诉未被采纳，维持原处理。",
        "你對「{group}」案件 {ref} 的申訴未被採納，維持原處理。",
        "Your appeal of case {ref} in “{group}” was not accepted; the decision stands.",
    ),
    "appeal.reversed": _m(
        "你对「{group}」案件 {ref} 的申诉已被采纳：处理已撤销，扣分已退回。",
        "你對「{group}」案件 {ref} 的申訴已被採納：處理已撤銷，扣分已退回。",
        "Your appeal of case {ref} in “{group}” was accepted: the action is reversed, its points returned.",
    ),
    "appeal.what.uphold": _m("维持原处理", "維持原處理", "upheld"),
    "appeal.what.reverse": _m("撤销处理", "撤銷處理", "reversed"),
    "cases.none": _m(
        "{member} 在「{group}」没有案件。",
        "{member} 在「{group}」沒有案件。",
        "{member} has no cases in “{group}”.",
    ),
    "cases.state.open": _m("待处理", "待處理", "open"),
    "cases.state.closed": _m("已结案", "已結案", "closed"),
    "cases.state.warned": _m("已警告", "已警告", "warned"),
    "cases.state.muted": _m("已禁言", "已禁言", "muted"),
    "cases.state.removed": _m("已移出", "已移出", "removed"),
    "cases.state.dismissed": _m("已撤销", "已撤銷", "dismissed"),
    "moderation.rule.manual.warn": _m("管理员警告", "管理員警告", "Warning by an admin"),
    "moderation.rule.manual.ban": _m("管理员禁入", "管理員禁入", "Ban by an admin"),
    "moderation.rule.report": _m("成员举报", "成員檢舉", "Report by a member"),
    "cases.header": _m("{member} 的最近案件：", "{member} 的最近案件：", "Recent cases of {member}:"),
    "cases.line": _m(
        "{when} · {rule} · {state} · {ref}",
        "{when} · {rule} · {state} · {ref}",
        "{when} · {rule} · {state} · {ref}",
    ),
    "policy.summary": _m(
        "本群规则版本 {revision}，总模式 {mode}，语言 {locale}。\n{rules}\n"
        "修改：{prefix} policy set <路径> <值>",
        "本群規則版本 {revision}，總模式 {mode}，語言 {locale}。\n{rules}\n"
        "修改：{prefix} policy set <路徑> <值>",
        "This group's policy is revision {revision}, mode {mode}, language {locale}.\n{rules}\n"
        "Change: {prefix} policy set <path> <value>",
    ),
    "policy.applied": _m(
        "已应用：{path} = {value}（本群版本 {version}）",
        "已套用：{path} = {value}（本群版本 {version}）",
        "Applied: {path} = {value} (group version {version})",
    ),
    "policy.error": _m("无法应用：{error}", "無法套用：{error}", "Not applied: {error}"),
}
