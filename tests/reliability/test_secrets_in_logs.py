"""Secrets and message text stay out of the logs. The scenarios run with known secret values (the demo
settings, an admin user token, the access tokens the fake issues, reply URLs whose path is a secret) and
known message texts, and every log record of every logger is captured at DEBUG, Chalice's app logger
included: no line may contain any of them. The policy allows message text in no log line; a member's
text goes only to the member (and, redacted where sensitive, to the case record)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import replace

import pytest

from chalicelib.adapters.dingtalk.signature import TWIN_SECONDS
from local.demo_settings import DEMO_SETTINGS as S
from local.fakes.server import FakeMessengers, Fault
from local.peers import dingtalk as dingtalk_peer
from tests.functional import conversations as talk
from tests.functional.test_moderation import ID_CARD, buttons, moderated, slack_posts_to
from tests.reliability.support import LogCapture, capture_all_logs, messengers_that_record_backoff
from tests.support.stack import Stack

ADMIN_TOKEN = "xoxp-admin-user-token-8d1f"
REPLY_SECRET = "T0FUNC/B0HOOK/k3yInThePath77"  # a Slack response_url's path is a bearer secret
SECRET_SETTINGS = (
    "SLACK_SIGNING_SECRET",
    "SLACK_BOT_TOKEN",
    "WECOM_SECRET",
    "WECOM_TOKEN",
    "WECOM_AES_KEY",
    "WECOM_AIBOT_TOKEN",
    "WECOM_AIBOT_AES_KEY",
    "DINGTALK_APP_SECRET",
    "DINGTALK_TOKEN",
    "DINGTALK_AES_KEY",
    "DINGTALK_CARD_SECRET",
)
SECRETS = [S[name] for name in SECRET_SETTINGS] + [
    ADMIN_TOKEN,
    "k3yInThePath77",
    "wecom-token-",  # what the fakes issue as access tokens
    "fake-dingtalk-token-",
    "fake-dingtalk-oapi-token-",
]
TEXTS = {
    "plain": "雪豹计划 Snow-Leopard-7731 周五上线",
    "abuse": "你是个傻逼 ZEBRA-4410",
    "pii": f"我的身份证号 {ID_CARD} 请帮忙报名",
    "flood": "FLOOD-TEXT-5520",
    "reason": "REASON-TEXT-9034",
}
# Pieces of those texts that nothing else would put in a log line.
MARKERS = [
    "雪豹计划",
    "Snow-Leopard-7731",
    "傻逼",
    "ZEBRA-4410",
    ID_CARD,
    "身份证",
    "FLOOD-TEXT-5520",
    "REASON-TEXT-9034",
]


@pytest.fixture
def scenario(fake: FakeMessengers) -> Iterator[tuple[Stack, LogCapture]]:
    """The moderated stack (admins named), real messenger clients whose back-off is recorded, and
    every log line."""
    with moderated(fake, slack_admin_user_token=ADMIN_TOKEN) as stack, capture_all_logs() as logs:
        stack.deps.messenger_factory = messengers_that_record_backoff(stack.deps, [], attempts=2, timeout=0.2)
        yield stack, logs


def run_everything(stack: Stack, fake: FakeMessengers) -> None:
    hook = fake.hook_url(REPLY_SECRET)
    # Every route, genuine: help, a plain message with text, the URL checks.
    for request in talk.one_valid_request_per_route(hook).values():
        assert stack.send(request).status_code == 200
    for request in (
        talk.slack_message(TEXTS["plain"]),
        talk.slack_mention(TEXTS["plain"]),
        talk.slack_command(TEXTS["plain"], hook),
        talk.wecom_direct(TEXTS["plain"]),
        talk.wecom_aibot_mention(TEXTS["plain"], hook),
        talk.dingtalk_robot(TEXTS["plain"], hook),
        talk.wecom_url_check("1616140317555161061"),
        talk.wecom_url_check("1616140317555161061", aibot=True),
    ):
        assert stack.send(request).status_code == 200
    # Refusals: tampered, stale, malformed.
    genuine = talk.slack_message(TEXTS["plain"])
    assert stack.send(replace(genuine, body=genuine.body.replace(b"7731", b"7732"))).status_code == 401
    stale = talk.dingtalk_robot(TEXTS["plain"], hook)
    old = str(int((time.time() - 7200) * 1000))
    assert stack.send(replace(stale, headers={**stale.headers, "timestamp": old})).status_code == 401
    assert (
        stack.send(replace(talk.dingtalk_robot("x", hook), body=TEXTS["plain"].encode())).status_code == 400
    )
    # Moderation: abuse, an ID card number, a flood; the admin card pressed; an admin command.
    assert stack.send(talk.slack_message(TEXTS["abuse"], user="U0RUDE")).status_code == 200
    assert stack.send(talk.slack_message(TEXTS["pii"], user="U0PII")).status_code == 200
    for n in range(10):
        stack.send(talk.slack_message(f"{TEXTS['flood']} {n}", user="U0FLOOD"))
    assert stack.send(talk.wecom_aibot_mention(TEXTS["abuse"], hook, user="zhangsan")).status_code == 200
    assert stack.send(talk.dingtalk_robot(TEXTS["abuse"], hook, user="lisi")).status_code == 200
    cards = slack_posts_to(fake, "UADMIN1")
    value = buttons(cards[0].body["blocks"])["mod.warn"]
    stack.send(talk.slack_click(hook, action="mod.warn", value=value, user="U0RANDOM"))  # refused
    stack.send(talk.slack_click(hook, action="mod.warn", value=value, user="UADMIN1"))
    stack.send(talk.slack_command(f"warn <@U0RUDE> {TEXTS['reason']}", hook, user="UADMIN1"))
    # Faults: the messenger APIs fail, are retried, and fail for good (logged as warnings and errors).
    fake.inject(Fault("chat.postEphemeral", status=503, times=10))
    fake.inject(Fault(f"/hooks/{REPLY_SECRET}", status=429, retry_after=1, times=10))
    fake.inject(Fault("message/send", reset=True, times=10))
    stack.send(talk.slack_mention(TEXTS["plain"]))
    stack.send(talk.slack_command(TEXTS["plain"], hook))
    stack.send(talk.wecom_direct(TEXTS["plain"]))
    stack.send(talk.dingtalk_robot(TEXTS["plain"], hook))


def test_no_log_line_holds_a_secret_or_a_message_text(
    scenario: tuple[Stack, LogCapture], fake: FakeMessengers
) -> None:
    stack, logs = scenario
    run_everything(stack, fake)
    assert len(logs.lines) > 50, "too few log lines to say anything"
    assert any("retry" in line for line in logs.lines)  # the faults were logged
    assert any("refused" in line for line in logs.lines)
    for secret in SECRETS:
        assert logs.containing(secret) == [], secret
    for marker in MARKERS:
        assert logs.containing(marker) == [], marker


def test_a_replayed_signature_is_refused_in_the_log_without_the_signature_or_the_text(
    scenario: tuple[Stack, LogCapture], fake: FakeMessengers
) -> None:
    """DingTalk's header pair binds the bodies it came with (tests/security); a forged body under it,
    once the twin window is over, is refused and logged with its reason and request fields, never the pair
    itself (a pair still unused is a pass) nor what the forged body says."""
    stack, logs = scenario
    stamp = int(stack.deps.clock.now() * 1000) - (TWIN_SECONDS + 30) * 1000  # captured, replayed later
    payload = {**json.loads(talk.dingtalk_robot(TEXTS["plain"], fake.hook_url(REPLY_SECRET)).body)}
    payload["createAt"] = stamp
    genuine = dingtalk_peer.robot_request(payload, app_secret=S["DINGTALK_APP_SECRET"], timestamp_ms=stamp)
    assert stack.send(genuine).status_code == 200
    replayed = replace(genuine, body=genuine.body.replace(b"7731", b"7732"))
    assert stack.send(replayed).status_code == 401
    refused = [json.loads(line) for line in logs.containing('"message":"refused"')]
    assert [(entry["route"], entry["status"]) for entry in refused] == [("dingtalk.robot", 401)]
    for value in (genuine.headers["sign"], genuine.headers["timestamp"], *MARKERS, "k3yInThePath77"):
        assert logs.containing(value) == [], value


def test_the_capture_sees_every_logger_chalices_app_log_included() -> None:
    """The check above is only as good as the capture: Chalice's app logger does not propagate."""
    import logging

    import app as application

    with capture_all_logs() as logs:
        application.app.log.debug("app-log-line")
        logging.getLogger("qunguan.ingress").debug("child-line")
        logging.getLogger("urllib3.connectionpool").debug("library-line")
    assert [bool(logs.containing(m)) for m in ("app-log-line", "child-line", "library-line")] == [True] * 3
