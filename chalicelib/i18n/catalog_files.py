"""The file archive (R6.4-R6.10): archiving, listings, links, notes, logs, outsiders' requests, the link
route's refusals, and the cleanup's count."""

from __future__ import annotations


def _m(zh_cn: str, zh_tw: str, en: str) -> dict[str, str]:
    return {"zh-CN": zh_cn, "zh-TW": zh_tw, "en": en}


_ARCHIVING: dict[str, dict[str, str]] = {
    "files.archived": _m(
        "已归档「{name}」（{size}），编号 {id}。群成员可用 {prefix} file {id} 获取链接；"
        "用 {prefix} file note {id} 说明 添加使用说明。",
        "已歸檔「{name}」（{size}），編號 {id}。群成員可用 {prefix} file {id} 取得連結；"
        "用 {prefix} file note {id} 說明 加上使用說明。",
        "Archived “{name}” ({size}) as {id}. Members get it with {prefix} file {id}; "
        "add a usage note with {prefix} file note {id} <text>.",
    ),
    "files.archived.private": _m(
        "已将「{name}」（{size}）归档到「{group}」，编号 {id}。群成员可用 {prefix} file {id} 获取链接；"
        "用 {prefix} file note {id} 说明 添加使用说明。",
        "已將「{name}」（{size}）歸檔到「{group}」，編號 {id}。群成員可用 {prefix} file {id} 取得連結；"
        "用 {prefix} file note {id} 說明 加上使用說明。",
        "Archived “{name}” ({size}) for “{group}” as {id}. Members get it with {prefix} file {id}; "
        "add a usage note with {prefix} file note {id} <text>.",
    ),
    "files.archived.same": _m(
        "「{name}」与已归档的 {id} 内容相同，未重复保存。获取：{prefix} file {id}",
        "「{name}」與已歸檔的 {id} 內容相同，未重複保存。取得：{prefix} file {id}",
        "“{name}” has the same content as {id}, already archived; not stored twice. "
        "Get it: {prefix} file {id}",
    ),
    "files.new_version": _m(
        "你下载过的文件有新版本：「{name}」（{version}）已归档到「{group}」。获取：{prefix} file {id}",
        "你下載過的檔案有新版本：「{name}」（{version}）已歸檔到「{group}」。取得：{prefix} file {id}",
        "A new version of a file you downloaded is in the archive of “{group}”: “{name}” ({version}). "
        "Get it: {prefix} file {id}",
    ),
    "files.skip.refused": _m(
        "「{name}」不符合本群的文件规则（类型或大小），未归档。",
        "「{name}」不符合本群的檔案規則（類型或大小），未歸檔。",
        "“{name}” does not meet this group's file rules (type or size), so it was not archived.",
    ),
    "files.skip.too_large": _m(
        "「{name}」超过归档上限 {max_mb} MB，未归档。请压缩或拆分后再发，或交管理员处理。",
        "「{name}」超過歸檔上限 {max_mb} MB，未歸檔。請壓縮或分割後再傳，或交管理員處理。",
        "“{name}” is over the archive's limit of {max_mb} MB and was not archived. Compress or split it, "
        "or ask an admin.",
    ),
    "files.skip.unavailable.slack": _m(
        "无法获取「{name}」（外部链接或受限文件），未归档。请把文件本身上传到频道，"
        "或先在频道里发 {prefix} file upload，再私信发给我。",
        "無法取得「{name}」（外部連結或受限檔案），未歸檔。請把檔案本身上傳到頻道，"
        "或先在頻道裡發 {prefix} file upload，再私訊傳給我。",
        "I could not fetch “{name}” (an external or restricted file), so it was not archived. Upload the "
        "file itself to the channel, or say {prefix} file upload there and then send it to me directly.",
    ),
    "files.skip.unavailable.wecom": _m(
        "无法获取「{name}」，未归档。请先在群里发 {prefix} file upload，"
        "再把文件私聊发给本应用（不是智能机器人）。",
        "無法取得「{name}」，未歸檔。請先在群組裡發 {prefix} file upload，"
        "再把檔案私聊傳給本應用（不是智能機器人）。",
        "I could not get “{name}”, so it was not archived. Say {prefix} file upload in the group, then send "
        "the file privately to the app (not to the AI bot).",
    ),
    "files.skip.unavailable.dingtalk": _m(
        "无法获取「{name}」，未归档。请先在群里发 {prefix} file upload，再在与机器人的单聊中发送文件。",
        "無法取得「{name}」，未歸檔。請先在群組裡發 {prefix} file upload，再在與機器人的單聊中傳送檔案。",
        "I could not get “{name}”, so it was not archived. Say {prefix} file upload in the group, then send "
        "the file to the robot in a one-to-one chat.",
    ),
    "files.upload.where": _m(
        "要归档文件，请先在对应的群里发 {prefix} file upload，然后在规定时间内把文件私聊发给我。",
        "要歸檔檔案，請先在對應的群組裡發 {prefix} file upload，然後在規定時間內把檔案私聊傳給我。",
        "To archive a file, first say {prefix} file upload in its group, then send me the file privately "
        "within the time it gives.",
    ),
    "files.upload.slack": _m(
        "在频道里直接上传文件即可自动归档。也可以在 {minutes} 分钟内把文件私信发给我，归档到「{group}」。",
        "在頻道裡直接上傳檔案即可自動歸檔。也可以在 {minutes} 分鐘內把檔案私訊傳給我，歸檔到「{group}」。",
        "Files uploaded to the channel are archived by themselves. You can also send me a file directly "
        "in the next {minutes} minutes to archive it for “{group}”.",
    ),
    "files.upload.wecom": _m(
        "请在 {minutes} 分钟内把文件私聊发给本应用（企业微信工作台里的应用，不是群里的机器人），"
        "将归档到「{group}」。（群聊中的文件机器人看不到。）",
        "請在 {minutes} 分鐘內把檔案私聊傳給本應用（企業微信工作台裡的應用，不是群組裡的機器人），"
        "將歸檔到「{group}」。（群聊中的檔案機器人看不到。）",
        "Send the file privately to the app (in WeCom's workbench, not the bot in the group) within "
        "{minutes} minutes and it is archived for “{group}”. (The bot cannot see files in group chats.)",
    ),
    "files.upload.dingtalk": _m(
        "请在 {minutes} 分钟内在与机器人的单聊中发送文件，将归档到「{group}」。"
        "（群聊里的文件机器人收不到。）",
        "請在 {minutes} 分鐘內在與機器人的單聊中傳送檔案，將歸檔到「{group}」。"
        "（群聊裡的檔案機器人收不到。）",
        "Send the file to the robot in a one-to-one chat within {minutes} minutes and it is archived for "
        "“{group}”. (The robot does not receive files in group chats.)",
    ),
}

_COMMANDS: dict[str, dict[str, str]] = {
    "files.usage": _m(
        "用法：{prefix} files [关键词]；{prefix} file 编号；{prefix} file note 编号 说明；"
        "{prefix} file log 编号（管理员）；{prefix} file upload",
        "用法：{prefix} files [關鍵字]；{prefix} file 編號；{prefix} file note 編號 說明；"
        "{prefix} file log 編號（管理員）；{prefix} file upload",
        "Usage: {prefix} files [words]; {prefix} file <id>; {prefix} file note <id> <text>; "
        "{prefix} file log <id> (admins); {prefix} file upload",
    ),
    "files.need_group": _m(
        "请在群里使用这个命令（{prefix} files 列出本群归档）。",
        "請在群組裡使用這個指令（{prefix} files 列出本群歸檔）。",
        "Use this command in the group ({prefix} files lists its archive).",
    ),
    "files.refused": _m(
        "只有本群管理员（或文件的上传者）可以这样做，此次操作已记录。",
        "只有本群管理員（或檔案的上傳者）可以這樣做，此次操作已記錄。",
        "Only this group's admins (or whoever archived the file) can do that; the attempt has been recorded.",
    ),
    "files.missing": _m(
        "找不到文件 {id}（{prefix} files 查看本群归档）。",
        "找不到檔案 {id}（{prefix} files 查看本群歸檔）。",
        "There is no file {id} ({prefix} files lists the group's archive).",
    ),
    "files.list.none": _m(
        "本群归档里还没有文件。在群里分享的文件会自动归档（{prefix} file upload 查看各平台的方式）。",
        "本群歸檔裡還沒有檔案。在群組裡分享的檔案會自動歸檔（{prefix} file upload 查看各平台的方式）。",
        "The group's archive is empty. Files shared in the group are archived ({prefix} file upload says how "
        "on this platform).",
    ),
    "files.list.no_match": _m(
        "没有符合的文件（{prefix} files 列出全部）。",
        "沒有符合的檔案（{prefix} files 列出全部）。",
        "No file matches ({prefix} files lists them all).",
    ),
    "files.list.head": _m(
        "本群归档（最新 {count} 个）：",
        "本群歸檔（最新 {count} 個）：",
        "The group's archive ({count} newest):",
    ),
    "files.list.line": _m(
        "{id} · {name} · {size} · {by} · {day}",
        "{id} · {name} · {size} · {by} · {day}",
        "{id} · {name} · {size} · {by} · {day}",
    ),
    "files.list.note": _m("📝 {note}", "📝 {note}", "📝 {note}"),
    "files.list.foot": _m(
        "获取链接：{prefix} file 编号（私信发送，限时有效）",
        "取得連結：{prefix} file 編號（私訊傳送，限時有效）",
        "Get a link: {prefix} file <id> (sent to you privately; it expires)",
    ),
    "files.note.set": _m(
        "已更新 {id}「{name}」的使用说明。",
        "已更新 {id}「{name}」的使用說明。",
        "The usage note of {id} “{name}” is set.",
    ),
    "files.note.cleared": _m(
        "已清除 {id}「{name}」的使用说明。",
        "已清除 {id}「{name}」的使用說明。",
        "The usage note of {id} “{name}” is cleared.",
    ),
    "files.log.head": _m(
        "{id}「{name}」的链接与下载记录（最新 {count} 条）：",
        "{id}「{name}」的連結與下載紀錄（最新 {count} 筆）：",
        "Links and downloads of {id} “{name}” ({count} newest):",
    ),
    "files.log.link": _m("{at} 发出链接 → {user}", "{at} 發出連結 → {user}", "{at} link sent to {user}"),
    "files.log.download": _m("{at} 下载 ← {user}", "{at} 下載 ← {user}", "{at} downloaded by {user}"),
    "files.log.refused": _m(
        "{at} 拒绝下载（已非成员）← {user}",
        "{at} 拒絕下載（已非成員）← {user}",
        "{at} download refused (no longer a member): {user}",
    ),
    "files.log.none": _m("还没有任何记录。", "還沒有任何紀錄。", "Nothing yet."),
    "files.link": _m(
        "「{name}」（{size}）的下载链接，仅限你本人在一个浏览器中使用一次，{minutes} 分钟内有效：\n{url}",
        "「{name}」（{size}）的下載連結，僅限你本人在一個瀏覽器中使用一次，{minutes} 分鐘內有效：\n{url}",
        "Your link to “{name}” ({size}), for you only, to be used once in one browser, valid for "
        "{minutes} minutes:\n{url}",
    ),
    "files.link.sent": _m(
        "已私信发送 {id} 的下载链接。",
        "已私訊傳送 {id} 的下載連結。",
        "The link to {id} was sent to you privately.",
    ),
    "files.link.unconfigured": _m(
        "文件链接尚未配置（需要设置 QG_PUBLIC_URL），请联系管理员。",
        "檔案連結尚未設定（需要設定 QG_PUBLIC_URL），請聯絡管理員。",
        "File links are not set up here (QG_PUBLIC_URL is missing); tell an admin.",
    ),
}

_REQUESTS: dict[str, dict[str, str]] = {
    "files.request.sent": _m(
        "你不是本群成员（或是访客），获取 {id}「{name}」需要管理员批准，已通知管理员。批准后会私信给你链接。",
        "你不是本群成員（或是訪客），取得 {id}「{name}」需要管理員核准，已通知管理員。核准後會私訊給你連結。",
        "You are not a member of this group (or a guest), so {id} “{name}” needs an admin's approval. "
        "The admins have been asked; the link comes to you privately once approved.",
    ),
    "files.outsider.refused": _m(
        "{id} 只提供给本群成员，此次申请已记录。",
        "{id} 只提供給本群成員，此次申請已記錄。",
        "{id} is for this group's members only; the request has been recorded.",
    ),
    "files.request.no_admin": _m(
        "本群没有可以批准的管理员，无法提供该文件。",
        "本群沒有可以核准的管理員，無法提供該檔案。",
        "This group has no admin who could approve it, so the file cannot be given to you.",
    ),
    "files.request.title": _m("📎 文件申请 {ref}", "📎 檔案申請 {ref}", "📎 File request {ref}"),
    "files.request.body": _m(
        "{user}（{standing}）申请获取 {id}「{name}」。",
        "{user}（{standing}）申請取得 {id}「{name}」。",
        "{user} ({standing}) asks for {id} “{name}”.",
    ),
    "files.request.footer": _m(
        "也可以用命令：{prefix} file approve {ref} / {prefix} file reject {ref}",
        "也可以用指令：{prefix} file approve {ref} / {prefix} file reject {ref}",
        "Or: {prefix} file approve {ref} / {prefix} file reject {ref}",
    ),
    "files.request.missing": _m(
        "找不到文件申请 {ref}。", "找不到檔案申請 {ref}。", "There is no file request {ref}."
    ),
    "files.request.already": _m(
        "文件申请 {ref} 已由 {by} 处理。",
        "檔案申請 {ref} 已由 {by} 處理。",
        "File request {ref} was handled by {by}.",
    ),
    "files.request.rejected": _m(
        "你对 {id} 的申请被 {by} 拒绝了。",
        "你對 {id} 的申請被 {by} 拒絕了。",
        "Your request for {id} was rejected by {by}.",
    ),
    "files.request.gone": _m(
        "你申请的 {id} 已不在归档中（{by} 已处理）。",
        "你申請的 {id} 已不在歸檔中（{by} 已處理）。",
        "{id}, which you asked for, is no longer archived ({by} handled the request).",
    ),
    "files.standing.guest": _m("访客", "訪客", "guest"),
    "files.standing.outsider": _m("非本群成员", "非本群成員", "not a member"),
    "files.standing.member": _m("成员", "成員", "member"),
    "files.button.approve": _m("批准", "核准", "Approve"),
    "files.button.reject": _m("拒绝", "拒絕", "Reject"),
    "files.field.size": _m("大小", "大小", "Size"),
    "files.card_invalid": _m(
        "这张卡片已失效或不属于本群。", "這張卡片已失效或不屬於本群。", "This card is no longer valid here."
    ),
    "files.handled": _m("{by} 已处理：{what}", "{by} 已處理：{what}", "Handled by {by}: {what}"),
    "files.what.approve": _m("批准并发送链接", "核准並傳送連結", "approved, link sent"),
    "files.what.reject": _m("拒绝", "拒絕", "rejected"),
}

_ROUTE: dict[str, dict[str, str]] = {
    "files.route.invalid": _m(
        "这个链接无效。请在群里重新获取：@qunguan file 编号（Slack：/qg file 编号）。",
        "這個連結無效。請在群組裡重新取得：@qunguan file 編號（Slack：/qg file 編號）。",
        "This link is not valid. Ask the bot for a new one: @qunguan file <id> (Slack: /qg file <id>).",
    ),
    "files.route.expired": _m(
        "这个链接已过期。请重新获取：@qunguan file 编号（Slack：/qg file 编号）。",
        "這個連結已過期。請重新取得：@qunguan file 編號（Slack：/qg file 編號）。",
        "This link has expired. Ask the bot for a new one: @qunguan file <id> (Slack: /qg file <id>).",
    ),
    "files.route.gone": _m(
        "这个文件已不在归档中（可能已过保存期限）。",
        "這個檔案已不在歸檔中（可能已過保存期限）。",
        "This file is no longer archived (it may have passed its retention).",
    ),
    "files.route.not_member": _m(
        "你已不是该群成员（或授权已过期），无法下载。如需要，请联系群管理员。",
        "你已不是該群成員（或授權已過期），無法下載。如有需要，請聯絡群管理員。",
        "You are no longer a member of the group (or your approval has expired), so the file cannot be "
        "downloaded. Ask the group's admins if you need it.",
    ),
    "files.route.used": _m(
        "这个链接已经用过了（每个链接只能下载一次）。请重新获取：@qunguan file 编号（Slack：/qg file 编号）。"
        "如果不是你本人用的，请告诉群管理员：这次尝试已记录。",
        "這個連結已經用過了（每個連結只能下載一次）。請重新取得：@qunguan file 編號（Slack：/qg file 編號）。"
        "如果不是你本人用的，請告訴群管理員：這次嘗試已記錄。",
        "This link has been used already (each link downloads once). Ask the bot for a new one: "
        "@qunguan file <id> (Slack: /qg file <id>). If it was not you, tell the group's admins: this "
        "attempt was recorded.",
    ),
    "files.route.other_client": _m(
        "这个链接已在另一个浏览器中打开，只能在那里使用。请重新获取：@qunguan file 编号。这次尝试已记录。",
        "這個連結已在另一個瀏覽器中開啟，只能在那裡使用。請重新取得：@qunguan file 編號。這次嘗試已記錄。",
        "This link was opened in another browser and works only there. Ask the bot for a new one: "
        "@qunguan file <id>. This attempt was recorded.",
    ),
    "files.route.confirm": _m(
        "下载「{name}」（{size}）？此链接只能使用一次。",
        "下載「{name}」（{size}）？此連結只能使用一次。",
        "Download “{name}” ({size})? This link works once.",
    ),
    "files.route.confirm.button": _m("下载", "下載", "Download"),
    "files.route.unavailable": _m(
        "暂时无法提供下载，请稍后再试。",
        "暫時無法提供下載，請稍後再試。",
        "Downloads are unavailable for a moment; try again later.",
    ),
    "jobs.cleanup.files_deleted": _m(
        "删除过期归档文件 {count} 个",
        "刪除過期歸檔檔案 {count} 個",
        "{count} archived file(s) past retention deleted",
    ),
}

MESSAGES: dict[str, dict[str, str]] = {**_ARCHIVING, **_COMMANDS, **_REQUESTS, **_ROUTE}
