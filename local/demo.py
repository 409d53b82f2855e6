"""`make demo`: a short scripted conversation, signed and encrypted for each platform exactly as the
messenger would send it, against the running local stack (`make run`). For each step it prints what
the bot received (status and ack), what it decided (the audit log in the local DynamoDB) and what it
sent (the recording fake of the messenger APIs). It exits non-zero when a step does not behave.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from chalicelib.adapters.dingtalk.signature import TWIN_SECONDS
from chalicelib.core.policy import default_policy_text
from chalicelib.kernel.policies import PolicyRepo
from chalicelib.store import keys
from chalicelib.store.dynamodb import DynamoStore
from local.demo_settings import DEMO_SETTINGS, DINGTALK_CORP, SLACK_TEAM
from local.dynamo import dynamo_env
from local.peers import SignedRequest
from local.peers import dingtalk as dingtalk_peer
from local.peers import slack as slack_peer
from local.peers import wecom as wecom_peer
from local.queues import sqs_client

STATE = Path(__file__).resolve().parent.parent / ".local" / "stack.json"
S = DEMO_SETTINGS


@dataclass
class Step:
    title: str
    build: Callable[[str], SignedRequest]
    expect_status: int = 200
    expect_sent: int | None = None
    gid: str | None = None


TOKENS = ("gettoken", "accessToken", "auth.test")
LOOKUPS = (
    "conversations.info",
    "conversations.open",
    "users.info",
    "users.list",
    "chat.getPermalink",
    "appchat/get",
    "groupchat/get",
    "get_admin_list",
    "scenegroup/get",
    "listadmin",
    "user/get",
    "v1.0/contact/users/me",
)


def http(url: str, request: SignedRequest) -> tuple[int, str]:
    req = urllib.request.Request(  # noqa: S310 - loopback only
        url + request.url_path, data=request.body or None, headers=request.headers, method=request.method
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def settled(state: dict[str, Any], timeout: float = 20.0) -> None:
    """Wait until the worker has taken everything off the queue (the local stack runs production's
    queue path: an event is processed shortly after its ack, not before it)."""
    queue = state.get("queue")
    if not queue:
        return  # QG_DISPATCH=inline: processed before the ack
    sqs = sqs_client(str(state["dynamodb"]))
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        counts = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=names)["Attributes"]
        if all(int(counts.get(name, 0)) == 0 for name in names):
            return
        time.sleep(0.1)


def recorded(fake: str, method: str = "GET") -> list[dict[str, Any]]:
    req = urllib.request.Request(f"{fake}/_recorded", method=method)  # noqa: S310
    with urllib.request.urlopen(req, timeout=5) as response:  # noqa: S310
        data = json.loads(response.read())
    return data if isinstance(data, list) else []


def summary(call: dict[str, Any]) -> str:
    body = call.get("body")
    if isinstance(body, dict):
        text = body.get("text") or body.get("markdown") or body.get("msgParam") or body.get("blocks") or body
        if isinstance(text, dict):
            text = text.get("content", text)
        body = text
    shown = str(body).replace("\n", " ⏎ ")
    return f"{call['method']} {call['path']}  {shown[:110]}{'…' if len(shown) > 110 else ''}"


def slack_steps(fake: str) -> list[Step]:
    secret = S["SLACK_SIGNING_SECRET"]
    mention = {
        "type": "app_mention",
        "user": "U0ALICE",
        "channel": "C0DEMO",
        "text": "<@UQGBOT> help",
        "ts": f"{time.time():.6f}",
    }
    event_id = f"Ev{uuid.uuid4().hex[:10].upper()}"
    help_envelope = slack_peer.envelope(mention, team=SLACK_TEAM, event_id=event_id)
    gid = f"slack:{SLACK_TEAM}:C0DEMO"
    return [
        Step(
            "url_verification",
            lambda _: slack_peer.event_request(
                {"type": "url_verification", "token": "t", "challenge": "demo-challenge"}, secret
            ),
        ),
        Step(
            "@qunguan help in #demo",
            lambda _: slack_peer.event_request(help_envelope, secret),
            expect_sent=1,
            gid=gid,
        ),
        Step(
            "the same event again (X-Slack-Retry-Num: 1): acked, no second reply",
            lambda _: slack_peer.event_request(help_envelope, secret, retry_num=1),
            expect_sent=0,
        ),
        Step(
            "/qg help",
            lambda hook: slack_peer.command_request(
                {
                    "command": "/qg",
                    "text": "help",
                    "team_id": SLACK_TEAM,
                    "channel_id": "C0DEMO",
                    "channel_name": "demo",
                    "user_id": "U0ALICE",
                    "response_url": f"{hook}/slack-response",
                    "trigger_id": uuid.uuid4().hex,
                },
                secret,
            ),
            expect_sent=1,
        ),
        Step(
            "an abusive message: explained privately, withdrawal asked (no admin token), admins carded",
            lambda _: slack_peer.event_request(
                slack_peer.envelope(
                    {
                        "type": "message",
                        "user": "U0MALLORY",
                        "channel": "C0DEMO",
                        "text": "你是个傻逼",
                        "ts": f"{time.time():.6f}",
                        "channel_type": "channel",
                    },
                    team=SLACK_TEAM,
                    event_id=f"Ev{uuid.uuid4().hex[:10].upper()}",
                ),
                secret,
            ),
            gid=gid,
        ),
        Step(
            "a message with a tampered signature → 401",
            lambda _: _tampered(
                slack_peer.event_request(slack_peer.envelope(mention, team=SLACK_TEAM), secret)
            ),
            expect_status=401,
        ),
    ]


def wecom_steps(fake: str) -> list[Step]:
    app = {"token": S["WECOM_TOKEN"], "aes_key": S["WECOM_AES_KEY"], "corp_id": S["WECOM_CORP_ID"]}
    bot = {"token": S["WECOM_AIBOT_TOKEN"], "aes_key": S["WECOM_AIBOT_AES_KEY"]}
    now = int(time.time())
    return [
        Step(
            "URL check (GET, encrypted echostr)",
            lambda _: wecom_peer.url_check_request("1616140317555161061", **app),
        ),
        Step(
            "AI bot: @qunguan 帮助 in a group",
            lambda hook: wecom_peer.aibot_request(
                {
                    "msgid": uuid.uuid4().hex,
                    "aibotid": "AIBOTDEMO",
                    "chatid": "wrDEMOCHAT",
                    "chattype": "group",
                    "from": {"userid": "zhangsan"},
                    "response_url": f"{hook}/wecom-response",
                    "msgtype": "text",
                    "text": {"content": "@qunguan 帮助"},
                },
                **bot,
            ),
            expect_sent=1,
            gid=f"wecom:{S['WECOM_CORP_ID']}:wrDEMOCHAT",
        ),
        Step(
            "AI bot: an ID-card number in a group: explained privately, admins carded (never repeated)",
            lambda hook: wecom_peer.aibot_request(
                {
                    "msgid": uuid.uuid4().hex,
                    "aibotid": "AIBOTDEMO",
                    "chatid": "wrDEMOCHAT",
                    "chattype": "group",
                    "from": {"userid": "zhaoliu"},
                    "response_url": f"{hook}/wecom-response-2",
                    "msgtype": "text",
                    "text": {"content": "@qunguan 我的身份证 11010519491231002X"},
                },
                **bot,
            ),
            gid=f"wecom:{S['WECOM_CORP_ID']}:wrDEMOCHAT",
        ),
        Step(
            "self-built app: help in a direct message",
            lambda _: wecom_peer.callback_request(
                wecom_peer.text_message_xml(
                    corp_id=S["WECOM_CORP_ID"],
                    user="lisi",
                    content="help",
                    msg_id=str(now * 1000 + 7),
                    create_time=now,
                ),
                **app,
            ),
            expect_sent=1,
        ),
        Step(
            "a message with a tampered signature → 401",
            lambda _: _tampered_query(
                wecom_peer.callback_request(
                    wecom_peer.text_message_xml(
                        corp_id=S["WECOM_CORP_ID"], user="lisi", content="hi", msg_id="1", create_time=now
                    ),
                    **app,
                )
            ),
            expect_status=401,
        ),
    ]


def _robot_help(hook: str, *, created_ms: int | None = None) -> dict[str, Any]:
    return {
        "conversationId": "cidDEMO",
        "chatbotCorpId": DINGTALK_CORP,
        "chatbotUserId": "$:LWCP_v1:$bot",
        "msgId": f"msg{uuid.uuid4().hex[:12]}",
        "senderNick": "王五",
        "senderStaffId": "wangwu",
        "conversationType": "2",
        "isInAtList": True,
        "sessionWebhook": f"{hook}/dingtalk-session",
        "createAt": created_ms if created_ms is not None else int(time.time() * 1000),
        "text": {"content": " help"},
        "msgtype": "text",
    }


def dingtalk_steps(fake: str) -> list[Step]:
    # DingTalk signs the robot's headers only (timestamp + secret), valid for an hour. The first robot
    # message was sent 90 s ago: past the minute in which a few genuine bodies of one millisecond may
    # share a signature, so the forged reuse of it below is what an attacker who found it later can try.
    signed_at = int(time.time() * 1000) - (TWIN_SECONDS + 30) * 1000
    events = {
        "token": S["DINGTALK_TOKEN"],
        "aes_key": S["DINGTALK_AES_KEY"],
        "app_key": S["DINGTALK_APP_KEY"],
    }
    return [
        Step(
            "event subscription check_url (answered with the encrypted success)",
            lambda _: dingtalk_peer.event_request({"EventType": "check_url"}, **events),
        ),
        Step(
            "robot: @qunguan help in a group",
            lambda hook: dingtalk_peer.robot_request(
                _robot_help(hook, created_ms=signed_at),
                app_secret=S["DINGTALK_APP_SECRET"],
                timestamp_ms=signed_at,
            ),
            expect_sent=1,
            gid=f"dingtalk:{DINGTALK_CORP}:cidDEMO",
        ),
        Step(
            "robot: abuse in a group: explained privately, admins told (as text: no card template here)",
            lambda hook: dingtalk_peer.robot_request(
                {
                    "conversationId": "cidDEMO",
                    "chatbotCorpId": DINGTALK_CORP,
                    "chatbotUserId": "$:LWCP_v1:$bot",
                    "msgId": f"msg{uuid.uuid4().hex[:12]}",
                    "senderNick": "钱七",
                    "senderStaffId": "qianqi",
                    "conversationType": "2",
                    "isInAtList": True,
                    "sessionWebhook": f"{hook}/dingtalk-session-2",
                    "createAt": int(time.time() * 1000),
                    "text": {"content": " 你是个傻逼"},
                    "msgtype": "text",
                },
                app_secret=S["DINGTALK_APP_SECRET"],
            ),
            gid=f"dingtalk:{DINGTALK_CORP}:cidDEMO",
        ),
        Step(
            "the first step's timestamp and sign again, carrying another body (a forged admin) → 401",
            lambda hook: dingtalk_peer.robot_request(
                {**_robot_help(hook), "senderStaffId": "liadmin", "text": {"content": " warn 刷屏"}},
                app_secret=S["DINGTALK_APP_SECRET"],
                timestamp_ms=signed_at,
            ),
            expect_status=401,
            expect_sent=0,
        ),
        Step(
            "a robot message whose sessionWebhook is not DingTalk's (SSRF) → 401, nothing sent",
            lambda _: dingtalk_peer.robot_request(
                {**_robot_help("http://169.254.169.254/latest"), "msgId": f"msg{uuid.uuid4().hex[:12]}"},
                app_secret=S["DINGTALK_APP_SECRET"],
            ),
            expect_status=401,
            expect_sent=0,
        ),
        Step(
            "a robot message naming another corp → 401, no tenant registered",
            lambda hook: dingtalk_peer.robot_request(
                {
                    **_robot_help(hook),
                    "chatbotCorpId": "dingothercorp",
                    "msgId": f"msg{uuid.uuid4().hex[:12]}",
                },
                app_secret=S["DINGTALK_APP_SECRET"],
            ),
            expect_status=401,
            expect_sent=0,
        ),
        Step(
            "a robot message with a wrong sign → 401",
            lambda _: dingtalk_peer.robot_request(
                {"msgtype": "text", "text": {"content": "hi"}}, app_secret="not-the-secret"
            ),
            expect_status=401,
        ),
    ]


ARCHIVE_ROOM = "wrDEMOARCHIVEROOM"


def wecom_archive_steps(fake: str, archive_dir: str) -> list[Step]:
    """WeCom with the message archive: an ordinary group message, no @, seen because the archive has it.
    The demo posts it into the archive (encrypted as WeCom does), then WeCom's `msgaudit_notify` arrives
    at /wecom/callback and the worker pulls, decrypts and moderates it."""
    from local.fakes.wecom_archive import FakeArchive

    archive = FakeArchive(Path(archive_dir))
    app = {"token": S["WECOM_TOKEN"], "aes_key": S["WECOM_AES_KEY"], "corp_id": S["WECOM_CORP_ID"]}
    gid = f"wecom:{S['WECOM_CORP_ID']}:{ARCHIVE_ROOM}"

    def notice_after(text: str, user: str) -> Callable[[str], SignedRequest]:
        def build(_: str) -> SignedRequest:
            now = time.time()
            archive.post(
                {
                    "msgid": f"{uuid.uuid4().int % 10**19}_{int(now)}",
                    "action": "send",
                    "from": user,
                    "tolist": ["zhangsan", "lisi"],
                    "roomid": ARCHIVE_ROOM,
                    "msgtime": int(now * 1000),
                    "msgtype": "text",
                    "text": {"content": text},
                }
            )
            return _archive_notice(app)

        return build

    return [
        Step(
            "an ordinary group message (no @) with an ID-card number, pulled after msgaudit_notify: "
            "explained privately, admins carded",
            notice_after("我的身份证号是 11010519491231002X，帮我登记一下", "sunba"),
            gid=gid,
        ),
        Step(
            "msgaudit_notify again for the same page: nothing acted on twice",
            lambda _: _archive_notice(app),
            expect_sent=0,
        ),
    ]


def _archive_notice(app: dict[str, str]) -> SignedRequest:
    xml = wecom_peer.event_xml(
        "msgaudit_notify", {}, corp_id=S["WECOM_CORP_ID"], create_time=int(time.time()), from_user="sys"
    )
    return wecom_peer.callback_request(xml, agent_id="2000004", **app)


DEMO_ADMINS = [
    f"slack:{SLACK_TEAM}:U0ADMIN",
    f"wecom:{S['WECOM_CORP_ID']}:wangadmin",
    f"dingtalk:{DINGTALK_CORP}:liadmin",
]


def archive_demo(url: str, fake: str, hook: str, state: dict[str, Any]) -> int:
    """R6.4-R6.9 on Slack: a file shared in #demo is archived, a member asks for it and gets a link of
    their own privately, and the link leads through the bot's route to S3 (the local stack's bucket).
    Returns the number of steps that did not behave."""
    print("\n── Slack: the file archive " + "─" * 33)
    data = ("2026 年 12 月项目周报\n" * 200).encode()
    name = "项目周报-v2.txt"
    put = urllib.request.Request(  # noqa: S310 - loopback only
        f"{fake}/_files/slack/F0DEMOFILE?name={urllib.parse.quote(name)}&type=text/plain",
        data=data,
        method="PUT",
    )
    urllib.request.urlopen(put, timeout=5).close()  # noqa: S310
    event = {
        "type": "message",
        "subtype": "file_share",
        "user": "U0ALICE",
        "channel": "C0DEMO",
        "text": "本周周报，请查阅",
        "ts": f"{time.time():.6f}",
        "channel_type": "channel",
        "files": [
            {"id": "F0DEMOFILE", "name": name, "title": name, "size": len(data), "mimetype": "text/plain"}
        ],
    }
    secret = S["SLACK_SIGNING_SECRET"]
    envelope = slack_peer.envelope(event, team=SLACK_TEAM, event_id=f"Ev{uuid.uuid4().hex[:10].upper()}")
    recorded(fake, "DELETE")
    status, _ = http(url, slack_peer.event_request(envelope, secret))
    settled(state)
    told = " ".join(summary(call) for call in recorded(fake) if "postEphemeral" in call["path"])
    found = re.search(r"\bf[0-9a-f]{8}\b", told)
    failures = _shown(
        "a file shared in #demo: archived, the poster told its id", status == 200 and found, told
    )
    if not found:
        return failures + 1
    command = {
        "command": "/qg",
        "text": f"file {found.group(0)}",
        "team_id": SLACK_TEAM,
        "channel_id": "C0DEMO",
        "channel_name": "demo",
        "user_id": "U0BOB",
        "response_url": f"{hook}/slack-response",
        "trigger_id": uuid.uuid4().hex,
    }
    recorded(fake, "DELETE")
    status, _ = http(url, slack_peer.command_request(command, secret))
    settled(state)
    dm = " ".join(json.dumps(call.get("body"), ensure_ascii=False) for call in recorded(fake))
    link = re.search(r"https?://[^\s\"<>|]+/files/[A-Za-z0-9._~-]+", dm)
    failures += _shown("/qg file <id>: a link of Bob's own, sent privately", status == 200 and link, dm[:120])
    if not link:
        return failures + 1
    # The member's browser: the link opens a confirmation bound to this browser (a cookie), and the
    # confirmation spends it once and leads to S3 for a minute.
    opener = urllib.request.build_opener(_NoRedirect)
    answered, page, cookie = _open(opener, urllib.request.Request(link.group(0)))  # noqa: S310
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    failures += _shown(
        "the link: a confirmation page, bound to this browser by a cookie",
        answered == 200 and csrf and cookie and "SameSite=Strict" in cookie,
        f"{answered} {cookie.split('=', 1)[0] if cookie else 'no cookie'}",
    )
    if not (csrf and cookie):
        return failures + 1
    confirm = urllib.request.Request(  # noqa: S310 - loopback only
        link.group(0),
        data=f"csrf={csrf.group(1)}".encode(),
        headers={"Cookie": cookie.split(";", 1)[0], "Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    answered, location, _ = _open(opener, confirm)
    failures += _shown(
        "confirmed: checked, recorded, redirected to S3 for a minute",
        answered == 303 and "X-Amz-Expires" in location,
        f"{answered} {location[:90]}",
    )
    again, _, _ = _open(opener, confirm)
    elsewhere, _, _ = _open(opener, urllib.request.Request(link.group(0)))  # noqa: S310
    return failures + _shown(
        "the same link again, or from another client: refused (used once), and recorded",
        again == 410 and elsewhere == 410,
        f"{again} / {elsewhere}",
    )


def _open(opener: urllib.request.OpenerDirector, request: urllib.request.Request) -> tuple[int, str, str]:
    """Status, then the Location (a redirect) or the page, and the Set-Cookie header ("" when none)."""
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.read().decode(), response.headers.get("Set-Cookie", "")
    except urllib.error.HTTPError as err:
        body = err.headers.get("Location") or err.read().decode()
        return err.code, body, err.headers.get("Set-Cookie", "")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def redelivery_demo(url: str, fake: str, state: dict[str, Any], store: DynamoStore) -> int:
    """The outbox through the queue: the member's explanation fails for longer than the client retries
    (Slack answers 503), the worker reports the record failed, SQS hands it out again after the visibility
    timeout, and the redelivery sends only the explanation: the admins' card is not sent twice."""
    if not state.get("queue"):
        return 0
    print("\n── Slack: a delivery that fails half-way, finished by SQS " + "─" * 2)
    recorded(fake, "DELETE")
    fault = {"path": "/slack/api/conversations.open", "status": 503, "times": 4, "body_contains": "U0EVE"}
    urllib.request.urlopen(  # noqa: S310 - loopback only
        urllib.request.Request(  # noqa: S310
            f"{fake}/_faults",
            data=json.dumps(fault).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        ),
        timeout=5,
    ).close()
    message = {
        "type": "message",
        "user": "U0EVE",
        "channel": "C0DEMO",
        "text": "你是个傻逼",
        "ts": f"{time.time():.6f}",
        "channel_type": "channel",
    }
    envelope = slack_peer.envelope(message, team=SLACK_TEAM, event_id=f"Ev{uuid.uuid4().hex[:10].upper()}")
    status, _ = http(url, slack_peer.event_request(envelope, S["SLACK_SIGNING_SECRET"]))
    settled(state, timeout=60)
    posted = [
        str(call["body"].get("channel"))
        for call in recorded(fake)
        if call["path"].endswith("chat.postMessage") and isinstance(call.get("body"), dict)
    ]
    # The fake's direct channels are D + id: the policy's admin, the channel's creator (an admin the
    # platform names), and the member.
    ok = status == 200 and sorted(posted) == ["D0ADMIN", "D0CREATOR", "D0EVE"]
    for record in reversed(store.list_audit(f"slack:{SLACK_TEAM}:C0DEMO", limit=1)):
        print(f"    decided  → {', '.join(record.actions)} ({record.outcome})")
    return _shown(
        "Slack down for the explanation: the redelivery sends it, the admins' card goes once",
        ok,
        f"posted to: {', '.join(posted)}",
    )


def _shown(title: str, ok: object, detail: str) -> int:
    print(f"{'✓' if ok else '✗'} {title}")
    print(f"    {detail[:140]}")
    return 0 if ok else 1


def name_demo_admins(store: DynamoStore) -> None:
    """The demo's org policy: the shipped default, with one admin per platform to receive the cards, who
    are also the owners of policy revisions (named by qualified id: owners are never inferred)."""
    repo = PolicyRepo(store)
    org = repo.org()
    if org.admins != tuple(DEMO_ADMINS) or org.workflows.revisions.owners != tuple(DEMO_ADMINS):
        policy = {**yaml.safe_load(default_policy_text()), "admins": DEMO_ADMINS}
        policy["workflows"]["revisions"]["owners"] = DEMO_ADMINS
        repo.apply(keys.ORG_SCOPE, yaml.safe_dump(policy, allow_unicode=True), author="demo", now=time.time())


def _tampered(request: SignedRequest) -> SignedRequest:
    return SignedRequest(request.method, request.path, request.headers, request.query, request.body + b" ")


def _tampered_query(request: SignedRequest) -> SignedRequest:
    query = dict(request.query, msg_signature="0" * 40)
    return SignedRequest(request.method, request.path, request.headers, query, request.body)


def name_demo_groups(fake: str) -> None:
    """What WeCom's groupchat/get answers for the demo's groups (their names, owners and members), as a
    company's real groups have: the AI bot's customer group and the archived internal group."""
    from local.fakes.wecom_archive import set_room

    members = ("sunba", "zhangsan", "lisi")
    set_room(fake, "wrDEMOCHAT", name="客户服务群", owner="wangadmin", members=members, external=True)
    set_room(fake, ARCHIVE_ROOM, name="项目例会群", owner="wangadmin", members=members)


def main() -> int:
    if not STATE.exists():
        print("The local stack is not running: start it with `make run` in another terminal.")
        return 2
    state = json.loads(STATE.read_text())
    url, fake = str(state["url"]), str(state.get("fake_messengers") or "")
    if not fake:
        print("This stack talks to real messenger APIs (API bases are set); the demo needs the local fake.")
        return 2
    os.environ.update({k: v for k, v in dynamo_env(str(state["dynamodb"])).items() if k not in os.environ})
    store = DynamoStore(str(state["table"]), endpoint_url=str(state["dynamodb"]))
    name_demo_admins(store)
    name_demo_groups(fake)
    hook = f"{fake}/hooks"
    failures = 0
    platforms = [
        ("Slack", slack_steps(fake)),
        ("WeCom", wecom_steps(fake)),
        ("DingTalk", dingtalk_steps(fake)),
    ]
    if state.get("wecom_archive"):
        platforms.append(
            ("WeCom with the message archive", wecom_archive_steps(fake, state["wecom_archive"]))
        )
    else:
        print("(WeCom's message archive is not on in this stack: its steps are skipped)")
    for platform, steps in platforms:
        print(f"\n── {platform} " + "─" * (60 - len(platform)))
        for step in steps:
            recorded(fake, "DELETE")
            started = time.time() - 1
            status, body = http(url, step.build(hook))
            settled(state)
            sent = recorded(fake)
            replies = [call for call in sent if not call["path"].endswith(TOKENS)]
            # What the bot posts is counted; what it looks up (who administers a group it sees for the
            # first time, its name, a person's name, a link to the message) is shown, not counted.
            posts = [call for call in replies if not call["path"].endswith(LOOKUPS)]
            ok = status == step.expect_status and (step.expect_sent is None or len(posts) == step.expect_sent)
            failures += not ok
            print(f"{'✓' if ok else '✗'} {step.title}")
            print(f"    received → {status} {body[:90]!s}")
            if step.gid:
                for record in reversed(store.list_audit(step.gid, limit=5)):
                    if record.at >= started:
                        print(f"    decided  → {', '.join(record.actions)} ({record.outcome})")
            for call in replies:
                print(f"    sent     → {summary(call)}")
    failures += archive_demo(url, fake, hook, state)
    failures += redelivery_demo(url, fake, state, store)
    print(f"\n{'all steps behaved' if not failures else f'{failures} step(s) did not behave'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
