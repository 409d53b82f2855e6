"""The bot's arrival in a group (the setup card and the introduction) and the `admins` command."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "setup.card.title": {
        "zh-CN": "群管已加入「{group}」",
        "zh-TW": "群管已加入「{group}」",
        "en": "qunguan joined “{group}”",
    },
    "setup.card.body": {
        "zh-CN": "请为这个群选择管理方式、规则预设、语言和时区，确认管理员，然后点「应用」。\n"
        "管理员：{admins}\n"
        "预设：标准＝企业的群规；严格＝更快升级处理；宽松＝多提醒少处罚；会议群＝简短发言、平息争执。\n"
        "之后也可更改：{prefix} admins add|remove @成员、{prefix} policy set locale en",
        "zh-TW": "請為這個群組選擇管理方式、規則預設、語言和時區，確認管理員，然後點「套用」。\n"
        "管理員：{admins}\n"
        "預設：標準＝企業的群規；嚴格＝更快升級處理；寬鬆＝多提醒少處罰；會議群＝簡短發言、平息爭執。\n"
        "之後也可更改：{prefix} admins add|remove @成員、{prefix} policy set locale en",
        "en": "Choose how to govern this group, its rule preset, language and time zone, confirm its admins, "
        "then press Apply.\nAdmins: {admins}\n"
        "Presets: Standard = the organisation's rules; Strict = quicker escalation; Relaxed = more "
        "reminders, fewer penalties; Meeting = short messages, calm discussions.\n"
        "Change them later: {prefix} admins add|remove @member, {prefix} policy set locale en",
    },
    "setup.select.mode": {"zh-CN": "管理方式", "zh-TW": "管理方式", "en": "Governing"},
    "setup.select.preset": {"zh-CN": "规则预设", "zh-TW": "規則預設", "en": "Rule preset"},
    "setup.select.locale": {"zh-CN": "语言", "zh-TW": "語言", "en": "Language"},
    "setup.select.zone": {"zh-CN": "时区", "zh-TW": "時區", "en": "Time zone"},
    "setup.select.region": {"zh-CN": "语言与时区", "zh-TW": "語言與時區", "en": "Language and time zone"},
    "setup.select.admins": {"zh-CN": "管理员", "zh-TW": "管理員", "en": "Admins"},
    "setup.preset.standard": {"zh-CN": "标准", "zh-TW": "標準", "en": "Standard"},
    "setup.preset.strict": {"zh-CN": "严格", "zh-TW": "嚴格", "en": "Strict"},
    "setup.preset.relaxed": {"zh-CN": "宽松", "zh-TW": "寬鬆", "en": "Relaxed"},
    "setup.preset.meeting": {"zh-CN": "会议群", "zh-TW": "會議群", "en": "Meeting"},
    "setup.preset.custom": {"zh-CN": "自定义", "zh-TW": "自訂", "en": "Custom"},
    "setup.button.apply": {"zh-CN": "应用", "zh-TW": "套用", "en": "Apply"},
    "setup.applied": {
        "zh-CN": "「{group}」已设置（{by}）：{mode} · {preset} · {locale} · {zone}\n管理员：{admins}",
        "zh-TW": "「{group}」已設定（{by}）：{mode} · {preset} · {locale} · {zone}\n管理員：{admins}",
        "en": "“{group}” is set up ({by}): {mode} · {preset} · {locale} · {zone}\nAdmins: {admins}",
    },
    "setup.button.enforce": {"zh-CN": "正式执行", "zh-TW": "正式執行", "en": "Enforce"},
    "setup.button.warn": {"zh-CN": "试行", "zh-TW": "試行", "en": "Trial"},
    "setup.button.shadow": {"zh-CN": "只记录", "zh-TW": "只記錄", "en": "Record only"},
    "setup.button.off": {"zh-CN": "不管理此群", "zh-TW": "不管理此群組", "en": "Not this group"},
    "setup.chosen.enforce": {
        "zh-CN": "「{group}」由群管正式管理（{by}）。",
        "zh-TW": "「{group}」由群管正式管理（{by}）。",
        "en": "“{group}” is governed by qunguan ({by}).",
    },
    "setup.chosen.warn": {
        "zh-CN": "「{group}」试行群规：只提醒，不处罚（{by}）。",
        "zh-TW": "「{group}」試行群規：只提醒，不處罰（{by}）。",
        "en": "“{group}” trials the rules: reminders only, no penalties ({by}).",
    },
    "setup.chosen.shadow": {
        "zh-CN": "「{group}」只记录，不提醒也不处罚（{by}）。",
        "zh-TW": "「{group}」只記錄，不提醒也不處罰（{by}）。",
        "en": "“{group}” is recorded only: no reminders, no penalties ({by}).",
    },
    "setup.chosen.off": {
        "zh-CN": "群管不再管理「{group}」（{by}）。随时可用 {prefix} enable 重新开启。",
        "zh-TW": "群管不再管理「{group}」（{by}）。隨時可用 {prefix} enable 重新開啟。",
        "en": "qunguan no longer governs “{group}” ({by}). {prefix} enable turns it back on.",
    },
    "setup.intro": {
        "zh-CN": "大家好，我是群管，负责维护本群的群规。发送「{prefix} help」查看我能做什么；"
        "被我处理的消息会私信告诉你原因和申诉方法。",
        "zh-TW": "大家好，我是群管，負責維護本群組的群規。傳送「{prefix} help」查看我能做什麼；"
        "被我處理的訊息會私訊告訴你原因和申訴方法。",
        "en": "Hello, I am qunguan and I look after this group's rules. Send “{prefix} help” to see what "
        "I do; if I act on a message of yours, I tell you why and how to appeal, privately.",
    },
    "setup.nobody": {"zh-CN": "（尚无）", "zh-TW": "（尚無）", "en": "(none yet)"},
    # --- admins add | remove | list ---
    "admins.usage": {
        "zh-CN": "用法：{prefix} admins list | add @成员 | remove @成员\n例如：{prefix} admins add @张三",
        "zh-TW": "用法：{prefix} admins list | add @成員 | remove @成員\n例如：{prefix} admins add @張三",
        "en": "Usage: {prefix} admins list | add @member | remove @member\n"
        "Example: {prefix} admins add @alice",
    },
    "admins.list": {
        "zh-CN": "「{group}」的管理员：{admins}{source}",
        "zh-TW": "「{group}」的管理員：{admins}{source}",
        "en": "Admins of “{group}”: {admins}{source}",
    },
    "admins.source.org": {
        "zh-CN": "\n（本群尚无管理员，由企业管理员代管）",
        "zh-TW": "\n（本群組尚無管理員，由企業管理員代管）",
        "en": "\n(the group has no admin of its own: the organisation's admins stand in)",
    },
    "admins.added": {
        "zh-CN": "已将 {member} 设为「{group}」的管理员。",
        "zh-TW": "已將 {member} 設為「{group}」的管理員。",
        "en": "{member} is now an admin of “{group}”.",
    },
    "admins.removed": {
        "zh-CN": "{member} 不再是「{group}」的管理员。",
        "zh-TW": "{member} 不再是「{group}」的管理員。",
        "en": "{member} is no longer an admin of “{group}”.",
    },
    "admins.last": {
        "zh-CN": "{member} 是「{group}」唯一的管理员，请先添加另一位管理员。",
        "zh-TW": "{member} 是「{group}」唯一的管理員，請先新增另一位管理員。",
        "en": "{member} is the only admin of “{group}”: add another admin first.",
    },
}
