"""Membership lifecycle messages (S2, R8.7): join approvals, welcome, real names, departures, inactivity.

What goes into a group is neutral (R2.8): who joined or is no longer a member, never why. Reasons, names
as the directory knows them and deadlines go privately, to the member or to the admins.
"""

from __future__ import annotations


def _m(zh_cn: str, zh_tw: str, en: str) -> dict[str, str]:
    return {"zh-CN": zh_cn, "zh-TW": zh_tw, "en": en}


MESSAGES: dict[str, dict[str, str]] = {
    # Who someone is, as the join gate saw them -----------------------------------------------------
    "membership.standing.employee": _m("在职员工", "在職員工", "an active employee"),
    "membership.standing.guest": _m("访客名单成员", "訪客名單成員", "on the guest roster"),
    "membership.standing.bot": _m("机器人", "機器人", "a bot"),
    "membership.standing.outsider": _m(
        "不在公司通讯录中", "不在公司通訊錄中", "not in the company directory"
    ),
    "membership.standing.inactive": _m("账号已停用", "帳號已停用", "a deactivated account"),
    "membership.standing.unlisted_guest": _m(
        "外部访客，不在本群访客名单中", "外部訪客，不在本群訪客名單中", "a guest not on this group's roster"
    ),
    # Join approvals (R2.1, R2.2, R2.4) ------------------------------------------------------------
    "membership.join.card.title": _m("入群审批：{name}", "入群審批：{name}", "Join request: {name}"),
    "membership.join.card.reminder_title": _m(
        "提醒 · 入群审批：{name}", "提醒 · 入群審批：{name}", "Reminder · join request: {name}"
    ),
    "membership.join.card.body": _m(
        "{name} 加入了「{group}」，身份核验：{standing}。\n请批准或拒绝；{hours} 小时内无人处理将自动拒绝。",
        "{name} 加入了「{group}」，身分核驗：{standing}。\n請核准或拒絕；{hours} 小時內無人處理將自動拒絕。",
        "{name} joined “{group}”. Directory check: {standing}.\nApprove or reject; without an answer "
        "within {hours} h the request is rejected automatically.",
    ),
    "membership.join.button.approve": _m("批准", "核准", "Approve"),
    "membership.join.button.reject": _m("拒绝", "拒絕", "Reject"),
    "membership.join.approved": _m(
        "{by} 已批准 {name} 加入。", "{by} 已核准 {name} 加入。", "{by} approved {name}."
    ),
    "membership.join.rejected": _m(
        "{by} 已拒绝 {name} 加入。", "{by} 已拒絕 {name} 加入。", "{by} rejected {name}."
    ),
    "membership.join.lapsed": _m(
        "{name} 加入「{group}」的申请 {hours} 小时内无人处理，已于 {when} 自动拒绝。",
        "{name} 加入「{group}」的申請 {hours} 小時內無人處理，已於 {when} 自動拒絕。",
        "Nobody decided on {name}'s request to join “{group}” within {hours} h: it lapsed at {when} and "
        "was rejected automatically.",
    ),
    "membership.join.already": _m(
        "这个入群申请已经处理过了（{status}，{by}）。",
        "這個入群申請已經處理過了（{status}，{by}）。",
        "This join request was already handled ({status}, {by}).",
    ),
    "membership.join.own": _m(
        "这是你本人的入群申请，需由另一位审批人处理，此次操作已记录。",
        "這是你本人的入群申請，需由另一位審批人處理，此次操作已記錄。",
        "This join request is your own: another approver must decide it; the attempt has been recorded.",
    ),
    "membership.join.refused": _m(
        "只有本群的审批人可以处理入群申请，此次操作已记录。",
        "只有本群的審批人可以處理入群申請，此次操作已記錄。",
        "Only this group's approvers can decide join requests; the attempt has been recorded.",
    ),
    "membership.own": _m(
        "这件事关于你本人，需由另一位管理员处理，此次操作已记录。",
        "這件事關於你本人，需由另一位管理員處理，此次操作已記錄。",
        "This is about you: another admin must decide it; the attempt has been recorded.",
    ),
    "membership.already": _m(
        "这件事已经有人处理过了。", "這件事已經有人處理過了。", "Someone has already handled this."
    ),
    "membership.card.invalid": _m("这张卡片已失效。", "這張卡片已失效。", "This card is no longer valid."),
    "membership.join.pending_member": _m(
        "你已加入「{group}」，需经管理员审批后才算正式成员，请耐心等待。",
        "你已加入「{group}」，需經管理員審批後才算正式成員，請耐心等候。",
        "You joined “{group}”; an admin will review your membership shortly.",
    ),
    "membership.join.rejected_member": _m(
        "你加入「{group}」的申请未获批准，已被移出。如有疑问，请联系群管理员。",
        "你加入「{group}」的申請未獲核准，已被移出。如有疑問，請聯絡群管理員。",
        "Your membership of “{group}” was not approved and you have been removed. If you think this is "
        "a mistake, contact the group's admins.",
    ),
    "membership.join.removed_member": _m(
        "根据群规，「{group}」只接纳在职员工和访客名单上的成员，你已被移出。如需参加，请联系群管理员把你加入访客名单。",
        "依據群規，「{group}」只接納在職員工和訪客名單上的成員，你已被移出。如需參加，請聯絡群管理員把你加入訪客名單。",
        "“{group}” is for employees and guests on its roster, so you have been removed. To take part, ask "
        "the group's admins to add you to the guest roster.",
    ),
    "membership.join.admitted_unqualified": _m(
        "{name} 加入了「{group}」（{standing}）；本群策略允许其加入，请留意。",
        "{name} 加入了「{group}」（{standing}）；本群策略允許其加入，請留意。",
        "{name} joined “{group}” ({standing}); the group's policy admits them, for your review.",
    ),
    "membership.escalate.remove.title": _m(
        "请将 {name} 移出「{group}」", "請將 {name} 移出「{group}」", "Please remove {name} from “{group}”"
    ),
    "membership.escalate.remove.body": _m(
        "{why}\n平台不允许机器人在这个群移除成员，请管理员手动移出。此事已记录。",
        "{why}\n平台不允許機器人在這個群移除成員，請管理員手動移出。此事已記錄。",
        "{why}\nThe platform does not let the bot remove members from this group; please remove them "
        "by hand. This has been recorded.",
    ),
    "membership.escalate.button.done": _m("已手动移出", "已手動移出", "Done: removed"),
    "membership.why.rejected": _m("入群申请被拒绝。", "入群申請被拒絕。", "Their join request was rejected."),
    "membership.why.unqualified": _m(
        "身份核验未通过：{standing}。", "身分核驗未通過：{standing}。", "They do not qualify: {standing}."
    ),
    "membership.why.departed": _m(
        "该成员已离开组织。", "該成員已離開組織。", "They have left the organisation."
    ),
    "membership.why.inactive": _m(
        "已 {days} 天未发言，并已收到最后提醒。",
        "已 {days} 天未發言，並已收到最後提醒。",
        "Silent for {days} days after a final notice.",
    ),
    "membership.why.name": _m(
        "宽限期后仍未使用实名。",
        "寬限期後仍未使用實名。",
        "Still not using their real name after the grace period.",
    ),
    # Welcome (R2.7) --------------------------------------------------------------------------------
    "membership.welcome.text": _m(
        "欢迎 {name} 加入「{group}」！\n{rules}",
        "歡迎 {name} 加入「{group}」！\n{rules}",
        "Welcome to “{group}”, {name}!\n{rules}",
    ),
    "membership.welcome.rules": _m(
        "本群群规要点：围绕会议主题发言；使用实名（姓名-部门）；不发广告、不刷屏、不重复发消息；"
        "保护个人信息和公司机密；文件请附说明；文明交流。",
        "本群群規要點：圍繞會議主題發言；使用實名（姓名-部門）；不發廣告、不洗版、不重複發訊息；"
        "保護個人資訊和公司機密；檔案請附說明；文明交流。",
        "The rules in short: stay on the meeting's topic; use your real name; no ads, flooding or "
        "repeated messages; protect personal data and company secrets; describe the files you share; "
        "be civil.",
    ),
    "membership.welcome.card.title": _m("「{group}」群规", "「{group}」群規", "The rules of “{group}”"),
    "membership.welcome.card.body": _m(
        "{rules}\n请阅读后点击下方按钮确认。",
        "{rules}\n請閱讀後點擊下方按鈕確認。",
        "{rules}\nPlease read them and confirm with the button below.",
    ),
    "membership.welcome.button.ack": _m("我已阅读并遵守", "我已閱讀並遵守", "I have read the rules"),
    "membership.welcome.acked": _m("已确认，谢谢！", "已確認，謝謝！", "Confirmed, thank you!"),
    "membership.welcome.reminder": _m(
        "提醒：请阅读「{group}」的群规并点击确认按钮。\n{rules}",
        "提醒：請閱讀「{group}」的群規並點擊確認按鈕。\n{rules}",
        "A reminder: please read the rules of “{group}” and confirm them.\n{rules}",
    ),
    # Real names (R2.3) -----------------------------------------------------------------------------
    "membership.name.nudge.directory": _m(
        "你在「{group}」显示的名称「{shown}」不是实名。"
        "请在 {hours} 小时内改为包含你的真实姓名「{real}」的名称{example}。",
        "你在「{group}」顯示的名稱「{shown}」不是實名。"
        "請在 {hours} 小時內改為包含你的真實姓名「{real}」的名稱{example}。",
        "The name you show in “{group}”, “{shown}”, is not your real name. Within {hours} h, please "
        "change it to one that contains your name as the directory has it, “{real}”{example}.",
    ),
    "membership.name.nudge.pattern": _m(
        "你在「{group}」显示的名称「{shown}」不符合本群的实名格式。请在 {hours} 小时内修改{example}。",
        "你在「{group}」顯示的名稱「{shown}」不符合本群的實名格式。請在 {hours} 小時內修改{example}。",
        "The name you show in “{group}”, “{shown}”, does not follow the group's real-name format. "
        "Please change it within {hours} h{example}.",
    ),
    "membership.name.example": _m("，例如「{example}」", "，例如「{example}」", ", for example “{example}”"),
    "membership.name.report.title": _m(
        "实名未整改：{name}", "實名未整改：{name}", "Real name not fixed: {name}"
    ),
    "membership.name.report.body": _m(
        "「{group}」中的显示名「{shown}」不符合实名要求（通讯录姓名：{real}）。"
        "已于 {hours} 小时前私信提醒，仍未修改。",
        "「{group}」中的顯示名「{shown}」不符合實名要求（通訊錄姓名：{real}）。"
        "已於 {hours} 小時前私訊提醒，仍未修改。",
        "In “{group}”, the shown name “{shown}” is not a real name (directory: {real}). They were "
        "reminded privately {hours} h ago and have not changed it.",
    ),
    "membership.name.button.remove": _m("移出", "移出", "Remove"),
    "membership.name.button.keep": _m("保留", "保留", "Keep"),
    "membership.name.kept": _m("{by} 决定保留 {name}。", "{by} 決定保留 {name}。", "{by} kept {name}."),
    "membership.name.removed_member": _m(
        "由于未按群规使用实名，你已被移出「{group}」。修改名称后，可请群管理员重新邀请你。",
        "由於未按群規使用實名，你已被移出「{group}」。修改名稱後，可請群管理員重新邀請你。",
        "You have been removed from “{group}” because you did not use your real name. Once you have "
        "changed it, ask the group's admins to invite you again.",
    ),
    "membership.removed": _m("{by} 已将 {name} 移出。", "{by} 已將 {name} 移出。", "{by} removed {name}."),
    # Departures and transfers (R2.5, R2.8) ---------------------------------------------------------
    "membership.departure.notice": _m(
        "成员变动：{name} 已不在本群。",
        "成員變動：{name} 已不在本群。",
        "Member change: {name} is no longer in this group.",
    ),
    "membership.transfer.title": _m("成员调岗：{name}", "成員調職：{name}", "Transfer: {name}"),
    "membership.transfer.body": _m(
        "{name} 的部门已变更（{departments}）。请确认其是否仍应留在「{group}」。",
        "{name} 的部門已變更（{departments}）。請確認其是否仍應留在「{group}」。",
        "{name} moved department ({departments}). Should they stay in “{group}”?",
    ),
    "membership.transfer.button.keep": _m("保留", "保留", "Keep"),
    "membership.transfer.button.remove": _m("移出", "移出", "Remove"),
    "membership.transfer.kept": _m("{by} 决定保留 {name}。", "{by} 決定保留 {name}。", "{by} kept {name}."),
    # Inactivity (R2.9, R8.7) -----------------------------------------------------------------------
    "membership.inactive.nudge": _m(
        "你已有 {days} 天没有在「{group}」发言。本群希望每位成员参与讨论；如需请假，请告诉群管理员。",
        "你已有 {days} 天沒有在「{group}」發言。本群希望每位成員參與討論；如需請假，請告訴群管理員。",
        "You have not posted in “{group}” for {days} days. The group counts on everyone taking part; if "
        "you are away, tell the group's admins.",
    ),
    "membership.inactive.final": _m(
        "最后提醒：你已有 {days} 天没有在「{group}」发言。"
        "如果 {remaining} 天内仍不发言，你将被移出本群。发一条消息即可保留成员资格。",
        "最後提醒：你已有 {days} 天沒有在「{group}」發言。"
        "如果 {remaining} 天內仍不發言，你將被移出本群。發一則訊息即可保留成員資格。",
        "Final notice: you have not posted in “{group}” for {days} days. Unless you post within "
        "{remaining} days you will be removed; one message keeps your place.",
    ),
    "membership.inactive.removed": _m(
        "由于 {days} 天没有发言，你已被移出「{group}」。想回来的话，请群管理员或同事重新邀请你即可。",
        "由於 {days} 天沒有發言，你已被移出「{group}」。想回來的話，請群管理員或同事重新邀請你即可。",
        "You have been removed from “{group}” after {days} days without a message. To come back, ask "
        "the group's admins or a colleague to invite you again.",
    ),
    "membership.inactive.reinstated": _m(
        "欢迎回来！你在「{group}」的不活跃提醒已撤销。",
        "歡迎回來！你在「{group}」的不活躍提醒已撤銷。",
        "Welcome back! The inactivity notice for “{group}” is withdrawn.",
    ),
    "membership.inactive.report": _m(
        "不活跃成员（{mode}）：提醒 {mark} 人，最后提醒 {final} 人，移出 {remove} 人，"
        "豁免 {exempt} 人，恢复 {reinstate} 人。",
        "不活躍成員（{mode}）：提醒 {mark} 人，最後提醒 {final} 人，移出 {remove} 人，"
        "豁免 {exempt} 人，恢復 {reinstate} 人。",
        "Inactive members ({mode}): {mark} nudged, {final} given a final notice, {remove} removed, "
        "{exempt} exempt, {reinstate} reinstated.",
    ),
    "membership.inactive.mode.dry_run": _m(
        "演练，未做任何改动", "演練，未做任何變更", "dry run, nothing changed"
    ),
    "membership.inactive.mode.live": _m("已执行", "已執行", "carried out"),
    "membership.inactive.mode.invisible": _m(
        "仅报告：机器人在此平台只能看到@它的消息，无法判断是否沉默",
        "僅報告：機器人在此平台只能看到@它的訊息，無法判斷是否沉默",
        "report only: here the bot sees only messages that mention it, so silence proves nothing",
    ),
    "membership.inactive.line": _m(
        "{action}：{name}（{days} 天）", "{action}：{name}（{days} 天）", "{action}: {name} ({days} days)"
    ),
    "membership.inactive.action.mark": _m("提醒", "提醒", "nudge"),
    "membership.inactive.action.final": _m("最后提醒", "最後提醒", "final notice"),
    "membership.inactive.action.remove": _m("移出", "移出", "remove"),
    # Commands --------------------------------------------------------------------------------------
    "membership.refused": _m(
        "只有本群管理员可以这样做，此次操作已记录。",
        "只有本群管理員可以這樣做，此次操作已記錄。",
        "Only this group's admins can do that; the attempt has been recorded.",
    ),
    "membership.usage": _m("用法：{usage}", "用法：{usage}", "Usage: {usage}"),
    "membership.group.enabled": _m(
        "本群已由 qunguan 管理（组织默认群规）。",
        "本群已由 qunguan 管理（組織預設群規）。",
        "qunguan now governs this group (the organisation's default rules).",
    ),
    "membership.group.disabled": _m(
        "qunguan 已停止管理本群；发送 {prefix} enable 可恢复。",
        "qunguan 已停止管理本群；傳送 {prefix} enable 可恢復。",
        "qunguan no longer governs this group; {prefix} enable turns it back on.",
    ),
    "membership.guest.added": _m(
        "已将 {member} 加入访客名单，有效期至 {until}。",
        "已將 {member} 加入訪客名單，有效期至 {until}。",
        "{member} is on the guest roster until {until}.",
    ),
    "membership.guest.removed": _m(
        "已将 {member} 移出访客名单。", "已將 {member} 移出訪客名單。", "{member} is off the guest roster."
    ),
    "membership.guest.list": _m("访客名单：\n{lines}", "訪客名單：\n{lines}", "Guest roster:\n{lines}"),
    "membership.guest.none": _m("访客名单是空的。", "訪客名單是空的。", "The guest roster is empty."),
    "membership.away.set": _m(
        "{member} 请假至 {until}，期间不计入不活跃。",
        "{member} 請假至 {until}，期間不計入不活躍。",
        "{member} is away until {until} and exempt from inactivity exits meanwhile.",
    ),
    "membership.unacked": _m(
        "尚未确认群规的成员（{count}）：{names}",
        "尚未確認群規的成員（{count}）：{names}",
        "Members who have not confirmed the rules ({count}): {names}",
    ),
    "membership.unacked.none": _m(
        "所有新成员都已确认群规。", "所有新成員都已確認群規。", "Every newcomer has confirmed the rules."
    ),
    "membership.created": _m(
        "已创建群「{name}」（{chat}），由 qunguan 管理。",
        "已建立群組「{name}」（{chat}），由 qunguan 管理。",
        "Created “{name}” ({chat}); qunguan governs it.",
    ),
    "membership.not_supported": _m(
        "这个平台不支持此操作：{why}", "這個平台不支援此操作：{why}", "This platform cannot do that: {why}"
    ),
    "membership.failed": _m("操作失败：{why}", "操作失敗：{why}", "That did not work: {why}"),
    "membership.synced": _m(
        "已同步成员名单：共 {listed} 人，新记录 {added} 人，已离开 {gone} 人。",
        "已同步成員名單：共 {listed} 人，新記錄 {added} 人，已離開 {gone} 人。",
        "Member list synced: {listed} listed, {added} new, {gone} gone.",
    ),
}
