"""Messages of the scheduled jobs: the admins' reports, the members' report cards, the HTML report and
the charts. Every key has the same `{params}` in all three locales (a test checks)."""

from __future__ import annotations


def _m(zh_cn: str, zh_tw: str, en: str) -> dict[str, str]:
    return {"zh-CN": zh_cn, "zh-TW": zh_tw, "en": en}


MESSAGES: dict[str, dict[str, str]] = {
    # --- job names and the report's frame ---
    "jobs.title.cleanup": _m("定期清理", "定期清理", "Cleanup"),
    "jobs.title.review": _m("内容复查", "內容複查", "Content review"),
    "jobs.title.assessment": _m("群考核", "群考核", "Group assessment"),
    "jobs.title.inactivity": _m("不活跃成员", "不活躍成員", "Inactive members"),
    "jobs.title.backup": _m("数据备份", "資料備份", "Backup"),
    "jobs.title.restore-drill": _m("恢复演练", "還原演練", "Restore drill"),
    "jobs.report.head": _m(
        "【群管】{title} · {period}", "【群管】{title} · {period}", "[qunguan] {title} · {period}"
    ),
    "jobs.report.dry_run": _m(
        "（试运行：以上仅为预计结果，未做任何改动。）",
        "（試運行：以上僅為預計結果，未做任何變更。）",
        "(Dry run: the above is what would happen; nothing was changed.)",
    ),
    "jobs.report.link": _m(
        "完整报告（链接限时有效）：{url}",
        "完整報告（連結限時有效）：{url}",
        "Full report (the link expires): {url}",
    ),
    # --- the reasons on the jobs' actions (what the audit log records) ---
    "jobs.report": _m("定期任务报告", "定期任務報告", "Scheduled job report"),
    "jobs.cleanup": _m("定期清理", "定期清理", "Scheduled cleanup"),
    "jobs.assessment": _m("群考核", "群考核", "Group assessment"),
    "jobs.assessment.card": _m("个人考核结果", "個人考核結果", "Your assessment"),
    # --- cleanup ---
    "jobs.cleanup.withdrawn": _m(
        "撤回过期公告 {count} 条", "收回過期公告 {count} 則", "{count} expired announcement(s) withdrawn"
    ),
    "jobs.cleanup.cards_closed": _m(
        "关闭过期卡片 {count} 张", "關閉過期卡片 {count} 張", "{count} stale card(s) closed"
    ),
    "jobs.cleanup.recalled": _m(
        "撤回机器人过时消息 {count} 条",
        "收回機器人過時訊息 {count} 則",
        "{count} outdated bot message(s) recalled",
    ),
    "jobs.cleanup.not_recallable": _m(
        "{count} 条过时消息平台不允许撤回，请管理员手动处理",
        "{count} 則過時訊息平台不允許收回，請管理員手動處理",
        "{count} outdated message(s) the platform does not let the bot recall: please remove them by hand",
    ),
    "jobs.cleanup.passes_lapsed": _m(
        "收回过期的一次性许可 {count} 个",
        "收回過期的一次性許可 {count} 個",
        "{count} lapsed one-time pass(es) withdrawn",
    ),
    "jobs.cleanup.audit_deleted": _m(
        "删除超过保留期的审计记录 {count} 条",
        "刪除超過保留期的稽核紀錄 {count} 筆",
        "{count} audit record(s) past retention deleted",
    ),
    "jobs.cleanup.cases_deleted": _m(
        "删除超过保留期的违规案件 {count} 件",
        "刪除超過保留期的違規案件 {count} 件",
        "{count} case(s) past retention deleted",
    ),
    "jobs.cleanup.snapshots_deleted": _m(
        "删除超过保留期的消息快照 {count} 份",
        "刪除超過保留期的訊息快照 {count} 份",
        "{count} message snapshot(s) past retention deleted",
    ),
    "jobs.cleanup.reports_deleted": _m(
        "删除超过保留期的报告 {count} 份",
        "刪除超過保留期的報告 {count} 份",
        "{count} report(s) past retention deleted",
    ),
    "jobs.cleanup.messages_deleted": _m(
        "删除超过保留期的消息记录 {count} 条",
        "刪除超過保留期的訊息紀錄 {count} 筆",
        "{count} message log entries past retention deleted",
    ),
    "jobs.cleanup.texts_removed": _m(
        "清除超过保留期的消息正文 {count} 条",
        "清除超過保留期的訊息內文 {count} 則",
        "{count} message text(s) past retention removed",
    ),
    "jobs.cleanup.failed": _m(
        "{count} 项处理失败，下次清理时重试",
        "{count} 項處理失敗，下次清理時重試",
        "{count} item(s) failed and will be retried by the next cleanup",
    ),
    "jobs.cleanup.more": _m(
        "本次清理已达上限，剩余部分正在继续。",
        "本次清理已達上限，剩餘部分正在繼續。",
        "This run reached its limit; the rest is being handled in a follow-up.",
    ),
    "jobs.cleanup.later": _m(
        "本次清理已达上限，剩余部分将在下次清理时处理。",
        "本次清理已達上限，剩餘部分將在下次清理時處理。",
        "This run reached its limit; the rest is left for the next cleanup.",
    ),
    "jobs.cleanup.card_closed": _m(
        "此卡片已过期，已由群管关闭。",
        "此卡片已過期，已由群管關閉。",
        "This card has expired and was closed by qunguan.",
    ),
    "jobs.cleanup.post_withdrawn": _m(
        "此公告已到期，已由群管撤回。",
        "此公告已到期，已由群管撤回。",
        "This announcement has expired and was withdrawn by qunguan.",
    ),
    # --- content review ---
    "jobs.review.no_messages": _m(
        "本群未保存消息正文（策略 retention.messages 未设置），无法复查。",
        "本群未保存訊息內文（策略 retention.messages 未設定），無法複查。",
        "This group keeps no message text (retention.messages is not set), so there is nothing to review.",
    ),
    "jobs.review.scope": _m(
        "按当前群规复查最近 {days} 天的消息：共 {messages} 条，其中 {scanned} 条有正文。"
        "以下为假如当时执行当前群规会标记的内容（仅供参考，未做处理）：",
        "依目前群規複查最近 {days} 天的訊息：共 {messages} 則，其中 {scanned} 則有內文。"
        "以下為假如當時執行目前群規會標記的內容（僅供參考，未做處理）：",
        "The last {days} days' messages re-checked against the current rules: {messages} messages, "
        "{scanned} with text. What the current policy would have flagged (for information; nothing was "
        "done):",
    ),
    "jobs.review.clean": _m(
        "当前群规不会标记其中任何一条。",
        "目前群規不會標記其中任何一則。",
        "The current policy would flag none of them.",
    ),
    "jobs.review.rule": _m(
        "· {rule}：{count} 条（其中 {new} 条当时未被标记）",
        "· {rule}：{count} 則（其中 {new} 則當時未被標記）",
        "· {rule}: {count} (of which {new} were not flagged at the time)",
    ),
    "jobs.review.sample": _m("{when} {user}：{text}", "{when} {user}：{text}", "{when} {user}: {text}"),
    "jobs.review.sample_hidden": _m(
        "{when} {user}：（敏感内容，不予显示）",
        "{when} {user}：（敏感內容，不予顯示）",
        "{when} {user}: (sensitive content, not shown)",
    ),
    # --- assessment: dimensions ---
    "jobs.dimension.compliance": _m("合规", "合規", "Compliance"),
    "jobs.dimension.participation": _m("参与", "參與", "Participation"),
    "jobs.dimension.responsiveness": _m("响应", "回應", "Responsiveness"),
    "jobs.dimension.acknowledgements": _m("确认", "確認", "Acknowledgements"),
    "jobs.dimension.files": _m("文件", "檔案", "Files"),
    # --- assessment: the admins' report ---
    "jobs.assessment.score": _m("群得分 {score}", "群得分 {score}", "Group score {score}"),
    "jobs.assessment.score_trend": _m(
        "群得分 {score}（上期 {previous}，{change}）",
        "群得分 {score}（上期 {previous}，{change}）",
        "Group score {score} (last period {previous}, {change})",
    ),
    "jobs.assessment.members": _m(
        "成员 {members} 人，其中发言 {active} 人",
        "成員 {members} 人，其中發言 {active} 人",
        "{members} members, {active} of them posted",
    ),
    "jobs.assessment.figures": _m(
        "消息 {messages} 条 · 问题 {questions} 个中 {answered} 个得到回复 · 违规 {cases} 件",
        "訊息 {messages} 則 · 問題 {questions} 個中 {answered} 個得到回覆 · 違規 {cases} 件",
        "{messages} messages · {answered} of {questions} questions answered · {cases} cases",
    ),
    "jobs.assessment.top": _m(
        "表彰贡献突出的成员：{names}", "表揚貢獻突出的成員：{names}", "Top contributors: {names}"
    ),
    "jobs.assessment.no_archive": _m(
        "（未配置归档存储桶 QG_ARCHIVE_BUCKET，完整 HTML 报告未保存。）",
        "（未設定歸檔儲存桶 QG_ARCHIVE_BUCKET，完整 HTML 報告未儲存。）",
        "(No archive bucket, QG_ARCHIVE_BUCKET, is set: the full HTML report was not stored.)",
    ),
    "jobs.assessment.recognition": _m(
        "🎉 {period} 群考核：感谢 {names} 的积极贡献！",
        "🎉 {period} 群考核：感謝 {names} 的積極貢獻！",
        "🎉 Assessment {period}: thank you, {names}, for your contributions!",
    ),
    # --- assessment: a member's private report card ---
    "jobs.card.head": _m(
        "【群管】你在「{group}」{period} 的考核",
        "【群管】你在「{group}」{period} 的考核",
        "[qunguan] Your assessment in “{group}”, {period}",
    ),
    "jobs.card.total": _m(
        "总分 {total}（全群平均 {group}）",
        "總分 {total}（全群平均 {group}）",
        "Total {total} (group average {group})",
    ),
    "jobs.card.compliance": _m(
        "· 合规 {score}：违规 {cases} 件，{points} 分",
        "· 合規 {score}：違規 {cases} 件，{points} 分",
        "· Compliance {score}: {cases} case(s), {points} point(s)",
    ),
    "jobs.card.participation": _m(
        "· 参与 {score}：发言 {days} 天，消息 {messages} 条，回复 {replies} 条",
        "· 參與 {score}：發言 {days} 天，訊息 {messages} 則，回覆 {replies} 則",
        "· Participation {score}: active {days} day(s), {messages} message(s), {replies} repl(ies)",
    ),
    "jobs.card.responsiveness": _m(
        "· 响应 {score}：被 @ {mentions} 次，回复 {answered} 次",
        "· 回應 {score}：被 @ {mentions} 次，回覆 {answered} 次",
        "· Responsiveness {score}: @-mentioned {mentions} time(s), answered {answered}",
    ),
    "jobs.card.acknowledgements": _m(
        "· 确认 {score}：公告确认 {acks}/{required}",
        "· 確認 {score}：公告確認 {acks}/{required}",
        "· Acknowledgements {score}: {acks} of {required} announcement(s)",
    ),
    "jobs.card.files": _m(
        "· 文件 {score}：规范命名 {tidy}/{files}",
        "· 檔案 {score}：規範命名 {tidy}/{files}",
        "· Files {score}: {tidy} of {files} well named",
    ),
    "jobs.card.tip.compliance": _m(
        "建议：回顾群规（发送「rules」），避免再次违规，违规积分会随时间衰减。",
        "建議：回顧群規（傳送「rules」），避免再次違規，違規積分會隨時間衰減。",
        "Tip: have another look at the rules (send “rules”); violation points fade over time.",
    ),
    "jobs.card.tip.participation": _m(
        "建议：多参与讨论，回复同事的问题也算在内。",
        "建議：多參與討論，回覆同事的問題也算在內。",
        "Tip: take part in the discussion; answering colleagues counts too.",
    ),
    "jobs.card.tip.responsiveness": _m(
        "建议：被 @ 时尽量在一小时内回复。",
        "建議：被 @ 時盡量在一小時內回覆。",
        "Tip: when someone @-mentions you, try to answer within the hour.",
    ),
    "jobs.card.tip.acknowledgements": _m(
        "建议：收到需确认的公告后请点击「确认」。",
        "建議：收到需確認的公告後請點擊「確認」。",
        "Tip: press “Acknowledge” on announcements that ask for it.",
    ),
    "jobs.card.tip.files": _m(
        "建议：分享文件时按群里的命名规范命名。",
        "建議：分享檔案時依群組的命名規範命名。",
        "Tip: name the files you share after the group's convention.",
    ),
    # --- charts ---
    "jobs.chart.dimensions": _m("各维度平均分", "各維度平均分", "Average score per dimension"),
    "jobs.chart.dimensions_caption": _m(
        "各维度平均分（本期与上期）：{legend}",
        "各維度平均分（本期與上期）：{legend}",
        "Average score per dimension (this period and the last): {legend}",
    ),
    "jobs.chart.distribution": _m("成员总分分布", "成員總分分布", "Members by total score"),
    "jobs.chart.members": _m("人数", "人數", "Members"),
    "jobs.chart.trend": _m("群得分趋势", "群得分趨勢", "Group score over time"),
    "jobs.chart.group_score": _m("群得分", "群得分", "Group score"),
    "jobs.chart.daily": _m("每日消息数", "每日訊息數", "Messages per day"),
    "jobs.chart.messages": _m("消息", "訊息", "Messages"),
    # --- the HTML report ---
    "jobs.html.title": _m(
        "{group} · {period} 群考核报告", "{group} · {period} 群考核報告", "{group} · assessment {period}"
    ),
    "jobs.html.generated": _m("生成于 {at}", "產生於 {at}", "Generated {at}"),
    "jobs.html.group_score": _m("群得分（满分 100）", "群得分（滿分 100）", "group score (out of 100)"),
    "jobs.html.members": _m("成员", "成員", "Members"),
    "jobs.html.active_members": _m("发言成员", "發言成員", "Members who posted"),
    "jobs.html.messages": _m("消息", "訊息", "Messages"),
    "jobs.html.questions_answered": _m("问题获回复", "問題獲回覆", "Questions answered"),
    "jobs.html.median_answer": _m(
        "回复中位时间（分钟）", "回覆中位時間（分鐘）", "Median time to answer (min)"
    ),
    "jobs.html.mentions_answered": _m("@ 获回复", "@ 獲回覆", "@-mentions answered"),
    "jobs.html.cases": _m("违规案件", "違規案件", "Cases"),
    "jobs.html.points": _m("违规积分", "違規積分", "Violation points"),
    "jobs.html.announcements": _m("需确认公告", "需確認公告", "Announcements to acknowledge"),
    "jobs.html.tidy_files": _m("规范命名文件", "規範命名檔案", "Well-named files"),
    "jobs.html.dimensions": _m("各维度", "各維度", "Dimensions"),
    "jobs.html.dimension": _m("维度", "維度", "Dimension"),
    "jobs.html.weight": _m("权重", "權重", "Weight"),
    "jobs.html.this_period": _m("本期", "本期", "This period"),
    "jobs.html.last_period": _m("上期", "上期", "Last period"),
    "jobs.html.change": _m("变化", "變化", "Change"),
    "jobs.html.charts": _m("图表", "圖表", "Charts"),
    "jobs.html.top": _m("表彰", "表揚", "Top contributors"),
    "jobs.html.no_top": _m(
        "本期没有达到表彰条件的成员。",
        "本期沒有達到表揚條件的成員。",
        "Nobody reached the bar for recognition this period.",
    ),
    "jobs.html.member_table": _m("成员明细", "成員明細", "Members"),
    "jobs.html.member": _m("成员", "成員", "Member"),
    "jobs.html.more_members": _m(
        "另有 {count} 名成员未列出（按总分排序，仅列前 1000 名）。",
        "另有 {count} 名成員未列出（依總分排序，僅列前 1000 名）。",
        "{count} more members are not listed (the table shows the best 1 000 by total).",
    ),
    "jobs.html.total": _m("总分", "總分", "Total"),
    "jobs.html.active_days": _m("发言天数", "發言天數", "Active days"),
    "jobs.html.replies": _m("回复", "回覆", "Replies"),
    "jobs.html.method": _m(
        "计分方法：各维度 0–100 分，总分为适用维度的加权平均（权重见上表）；没有可衡量内容的维度不计入。"
        "本报告仅供群管理员查看，请勿转发。",
        "計分方法：各維度 0–100 分，總分為適用維度的加權平均（權重見上表）；沒有可衡量內容的維度不計入。"
        "本報告僅供群管理員查看，請勿轉發。",
        "Scoring: each dimension 0-100; the total is the weighted mean of the dimensions that apply (weights "
        "above); a dimension with nothing to measure does not count. For the group's admins only: please do "
        "not forward.",
    ),
}
