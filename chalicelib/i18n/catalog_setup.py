"""The bot's arrival in a group (the setup card and the introduction) and the `admins` command."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "setup.card.title": {
        "zh-CN": "群管已加入「{group}」",
        "zh-TW": "群管已加入「{group}」",
        "en": "qunguan joined “{group}”",
    },
    "setup.card.body": {
        "zh-CN": "请选择是否管理这个群，以及管理方式：正式执行、试行（只提醒不处罚）或只记录。\n"
        "管理员：{admins}\n语言：{locale}　时区：{zone}\n"
        "更改管理员：{prefix} admins add|remove @成员；更改语言或时区：{prefix} policy set locale en、"
        "{prefix} policy set jobs.utc_offset_hours 8",
        "zh-TW": "請選擇是否管理這個群組，以及管理方式：正式執行、試行（只提醒不處罰）或只記錄。\n"
        "管理員：{admins}\n語言：{locale}　時區：{zone}\n"
        "更改管理員：{prefix} admins add|remove @成員；更改語言或時區：{prefix} policy set locale en、"
        "{prefix} policy set jobs.utc_offset_hours 8",
        "en": "Choose whether to govern this group, and how: enforce, trial (reminders, no penalties) or "
        "record only.\nAdmins: {admins}\nLanguage: {locale}   Time zone: {zone}\n"
        "Change the admins: {prefix} admins add|remove @member; the language or time zone: "
        "{prefix} policy set locale en, {prefix} policy set jobs.utc_offset_hours 8",
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
