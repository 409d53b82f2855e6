"""Finding 4: DingTalk signs the robot's and the cards' headers only (`sign` over timestamp + secret,
`x-ddpaas-signature` over the timestamp), never the body. One captured pair used to be an hour-long pass
for any body. Now each pair is bound to the body it first came with (or, while a genuine twin of the same
millisecond is plausible, to a few: test_dingtalk_twins); the corp a body names must be the app's own;
the reply URL it names must be DingTalk's. Each test replays what an attacker
who saw one genuine request would send."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace

import pytest

from chalicelib.adapters.dingtalk.signature import TWIN_SECONDS
from chalicelib.store import keys
from local.demo_settings import DEMO_SETTINGS as S
from local.fakes.server import FakeMessengers
from local.peers import SignedRequest
from local.peers import dingtalk as dingtalk_peer
from tests.functional import conversations as talk
from tests.functional.test_moderation import moderated
from tests.functional.test_workflows import governed, option_values
from tests.functional.workflow_talk import DINGTALK, replies
from tests.support.stack import Stack

CORP = S["DINGTALK_CORP_ID"]
GID = f"dingtalk:{CORP}:cidFUNC"


@pytest.fixture
def stack(fake: FakeMessengers) -> Iterator[Stack]:
    with moderated(fake) as running:
        yield running


def with_body(request: SignedRequest, payload: dict[str, object]) -> SignedRequest:
    """The captured request's headers, carrying a body of the attacker's choosing."""
    return replace(request, body=dingtalk_peer.dumps(payload).encode())


def robot_payload(request: SignedRequest) -> dict[str, object]:
    data = json.loads(request.body)
    assert isinstance(data, dict)
    return data


def test_a_captured_robot_signature_does_not_carry_a_forged_warn_by_an_admin(
    stack: Stack, fake: FakeMessengers
) -> None:
    # Captured, and replayed once the twin window is over (test_dingtalk_twins: within it, a few bodies
    # of one millisecond are let through, since DingTalk signs the millisecond alone).
    stamp = int(stack.deps.clock.now() * 1000) - (TWIN_SECONDS + 30) * 1000
    member = {**robot_payload(talk.dingtalk_robot("help", fake.hook_url("member"))), "createAt": stamp}
    captured = dingtalk_peer.robot_request(member, app_secret=S["DINGTALK_APP_SECRET"], timestamp_ms=stamp)
    assert stack.send(captured).status_code == 200
    forged = talk.dingtalk_robot("warn 刷屏", fake.hook_url("forged"), user="dingadmin1", at=("lisi",))
    answer = stack.send(with_body(captured, {**robot_payload(forged), "createAt": stamp}))
    assert answer.status_code == 401
    assert "already used with another body" in answer.body.decode()
    assert fake.sent("/hooks/forged") == [] and fake.sent("oToMessages/batchSend") == []
    # The same command, genuinely signed by DingTalk for the admin, is carried out: the refusal above is
    # the signature's, not the command's.
    assert stack.send(forged).status_code == 200
    assert fake.sent("/hooks/forged")


def test_a_redelivery_of_the_same_body_is_acked_and_acts_once(stack: Stack, fake: FakeMessengers) -> None:
    request = talk.dingtalk_robot("help", fake.hook_url("twice"))
    assert [stack.send(request).status_code for _ in range(3)] == [200, 200, 200]
    assert len(fake.sent("/hooks/twice")) == 1


def test_the_claim_outlives_the_window_that_accepts_the_timestamp(stack: Stack, fake: FakeMessengers) -> None:
    stamp = int(stack.deps.clock.now() * 1000)
    request = talk.dingtalk_robot("help", fake.hook_url("w"))
    request = dingtalk_peer.robot_request(
        robot_payload(request), app_secret=S["DINGTALK_APP_SECRET"], timestamp_ms=stamp + 3_599_000
    )
    assert stack.send(request).status_code == 200
    claim = stack.store.get_item(
        keys.signature_use_pk("dingtalk.robot", _pair_key(request)), keys.SIGNATURE_USE_SK
    )
    assert claim is not None and claim.expires_at is not None
    assert claim.expires_at >= (stamp + 3_599_000) // 1000 + 3600


def _pair_key(request: SignedRequest) -> str:
    from chalicelib.adapters.dingtalk.signature import single_use

    stamp = int(request.headers["timestamp"])
    once = single_use(
        "dingtalk.robot",
        request.headers["timestamp"],
        request.headers["sign"],
        b"",
        stamp=stamp,
        now=stamp / 1000,
        created_ms=None,
    )
    return once.key


def test_a_captured_card_signature_does_not_count_forged_poll_votes(fake: FakeMessengers) -> None:
    side = DINGTALK
    with governed(fake, side) as stack:
        stack.send(side.command('poll "团建去哪里" 爬山 露营 密室', side.member, fake.hook_url("p")))
        options = option_values(fake, side, side.chat)
        captured = side.click(fake, "poll.vote", options[1], side.member2)
        assert stack.send(captured).status_code == 200
        payload = json.loads(captured.body)
        statuses = [
            stack.send(with_body(captured, {**payload, "userId": f"forged{n:02d}"})).status_code
            for n in range(25)
        ]
        assert statuses == [401] * 25
        stack.send(side.command("poll results", side.member, fake.hook_url("r")))
        assert "露营: 1 (100%)" in replies(fake, "r")


@pytest.mark.parametrize("field", ["chatbotCorpId", "senderCorpId"])
def test_a_robot_message_naming_another_corp_is_refused_and_registers_no_tenant(
    stack: Stack, fake: FakeMessengers, field: str
) -> None:
    payload = robot_payload(talk.dingtalk_robot("help", fake.hook_url("corp")))
    payload.pop("chatbotCorpId")
    payload[field] = "dingevilcorp"
    request = dingtalk_peer.robot_request(payload, app_secret=S["DINGTALK_APP_SECRET"])
    answer = stack.send(request)
    assert answer.status_code == 401 and "DINGTALK_CORP_ID" in answer.body.decode()
    assert stack.store.get_group("dingtalk:dingevilcorp:cidFUNC") is None
    assert fake.sent("/hooks/corp") == []


def test_a_card_click_naming_another_corp_is_refused(stack: Stack) -> None:
    click = talk.dingtalk_card_click()
    payload = {**json.loads(click.body), "corpId": "dingevilcorp"}
    request = dingtalk_peer.card_request(payload, card_secret=S["DINGTALK_CARD_SECRET"])
    answer = stack.send(request)
    assert answer.status_code == 401 and "DINGTALK_CORP_ID" in answer.body.decode()


def test_the_robot_and_card_routes_stay_off_without_the_corp(fake: FakeMessengers) -> None:
    with moderated(fake, dingtalk_corp_id=None) as stack:
        for request in (talk.dingtalk_robot("help", fake.hook_url("off")), talk.dingtalk_card_click()):
            answer = stack.send(request)
            assert answer.status_code == 404 and "DINGTALK_CORP_ID" in answer.body.decode()
