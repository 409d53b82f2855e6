"""Core messages: help, and what every platform shows for commands."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "help.title": {
        "zh-CN": "群管 qunguan：本群的规则助手",
        "zh-TW": "群管 qunguan：本群的規則助手",
        "en": "qunguan: this group's rulebook assistant",
    },
    "help.body": {
        "zh-CN": (
            "我帮助本群执行群规：刷屏、重复消息、广告、不文明用语和敏感信息会被提醒或处理，"
            "处理结果会私下告诉你，并说明如何申诉。\n"
            "可用命令（{prefix}）：\n"
            "• help：显示本帮助\n"
            "• report @成员 原因：举报给管理员 · appeal 案件号：对处理提出申诉\n"
            "• publish 内容：提交重要信息待审批 · suggest 内容：匿名或实名建议 · poll：发起投票\n"
            "• discussion status｜attend｜decline 编号：讨论的出席 · slowmode status：是否慢速模式\n"
            "• remind off｜on：有人 @你而你未回复时，是否私信提醒你\n"
            "• files 关键词：本群归档的文件 · file 文件号：私下取得文件链接\n"
            "• help 命令：查看某个命令的用法和示例\n"
            "管理员另有：warn、mute、unmute、remove、ban、unban、pass、cases、policy、announce、correct、"
            "incident、revision、approve、reject、guest、away、enable、disable、create、sync、unacked、"
            "discussion、slowmode、pending、handle、admins"
        ),
        "zh-TW": (
            "我協助本群執行群規：洗版、重複訊息、廣告、不文明用語和敏感資訊會被提醒或處理，"
            "處理結果會私下告訴你，並說明如何申訴。\n"
            "可用指令（{prefix}）：\n"
            "• help：顯示本說明\n"
            "• report @成員 原因：向管理員檢舉 · appeal 案件號：對處理提出申訴\n"
            "• publish 內容：提交重要資訊待審批 · suggest 內容：匿名或具名建議 · poll：發起投票\n"
            "• discussion status｜attend｜decline 編號：討論的出席 · slowmode status：是否慢速模式\n"
            "• remind off｜on：有人 @你而你未回覆時，是否私訊提醒你\n"
            "• files 關鍵字：本群組歸檔的檔案 · file 檔案號：私下取得檔案連結\n"
            "• help 指令：查看某個指令的用法和範例\n"
            "管理員另有：warn、mute、unmute、remove、ban、unban、pass、cases、policy、announce、correct、"
            "incident、revision、approve、reject、guest、away、enable、disable、create、sync、unacked、"
            "discussion、slowmode、pending、handle、admins"
        ),
        "en": (
            "I help this group keep its rulebook: flooding, repeated messages, ads, abusive language and "
            "sensitive data are flagged or handled, and you are always told privately what happened and "
            "how to appeal.\n"
            "Commands ({prefix}):\n"
            "• help: show this help\n"
            "• report @member reason: report to the admins · appeal <case>: appeal a decision\n"
            "• publish <text>: submit important news for approval · suggest <text> · poll: start a poll\n"
            "• discussion status | attend | decline <ref>: attendance · slowmode status: is slow mode on\n"
            "• remind off | on: a private reminder when a mention of you is unanswered\n"
            "• files [words]: the group's archived files · file <id>: a private link to one\n"
            "• help <command>: how to use a command, with an example\n"
            "Admins also have: warn, mute, unmute, remove, ban, unban, pass, cases, policy, announce, "
            "correct, incident, revision, approve, reject, guest, away, enable, disable, create, sync, "
            "unacked, discussion, slowmode, pending, handle, admins"
        ),
    },
    "command.unknown": {
        "zh-CN": "不认识的命令「{name}」。发送 {prefix} help 查看可用命令。",
        "zh-TW": "無法識別的指令「{name}」。傳送 {prefix} help 查看可用指令。",
        "en": "Unknown command “{name}”. Send {prefix} help to see what I can do.",
    },
}

MESSAGES.update(
    {
        "substitute.withdraw": {
            "zh-CN": "本平台不允许机器人撤回他人的消息，请你自行撤回刚才那条消息（原文见另一条私信）。",
            "zh-TW": "本平台不允許機器人收回他人的訊息，請你自行收回剛才那則訊息（原文見另一則私訊）。",
            "en": "This platform does not let the bot remove other people's messages: please withdraw the "
            "message yourself (its text is in my other private message).",
        },
        "substitute.mute": {
            "zh-CN": "按群规你将被禁言 {minutes} 分钟；本平台不支持禁言，请在此期间不要发言，管理员已知悉。",
            "zh-TW": "依群規你將被禁言 {minutes} 分鐘；本平台不支援禁言，請在此期間不要發言，管理員已知悉。",
            "en": "Under the group's rules you are muted for {minutes} minutes. This platform cannot mute, "
            "so please do not post until then; the admins have been told.",
        },
        "card.as_text.buttons": {
            "zh-CN": "（本平台无法显示按钮：{labels}。请用管理命令完成，例如 @qunguan warn @成员）",
            "zh-TW": "（本平台無法顯示按鈕：{labels}。請用管理指令完成，例如 @qunguan warn @成員）",
            "en": "(This platform cannot show the buttons: {labels}. Use the admin commands instead, "
            "e.g. @qunguan warn @member)",
        },
        "substitute.remove": {
            "zh-CN": "按群规你应被移出本群；本平台不允许机器人移除成员，管理员将跟进处理。",
            "zh-TW": "依群規你應被移出本群；本平台不允許機器人移除成員，管理員將跟進處理。",
            "en": "Under the group's rules you are to be removed from this group. This platform does not let "
            "the bot remove members, so the admins will follow up.",
        },
        # A group nobody named, called by its members as WeCom's clients do (`core.naming.members_label`).
        "group.members.separator": {"zh-CN": "、", "zh-TW": "、", "en": ", "},
        "group.members.and_one": {
            "zh-CN": "{names}和另外1人",
            "zh-TW": "{names}和另外1人",
            "en": "{names} and 1 other",
        },
        "group.members.and_others": {
            "zh-CN": "{names}和另外{others}人",
            "zh-TW": "{names}和另外{others}人",
            "en": "{names} and {others} others",
        },
        "group.members.unknown": {
            "zh-CN": "群聊（{total}人）",
            "zh-TW": "群聊（{total}人）",
            "en": "Group chat ({total} members)",
        },
    }
)
