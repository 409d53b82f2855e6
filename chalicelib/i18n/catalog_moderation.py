"""Moderation messages: rule names, reasons, the private explanation a member gets, admin cards and
the escalation ladder. Every key has the same `{params}` in all three locales (a test checks)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # --- rule names (also the param-free `reason` of the actions they cause) ---
    "moderation.rule.flood": {"zh-CN": "刷屏", "zh-TW": "洗版", "en": "Flooding"},
    "moderation.rule.duplicate": {"zh-CN": "重复消息", "zh-TW": "重複訊息", "en": "Repeated messages"},
    "moderation.rule.lexicon": {"zh-CN": "不当用语", "zh-TW": "不當用語", "en": "Inappropriate language"},
    "moderation.rule.ads": {"zh-CN": "广告与私事", "zh-TW": "廣告與私事", "en": "Ads and private dealings"},
    "moderation.rule.pii": {"zh-CN": "敏感信息", "zh-TW": "敏感資訊", "en": "Sensitive data"},
    "moderation.rule.files": {"zh-CN": "文件规范", "zh-TW": "檔案規範", "en": "File conventions"},
    "moderation.rule.emoji": {"zh-CN": "表情过多", "zh-TW": "表情過多", "en": "Too many emoji"},
    "moderation.rule.length": {"zh-CN": "消息过长", "zh-TW": "訊息過長", "en": "Overlong message"},
    "moderation.rule.topic": {"zh-CN": "偏离主题", "zh-TW": "偏離主題", "en": "Off topic"},
    "moderation.rule.lexicon.confidential": {
        "zh-CN": "保密信息",
        "zh-TW": "保密資訊",
        "en": "Confidential material",
    },
    "moderation.rule.other": {"zh-CN": "群规", "zh-TW": "群規", "en": "Group rules"},
    # --- reasons (what the member reads about each finding) ---
    "moderation.reason.flood": {
        "zh-CN": "{seconds} 秒内发送了 {count} 条消息（上限 {max} 条）。",
        "zh-TW": "{seconds} 秒內傳送了 {count} 則訊息（上限 {max} 則）。",
        "en": "{count} messages in {seconds} seconds (the limit is {max}).",
    },
    "moderation.reason.duplicate.member": {
        "zh-CN": "{minutes} 分钟内重复发送了相同的内容。",
        "zh-TW": "{minutes} 分鐘內重複傳送了相同的內容。",
        "en": "The same message was posted again within {minutes} minutes.",
    },
    "moderation.reason.duplicate.group": {
        "zh-CN": "相同的内容在 {minutes} 分钟内已在群里出现 {copies} 次。",
        "zh-TW": "相同的內容在 {minutes} 分鐘內已在群組中出現 {copies} 次。",
        "en": "The same message has appeared {copies} times in the group within {minutes} minutes.",
    },
    "moderation.reason.lexicon.abuse": {
        "zh-CN": "包含辱骂或不文明用语。请尊重他人。",
        "zh-TW": "包含辱罵或不文明用語。請尊重他人。",
        "en": "It contains abusive or impolite language. Please be respectful.",
    },
    "moderation.reason.lexicon.illegal": {
        "zh-CN": "包含可能违法的内容。",
        "zh-TW": "包含可能違法的內容。",
        "en": "It contains content that may be unlawful.",
    },
    "moderation.reason.lexicon.confidential": {
        "zh-CN": "内容或文件带有保密标记（如「机密」「内部资料」），不应在群里发布，"
        "请通过加密或私密渠道发送。",
        "zh-TW": "內容或檔案帶有保密標記（如「機密」「內部資料」），不應在群組中發布，"
        "請透過加密或私密管道傳送。",
        "en": "It is marked confidential (e.g. “confidential”, “internal only”) and should not be posted in "
        "the group; please share it through an encrypted or private channel.",
    },
    "moderation.reason.lexicon.other": {
        "zh-CN": "包含本群禁止的词语（类别：{category}）。",
        "zh-TW": "包含本群禁止的詞語（類別：{category}）。",
        "en": "It contains words this group does not allow (category: {category}).",
    },
    "moderation.reason.ads.link": {
        "zh-CN": "包含未经允许的外部链接（{domain}）。如确有需要，请先征得管理员同意。",
        "zh-TW": "包含未經允許的外部連結（{domain}）。如確有需要，請先徵得管理員同意。",
        "en": "It links to a site that is not on the group's allow-list ({domain}). Ask an admin first if "
        "you need to share it.",
    },
    "moderation.reason.ads.contact": {
        "zh-CN": "包含私人联系方式（微信号、QQ 号、LINE ID 或手机号）。"
        "私事请私下沟通，推广需先征得管理员同意。",
        "zh-TW": "包含私人聯絡方式（微信號、QQ 號、LINE ID 或手機號碼）。"
        "私事請私下溝通，推廣需先徵得管理員同意。",
        "en": "It offers private contact details (WeChat, QQ, LINE or phone). Keep private matters private, "
        "and ask an admin before promoting anything.",
    },
    "moderation.reason.ads.promotion": {
        "zh-CN": "看起来是广告或推广。未经管理员同意，群里不能发布广告。",
        "zh-TW": "看起來是廣告或推廣。未經管理員同意，群組中不能發布廣告。",
        "en": "It looks like an advertisement. Ads need an admin's permission in this group.",
    },
    "moderation.reason.pii.id_card": {
        "zh-CN": "包含身份证号码（{masked}，共 {count} 处）。个人信息请勿在群里公开。",
        "zh-TW": "包含身分證號碼（{masked}，共 {count} 處）。個人資料請勿在群組中公開。",
        "en": "It contains an ID-card number ({masked}; {count} in all). Personal data must not be posted "
        "in the group.",
    },
    "moderation.reason.pii.bank_card": {
        "zh-CN": "包含银行卡号（{masked}，共 {count} 处）。请勿在群里公开。",
        "zh-TW": "包含銀行卡號（{masked}，共 {count} 處）。請勿在群組中公開。",
        "en": "It contains a bank-card number ({masked}; {count} in all). Please do not post it in the "
        "group.",
    },
    "moderation.reason.pii.mobile": {
        "zh-CN": "包含手机号码（{masked}，共 {count} 处）。如非必要，请私下发送。",
        "zh-TW": "包含手機號碼（{masked}，共 {count} 處）。如非必要，請私下傳送。",
        "en": "It contains a mobile number ({masked}; {count} in all). Unless it has to be here, send it "
        "privately.",
    },
    "moderation.reason.pii.email": {
        "zh-CN": "包含电子邮箱地址（{masked}，共 {count} 处）。如非必要，请私下发送。",
        "zh-TW": "包含電子郵件地址（{masked}，共 {count} 處）。如非必要，請私下傳送。",
        "en": "It contains an e-mail address ({masked}; {count} in all). Unless it has to be here, send it "
        "privately.",
    },
    "moderation.reason.pii.secret": {
        "zh-CN": "包含密码、密钥或访问令牌（{masked}，共 {count} 处）。",
        "zh-TW": "包含密碼、金鑰或存取權杖（{masked}，共 {count} 處）。",
        "en": "It contains a password, key or access token ({masked}; {count} in all).",
    },
    "moderation.reason.files.type": {
        "zh-CN": "文件「{name}」的类型（.{ext}）不在本群允许的范围内（允许：{allowed}）。",
        "zh-TW": "檔案「{name}」的類型（.{ext}）不在本群允許的範圍內（允許：{allowed}）。",
        "en": "The file “{name}” is of a type (.{ext}) this group does not allow (allowed: {allowed}).",
    },
    "moderation.reason.files.size": {
        "zh-CN": "文件「{name}」大小为 {size_mb} MB，超过上限 {max_mb} MB。请改用共享链接。",
        "zh-TW": "檔案「{name}」大小為 {size_mb} MB，超過上限 {max_mb} MB。請改用共享連結。",
        "en": "The file “{name}” is {size_mb} MB, over the {max_mb} MB limit. Please share a link instead.",
    },
    "moderation.reason.files.name": {
        "zh-CN": "文件名「{name}」不符合本群的命名规范。",
        "zh-TW": "檔名「{name}」不符合本群的命名規範。",
        "en": "The file name “{name}” does not follow this group's naming convention.",
    },
    "moderation.reason.files.name_example": {
        "zh-CN": "文件名「{name}」不符合本群的命名规范，示例：{example}",
        "zh-TW": "檔名「{name}」不符合本群的命名規範，範例：{example}",
        "en": "The file name “{name}” does not follow this group's naming convention, for example: {example}",
    },
    "moderation.reason.files.description": {
        "zh-CN": "分享文件时请附上一句简短说明（可以是文件的说明文字，或在 {minutes} 分钟内补发一条消息）。",
        "zh-TW": "分享檔案時請附上一句簡短說明（可以是檔案的說明文字，或在 {minutes} 分鐘內補發一則訊息）。",
        "en": "Please add a short description when you share a file (a caption, or a message within "
        "{minutes} minutes).",
    },
    "moderation.reason.files.old_version": {
        "zh-CN": "「{name}」是 {version}，但群里已经有更新的 {latest}。请确认发的是最新版本。",
        "zh-TW": "「{name}」是 {version}，但群組中已經有更新的 {latest}。請確認傳送的是最新版本。",
        "en": "“{name}” is {version}, but {latest} has already been shared in the group. Please check that "
        "you shared the latest version.",
    },
    "moderation.reason.emoji": {
        "zh-CN": "一条消息里用了 {emoji} 个表情，超过内容的 {max_percent}%。请适度使用表情。",
        "zh-TW": "一則訊息裡用了 {emoji} 個表情，超過內容的 {max_percent}%。請適度使用表情。",
        "en": "{emoji} emoji in one message, over {max_percent}% of it. Please use emoji in moderation.",
    },
    "moderation.reason.length": {
        "zh-CN": "消息有 {length} 字，超过建议的 {max} 字。可以先写摘要，详细内容放在附件或文档里。",
        "zh-TW": "訊息有 {length} 字，超過建議的 {max} 字。可以先寫摘要，詳細內容放在附件或文件裡。",
        "en": "The message is {length} characters, over the suggested {max}. Consider a short summary with "
        "the details in an attachment or a document.",
    },
    "moderation.reason.topic": {
        "zh-CN": "内容似乎与本群主题（{keywords}）无关。请围绕会议主题发言。",
        "zh-TW": "內容似乎與本群主題（{keywords}）無關。請圍繞會議主題發言。",
        "en": "This seems unrelated to the group's topic ({keywords}). Please keep to the meeting's topic.",
    },
    # --- the private explanation ---
    "moderation.dm.enforce": {
        "zh-CN": "你在「{group}」发的消息违反了群规，已按规定处理：",
        "zh-TW": "你在「{group}」傳送的訊息違反了群規，已依規定處理：",
        "en": "Your message in “{group}” broke the group's rules and was handled as follows:",
    },
    "moderation.dm.warn": {
        "zh-CN": "提醒：你在「{group}」发的消息可能不符合群规。本次只是提醒，消息没有被处理。",
        "zh-TW": "提醒：你在「{group}」傳送的訊息可能不符合群規。本次僅為提醒，訊息沒有被處理。",
        "en": "A reminder: your message in “{group}” may not follow the group's rules. This is only a "
        "reminder; nothing was removed.",
    },
    "moderation.dm.line": {
        "zh-CN": "• {rule}：{reason}",
        "zh-TW": "• {rule}：{reason}",
        "en": "• {rule}: {reason}",
    },
    "moderation.dm.line_reminder": {
        "zh-CN": "• {rule}（仅提醒）：{reason}",
        "zh-TW": "• {rule}（僅提醒）：{reason}",
        "en": "• {rule} (reminder only): {reason}",
    },
    "moderation.dm.removed": {
        "zh-CN": "这条消息已从群里撤下。原文如下，仅你可见，方便你修改后重新发送：\n{text}",
        "zh-TW": "這則訊息已從群組中撤下。原文如下，僅你可見，方便你修改後重新傳送：\n{text}",
        "en": "The message is removed from the group. Here is your text, visible only to you, so you can "
        "edit and resend it:\n{text}",
    },
    "moderation.dm.withdraw": {
        "zh-CN": "本平台不允许机器人撤回他人的消息，请你自行撤回这条消息。"
        "原文如下，仅你可见，方便你修改后重新发送：\n{text}",
        "zh-TW": "本平台不允許機器人收回他人的訊息，請你自行收回這則訊息。"
        "原文如下，僅你可見，方便你修改後重新傳送：\n{text}",
        "en": "This platform does not let the bot remove other people's messages: please withdraw this one "
        "yourself. Here is your text, visible only to you, so you can edit and resend it:\n{text}",
    },
    "moderation.dm.muted": {
        "zh-CN": "你被禁言 {minutes} 分钟，到时自动解除。",
        "zh-TW": "你被禁言 {minutes} 分鐘，時間到會自動解除。",
        "en": "You are muted for {minutes} minutes; it lifts by itself.",
    },
    "moderation.dm.mute_asked": {
        "zh-CN": "按群规你将被禁言 {minutes} 分钟；本平台不支持禁言，请在此期间不要发言，管理员已知悉。",
        "zh-TW": "依群規你將被禁言 {minutes} 分鐘；本平台不支援禁言，請在此期間不要發言，管理員已知悉。",
        "en": "Under the group's rules you are muted for {minutes} minutes. This platform cannot mute, so "
        "please do not post until then; the admins have been told.",
    },
    "moderation.dm.removal_proposed": {
        "zh-CN": "由于违规积分较高，管理员将审议是否将你移出本群。",
        "zh-TW": "由於違規積分較高，管理員將審議是否將你移出本群。",
        "en": "Because of your violation points, the admins will consider removing you from the group.",
    },
    "moderation.dm.removed_from_group": {
        "zh-CN": "由于违规积分达到上限，你已被移出本群。",
        "zh-TW": "由於違規積分達到上限，你已被移出本群。",
        "en": "Your violation points reached the limit, so you have been removed from the group.",
    },
    "moderation.dm.points": {
        "zh-CN": "你当前的违规积分为 {points}（每 {half_life} 天减半）。",
        "zh-TW": "你目前的違規積分為 {points}（每 {half_life} 天減半）。",
        "en": "Your violation points now stand at {points} (they halve every {half_life} days).",
    },
    "moderation.dm.rotate_secret": {
        "zh-CN": "密码或密钥一旦发到群里就应视为已泄露，请尽快更换。",
        "zh-TW": "密碼或金鑰一旦傳到群組中就應視為已外洩，請盡快更換。",
        "en": "A password or key posted in a group must be treated as leaked: please change it now.",
    },
    "moderation.dm.appeal": {
        "zh-CN": "如有异议，请在 {days} 天内发送「{command}」申诉，将由另一位管理员复核。",
        "zh-TW": "如有異議，請在 {days} 天內傳送「{command}」申訴，將由另一位管理員複核。",
        "en": "If you think this is wrong, send “{command}” within {days} days; another admin will "
        "review it.",
    },
    "moderation.group.this": {"zh-CN": "本群", "zh-TW": "本群", "en": "the group"},
    "moderation.bot_name": {"zh-CN": "群管", "zh-TW": "群管", "en": "qunguan"},
    # --- admin cards ---
    "moderation.card.violation.title": {
        "zh-CN": "违规处理：{rule}",
        "zh-TW": "違規處理：{rule}",
        "en": "Rule violation: {rule}",
    },
    "moderation.card.violation.body": {
        "zh-CN": "{member} 在「{group}」的消息触发了群规。请确认处理结果，或选择进一步操作。",
        "zh-TW": "{member} 在「{group}」的訊息觸發了群規。請確認處理結果，或選擇進一步操作。",
        "en": "A message by {member} in “{group}” broke the group's rules. Check what was done, or act "
        "further.",
    },
    "moderation.card.field.member": {"zh-CN": "成员", "zh-TW": "成員", "en": "Member"},
    "moderation.card.field.rules": {"zh-CN": "规则", "zh-TW": "規則", "en": "Rules"},
    "moderation.card.field.group": {"zh-CN": "群", "zh-TW": "群組", "en": "Group"},
    "moderation.card.field.when": {"zh-CN": "时间", "zh-TW": "時間", "en": "When"},
    "moderation.card.field.link": {"zh-CN": "原消息", "zh-TW": "原訊息", "en": "Link"},
    "moderation.card.field.actions": {"zh-CN": "已执行", "zh-TW": "已執行", "en": "Done"},
    "moderation.card.field.points": {"zh-CN": "违规积分", "zh-TW": "違規積分", "en": "Points"},
    "moderation.card.field.latest": {"zh-CN": "最新案件", "zh-TW": "最新案件", "en": "Latest case"},
    "moderation.card.field.excerpt": {"zh-CN": "消息内容", "zh-TW": "訊息內容", "en": "Message"},
    "moderation.card.done.deleted": {"zh-CN": "已撤回消息", "zh-TW": "已撤回訊息", "en": "message removed"},
    "moderation.card.done.asked": {
        "zh-CN": "已请成员自行撤回（平台不允许机器人撤回）",
        "zh-TW": "已請成員自行收回（平台不允許機器人收回）",
        "en": "poster asked to withdraw it (the platform does not let the bot remove it)",
    },
    "moderation.card.done.mute_asked": {
        "zh-CN": "已私下要求 {minutes} 分钟内不发言（平台不支持禁言）",
        "zh-TW": "已私下要求 {minutes} 分鐘內不發言（平台不支援禁言）",
        "en": "asked privately not to post for {minutes} minutes (the platform cannot mute)",
    },
    "moderation.card.done.muted": {
        "zh-CN": "禁言 {minutes} 分钟",
        "zh-TW": "禁言 {minutes} 分鐘",
        "en": "muted for {minutes} minutes",
    },
    "moderation.card.done.removal_proposed": {
        "zh-CN": "待确认移出",
        "zh-TW": "待確認移出",
        "en": "removal proposed",
    },
    "moderation.card.done.explained": {
        "zh-CN": "已私下提醒",
        "zh-TW": "已私下提醒",
        "en": "told privately",
    },
    "moderation.card.button.warn": {"zh-CN": "警告", "zh-TW": "警告", "en": "Warn"},
    "moderation.card.button.mute": {"zh-CN": "禁言", "zh-TW": "禁言", "en": "Mute"},
    "moderation.card.button.remove": {"zh-CN": "移出群", "zh-TW": "移出群組", "en": "Remove"},
    "moderation.card.button.dismiss": {"zh-CN": "撤销/忽略", "zh-TW": "撤銷/忽略", "en": "Dismiss"},
    "moderation.card.button.confirm_remove": {
        "zh-CN": "确认移出",
        "zh-TW": "確認移出",
        "en": "Confirm removal",
    },
    "moderation.card.removal.title": {
        "zh-CN": "移出提议：违规积分已达上限",
        "zh-TW": "移出提議：違規積分已達上限",
        "en": "Removal proposed: violation points reached the limit",
    },
    "moderation.card.removal.body": {
        "zh-CN": "{member} 在「{group}」的违规积分为 {points}，已达到移出门槛。请确认是否移出，或忽略。",
        "zh-TW": "{member} 在「{group}」的違規積分為 {points}，已達到移出門檻。請確認是否移出，或忽略。",
        "en": "{member} has {points} violation points in “{group}”, which reaches the removal threshold. "
        "Confirm the removal, or dismiss it.",
    },
    "moderation.card.footer": {
        "zh-CN": "案件 {case} · 群规版本 {version}",
        "zh-TW": "案件 {case} · 群規版本 {version}",
        "en": "Case {case} · policy version {version}",
    },
    # --- escalation and admin notices (param-free: they are actions' reasons) ---
    "moderation.escalation.mute": {
        "zh-CN": "违规积分达到禁言门槛",
        "zh-TW": "違規積分達到禁言門檻",
        "en": "Violation points reached the mute threshold",
    },
    "moderation.escalation.removal": {
        "zh-CN": "违规积分达到移出门槛，提请管理员确认",
        "zh-TW": "違規積分達到移出門檻，提請管理員確認",
        "en": "Violation points reached the removal threshold; the admins are asked to confirm",
    },
    "moderation.removal.updated": {
        "zh-CN": "待确认的移出提议已更新为最新积分",
        "zh-TW": "待確認的移出提議已更新為最新積分",
        "en": "The open removal proposal now shows the latest points",
    },
    "moderation.escalation.remove": {
        "zh-CN": "违规积分达到移出门槛",
        "zh-TW": "違規積分達到移出門檻",
        "en": "Violation points reached the removal threshold",
    },
    "moderation.notify_admins": {
        "zh-CN": "违规已报告管理员",
        "zh-TW": "違規已通報管理員",
        "en": "Violation reported to the admins",
    },
    "moderation.withdrawn.admins": {
        "zh-CN": "{member} 已自行撤回在「{group}」中违反「{rule}」的消息，案例 {case} 已关闭，无需再处理。",
        "zh-TW": "{member} 已自行收回在「{group}」中違反「{rule}」的訊息，案例 {case} 已關閉，無需再處理。",
        "en": "{member} withdrew their message in {group} that broke “{rule}”: case {case} is closed, "
        "nothing is left to decide.",
    },
}
