"""Policy validation, as the operator (`qunguan policy validate|apply`) and the admin (`/qg policy set`)
read it: each problem names its path and says what is wrong and what would be right."""

from __future__ import annotations


def _m(zh_cn: str, zh_tw: str, en: str) -> dict[str, str]:
    return {"zh-CN": zh_cn, "zh-TW": zh_tw, "en": en}


MESSAGES: dict[str, dict[str, str]] = {
    "policy.check.header": _m(
        "策略未通过检查，共 {count} 处问题：",
        "政策未通過檢查，共 {count} 處問題：",
        "The policy was refused: {count} problem(s).",
    ),
    "policy.check.line": _m("- {path}：{message}", "- {path}：{message}", "- {path}: {message}"),
    "policy.check.root": _m("（整个文件）", "（整個檔案）", "(the whole file)"),
    "policy.check.yaml": _m(
        "不是有效的 YAML（第 {line} 行）：{error}",
        "不是有效的 YAML（第 {line} 行）：{error}",
        "not valid YAML (line {line}): {error}",
    ),
    "policy.check.not_mapping": _m(
        "策略应是“设置: 值”的映射", "政策應是「設定: 值」的對應", "a policy is a mapping of settings"
    ),
    "policy.check.unknown_key": _m(
        "没有名为“{key}”的设置{hint}",
        "沒有名為「{key}」的設定{hint}",
        "there is no setting “{key}”{hint}",
    ),
    "policy.check.did_you_mean": _m(
        "，是不是“{suggestion}”？", "，是不是「{suggestion}」？", "; did you mean “{suggestion}”?"
    ),
    "policy.check.missing": _m("缺少这一项", "缺少這一項", "this setting is required"),
    "policy.check.one_of": _m(
        "应为以下之一：{expected}", "應為以下之一：{expected}", "must be one of: {expected}"
    ),
    "policy.check.min": _m("不能小于 {limit}", "不能小於 {limit}", "must be at least {limit}"),
    "policy.check.above": _m("必须大于 {limit}", "必須大於 {limit}", "must be more than {limit}"),
    "policy.check.max": _m("不能大于 {limit}", "不能大於 {limit}", "must be at most {limit}"),
    "policy.check.below": _m("必须小于 {limit}", "必須小於 {limit}", "must be less than {limit}"),
    "policy.check.integer": _m("应为整数", "應為整數", "must be a whole number"),
    "policy.check.number": _m("应为数字", "應為數字", "must be a number"),
    "policy.check.boolean": _m("应为 true 或 false", "應為 true 或 false", "must be true or false"),
    "policy.check.text": _m("应为文本", "應為文字", "must be text"),
    "policy.check.list": _m(
        "应为列表，例如 [甲, 乙]", "應為清單，例如 [甲, 乙]", "must be a list, such as [a, b]"
    ),
    "policy.check.mapping": _m(
        "应为“键: 值”的映射", "應為「鍵: 值」的對應", "must be a mapping of key: value"
    ),
    "policy.check.invalid": _m("无效：{error}", "無效：{error}", "invalid: {error}"),
    "policy.check.regex": _m(
        "不是可用的正则表达式：{error}",
        "不是可用的正規表示式：{error}",
        "not a usable regular expression: {error}",
    ),
    "policy.check.retention": _m(
        "保留天数至少为 1 天：{kinds}",
        "保留天數至少為 1 天：{kinds}",
        "keep each for 1 day at least: {kinds}",
    ),
    "policy.check.join_approvers": _m(
        "入群申请需要有人审批：approval 请设为 admins 或 approvers",
        "入群申請需要有人審核：approval 請設為 admins 或 approvers",
        "join requests need someone to approve them: set approval to admins or approvers",
    ),
    "policy.check.join_reminder": _m(
        "reminder_hours（提醒）须早于 timeout_hours（超时）",
        "reminder_hours（提醒）須早於 timeout_hours（逾時）",
        "reminder_hours must come before timeout_hours",
    ),
    "policy.check.inactivity_order": _m(
        "须满足 mark_days < final_days < remove_days",
        "須滿足 mark_days < final_days < remove_days",
        "they must be in order: mark_days < final_days < remove_days",
    ),
    "policy.check.regex_unsupported": _m(
        "不支持 {construct}：模式由不会回溯的引擎（RE2）运行，以免一条消息卡住整个群",
        "不支援 {construct}：模式由不會回溯的引擎（RE2）執行，以免一則訊息卡住整個群組",
        "not supported here: {construct} (patterns run on an engine that cannot backtrack, RE2, so that "
        "no message can stall a group)",
    ),
    "policy.check.regex_long": _m(
        "模式太长（最多 {limit} 个字符）",
        "模式太長（最多 {limit} 個字元）",
        "the pattern is too long ({limit} characters at most)",
    ),
    "policy.check.regex_large": _m(
        "模式太大（重复次数超过 1000，或嵌套后相乘超过）：请简化",
        "模式太大（重複次數超過 1000，或巢狀後相乘超過）：請簡化",
        "the pattern is too large (a repetition over 1000, or nested ones multiplying past it): simplify it",
    ),
    "policy.check.id_platform": _m(
        "“{value}”：没有“{platform}”这个平台（可用：slack、wecom、dingtalk）",
        "「{value}」：沒有「{platform}」這個平台（可用：slack、wecom、dingtalk）",
        "“{value}”: there is no platform “{platform}” (slack, wecom or dingtalk)",
    ),
    "policy.check.id_parts": _m(
        "“{value}”应写成“平台:租户:用户”，例如 {example}",
        "「{value}」應寫成「平台:租戶:使用者」，例如 {example}",
        "“{value}” should read platform:tenant:user, such as {example}",
    ),
    "policy.check.id_tenant_format": _m(
        "“{value}”中的“{tenant}”不是 {platform} 的租户 ID（应形如 {example}）",
        "「{value}」中的「{tenant}」不是 {platform} 的租戶 ID（應形如 {example}）",
        "“{tenant}” in “{value}” is not a {platform} tenant id (it looks like {example})",
    ),
    "policy.check.id_tenant_unknown": _m(
        "“{value}”中的租户“{tenant}”不是本部署的 {platform} 租户（已知：{known}）",
        "「{value}」中的租戶「{tenant}」不是本部署的 {platform} 租戶（已知：{known}）",
        "the tenant “{tenant}” in “{value}” is not a {platform} tenant of this deployment (known: {known})",
    ),
    "policy.check.id_user_format": _m(
        "“{value}”中的“{user}”不是 {platform} 的用户 ID（应形如 {example}）",
        "「{value}」中的「{user}」不是 {platform} 的使用者 ID（應形如 {example}）",
        "“{user}” in “{value}” is not a {platform} user id (it looks like {example})",
    ),
    "policy.check.id_native": _m(
        "“{value}”不是任何平台的用户 ID（不是姓名、@提及或邮箱）；请写成 平台:租户:用户，例如 {example}",
        "「{value}」不是任何平台的使用者 ID（不是姓名、@提及或電子郵件）；"
        "請寫成 平台:租戶:使用者，例如 {example}",
        "“{value}” is no platform's user id (not a name, an @mention or an e-mail address); write "
        "platform:tenant:user, such as {example}",
    ),
    "policy.check.id_unqualified": _m(
        "“{value}”须写成完整的 平台:租户:用户（例如 {example}）：单写一个 ID 会在每个平台、每个租户都算数",
        "「{value}」須寫成完整的 平台:租戶:使用者（例如 {example}）："
        "單寫一個 ID 會在每個平台、每個租戶都算數",
        "“{value}” must be a qualified id, platform:tenant:user (such as {example}): a bare id would count "
        "on every platform and in every tenant",
    ),
    "policy.check.id_other_group": _m(
        "“{value}”不属于本群的平台和租户（{group}）",
        "「{value}」不屬於本群組的平台和租戶（{group}）",
        "“{value}” is not of this group's platform and tenant ({group})",
    ),
    "policy.check.org_only": _m(
        "负责人只能在组织策略中指定，不能写在群的覆盖设置里",
        "負責人只能在組織政策中指定，不能寫在群組的覆寫設定裡",
        "owners are named in the org policy only, not in a group's override",
    ),
    "policy.check.gid": _m(
        "“{value}”不是群 ID；应写成 平台:租户:群，例如 {example}",
        "「{value}」不是群組 ID；應寫成 平台:租戶:群組，例如 {example}",
        "“{value}” is not a group id; write platform:tenant:chat, such as {example}",
    ),
    "policy.check.term_empty": _m("词条不能为空", "詞條不能為空", "a term cannot be empty"),
    "policy.check.term_short": _m(
        "“{term}”太短，会命中正常消息（至少 2 个字或 2 个字母）；确需单字时请写在 exact_terms 下，"
        "只在整条消息就是它时命中",
        "「{term}」太短，會命中正常訊息（至少 2 個字或 2 個字母）；確需單字時請寫在 exact_terms 下，"
        "只在整則訊息就是它時命中",
        "“{term}” is too short and would catch ordinary messages (2 characters or letters at least); a "
        "single character belongs under exact_terms, where it matches only a whole message",
    ),
    "policy.check.duplicate": _m(
        "“{term}”重复（已在 {other}）",
        "「{term}」重複（已在 {other}）",
        "“{term}” is repeated (also at {other})",
    ),
    "policy.check.scope_unknown": _m(
        "qunguan 从未见过群“{gid}”；请核对 ID（qunguan groups list），或加 --create 为它预先设置",
        "qunguan 從未見過群組「{gid}」；請核對 ID（qunguan groups list），或加上 --create 預先設定",
        "qunguan has never seen the group “{gid}”: check the id (qunguan groups list), or add --create "
        "to set it up in advance",
    ),
    "policy.check.bad_path": _m(
        "不是设置的路径（如 rules.flood.max_messages）",
        "不是設定的路徑（如 rules.flood.max_messages）",
        "not a setting's path (such as rules.flood.max_messages)",
    ),
    "policy.check.set_usage": _m(
        "用法：{prefix} policy set <路径> <值>，例如 {prefix} policy set rules.flood.max_messages 10",
        "用法：{prefix} policy set <路徑> <值>，例如 {prefix} policy set rules.flood.max_messages 10",
        "Usage: {prefix} policy set <path> <value>, e.g. {prefix} policy set rules.flood.max_messages 10",
    ),
    "policy.trial.summary": _m(
        "以本群近 {days} 天保留的 {messages} 条消息试算：{changed} 条的处理会改变；"
        "各规则（现行 → 修订后）：{rules}",
        "以本群近 {days} 天保留的 {messages} 則訊息試算：{changed} 則的處理會改變；"
        "各規則（現行 → 修訂後）：{rules}",
        "Tried on the {messages} message(s) this group kept in the last {days} days: {changed} decision(s) "
        "change; per rule (now → revised): {rules}",
    ),
    "policy.trial.nothing_kept": _m(
        "本群不保留消息原文（retention.messages 未设置），无法试算修订的效果。",
        "本群組不保留訊息原文（retention.messages 未設定），無法試算修訂的效果。",
        "This group keeps no message text (retention.messages is not set): the revision could not be tried.",
    ),
}
