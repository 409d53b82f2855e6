"""The gateway as a user sees it, on all three platforms, through the real Chalice routes: the help
reply arrives, a retried delivery is answered once, a tampered request is refused with 401, and no
malformed input gets a 500."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

import pytest

from chalicelib.store.dynamodb import DynamoStore
from local.fakes.server import FakeMessengers
from local.peers import SignedRequest
from local.peers.dingtalk import decrypt_ack
from tests.functional import conversations as talk
from tests.support.stack import Stack, running_stack

ROUTES = list(talk.one_valid_request_per_route("http://127.0.0.1:9/hooks/x"))


LOOK_UPS = (
    "gettoken",
    "accessToken",
    "auth.test",
    "conversations.info",
    "users.list",
    "appchat/get",
    "groupchat/get",
    "get_admin_list",
    "scenegroup/get",
    "listadmin",
)


def replies(fake: FakeMessengers) -> list[Any]:
    """What the bot sent, leaving out token fetches and identity and group look-ups."""
    return [c for c in fake.calls if not c.path.endswith(LOOK_UPS)]


def test_healthz_answers_without_secrets(stack: Stack) -> None:
    response = stack.client.http.get("/healthz")
    assert response.status_code == 200
    body = json.loads(response.body)
    assert body["status"] == "ok" and all(body["platforms"].values())
    assert "secret" not in response.body.decode().lower()


def test_slack_at_bot_help_is_shown_to_the_asker_in_the_channel(stack: Stack, fake: FakeMessengers) -> None:
    assert stack.send(talk.slack_mention("help")).status_code == 200
    (sent,) = replies(fake)
    assert sent.path.endswith("chat.postEphemeral")
    assert (sent.body["channel"], sent.body["user"]) == ("C0FUNC", "U0ALICE")
    assert "群管" in sent.body["text"]


def test_slack_slash_help_is_answered_privately_on_the_response_url(
    stack: Stack, fake: FakeMessengers
) -> None:
    assert stack.send(talk.slack_command("help", fake.hook_url("slash"))).status_code == 200
    (sent,) = replies(fake)
    assert sent.path == "/hooks/slash" and sent.body["response_type"] == "ephemeral"


def test_wecom_ai_bot_help_is_answered_on_its_response_url(stack: Stack, fake: FakeMessengers) -> None:
    assert stack.send(talk.wecom_aibot_mention("帮助", fake.hook_url("wecom"))).status_code == 200
    (sent,) = replies(fake)
    assert sent.path == "/hooks/wecom" and "群规" in json.dumps(sent.body, ensure_ascii=False)


def test_wecom_app_help_in_a_direct_message_is_answered_directly(stack: Stack, fake: FakeMessengers) -> None:
    assert stack.send(talk.wecom_direct("help")).status_code == 200
    (sent,) = replies(fake)
    assert sent.path.endswith("message/send") and sent.body["touser"] == "lisi"


def test_dingtalk_robot_help_is_answered_on_the_session_webhook(stack: Stack, fake: FakeMessengers) -> None:
    assert stack.send(talk.dingtalk_robot("help", fake.hook_url("ding"))).status_code == 200
    (sent,) = replies(fake)
    assert sent.path == "/hooks/ding" and "群管" in sent.body["text"]["content"]


def test_dingtalk_events_are_acked_with_the_encrypted_success(stack: Stack) -> None:
    response = stack.send(talk.dingtalk_event({"EventType": "check_url"}))
    assert response.status_code == 200
    assert decrypt_ack(response.body.decode(), **talk.DINGTALK_EVENTS) == "success"


@pytest.mark.parametrize("aibot", [False, True], ids=["app", "aibot"])
def test_wecom_url_check_answers_the_plain_echo(stack: Stack, aibot: bool) -> None:
    response = stack.send(talk.wecom_url_check("1616140317555161061", aibot=aibot))
    assert (response.status_code, response.body) == (200, b"1616140317555161061")


def test_a_slack_retry_of_a_claimed_event_gets_one_reply_not_two(stack: Stack, fake: FakeMessengers) -> None:
    first = talk.slack_mention("help", event_id="EvRETRY1", ts="1700000000.000200")
    retry = talk.slack_mention("help", event_id="EvRETRY1", ts="1700000000.000200", retry_num=1)
    assert stack.send(first).status_code == stack.send(retry).status_code == 200
    assert len(replies(fake)) == 1


@pytest.mark.parametrize("route", ROUTES)
def test_a_tampered_request_is_refused_with_401_on_every_route(
    stack: Stack, fake: FakeMessengers, route: str
) -> None:
    genuine = talk.one_valid_request_per_route(fake.hook_url("x"))[route]
    assert stack.send(genuine).status_code == 200
    assert stack.send(tamper(genuine)).status_code == 401


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize(
    "body",
    [b"", b"{", b"null", b"[]", b"\xff\xfe\x00", b"<xml><Encrypt>abc</Encrypt></xml>", b"payload=%7B"],
    ids=["empty", "truncated", "null", "array", "not-utf8", "xml", "form"],
)
def test_malformed_input_never_gets_a_500(
    stack: Stack, fake: FakeMessengers, route: str, body: bytes
) -> None:
    genuine = talk.one_valid_request_per_route(fake.hook_url("x"))[route]
    status = stack.send(replace(genuine, body=body)).status_code
    assert 400 <= status < 500


def test_a_body_over_one_mebibyte_is_refused_with_413(stack: Stack) -> None:
    request = talk.slack_mention("hi")
    assert stack.send(replace(request, body=b" " * (1024 * 1024 + 1))).status_code == 413


def test_a_wrong_content_type_is_refused_with_415(stack: Stack) -> None:
    request = talk.slack_mention("hi")
    wrong = replace(request, headers={**request.headers, "Content-Type": "application/x-www-form-urlencoded"})
    assert stack.send(wrong).status_code == 415


def test_a_platform_without_settings_answers_404_and_the_others_work(fake: FakeMessengers) -> None:
    with running_stack(fake, slack_signing_secret=None) as stack:
        refused = stack.send(talk.slack_mention("help"))
        assert refused.status_code == 404 and b"SLACK_SIGNING_SECRET" in refused.body
        assert stack.send(talk.dingtalk_robot("help", fake.hook_url("d"))).status_code == 200


def test_thirty_copies_of_one_event_at_the_same_moment_get_one_reply(
    fake: FakeMessengers, dynamodb_client: Any, dynamodb: Any
) -> None:
    dynamodb.create_table("qunguan-burst")
    with running_stack(fake, store=DynamoStore("qunguan-burst", client=dynamodb_client)) as stack:
        request = talk.slack_mention("help", event_id="EvBURST", ts="1700000000.000300")
        with ThreadPoolExecutor(max_workers=30) as pool:
            statuses = list(pool.map(lambda _: stack.send(request).status_code, range(30)))
    assert statuses == [200] * 30
    assert len(replies(fake)) == 1


def tamper(request: SignedRequest) -> SignedRequest:
    """Change what the signature covers: the body where it is signed, else the signature itself."""
    if "x-ddpaas-signature" in request.headers:
        return replace(
            request,
            headers={
                **request.headers,
                "x-ddpaas-signature": "AAAA" + request.headers["x-ddpaas-signature"][4:],
            },
        )
    if "sign" in request.headers:
        return replace(request, headers={**request.headers, "sign": "AAAA" + request.headers["sign"][4:]})
    if "msg_signature" in request.query:
        return replace(request, query={**request.query, "msg_signature": "0" * 40})
    return replace(request, body=request.body.replace(b"U0ALICE", b"U0MALLO"))
