"""Workflows: announcements, publishing approval, corrections, incidents, polls, suggestions and policy
revisions."""

from __future__ import annotations


def _m(zh_cn: str, zh_tw: str, en: str) -> dict[str, str]:
    return {"zh-CN": zh_cn, "zh-TW": zh_tw, "en": en}


_COMMON: dict[str, dict[str, str]] = {
    "workflows.refused": _m(
        "只有本群管理员（或指定的负责人）可以这样做，此次操作已记录。",
        "只有本群管理員（或指定的負責人）可以這樣做，此次操作已記錄。",
        "Only this group's admins (or the people named for it) can do that; the attempt has been recorded.",
    ),
    "workflows.card_invalid": _m(
        "这张卡片已失效或不属于本群。", "這張卡片已失效或不屬於本群。", "This card is no longer valid here."
    ),
    "workflows.need_group": _m(
        "请在群里使用这个命令（{prefix} help 查看用法）。",
        "請在群組裡使用這個命令（{prefix} help 查看用法）。",
        "Use this command in the group ({prefix} help shows how).",
    ),
    "workflows.handled": _m("{by} 已处理：{what}", "{by} 已處理：{what}", "Handled by {by}: {what}"),
    "workflows.yes": _m("是", "是", "yes"),
    "workflows.no": _m("否", "否", "no"),
    "workflows.no_reason": _m("未说明原因", "未說明原因", "no reason given"),
    "workflows.state.open": _m("生效中", "生效中", "open"),
    "workflows.state.expired": _m("已过期撤回", "已過期撤回", "expired and withdrawn"),
    "workflows.state.withdrawn": _m("已撤回", "已撤回", "withdrawn"),
}

_ANNOUNCEMENTS: dict[str, dict[str, str]] = {
    "workflows.ann.usage": _m(
        "用法：{prefix} announce [--ack] [--expires 3d] 公告内容；{prefix} announce status [编号]",
        "用法：{prefix} announce [--ack] [--expires 3d] 公告內容；{prefix} announce status [編號]",
        "Usage: {prefix} announce [--ack] [--expires 3d] <text>; {prefix} announce status [ref]",
    ),
    "workflows.ann.card.title": _m("📢 群公告 {ref}", "📢 群公告 {ref}", "📢 Announcement {ref}"),
    "workflows.ann.reminder.title": _m(
        "⏰ 第 {n} 次提醒：请确认公告 {ref}",
        "⏰ 第 {n} 次提醒：請確認公告 {ref}",
        "⏰ Reminder {n}: please acknowledge announcement {ref}",
    ),
    "workflows.ann.button.ack": _m("已阅，确认", "已閱，確認", "Acknowledge"),
    "workflows.ann.footer": _m(
        "无法点按钮时，发送：{prefix} announce ack {ref}",
        "無法點按鈕時，發送：{prefix} announce ack {ref}",
        "No button? Send: {prefix} announce ack {ref}",
    ),
    "workflows.ann.field.by": _m("发布人", "發布人", "Posted by"),
    "workflows.ann.field.expires": _m("有效期至", "有效期至", "Valid until"),
    "workflows.ann.notice": _m(
        "📢 群公告 {ref}\n{text}", "📢 群公告 {ref}\n{text}", "📢 Announcement {ref}\n{text}"
    ),
    "workflows.ann.posted": _m(
        "公告 {ref} 已发布（{count} 位成员）。{prefix} announce withdraw {ref} 可撤回。",
        "公告 {ref} 已發布（{count} 位成員）。{prefix} announce withdraw {ref} 可撤回。",
        "Announcement {ref} is posted ({count} members). {prefix} announce withdraw {ref} withdraws it.",
    ),
    "workflows.ann.posted.ack": _m(
        "公告 {ref} 已发布，需 {count} 位成员确认；未确认者会收到提醒，之后你会收到报告。"
        "{prefix} announce status {ref} 查看进度。",
        "公告 {ref} 已發布，需 {count} 位成員確認；未確認者會收到提醒，之後你會收到報告。"
        "{prefix} announce status {ref} 查看進度。",
        "Announcement {ref} is posted for {count} members to acknowledge; those who do not are reminded, "
        "then you get a report. {prefix} announce status {ref} shows where it stands.",
    ),
    "workflows.ann.status": _m(
        "公告 {ref}「{title}」（{state}）：{acked}/{asked} 人已确认。",
        "公告 {ref}「{title}」（{state}）：{acked}/{asked} 人已確認。",
        "Announcement {ref} “{title}” ({state}): {acked} of {asked} acknowledged.",
    ),
    "workflows.ann.status.acked": _m("已确认：{users}", "已確認：{users}", "Acknowledged: {users}"),
    "workflows.ann.status.pending": _m("未确认：{users}", "未確認：{users}", "Not yet: {users}"),
    "workflows.ann.report": _m("📋 公告确认报告", "📋 公告確認報告", "📋 Acknowledgement report"),
    "workflows.ann.expired": _m(
        "公告 {ref}「{title}」已到期，现撤回，不再适用。",
        "公告 {ref}「{title}」已到期，現撤回，不再適用。",
        "Announcement {ref} “{title}” has expired and is withdrawn; it no longer applies.",
    ),
    "workflows.ann.card_withdrawn": _m(
        "公告 {ref} 已撤回。",
        "公告 {ref} 已撤回。",
        "Announcement {ref} has been withdrawn.",
    ),
    "workflows.ann.withdrawn": _m(
        "公告 {ref}「{title}」已撤回，不再适用。",
        "公告 {ref}「{title}」已撤回，不再適用。",
        "Announcement {ref} “{title}” is withdrawn; it no longer applies.",
    ),
    "workflows.ann.missing": _m("找不到这条公告。", "找不到這條公告。", "There is no such announcement."),
    "workflows.ann.closed": _m(
        "公告 {ref} 已撤回或过期。",
        "公告 {ref} 已撤回或過期。",
        "Announcement {ref} is withdrawn or expired.",
    ),
    "workflows.ann.no_ack": _m(
        "公告 {ref} 不需要确认。", "公告 {ref} 不需要確認。", "Announcement {ref} needs no acknowledgement."
    ),
    "workflows.ann.already": _m(
        "你已确认过公告 {ref}。", "你已確認過公告 {ref}。", "You already acknowledged announcement {ref}."
    ),
    "workflows.ann.thanks": _m(
        "已记录：你已确认公告 {ref}。",
        "已記錄：你已確認公告 {ref}。",
        "Noted: you acknowledged announcement {ref}.",
    ),
}

_PUBLISHING: dict[str, dict[str, str]] = {
    "workflows.pub.usage": _m(
        "用法：{prefix} publish [--expires 3d] 要发布的内容（审核通过后作为群公告发布）",
        "用法：{prefix} publish [--expires 3d] 要發布的內容（審核通過後作為群公告發布）",
        "Usage: {prefix} publish [--expires 3d] <text> (posted as an announcement once approved)",
    ),
    "workflows.pub.no_approver": _m(
        "本群没有可以审核的人：请管理员在策略中设置 approvers。",
        "本群沒有可以審核的人：請管理員在策略中設定 approvers。",
        "Nobody can approve publications in this group: an admin should set `approvers` in the policy.",
    ),
    "workflows.pub.card.title": _m(
        "📝 发布申请 {ref}（{by}）", "📝 發布申請 {ref}（{by}）", "📝 Publication request {ref} from {by}"
    ),
    "workflows.pub.reminder.title": _m(
        "⏰ 待审核：发布申请 {ref}（{by}）",
        "⏰ 待審核：發布申請 {ref}（{by}）",
        "⏰ Waiting for you: publication request {ref} from {by}",
    ),
    "workflows.pub.field.by": _m("提交人", "提交人", "Submitted by"),
    "workflows.pub.field.expires": _m("有效期", "有效期", "Valid for"),
    "workflows.pub.button.approve": _m("批准发布", "批准發布", "Approve"),
    "workflows.pub.button.reject": _m("驳回", "駁回", "Reject"),
    "workflows.pub.footer": _m(
        "驳回并说明原因：{prefix} publish reject {ref} 原因",
        "駁回並說明原因：{prefix} publish reject {ref} 原因",
        "To reject with a reason: {prefix} publish reject {ref} <reason>",
    ),
    "workflows.pub.submitted": _m(
        "已提交发布申请 {ref}，审核人会收到通知。",
        "已提交發布申請 {ref}，審核人會收到通知。",
        "Publication request {ref} is submitted; the approvers have been notified.",
    ),
    "workflows.pub.missing": _m(
        "找不到发布申请 {ref}。", "找不到發布申請 {ref}。", "There is no publication request {ref}."
    ),
    "workflows.pub.already": _m(
        "发布申请 {ref} 已由 {by} 处理。",
        "發布申請 {ref} 已由 {by} 處理。",
        "Publication request {ref} was already decided by {by}.",
    ),
    "workflows.pub.approved": _m(
        "你的发布申请 {ref} 已由 {by} 批准，已作为群公告 {announcement} 发布。",
        "你的發布申請 {ref} 已由 {by} 批准，已作為群公告 {announcement} 發布。",
        "Your publication request {ref} was approved by {by} and posted as announcement {announcement}.",
    ),
    "workflows.pub.rejected": _m(
        "你的发布申请 {ref} 被 {by} 驳回：{reason}",
        "你的發布申請 {ref} 被 {by} 駁回：{reason}",
        "Your publication request {ref} was rejected by {by}: {reason}",
    ),
    "workflows.pub.lapsed": _m(
        "你的发布申请 {ref} 无人审核，已失效；如仍需发布，请重新提交。",
        "你的發布申請 {ref} 無人審核，已失效；如仍需發布，請重新提交。",
        "Nobody decided your publication request {ref} in time, so it lapsed; submit it again if needed.",
    ),
    "workflows.pub.lapsed_card": _m(
        "无人在期限内审核：已于 {when} 失效，未在「{group}」发布。",
        "無人在期限內審核：已於 {when} 失效，未在「{group}」發布。",
        "Nobody decided in time: it lapsed at {when} and was not published in “{group}”.",
    ),
    "workflows.pub.own": _m(
        "发布申请 {ref} 是你提交的，需由另一位审核人批准。",
        "發布申請 {ref} 是你提交的，需由另一位審核人核准。",
        "You submitted publication request {ref}; another approver must approve it.",
    ),
    "workflows.pub.what.approve": _m("批准并发布", "批准並發布", "approved and published"),
    "workflows.pub.what.reject": _m("驳回", "駁回", "rejected"),
}

_CORRECTIONS: dict[str, dict[str, str]] = {
    "workflows.correct.usage": _m(
        "用法：{prefix} correct [--unverified] 消息"
        "链接或编号 更正说明（或在该消息的话题里 @我 correct 更正说明）",
        "用法：{prefix} correct [--unverified] 訊息"
        "連結或編號 更正說明（或在該訊息的討論串裡 @我 correct 更正說明）",
        "Usage: {prefix} correct [--unverified] <message link"
        " or id> <note> (or @me correct <note> in its thread)",
    ),
    "workflows.correct.notice.wrong": _m(
        "⚠️ 更正 {ref}：以下消息内容有误 {link}\n{note}\n（{by}）",
        "⚠️ 更正 {ref}：以下訊息內容有誤 {link}\n{note}\n（{by}）",
        "⚠️ Correction {ref}: this message is wrong {link}\n{note}\n({by})",
    ),
    "workflows.correct.notice.unverified": _m(
        "⚠️ 提示 {ref}：以下消息内容尚未核实，请勿转发 {link}\n{note}\n（{by}）",
        "⚠️ 提示 {ref}：以下訊息內容尚未核實，請勿轉發 {link}\n{note}\n（{by}）",
        "⚠️ Notice {ref}: this message is unverified, please do not pass it on {link}\n{note}\n({by})",
    ),
    "workflows.correct.done": _m(
        "更正通知 {ref} 已发布。", "更正通知 {ref} 已發布。", "Correction notice {ref} is posted."
    ),
}

_INCIDENTS: dict[str, dict[str, str]] = {
    "workflows.inc.usage": _m(
        "用法：{prefix} incident open 级别(low/medium/high/critical) 概要；{prefix} incident update 进展；"
        "{prefix} incident close 总结",
        "用法：{prefix} incident open 級別(low/medium/high/critical) 概要；{prefix} incident update 進展；"
        "{prefix} incident close 總結",
        "Usage: {prefix} incident open <low|medium|high|cri"
        "tical> <summary>; {prefix} incident update <text>; "
        "{prefix} incident close <summary>",
    ),
    "workflows.inc.none": _m(
        "本群当前没有进行中的事件。", "本群目前沒有進行中的事件。", "No incident is open in this group."
    ),
    "workflows.inc.none_usage": _m(
        "本群当前没有进行中的事件。\n"
        "用法：{prefix} incident open <级别> <摘要>（级别：low、medium、high、critical）",
        "本群目前沒有進行中的事件。\n"
        "用法：{prefix} incident open <級別> <摘要>（級別：low、medium、high、critical）",
        "No incident is open in this group.\nUsage: {prefix} incident open <severity> <summary> "
        "(severity: low, medium, high, critical)",
    ),
    "workflows.inc.already": _m(
        "本群已有进行中的事件 {ref}。",
        "本群已有進行中的事件 {ref}。",
        "Incident {ref} is already open in this group.",
    ),
    "workflows.inc.status": _m(
        "事件 {ref}（{severity}）自 {since} 起进行中：{summary}",
        "事件 {ref}（{severity}）自 {since} 起進行中：{summary}",
        "Incident {ref} ({severity}) open since {since}: {summary}",
    ),
    "workflows.inc.severity.low": _m("低", "低", "low"),
    "workflows.inc.severity.medium": _m("中", "中", "medium"),
    "workflows.inc.severity.high": _m("高", "高", "high"),
    "workflows.inc.severity.critical": _m("紧急", "緊急", "critical"),
    "workflows.inc.opened": _m(
        "🚨 事件 {ref}（{severity}）：{summary}\n管理员正在处理，后续进展会在这里通知。",
        "🚨 事件 {ref}（{severity}）：{summary}\n管理員正在處理，後續進展會在這裡通知。",
        "🚨 Incident {ref} ({severity}): {summary}\nThe admins are on it; updates will follow here.",
    ),
    "workflows.inc.opened.you": _m(
        "事件 {ref} 已开启，已通知负责人。隔离措施：{isolation}",
        "事件 {ref} 已開啟，已通知負責人。隔離措施：{isolation}",
        "Incident {ref} is open and the responders are paged. Isolation: {isolation}",
    ),
    "workflows.inc.card.title": _m(
        "🚨 {group}：事件 {ref}（{severity}）",
        "🚨 {group}：事件 {ref}（{severity}）",
        "🚨 {group}: incident {ref} ({severity})",
    ),
    "workflows.inc.field.by": _m("发起人", "發起人", "Opened by"),
    "workflows.inc.field.isolation": _m("隔离", "隔離", "Isolation"),
    "workflows.inc.button.ack": _m("我来处理", "我來處理", "I'm on it"),
    "workflows.inc.button.open": _m("开启事件", "開啟事件", "Open an incident"),
    "workflows.inc.footer": _m(
        "{prefix} incident update 进展 · {prefix} incident close 总结",
        "{prefix} incident update 進展 · {prefix} incident close 總結",
        "{prefix} incident update <text> · {prefix} incident close <summary>",
    ),
    "workflows.inc.escalate": _m(
        "⚠️ 事件 {ref}：平台不允许机器人锁定「{group}」，请手动限制发言。{hint}",
        "⚠️ 事件 {ref}：平台不允許機器人鎖定「{group}」，請手動限制發言。{hint}",
        "⚠️ Incident {ref}: the platform does not let the b"
        "ot lock “{group}”; restrict posting by hand. {hint}",
    ),
    "workflows.inc.escalate.slack": _m(
        "Slack：频道设置 → 发帖权限，设为仅管理员。",
        "Slack：頻道設定 → 發文權限，設為僅管理員。",
        "Slack: channel settings → posting permissions → admins only.",
    ),
    "workflows.inc.escalate.wecom": _m(
        "企业微信：群主在群设置中开启「全员禁言」。",
        "企業微信：群主在群設定中開啟「全員禁言」。",
        "WeCom: the group owner turns on “mute all” in the group settings.",
    ),
    "workflows.inc.escalate.dingtalk": _m(
        "钉钉：群主或群管理员在群设置中开启「全员禁言」。",
        "釘釘：群主或群管理員在群設定中開啟「全員禁言」。",
        "DingTalk: the owner or a group admin turns on “mute all” in the group settings.",
    ),
    "workflows.inc.isolation.muted": _m("{count} 人禁言", "{count} 人禁言", "{count} members muted"),
    "workflows.inc.isolation.joins": _m("新成员需审批", "新成員需審批", "newcomers wait for approval"),
    "workflows.inc.isolation.escalated": _m(
        "需手动限制发言", "需手動限制發言", "posting to be restricted by hand"
    ),
    "workflows.inc.isolation.none": _m("无", "無", "none"),
    "workflows.inc.updated": _m(
        "🔄 事件 {ref} 进展（{by}）：{text}",
        "🔄 事件 {ref} 進展（{by}）：{text}",
        "🔄 Incident {ref} update ({by}): {text}",
    ),
    "workflows.inc.updated.you": _m("进展已发布。", "進展已發布。", "The update is posted."),
    "workflows.inc.summary_needed": _m(
        "关闭事件需要一段总结：{prefix} incident close 总结",
        "關閉事件需要一段總結：{prefix} incident close 總結",
        "Closing an incident needs a summary: {prefix} incident close <summary>",
    ),
    "workflows.inc.closed": _m(
        "✅ 事件 {ref} 已结束：{summary}",
        "✅ 事件 {ref} 已結束：{summary}",
        "✅ Incident {ref} is closed: {summary}",
    ),
    "workflows.inc.unmuted": _m(
        "「{group}」的事件已结束，你可以继续发言。",
        "「{group}」的事件已結束，你可以繼續發言。",
        "The incident in “{group}” is over; you may post again.",
    ),
    "workflows.inc.report": _m(
        "📋 事件报告 {ref}\n级别：{severity}\n开启：{opened}（"
        "{by}）：{opening}\n结束：{closed}（{closed_by}），"
        "历时 {minutes} 分钟\n总结：{summary}\n响应人："
        "{responders}\n隔离：禁言 {muted} 人；新成员审批：{joins}；"
        "需手动处理：{escalated}",
        "📋 事件報告 {ref}\n級別：{severity}\n開啟：{opened}（"
        "{by}）：{opening}\n結束：{closed}（{closed_by}），"
        "歷時 {minutes} 分鐘\n總結：{summary}\n回應人："
        "{responders}\n隔離：禁言 {muted} 人；新成員審批：{joins}；"
        "需手動處理：{escalated}",
        "📋 Incident report {ref}\nSeverity: {severity}\nOpe"
        "ned: {opened} by {by}: {opening}\nClosed: {closed} "
        "by {closed_by}, after {minutes} min\nSummary: {summary}\nResponders: {responders}\nIsolation: "
        "{muted} muted; newcomers approved: {joins}; by hand: {escalated}",
    ),
    "workflows.inc.report.timeline": _m("时间线：", "時間線：", "Timeline:"),
    "workflows.inc.timeline.opened": _m(
        "{by} 开启事件：{text}", "{by} 開啟事件：{text}", "opened by {by}: {text}"
    ),
    "workflows.inc.timeline.update": _m("{by} 更新：{text}", "{by} 更新：{text}", "update by {by}: {text}"),
    "workflows.inc.timeline.responder": _m("{by} 响应{text}", "{by} 回應{text}", "{by} responded{text}"),
    "workflows.inc.timeline.closed": _m(
        "{by} 结束事件：{text}", "{by} 結束事件：{text}", "closed by {by}: {text}"
    ),
    "workflows.inc.responding": _m(
        "已记录：你正在处理事件 {ref}。",
        "已記錄：你正在處理事件 {ref}。",
        "Noted: you are on incident {ref}.",
    ),
    "workflows.inc.spike.title": _m(
        "⚠️ 「{group}」出现异常", "⚠️ 「{group}」出現異常", "⚠️ Unusual activity in “{group}”"
    ),
    "workflows.inc.spike.body": _m(
        "{minutes} 分钟内已有 {count} 次{what}。需要时可开启事件。",
        "{minutes} 分鐘內已有 {count} 次{what}。需要時可開啟事件。",
        "{count} {what} within {minutes} minutes. Open an incident if needed.",
    ),
    "workflows.inc.spike.joins": _m("入群", "入群", "joins"),
    "workflows.inc.spike.leaves": _m("退群", "退群", "leaves"),
    "workflows.inc.spike.violations": _m("违规", "違規", "violations"),
    "workflows.inc.spike.summary": _m(
        "异常：短时间内 {count} 次{what}",
        "異常：短時間內 {count} 次{what}",
        "Spike: {count} {what} in a short time",
    ),
}

_POLLS: dict[str, dict[str, str]] = {
    "workflows.poll.usage": _m(
        '用法：{prefix} poll [--closes 2d] "问题" 选项1 选项2 …（最多 {max} 个选项）',
        '用法：{prefix} poll [--closes 2d] "問題" 選項1 選項2 …（最多 {max} 個選項）',
        'Usage: {prefix} poll [--closes 2d] "<question>" <option> <option> ... (at most {max} options)',
    ),
    "workflows.poll.card.title": _m("🗳️ 投票 {ref}", "🗳️ 投票 {ref}", "🗳️ Poll {ref}"),
    "workflows.poll.field.closes": _m("截止", "截止", "Closes"),
    "workflows.poll.footer": _m(
        "{prefix} poll results {ref} 查看结果 · {prefix} poll close {ref} 结束",
        "{prefix} poll results {ref} 查看結果 · {prefix} poll close {ref} 結束",
        "{prefix} poll results {ref} shows the count · {prefix} poll close {ref} closes it",
    ),
    "workflows.poll.results": _m(
        "🗳️ 投票 {ref}「{question}」：共 {total} 票",
        "🗳️ 投票 {ref}「{question}」：共 {total} 票",
        "🗳️ Poll {ref} “{question}”: {total} votes",
    ),
    "workflows.poll.opened": _m(
        "投票 {ref} 已发起。{prefix} poll close {ref} 可提前结束。",
        "投票 {ref} 已發起。{prefix} poll close {ref} 可提前結束。",
        "Poll {ref} is open. {prefix} poll close {ref} closes it early.",
    ),
    "workflows.poll.missing": _m("找不到这个投票。", "找不到這個投票。", "There is no such poll."),
    "workflows.poll.closed": _m("投票 {ref} 已结束。", "投票 {ref} 已結束。", "Poll {ref} is closed."),
    "workflows.poll.voted": _m(
        "已记录你的投票：{option}", "已記錄你的投票：{option}", "Your vote is recorded: {option}"
    ),
}

_SUGGESTIONS: dict[str, dict[str, str]] = {
    "workflows.suggest.usage": _m(
        "用法：{prefix} suggest [--anonymous] 建议内容",
        "用法：{prefix} suggest [--anonymous] 建議內容",
        "Usage: {prefix} suggest [--anonymous] <text>",
    ),
    "workflows.suggest.anonymous": _m("匿名成员", "匿名成員", "an anonymous member"),
    "workflows.suggest.card.title": _m("💡 成员建议 {ref}", "💡 成員建議 {ref}", "💡 Suggestion {ref}"),
    "workflows.suggest.field.from": _m("来自", "來自", "From"),
    "workflows.suggest.button.noted": _m("已阅", "已閱", "Noted"),
    "workflows.suggest.button.accept": _m("采纳", "採納", "Will act on it"),
    "workflows.suggest.thanks": _m(
        "谢谢！建议 {ref} 已转给管理员。",
        "謝謝！建議 {ref} 已轉給管理員。",
        "Thank you! Suggestion {ref} has gone to the admins.",
    ),
    "workflows.suggest.none": _m("没有待处理的建议。", "沒有待處理的建議。", "No suggestions are waiting."),
    "workflows.suggest.list": _m(
        "待处理的建议（{count}）：", "待處理的建議（{count}）：", "Suggestions waiting ({count}):"
    ),
    "workflows.suggest.missing": _m("找不到这条建议。", "找不到這條建議。", "There is no such suggestion."),
    "workflows.suggest.already": _m(
        "建议 {ref} 已处理。", "建議 {ref} 已處理。", "Suggestion {ref} was already answered."
    ),
    "workflows.suggest.what.noted": _m("已阅", "已閱", "noted"),
    "workflows.suggest.what.accepted": _m("采纳", "採納", "will act on it"),
    "workflows.suggest.answer.noted": _m(
        "管理员已阅读你的建议 {ref}，谢谢！",
        "管理員已閱讀你的建議 {ref}，謝謝！",
        "The admins have read your suggestion {ref}. Thank you!",
    ),
    "workflows.suggest.answer.accepted": _m(
        "管理员采纳了你的建议 {ref}，谢谢！",
        "管理員採納了你的建議 {ref}，謝謝！",
        "The admins will act on your suggestion {ref}. Thank you!",
    ),
}

_REVISIONS: dict[str, dict[str, str]] = {
    "workflows.rev.usage": _m(
        "用法：{prefix} revision propose 设置路径=值 … [-- 理由]；"
        "{prefix} revision approve|reject|pilot|rollout|"
        "rollback 编号；{prefix} revision status [编号]",
        "用法：{prefix} revision propose 設定路徑=值 … [-- 理由]；"
        "{prefix} revision approve|reject|pilot|rollout|"
        "rollback 編號；{prefix} revision status [編號]",
        "Usage: {prefix} revision propose <path>=<value> ... [-- <why>]; {prefix} revision "
        "approve|reject|pilot|rollout|rollback <ref>; {prefix} revision status [ref]",
    ),
    "workflows.rev.missing": _m("找不到修订 {ref}。", "找不到修訂 {ref}。", "There is no revision {ref}."),
    "workflows.rev.invalid": _m(
        "这项修订不是有效的策略：{error}",
        "這項修訂不是有效的策略：{error}",
        "That revision is not a valid policy: {error}",
    ),
    "workflows.rev.no_change": _m(
        "这项修订与现行策略相同。",
        "這項修訂與現行策略相同。",
        "That revision changes nothing in the current policy.",
    ),
    "workflows.rev.poll.question": _m(
        "是否同意群规修订 {ref}？", "是否同意群規修訂 {ref}？", "Do you agree with rule revision {ref}?"
    ),
    "workflows.rev.poll.agree": _m("同意", "同意", "Agree"),
    "workflows.rev.poll.disagree": _m("不同意", "不同意", "Disagree"),
    "workflows.rev.card.title": _m(
        "📜 群规修订 {ref}（{by} 提议）",
        "📜 群規修訂 {ref}（{by} 提議）",
        "📜 Rule revision {ref} proposed by {by}",
    ),
    "workflows.rev.button.approve": _m("批准", "批准", "Approve"),
    "workflows.rev.button.reject": _m("驳回", "駁回", "Reject"),
    "workflows.rev.footer": _m(
        "成员意见见投票 {poll}；{prefix} revision status {ref} 查看",
        "成員意見見投票 {poll}；{prefix} revision status {ref} 查看",
        "Members' opinions: poll {poll}; {prefix} revision status {ref}",
    ),
    "workflows.rev.proposed": _m(
        "修订 {ref}（{count} 项变更）已提出，投票 {poll} 收集意见，负责人会收到审批卡片。",
        "修訂 {ref}（{count} 項變更）已提出，投票 {poll} 收集意見，負責人會收到審批卡片。",
        "Revision {ref} ({count} changes) is proposed; poll"
        " {poll} gathers opinions and the owners get a card.",
    ),
    "workflows.rev.status": _m(
        "修订 {ref}：{state}（{by} 提议）；批准：{approvals}；试点群：{pilots}",
        "修訂 {ref}：{state}（{by} 提議）；批准：{approvals}；試點群：{pilots}",
        "Revision {ref}: {state} (proposed by {by}); approved by: {approvals}; pilot groups: {pilots}",
    ),
    "workflows.rev.status.summary": _m(
        "修订 {ref}：{state}；{count} 项变更；试点群：{pilots}",
        "修訂 {ref}：{state}；{count} 項變更；試點群：{pilots}",
        "Revision {ref}: {state}; {count} changes; pilot groups: {pilots}",
    ),
    "workflows.rev.hidden": _m(
        "{path}：已变更（名单仅负责人可见）",
        "{path}：已變更（名單僅負責人可見）",
        "{path}: changed (the names are shown to the owners only)",
    ),
    "workflows.rev.no_owners": _m(
        "尚未指定修订负责人：在运维人员于组织策略中填写 workflows.revisions.owners 之前，"
        "任何人都不能批准、试点、实施或回滚修订。",
        "尚未指定修訂負責人：在維運人員於組織策略中填寫 workflows.revisions.owners 之前，"
        "任何人都不能核准、試點、實施或回滾修訂。",
        "No owners are named yet: until an operator names workflows.revisions.owners in the org "
        "policy, nobody can approve, pilot, roll out or roll back a revision.",
    ),
    "workflows.rev.pilot.foreign": _m(
        "你不是这些群的管理员（或机器人不认识这些群）：{chats}。修订 {ref} 未在任何群试点。",
        "你不是這些群組的管理員（或機器人不認識這些群組）：{chats}。修訂 {ref} 未在任何群組試點。",
        "You are not an admin of these groups (or the bot does not know them): {chats}. Revision {ref} "
        "was piloted nowhere.",
    ),
    "workflows.rev.state.proposed": _m("待审批", "待審批", "waiting for approval"),
    "workflows.rev.state.approved": _m("已批准", "已批准", "approved"),
    "workflows.rev.state.rejected": _m("已驳回", "已駁回", "rejected"),
    "workflows.rev.state.piloting": _m("试点中", "試點中", "in pilot"),
    "workflows.rev.state.rolled_out": _m("已全面实施", "已全面實施", "rolled out"),
    "workflows.rev.state.rolled_back": _m("已回滚", "已回滾", "rolled back"),
    "workflows.rev.wrong_state": _m(
        "修订 {ref} 当前为「{state}」，不能这样做。",
        "修訂 {ref} 目前為「{state}」，不能這樣做。",
        "Revision {ref} is {state}; that step does not apply.",
    ),
    "workflows.rev.rejected": _m(
        "修订 {ref} 已被 {by} 驳回。", "修訂 {ref} 已被 {by} 駁回。", "Revision {ref} was rejected by {by}."
    ),
    "workflows.rev.own": _m(
        "修订 {ref} 由你提出，需由另一位负责人批准。",
        "修訂 {ref} 由你提出，需由另一位負責人核准。",
        "You proposed revision {ref}; another owner must approve it.",
    ),
    "workflows.rev.already": _m(
        "你已批准过修订 {ref}。", "你已批准過修訂 {ref}。", "You already approved revision {ref}."
    ),
    "workflows.rev.approval_noted": _m(
        "已记录你的批准；修订 {ref} 还需 {more} 位负责人批准。",
        "已記錄你的批准；修訂 {ref} 還需 {more} 位負責人批准。",
        "Your approval is noted; revision {ref} needs {more} more.",
    ),
    "workflows.rev.approved.you": _m(
        "修订 {ref} 已批准。下一步：{prefix} revision pilot {ref} [群] 或 {prefix} revision rollout {ref}",
        "修訂 {ref} 已批准。下一步：{prefix} revision pilot {ref} [群] 或 {prefix} revision rollout {ref}",
        "Revision {ref} is approved. Next: {prefix} revision pilot {ref} [chat ...] or "
        "{prefix} revision rollout {ref}",
    ),
    "workflows.rev.notice.proposed": _m(
        "群规修订 {ref} 提议以下变更（理由：{reason}）：\n{changes}",
        "群規修訂 {ref} 提議以下變更（理由：{reason}）：\n{changes}",
        "Rule revision {ref} proposes these changes (why: {reason}):\n{changes}",
    ),
    "workflows.rev.notice.approved": _m(
        "📜 群规修订 {ref} 已批准，将先试点再全面实施（理由：{reason}）：\n{changes}",
        "📜 群規修訂 {ref} 已批准，將先試點再全面實施（理由：{reason}）：\n{changes}",
        "📜 Rule revision {ref} is approved and will be piloted, then rolled out (why: {reason}):\n{changes}",
    ),
    "workflows.rev.notice.pilot": _m(
        "📜 本群试行群规修订 {ref}（理由：{reason}）：\n{changes}",
        "📜 本群試行群規修訂 {ref}（理由：{reason}）：\n{changes}",
        "📜 This group pilots rule revision {ref} (why: {reason}):\n{changes}",
    ),
    "workflows.rev.notice.rollout": _m(
        "📜 群规修订 {ref} 现已对所有群生效（理由：{reason}）：\n{changes}",
        "📜 群規修訂 {ref} 現已對所有群組生效（理由：{reason}）：\n{changes}",
        "📜 Rule revision {ref} now applies to every group (why: {reason}):\n{changes}",
    ),
    "workflows.rev.notice.rollback": _m(
        "📜 群规修订 {ref} 已撤销，以下设置恢复原样：\n{changes}",
        "📜 群規修訂 {ref} 已撤銷，以下設定恢復原樣：\n{changes}",
        "📜 Rule revision {ref} is rolled back; these settings are as they were:\n{changes}",
    ),
    "workflows.rev.what.approve": _m("批准", "批准", "approved"),
    "workflows.rev.what.reject": _m("驳回", "駁回", "rejected"),
    "workflows.rev.piloting": _m(
        "修订 {ref} 正在 {count} 个群试点。",
        "修訂 {ref} 正在 {count} 個群組試點。",
        "Revision {ref} is piloted in {count} groups.",
    ),
    "workflows.rev.rolled_out": _m(
        "修订 {ref} 已全面实施（组织策略第 {version} 版），另有 {count} 个群将收到通知。",
        "修訂 {ref} 已全面實施（組織策略第 {version} 版），另有 {count} 個群組將收到通知。",
        "Revision {ref} is rolled out (org policy version {version}); {count} other groups will be told.",
    ),
    "workflows.rev.moved_on": _m(
        "组织策略在修订 {ref}（第 {version} 版）之后又有变更，无法自动回滚，请手动处理。",
        "組織策略在修訂 {ref}（第 {version} 版）之後又有變更，無法自動回滾，請手動處理。",
        "The org policy changed after revision {ref} (version {version}); roll it back by hand.",
    ),
    "workflows.rev.rolled_back": _m(
        "修订 {ref} 已回滚。", "修訂 {ref} 已回滾。", "Revision {ref} is rolled back."
    ),
}

MESSAGES: dict[str, dict[str, str]] = {
    **_COMMON,
    **_ANNOUNCEMENTS,
    **_PUBLISHING,
    **_CORRECTIONS,
    **_INCIDENTS,
    **_POLLS,
    **_SUGGESTIONS,
    **_REVISIONS,
}
