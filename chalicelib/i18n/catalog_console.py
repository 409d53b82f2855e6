"""Messages of the web console (`chalicelib.console`). Every key has the same `{params}` in all three
locales (a test checks)."""

from __future__ import annotations


def _m(zh_cn: str, zh_tw: str, en: str) -> dict[str, str]:
    return {"zh-CN": zh_cn, "zh-TW": zh_tw, "en": en}


MESSAGES: dict[str, dict[str, str]] = {
    "console.title": _m("群管控制台", "群管控制台", "qunguan console"),
    "console.nav.overview": _m("概览", "概覽", "Overview"),
    "console.nav.groups": _m("群组", "群組", "Groups"),
    "console.nav.cases": _m("待办", "待辦", "Cases"),
    "console.nav.policy": _m("策略", "策略", "Policy"),
    "console.nav.assessments": _m("考核", "考核", "Assessments"),
    "console.nav.audit": _m("审计日志", "稽核日誌", "Audit log"),
    "console.nav.files": _m("文件访问", "檔案存取", "File access"),
    "console.nav.jobs": _m("任务", "任務", "Jobs"),
    "console.nav.me": _m("我的", "我的", "Me"),
    "console.signout": _m("退出登录", "登出", "Sign out"),
    "console.role.owner": _m("所有者", "擁有者", "Owner"),
    "console.role.auditor": _m("审计员", "稽核員", "Auditor"),
    "console.role.admin": _m("群管理员", "群管理員", "Group admin"),
    "console.role.member": _m("成员", "成員", "Member"),
    # sign-in
    "console.login.title": _m("登录", "登入", "Sign in"),
    "console.login.lead": _m(
        "用公司使用的通讯工具账号登录。",
        "使用公司的通訊工具帳號登入。",
        "Sign in with the messenger your company uses.",
    ),
    "console.login.with.slack": _m("使用 Slack 登录", "使用 Slack 登入", "Sign in with Slack"),
    "console.login.with.wecom": _m("使用企业微信登录", "使用企業微信登入", "Sign in with WeCom"),
    "console.login.with.dingtalk": _m("使用钉钉登录", "使用釘釘登入", "Sign in with DingTalk"),
    "console.login.none": _m(
        "尚未配置任何登录方式。", "尚未設定任何登入方式。", "No sign-in is configured here yet."
    ),
    "console.login.failed": _m(
        "登录未完成：{why}。请重试。",
        "登入未完成：{why}。請重試。",
        "Sign-in did not complete: {why}. Please try again.",
    ),
    # errors
    "console.error.403": _m("无权查看", "無權檢視", "Not allowed"),
    "console.error.403.body": _m(
        "你没有查看或操作此页面的权限。", "你沒有檢視或操作此頁面的權限。", "You may not see or do this."
    ),
    "console.error.404": _m("未找到", "找不到", "Not found"),
    "console.error.404.body": _m("没有这个页面。", "沒有這個頁面。", "There is no such page."),
    "console.error.400": _m("请求无效", "請求無效", "Bad request"),
    "console.error.csrf": _m(
        "表单已过期，请刷新页面后重试。",
        "表單已過期，請重新整理後重試。",
        "This form has expired: reload the page and try again.",
    ),
    # overview and groups
    "console.overview.title": _m("概览", "概覽", "Overview"),
    "console.overview.groups": _m("群组", "群組", "Groups"),
    "console.overview.open_cases": _m("待处理", "待處理", "Open cases"),
    "console.overview.no_admin": _m("无已知管理员的群", "無已知管理員的群", "Groups with no known admin"),
    "console.overview.dead_letters": _m("死信", "死信", "Dead letters"),
    "console.overview.failed_jobs": _m("失败的任务", "失敗的任務", "Failed jobs"),
    "console.groups.title": _m("群组", "群組", "Groups"),
    "console.groups.none": _m("没有可查看的群组。", "沒有可檢視的群組。", "No groups to show."),
    "console.col.group": _m("群", "群", "Group"),
    "console.col.platform": _m("平台", "平台", "Platform"),
    "console.col.members": _m("成员", "成員", "Members"),
    "console.col.active": _m("活跃（上次考核）", "活躍（上次考核）", "Active (last assessment)"),
    "console.col.open": _m("待处理", "待處理", "Open"),
    "console.col.score": _m("最近得分", "最近得分", "Last score"),
    "console.col.admins": _m("管理员", "管理員", "Admins"),
    "console.col.when": _m("时间", "時間", "When"),
    "console.col.case": _m("案件", "案件", "Case"),
    "console.col.member": _m("成员", "成員", "Member"),
    "console.col.rule": _m("规则", "規則", "Rule"),
    "console.col.state": _m("状态", "狀態", "State"),
    "console.col.kind": _m("类型", "類型", "Kind"),
    "console.col.points": _m("积分", "積分", "Points"),
    "console.col.actions": _m("操作", "操作", "Actions"),
    "console.col.actor": _m("操作者", "操作者", "Actor"),
    "console.col.event": _m("事件", "事件", "Event"),
    "console.col.outcome": _m("结果", "結果", "Outcome"),
    "console.none": _m("无", "無", "none"),
    "console.group.policy": _m("生效策略", "生效策略", "Policy in force"),
    "console.group.policy.same": _m("与组织策略相同。", "與組織策略相同。", "The same as the org policy."),
    "console.group.policy.diff": _m(
        "与组织策略的差异（版本 {revision}）：",
        "與組織策略的差異（版本 {revision}）：",
        "How it differs from the org policy (revision {revision}):",
    ),
    "console.group.admins": _m("管理员", "管理員", "Admins"),
    "console.group.members": _m("成员与活跃度", "成員與活躍度", "Members and activity"),
    "console.group.members.summary": _m(
        "最近活跃的 {count} 位成员", "最近活躍的 {count} 位成員", "The {count} most recently active members"
    ),
    "console.group.cases": _m("最近的案件", "最近的案件", "Recent cases"),
    "console.group.announcements": _m("公告", "公告", "Announcements"),
    "console.group.announcements.acks": _m("{count} 人已确认", "{count} 人已確認", "{count} acknowledged"),
    "console.group.files": _m("文件", "檔案", "Files"),
    "console.group.last_active": _m("最近活跃", "最近活躍", "Last active"),
    # cases
    "console.cases.title": _m("待办", "待辦", "Case queue"),
    "console.cases.none": _m("没有待处理的案件。", "沒有待處理的案件。", "Nothing waits for you."),
    "console.cases.kind.violation": _m("违规", "違規", "Violation"),
    "console.cases.kind.removal": _m("移出提议", "移出提議", "Removal proposal"),
    "console.cases.kind.report": _m("举报", "檢舉", "Report"),
    "console.cases.kind.appeal": _m("申诉", "申訴", "Appeal"),
    "console.cases.sent": _m(
        "已提交：{what}（{ref}）。结果会显示在卡片和审计日志中。",
        "已送出：{what}（{ref}）。結果會顯示在卡片與稽核日誌中。",
        "Sent: {what} ({ref}). The card and the audit log show the outcome.",
    ),
    "console.cases.gone": _m(
        "案件 {ref} 已不再待处理。", "案件 {ref} 已不再待處理。", "Case {ref} no longer waits."
    ),
    "console.action.warn": _m("警告", "警告", "Warn"),
    "console.action.mute": _m("禁言", "禁言", "Mute"),
    "console.action.remove": _m("移出", "移出", "Remove"),
    "console.action.confirm_remove": _m("确认移出", "確認移出", "Confirm removal"),
    "console.action.dismiss": _m("驳回", "駁回", "Dismiss"),
    "console.action.uphold": _m("维持", "維持", "Uphold"),
    "console.action.reverse": _m("撤销", "撤銷", "Reverse"),
    # me
    "console.me.title": _m("我的", "我的", "Me"),
    "console.me.points": _m("{group}：{points} 分", "{group}：{points} 分", "{group}: {points} points"),
    "console.me.cases": _m("我的案件", "我的案件", "My cases"),
    "console.me.none": _m("你没有案件。", "你沒有案件。", "You have no cases."),
    "console.me.appeal": _m("申诉", "申訴", "Appeal"),
    "console.me.appealed": _m(
        "已提交申诉：{ref}。管理员会处理。",
        "已送出申訴：{ref}。管理員會處理。",
        "Appeal sent: {ref}. An admin will decide.",
    ),
    "console.show": _m("查看", "檢視", "Show"),
    "console.col.period": _m("周期", "週期", "Period"),
    "console.col.file": _m("文件", "檔案", "File"),
    "console.col.job": _m("任务", "任務", "Job"),
    "console.assessments.none": _m("还没有考核。", "還沒有考核。", "No assessments yet."),
    "console.audit.search": _m("搜索", "搜尋", "Search"),
    # the group picker's search (chalicelib.console.picker)
    "console.picker.find": _m("按名称查找群", "依名稱尋找群", "Find a group by name"),
    "console.picker.placeholder": _m("群名开头…", "群名開頭…", "Start of its name…"),
    "console.picker.search": _m("查找", "尋找", "Find"),
    "console.picker.more": _m("更多 →", "更多 →", "More →"),
    "console.picker.none": _m(
        "没有名称以「{text}」开头的群。",
        "沒有名稱以「{text}」開頭的群。",
        "No group's name starts with “{text}”.",
    ),
    "console.jobs.replay": _m("重新投递死信", "重新投遞死信", "Replay dead letters"),
    "console.jobs.dry_run": _m("试运行", "試運行", "dry run"),
    "console.jobs.no_dlq": _m(
        "未配置死信队列（QG_DLQ_URL）。",
        "未設定死信佇列（QG_DLQ_URL）。",
        "No dead-letter queue is configured (QG_DLQ_URL).",
    ),
    "console.jobs.replay_failed": _m(
        "重新投递失败：请检查队列与权限后重试。",
        "重新投遞失敗：請檢查佇列與權限後重試。",
        "The replay failed: check the queues and the function's permissions, then try again.",
    ),
    "console.policy.in_force": _m("生效中的组织策略", "生效中的組織策略", "The org policy in force"),
    "console.policy.propose": _m("提议修订", "提議修訂", "Propose a revision"),
    "console.policy.help": _m(
        "每行一项：路径=值，例如 rules.flood.max_messages=6。提议会进入投票与所有者审批（四眼原则）。",
        "每行一項：路徑=值，例如 rules.flood.max_messages=6。提議會進入投票與擁有者審批（四眼原則）。",
        "One setting a line, path=value, e.g. rules.flood.max_messages=6. A proposal goes to a poll and to "
        "the owners' approval (four eyes).",
    ),
    "console.policy.reason": _m("理由", "理由", "Why"),
    "console.policy.from_group": _m("在群中提议", "在群中提議", "Propose in"),
    "console.policy.read_only": _m(
        "你可以查看策略，但不能提议修订。",
        "你可以檢視策略，但不能提議修訂。",
        "You may read the policy, not propose changes.",
    ),
    "console.policy.revisions": _m("修订", "修訂", "Revisions"),
    "console.policy.changes": _m("将改变 {count} 项：", "將變更 {count} 項：", "{count} change(s):"),
    "console.policy.empty": _m(
        "输入修改后会在此检查。", "輸入修改後會在此檢查。", "Type a change to check it here."
    ),
    "console.policy.proposed": _m(
        "修订已提议：群里会收到投票，所有者会收到审批卡片。",
        "修訂已提議：群裡會收到投票，擁有者會收到審批卡片。",
        "Revision proposed: the group gets a poll, the owners a card to approve it.",
    ),
    "console.policy.invalid": _m(
        "这项修改无效或没有改变任何设置。",
        "這項修改無效或沒有變更任何設定。",
        "This change is invalid or changes nothing.",
    ),
}
