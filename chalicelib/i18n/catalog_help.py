"""Help for each command (`help <command>`), did-you-mean and the pointer for chatter
(`chalicelib.kernel.usage`)."""

# ruff: noqa: E501 - a table, one command a row, reads best unwrapped

from __future__ import annotations


def _m(zh_cn: str, zh_tw: str, en: str) -> dict[str, str]:
    return {"zh-CN": zh_cn, "zh-TW": zh_tw, "en": en}


_WHAT: dict[str, tuple[str, str, str]] = {
    "help": ("显示帮助，或某个命令的用法", "顯示說明，或某個指令的用法", "show help, or how to use one command"),
    "report": ("把成员的消息举报给管理员", "向管理員檢舉成員的訊息", "report a member's message to the admins"),
    "appeal": ("对处理提出申诉，由另一位管理员复核", "對處理提出申訴，由另一位管理員複核", "appeal a decision; another admin reviews it"),
    "publish": ("提交重要信息，审批后发布", "提交重要資訊，審批後發布", "submit important news to be approved and posted"),
    "suggest": ("向管理员提建议，可匿名", "向管理員提建議，可匿名", "make a suggestion to the admins, anonymously if you like"),
    "poll": ("发起投票、查看结果或结束投票", "發起投票、查看結果或結束投票", "start a poll, see its results or close it"),
    "discussion": ("安排讨论，或回复是否出席", "安排討論，或回覆是否出席", "schedule a discussion, or say whether you attend"),
    "remind": ("有人 @你而你未回复时，是否私信提醒你", "有人 @你而你未回覆時，是否私訊提醒你", "whether you get a private reminder of unanswered mentions"),
    "files": ("列出本群归档的文件", "列出本群組歸檔的檔案", "list the group's archived files"),
    "file": ("私下取得某个文件的链接，或查看其记录", "私下取得某個檔案的連結，或查看其記錄", "get a private link to a file, or its log"),
    "slowmode": ("查看、开启或结束慢速模式", "查看、開啟或結束慢速模式", "see, start or end slow mode"),
    "handle": ("处理一个待办案件（卡片按钮的命令版）", "處理一個待辦案件（卡片按鈕的指令版）", "decide an open case (the card's buttons, as a command)"),
    "pending": ("列出本群待处理的管理卡片", "列出本群組待處理的管理卡片", "list the group's open admin cards"),
    "open": ("同 pending", "同 pending", "the same as pending"),
    "warn": ("正式警告成员（计 1 分）", "正式警告成員（計 1 分）", "formally warn a member (1 point)"),
    "mute": ("禁言成员一段时间", "禁言成員一段時間", "mute a member for a while"),
    "unmute": ("解除禁言", "解除禁言", "end a member's mute"),
    "remove": ("将成员移出群", "將成員移出群組", "remove a member from the group"),
    "kick": ("同 remove", "同 remove", "the same as remove"),
    "ban": ("移出成员并禁止再次加入（可限定范围和期限）", "移出成員並禁止再次加入（可限定範圍和期限）", "remove a member and keep them out (a scope and a term if you like)"),
    "unban": ("解除禁入", "解除禁入", "lift a ban"),
    "watch": ("关注某人：允许入群，但每次入群都告知管理员", "關注某人：允許入群，但每次入群都告知管理員", "watch someone: let in, the admins told at each join"),
    "unwatch": ("取消关注", "取消關注", "stop watching someone"),
    "person": ("查看某人在各群的记录，或关联其账号", "查看某人在各群組的記錄，或關聯其帳號", "see a person's record across groups, or link their accounts"),
    "mydata": ("导出群管保存的关于你的数据", "匯出群管保存的關於你的資料", "export what qunguan keeps about you"),
    "pass": ("允许成员发布一次广告或私事信息", "允許成員發布一次廣告或私事訊息", "allow a member one post with an ad or a private matter"),
    "cases": ("查看成员的案件", "查看成員的案件", "see a member's cases"),
    "policy": ("查看或修改本群的群规设置", "查看或修改本群組的群規設定", "see or change the group's policy"),
    "admins": ("查看、添加或移除本群管理员", "查看、新增或移除本群組管理員", "list, add or remove the group's admins"),
    "enable": ("开始管理本群", "開始管理本群組", "govern this group"),
    "disable": ("停止管理本群", "停止管理本群組", "stop governing this group"),
    "create": ("创建一个由群管管理的群", "建立一個由群管管理的群組", "create a group the bot manages"),
    "sync": ("按平台的成员列表同步成员", "依平台的成員列表同步成員", "reconcile the members with the platform's list"),
    "guest": ("管理访客名单", "管理訪客名單", "manage the guest roster"),
    "away": ("标记成员休假，期间不计不活跃", "標記成員休假，期間不計不活躍", "mark a member away: not counted inactive until then"),
    "unacked": ("列出尚未确认群规的成员", "列出尚未確認群規的成員", "who has not confirmed the rules yet"),
    "approve": ("批准入群申请", "批准入群申請", "approve a join request"),
    "reject": ("拒绝入群申请", "拒絕入群申請", "reject a join request"),
    "announce": ("发布公告，可要求确认", "發布公告，可要求確認", "post an announcement, with acknowledgements if asked"),
    "correct": ("为一条消息加上更正说明", "為一則訊息加上更正說明", "attach a correction to a message"),
    "incident": ("开启、更新或结束事故处理；不带参数查看进行中的事故", "開啟、更新或結束事故處理；不帶參數查看進行中的事故", "open, update or close an incident; alone, what is open"),
    "revision": ("提议并审批群规修订", "提議並審批群規修訂", "propose and approve policy revisions"),
}  # fmt: skip

MESSAGES: dict[str, dict[str, str]] = {f"help.cmd.{name}": _m(*texts) for name, texts in _WHAT.items()}
MESSAGES.update(
    {
        "help.command": _m(
            "{what}\n用法：{usage}\n例如：{example}",
            "{what}\n用法：{usage}\n例如：{example}",
            "{what}\nUsage: {usage}\nExample: {example}",
        ),
        "help.missing": _m(
            "这个命令需要参数。\n用法：{usage}\n例如：{example}",
            "這個指令需要參數。\n用法：{usage}\n例如：{example}",
            "This command needs more.\nUsage: {usage}\nExample: {example}",
        ),
        "help.did_you_mean": _m(
            "不认识的命令「{name}」，你是想用「{suggestion}」吗？\n用法：{usage}",
            "無法識別的指令「{name}」，你是想用「{suggestion}」嗎？\n用法：{usage}",
            "Unknown command “{name}”. Did you mean “{suggestion}”?\nUsage: {usage}",
        ),
        "command.failed": _m(
            "没能完成：{what}。原因：{why}",
            "沒能完成：{what}。原因：{why}",
            "Could not be done: {what}. Why: {why}",
        ),
        "action.Remove": _m("移出成员", "移出成員", "removing the member"),
        "action.Mute": _m("禁言", "禁言", "muting the member"),
        "action.Unmute": _m("解除禁言", "解除禁言", "ending the mute"),
        "action.DeleteMessage": _m("删除消息", "刪除訊息", "deleting the message"),
        "action.SendDirect": _m("私信通知成员", "私訊通知成員", "telling the member privately"),
        "action.PostCard": _m("发送卡片", "傳送卡片", "sending the card"),
        "action.PostText": _m("在群里发消息", "在群組中發訊息", "posting in the group"),
        "action.UpdateCard": _m("更新卡片", "更新卡片", "updating the card"),
        "help.chatter": _m(
            "我是群管，只回应命令。发送「{prefix} help」查看我能做什么。",
            "我是群管，只回應指令。傳送「{prefix} help」查看我能做什麼。",
            "I am qunguan and I answer commands only. Send “{prefix} help” to see what I do.",
        ),
    }
)
