"""Messages of the web console's work pages (`chalicelib.console`): join requests and drafts in the case
queue, the policy editor's `policy test` preview, dry runs of jobs, a group's announcements and files,
and a person's page. Every key has the same `{params}` in all three locales (a test checks)."""

from __future__ import annotations


def _m(zh_cn: str, zh_tw: str, en: str) -> dict[str, str]:
    return {"zh-CN": zh_cn, "zh-TW": zh_tw, "en": en}


MESSAGES: dict[str, dict[str, str]] = {
    # the case queue: join requests and publishing drafts
    "console.cases.kind.join": _m("入群申请", "入群申請", "Join request"),
    "console.cases.kind.draft": _m("待发布", "待發布", "Publishing draft"),
    "console.cases.own": _m(
        "你自己的申请（需他人处理）", "你自己的申請（需他人處理）", "Yours: someone else decides"
    ),
    "console.action.approve": _m("批准", "核准", "Approve"),
    "console.action.reject": _m("拒绝", "拒絕", "Reject"),
    # the policy test preview
    "console.trial.title": _m("策略试运行", "策略試運行", "Policy test"),
    "console.trial.help": _m(
        "用上面的草稿（留空则为现行策略）判定示例消息或群内保留的消息：只判定，不执行。",
        "用上面的草稿（留空則為現行策略）判定範例訊息或群內保留的訊息：只判定，不執行。",
        "Runs the draft above (empty: the policy in force) on sample or kept messages: "
        "it decides, never acts.",
    ),
    "console.trial.samples": _m(
        "示例消息（每行一条）", "範例訊息（每行一則）", "Sample messages (one a line)"
    ),
    "console.trial.with_kept": _m(
        "同时判定该群最近 {days} 天保留的消息",
        "同時判定該群最近 {days} 天保留的訊息",
        "Also the messages the group kept these {days} days",
    ),
    "console.trial.run": _m("试运行", "試運行", "Test"),
    "console.trial.lead": _m(
        "在「{group}」中，按普通成员（无积分）判定：",
        "在「{group}」中，按一般成員（無積分）判定：",
        "In {group}, as an ordinary member with no points:",
    ),
    "console.trial.typed": _m("示例消息", "範例訊息", "Sample messages"),
    "console.trial.kept": _m(
        "最近 {days} 天保留的消息", "最近 {days} 天保留的訊息", "Kept messages, last {days} days"
    ),
    "console.trial.keeps_nothing": _m(
        "该群不保留消息文本（retention.messages 未设置）。",
        "該群不保留訊息文字（retention.messages 未設定）。",
        "This group keeps no message text (retention.messages is not set).",
    ),
    "console.trial.message": _m("消息", "訊息", "Message"),
    "console.trial.fires": _m("触发的规则", "觸發的規則", "Rules that fire"),
    "console.trial.would": _m("机器人会", "機器人會", "The bot would"),
    "console.trial.mode.enforce": _m("执行", "執行", "enforce"),
    "console.trial.mode.warn": _m("提醒", "提醒", "warn"),
    "console.trial.mode.shadow": _m("影子", "影子", "shadow"),
    "console.trial.mode.off": _m("关闭", "關閉", "off"),
    "console.trial.nothing": _m("无", "無", "none"),
    "console.trial.changed": _m("与现行策略不同", "與現行策略不同", "differs from the policy in force"),
    "console.trial.shadow": _m(
        "（影子模式，仅记录）", "（影子模式，僅記錄）", "(shadow mode, recorded only)"
    ),
    "console.trial.no_action": _m("不做任何处理", "不做任何處理", "do nothing"),
    "console.trial.no_messages": _m("没有消息。", "沒有訊息。", "No messages."),
    "console.trial.withheld": _m(
        "（内容不予显示：涉及个人或保密信息）",
        "（內容不予顯示：涉及個人或保密資訊）",
        "(withheld: personal or confidential data)",
    ),
    "console.trial.delete": _m("撤回该消息", "收回該訊息", "remove the message"),
    "console.trial.mute": _m("禁言 {minutes} 分钟", "禁言 {minutes} 分鐘", "mute for {minutes} min"),
    "console.trial.remove": _m("移出群", "移出群組", "remove the member"),
    "console.trial.card": _m(
        "向 {count} 位管理员发卡片", "向 {count} 位管理員發卡片", "card {count} admin(s)"
    ),
    "console.trial.explain": _m("私信告知成员", "私訊告知成員", "tell the member privately"),
    "console.trial.points": _m("记 {points} 分", "記 {points} 分", "add {points} point(s)"),
    "console.trial.propose_removal": _m("提议移出", "提議移出", "propose removal"),
    # jobs: dry runs
    "console.jobs.dry_runs": _m("试运行", "試運行", "Dry runs"),
    "console.jobs.dry_help": _m(
        "以试运行方式为本群运行任务：报告会做什么，不做任何改动。每个周期一次。",
        "以試運行方式為本群執行任務：報告會做什麼，不做任何變更。每個週期一次。",
        "Runs a job for this group as a dry run: it reports what it would do and changes nothing. "
        "Once a period.",
    ),
    "console.jobs.dry_run_now": _m("试运行", "試運行", "Dry run"),
    "console.jobs.dry_sent": _m(
        "已请求{job}的试运行，报告见下方。",
        "已請求{job}的試運行，報告見下方。",
        "Dry run of {job} requested: its report is below.",
    ),
    "console.jobs.dry_already": _m(
        "本周期已请求过{job}的试运行，报告见下方。",
        "本週期已請求過{job}的試運行，報告見下方。",
        "A dry run of {job} was asked for this period already: its report is below.",
    ),
    "console.jobs.dry_nothing": _m("没有可做的事。", "沒有可做的事。", "Nothing to do."),
    "console.jobs.not_installed": _m("此任务未安装。", "此任務未安裝。", "This job is not installed here."),
    "console.jobs.name.cleanup": _m("清理", "清理", "cleanup"),
    "console.jobs.name.review": _m("规则复查", "規則複查", "rule review"),
    "console.jobs.name.assessment": _m("考核", "考核", "assessment"),
    "console.jobs.name.inactivity": _m("不活跃成员", "不活躍成員", "inactivity exits"),
    "console.jobs.name.membership": _m("成员事务", "成員事務", "membership timers"),
    "console.jobs.name.workflows": _m("流程提醒", "流程提醒", "workflow reminders"),
    "console.jobs.name.mentions": _m("@提醒", "@提醒", "mention reminders"),
    # a group's announcements and files
    "console.ann.posted": _m("{by} 发布于 {at}", "{by} 發布於 {at}", "by {by}, {at}"),
    "console.ann.expires": _m("{at} 到期", "{at} 到期", "expires {at}"),
    "console.ann.counts": _m(
        "{acked} 人已确认，{waiting} 人未确认",
        "{acked} 人已確認，{waiting} 人未確認",
        "{acked} acknowledged, {waiting} not yet",
    ),
    "console.ann.acked": _m("已确认", "已確認", "Acknowledged"),
    "console.ann.waiting": _m("未确认", "未確認", "Not yet"),
    "console.ann.more": _m("还有 {count} 人", "還有 {count} 人", "and {count} more"),
    "console.ann.no_ack": _m("无需确认。", "無需確認。", "No acknowledgement asked."),
    "console.ann.none": _m("没有未结束的公告。", "沒有未結束的公告。", "No open announcements."),
    "console.files.size": _m("大小", "大小", "Size"),
    "console.files.uploader": _m("上传者", "上傳者", "Uploaded by"),
    "console.files.note": _m("备注", "備註", "Note"),
    "console.files.none": _m("没有归档的文件。", "沒有封存的檔案。", "No archived files."),
    "console.files.newest": _m("← 最新", "← 最新", "← Newest"),
    "console.files.older": _m("更早", "更早", "Older"),
    # a person
    "console.me.history": _m("我在各群的记录", "我在各群的紀錄", "My history in every group"),
    "console.person.partial": _m(
        "只显示你管理的群中的记录。",
        "只顯示你管理的群組中的紀錄。",
        "Only the rows of the groups you administer are shown.",
    ),
    "console.person.identities": _m("关联身份", "關聯身分", "Linked identities"),
    "console.person.points": _m("各群积分", "各群積分", "Points per group"),
    "console.person.sanctions": _m("处分", "處分", "Sanctions"),
    "console.person.scope": _m("范围", "範圍", "Scope"),
    "console.person.reason": _m("理由", "理由", "Reason"),
    "console.person.scope.group": _m("群：{target}", "群組：{target}", "group: {target}"),
    "console.person.scope.tag": _m("标签：{target}", "標籤：{target}", "tag: {target}"),
    "console.person.scope.org": _m("全组织{target}", "全組織{target}", "the whole org{target}"),
    "console.person.lifted": _m("已解除", "已解除", "lifted"),
    "console.person.until": _m("至 {until}", "至 {until}", "until {until}"),
    "console.person.history": _m("各群记录", "各群紀錄", "History in every group"),
    "console.person.kind.case": _m("案件", "案件", "case"),
    "console.person.kind.mute": _m("禁言", "禁言", "mute"),
    "console.person.kind.ack": _m("确认群规", "確認群規", "rules acknowledged"),
    "console.person.more": _m(
        "还有 {count} 条更早的记录。", "還有 {count} 筆更早的紀錄。", "{count} older rows not shown."
    ),
}
