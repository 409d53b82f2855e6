"""Finding 4 (SSRF): a DingTalk robot body pointed `sessionWebhook` at `http://127.0.0.1:...` and the bot
POSTed there. Every URL the bot takes from a request (DingTalk's `sessionWebhook`, WeCom's AI-bot
`response_url`, Slack's `response_url` on commands and clicks) is now used only when it is https on the
vendor's own host, or on the origin an operator configured as the API base (the local fake here). Each
test aims the bot at a listener of its own on another origin and checks that nothing reached it."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from chalicelib.adapters.base import Target
from chalicelib.adapters.dingtalk.client import DingTalkMessenger
from chalicelib.adapters.reply_urls import ReplyUrls
from chalicelib.errors import MessengerError
from local.demo_settings import DEMO_SETTINGS as S
from local.fakes.server import FakeMessengers
from local.peers import dingtalk as dingtalk_peer
from tests.functional import conversations as talk
from tests.support.stack import Stack, demo_settings, running_stack


class Listener:
    """An HTTP server on another loopback port that records every request: the attacker's target."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        hits = self.hits

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                hits.append(self.path)
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b'{"ok":true,"errcode":0}')

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    running = Listener()
    yield running
    running.close()


@pytest.fixture
def stack(fake: FakeMessengers) -> Iterator[Stack]:
    with running_stack(fake) as running:
        yield running


def test_a_robot_session_webhook_off_dingtalk_is_refused_at_ingress(
    stack: Stack, fake: FakeMessengers, listener: Listener
) -> None:
    for target in (f"{listener.url}/steal", "http://169.254.169.254/latest/meta-data/", "file:///etc/passwd"):
        answer = stack.send(talk.dingtalk_robot("help", target))
        assert answer.status_code == 401 and "sessionWebhook" in answer.body.decode()
    assert listener.hits == []


def test_a_slack_command_response_url_elsewhere_is_not_posted_to(
    stack: Stack, fake: FakeMessengers, listener: Listener
) -> None:
    assert stack.send(talk.slack_command("help", f"{listener.url}/steal")).status_code == 200
    assert listener.hits == []
    assert fake.sent("chat.postEphemeral")  # the answer went to the member another way


def test_a_slack_click_response_url_elsewhere_is_not_posted_to(
    stack: Stack, fake: FakeMessengers, listener: Listener
) -> None:
    assert stack.send(talk.slack_click(f"{listener.url}/steal")).status_code == 200
    assert listener.hits == []


def test_a_wecom_aibot_response_url_elsewhere_is_not_posted_to(
    stack: Stack, fake: FakeMessengers, listener: Listener
) -> None:
    assert stack.send(talk.wecom_aibot_mention("help", f"{listener.url}/steal")).status_code == 200
    assert listener.hits == []


def test_the_dingtalk_messenger_falls_back_to_the_group_rather_than_post_elsewhere(
    fake: FakeMessengers, listener: Listener
) -> None:
    messenger = DingTalkMessenger(demo_settings(fake))
    messenger.post_text(
        Target(tenant=S["DINGTALK_CORP_ID"], chat="cidX", reply_url=f"{listener.url}/x"), "hi"
    )
    assert listener.hits == [] and fake.sent("groupMessages/send")
    with pytest.raises(MessengerError, match="reply URL refused"):
        messenger.post_text(Target(tenant=S["DINGTALK_CORP_ID"], reply_url=f"{listener.url}/x"), "hi")
    assert listener.hits == []


def test_a_genuine_session_webhook_on_the_configured_origin_is_used(
    stack: Stack, fake: FakeMessengers
) -> None:
    assert stack.send(talk.dingtalk_robot("help", fake.hook_url("genuine"))).status_code == 200
    assert fake.sent("/hooks/genuine")


VENDOR = {
    "slack": ReplyUrls.of("slack"),
    "wecom": ReplyUrls.of("wecom"),
    "dingtalk": ReplyUrls.of("dingtalk"),
}


@pytest.mark.parametrize(
    ("platform", "url"),
    [
        ("slack", "https://hooks.slack.com/commands/T0/1/abc"),
        ("slack", "https://HOOKS.slack.com/actions/T0/1/abc"),
        ("slack", "https://hooks.slack.com:443/actions/T0/1/abc"),
        ("wecom", "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=x"),
        ("dingtalk", "https://oapi.dingtalk.com/robot/sendBySession?session=x"),
    ],
)
def test_the_vendors_documented_reply_urls_are_allowed(platform: str, url: str) -> None:
    assert VENDOR[platform].allows(url)


@pytest.mark.parametrize(
    ("platform", "url"),
    [
        ("slack", "http://hooks.slack.com/commands/T0/1/abc"),  # not https
        ("slack", "https://slack.com/api/chat.postMessage"),  # the API, not a reply host
        ("slack", "https://hooks.slack.com.evil.example/x"),
        ("slack", "https://hooks.slack.com@evil.example/x"),  # user info: the host is evil.example
        ("slack", "https://evil.example\\@hooks.slack.com/x"),  # parsers disagree on the backslash
        ("slack", "https://hooks.slack.com:8443/x"),
        ("slack", "https://hooks.slack.com:99999/x"),
        ("wecom", "https://qyapi.weixin.qq.com.evil.example/cgi-bin/aibot/response"),
        ("wecom", "https://127.0.0.1/cgi-bin/aibot/response"),
        ("dingtalk", "https://api.dingtalk.com/v1.0/robot/oToMessages/batchSend"),
        ("dingtalk", "http://127.0.0.1:8000/hooks/x"),
        ("dingtalk", "http://169.254.169.254/latest/meta-data/"),
        ("dingtalk", "https://oapi.dingtalk.com\t.evil.example/"),
        ("dingtalk", "https://oapi.dıngtalk.com/robot/sendBySession"),  # a dotless i
        ("dingtalk", "//oapi.dingtalk.com/robot/sendBySession"),
        ("dingtalk", "gopher://oapi.dingtalk.com/"),
        ("dingtalk", ""),
    ],
)
def test_anything_else_is_refused(platform: str, url: str) -> None:
    assert not VENDOR[platform].allows(url)


def test_only_an_explicitly_configured_api_base_adds_its_origin() -> None:
    local = ReplyUrls.of("dingtalk", ["http://127.0.0.1:4010/dingtalk", "https://oapi.dingtalk.com"])
    assert local.allows("http://127.0.0.1:4010/hooks/x")
    assert not local.allows("http://127.0.0.1:4011/hooks/x") and not local.allows("https://127.0.0.1:4010/x")
    assert not ReplyUrls.of("slack", ["https://slack.com/api"]).allows("https://slack.com/api/x")


def test_a_robot_body_without_a_session_webhook_is_accepted(stack: Stack) -> None:
    payload = json.loads(talk.dingtalk_robot("help", "https://oapi.dingtalk.com/x").body)
    payload.pop("sessionWebhook")
    request = dingtalk_peer.robot_request(payload, app_secret=S["DINGTALK_APP_SECRET"])
    assert stack.send(request).status_code == 200
