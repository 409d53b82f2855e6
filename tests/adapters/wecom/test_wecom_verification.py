"""Verification of both WeCom routes: the official vectors, wechatpy as the other side both ways, and every
way a request can be refused (PROTOCOLS.md 1.2-1.4)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
import xmltodict
from hypothesis import given, settings
from hypothesis import strategies as st
from wechatpy.enterprise.crypto import WeChatCrypto

from chalicelib.adapters.msgcrypt import MsgCrypt
from chalicelib.adapters.wecom.endpoints import MAX_AGE_SECONDS, WeComAIBot, WeComCallback
from chalicelib.clock import FrozenClock
from chalicelib.core.events import MessagePosted
from chalicelib.errors import MalformedRequest, VerificationFailed
from chalicelib.http import InboundRequest, Reply
from local.peers import SignedRequest
from local.peers.wecom import aibot_request, callback_request, text_message_xml, url_check_request

TOKEN = "QDG6eK"
AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
CORP_ID = "wx5823bf96d3bd56c7"
NOW = 1_700_000_000
OTHER_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"

# The official sample's vectors (PROTOCOLS.md 1.4).
URL_VECTOR = {
    "msg_signature": "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3",
    "timestamp": "1409659589",
    "nonce": "263014780",
    "echostr": "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==",
}
MSG_QUERY = {
    "msg_signature": "477715d11cdb4164915debcba66cb864d751f3e6",
    "timestamp": "1409659813",
    "nonce": "1372623149",
}
MSG_ENCRYPT = (
    "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TU"
    "UkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijf"
    "f0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVM"
    "NS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pD"
    "BS8R07+qN+E7Q=="
)
MSG_BODY = (
    f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><Encrypt><![CDATA[{MSG_ENCRYPT}]]></Encrypt>"
    "<AgentID><![CDATA[218]]></AgentID></xml>"
)


def inbound(request: SignedRequest) -> InboundRequest:
    return request.to_inbound()


def with_query(request: SignedRequest, **changes: str) -> InboundRequest:
    return replace(request, query={**request.query, **changes}).to_inbound()


def chinese_text(content: str = "请大家遵守群规，谢谢！") -> str:
    return text_message_xml(corp_id=CORP_ID, user="zhangsan", content=content, msg_id="7001", create_time=NOW)


# The official vectors ------------------------------------------------------------------------------


def test_official_url_vector_is_answered_with_the_bare_echo() -> None:
    endpoint = WeComCallback(TOKEN, AES_KEY, CORP_ID, FrozenClock(1409659589))
    verified = endpoint.verify(InboundRequest.build("GET", "/wecom/callback", {}, URL_VECTOR, None))
    parsed = endpoint.parse(verified)
    assert parsed.challenge == "1616140317555161061"
    assert parsed.events == ()
    assert endpoint.ack(verified, parsed) == Reply.text("1616140317555161061")
    assert endpoint.ack(verified, parsed).body == "1616140317555161061"


def test_official_url_vector_survives_a_plus_that_arrived_as_a_space() -> None:
    endpoint = WeComCallback(TOKEN, AES_KEY, CORP_ID, FrozenClock(1409659589))
    query = {**URL_VECTOR, "echostr": URL_VECTOR["echostr"].replace("+", " ")}
    verified = endpoint.verify(InboundRequest.build("GET", "/wecom/callback", {}, query, None))
    assert endpoint.parse(verified).challenge == "1616140317555161061"


def test_official_message_vector_decrypts_to_the_hello_text_message() -> None:
    endpoint = WeComCallback(TOKEN, AES_KEY, CORP_ID, FrozenClock(1409659813))
    request = InboundRequest.build(
        "POST", "/wecom/callback", {"Content-Type": "text/xml"}, MSG_QUERY, MSG_BODY.encode()
    )
    verified = endpoint.verify(request)
    parsed = endpoint.parse(verified)
    assert parsed.events == (
        MessagePosted(
            platform="wecom",
            tenant=CORP_ID,
            event_id="4561255354251345929",
            occurred_at=1409659813.0,
            user="mycreate",
            message_id="4561255354251345929",
            text="hello",
            direct=True,
        ),
    )
    assert endpoint.ack(verified, parsed) == Reply.empty()


# wechatpy on the other side ------------------------------------------------------------------------


def test_what_wechatpy_encrypts_for_the_app_we_decrypt(callback: WeComCallback) -> None:
    xml = chinese_text()
    request = callback_request(xml, token=TOKEN, aes_key=AES_KEY, corp_id=CORP_ID, timestamp=str(NOW))
    assert callback.verify(inbound(request)).payload == xml.encode()


def test_what_wechatpy_encrypts_for_the_ai_bot_we_decrypt(aibot: WeComAIBot) -> None:
    payload = {"msgid": "m1", "msgtype": "text", "text": {"content": "@群管 你好，世界"}}
    request = aibot_request(payload, token=TOKEN, aes_key=AES_KEY, timestamp=str(NOW))
    assert json.loads(aibot.verify(inbound(request)).payload) == payload


@pytest.mark.parametrize("receive_id", [CORP_ID, ""])
def test_what_msgcrypt_encrypts_wechatpy_decrypts(receive_id: str) -> None:
    message = "群规：禁止刷屏 🚫"
    crypt = MsgCrypt(TOKEN, AES_KEY, receive_id)
    encrypted = crypt.encrypt(message.encode())
    signature = crypt.signature(str(NOW), "42", encrypted)
    theirs = WeChatCrypto(TOKEN, AES_KEY, receive_id)
    assert theirs.decrypt_message({"Encrypt": encrypted}, signature, str(NOW), "42") == message


@pytest.mark.parametrize("path", ["/wecom/callback", "/wecom/aibot"])
def test_url_checks_built_by_wechatpy_are_answered(
    path: str, callback: WeComCallback, aibot: WeComAIBot
) -> None:
    endpoint, receive_id = (callback, CORP_ID) if path == "/wecom/callback" else (aibot, "")
    request = url_check_request(
        "7891234567", token=TOKEN, aes_key=AES_KEY, corp_id=receive_id, timestamp=str(NOW), path=path
    )
    verified = endpoint.verify(inbound(request))
    assert endpoint.ack(verified, endpoint.parse(verified)).body == "7891234567"


@settings(max_examples=50, deadline=None)
@given(content=st.text(min_size=1, max_size=300))
def test_any_text_survives_the_round_trip_through_the_ai_bot(content: str) -> None:
    endpoint = WeComAIBot(TOKEN, AES_KEY, CORP_ID, FrozenClock(NOW))
    payload = {
        "msgid": "m1",
        "chattype": "single",
        "from": {"userid": "u1"},
        "msgtype": "text",
        "text": {"content": content},
    }
    request = aibot_request(payload, token=TOKEN, aes_key=AES_KEY, timestamp=str(NOW))
    (event,) = endpoint.parse(endpoint.verify(inbound(request))).events
    assert isinstance(event, MessagePosted)
    assert event.text == content


def test_wechatpy_reads_the_envelope_our_peer_builds() -> None:
    request = callback_request(
        chinese_text(), token=TOKEN, aes_key=AES_KEY, corp_id=CORP_ID, timestamp=str(NOW)
    )
    envelope = xmltodict.parse(request.body)["xml"]
    theirs = WeChatCrypto(TOKEN, AES_KEY, CORP_ID)
    decrypted = theirs.decrypt_message(
        envelope, request.query["msg_signature"], str(NOW), request.query["nonce"]
    )
    assert decrypted == chinese_text()


# Refusals ------------------------------------------------------------------------------------------


@pytest.fixture
def signed() -> SignedRequest:
    return callback_request(chinese_text(), token=TOKEN, aes_key=AES_KEY, corp_id=CORP_ID, timestamp=str(NOW))


def test_a_tampered_signature_is_refused(callback: WeComCallback, signed: SignedRequest) -> None:
    bad = "0" * 40
    with pytest.raises(VerificationFailed, match="signature"):
        callback.verify(with_query(signed, msg_signature=bad))


def test_a_tampered_ciphertext_is_refused(callback: WeComCallback, signed: SignedRequest) -> None:
    envelope = signed.body.decode()
    start = envelope.index("<Encrypt><![CDATA[") + len("<Encrypt><![CDATA[")
    flipped = "B" if envelope[start + 5] != "B" else "C"
    body = (envelope[: start + 5] + flipped + envelope[start + 6 :]).encode()
    with pytest.raises(VerificationFailed, match="signature"):
        callback.verify(replace(signed, body=body).to_inbound())


def test_a_changed_timestamp_breaks_the_signature(callback: WeComCallback, signed: SignedRequest) -> None:
    with pytest.raises(VerificationFailed, match="signature"):
        callback.verify(with_query(signed, timestamp=str(NOW + 1)))


def test_a_message_for_another_corp_is_refused(callback: WeComCallback) -> None:
    request = callback_request(
        chinese_text(), token=TOKEN, aes_key=AES_KEY, corp_id="wwothercorp", timestamp=str(NOW)
    )
    with pytest.raises(VerificationFailed, match="receive id"):
        callback.verify(inbound(request))


def test_the_ai_bot_refuses_a_message_carrying_a_corp_id(aibot: WeComAIBot) -> None:
    request = callback_request(
        chinese_text(), token=TOKEN, aes_key=AES_KEY, corp_id=CORP_ID, timestamp=str(NOW)
    )
    envelope = xmltodict.parse(request.body)["xml"]
    body = json.dumps({"encrypt": envelope["Encrypt"]}).encode()
    forged = replace(request, path="/wecom/aibot", headers={"Content-Type": "application/json"}, body=body)
    with pytest.raises(VerificationFailed, match="receive id"):
        aibot.verify(forged.to_inbound())


def test_a_wrong_token_is_refused(callback: WeComCallback) -> None:
    request = callback_request(
        chinese_text(), token="n0tThat", aes_key=AES_KEY, corp_id=CORP_ID, timestamp=str(NOW)
    )
    with pytest.raises(VerificationFailed, match="signature"):
        callback.verify(inbound(request))


def test_a_wrong_key_is_refused(callback: WeComCallback) -> None:
    request = callback_request(
        chinese_text(), token=TOKEN, aes_key=OTHER_KEY, corp_id=CORP_ID, timestamp=str(NOW)
    )
    with pytest.raises(VerificationFailed):
        callback.verify(inbound(request))


@pytest.mark.parametrize("missing", ["msg_signature", "timestamp", "nonce"])
def test_a_request_missing_a_query_parameter_is_refused(
    callback: WeComCallback, signed: SignedRequest, missing: str
) -> None:
    query = {name: value for name, value in signed.query.items() if name != missing}
    with pytest.raises(VerificationFailed, match="missing"):
        callback.verify(replace(signed, query=query).to_inbound())


def test_a_url_check_without_echostr_is_refused(callback: WeComCallback) -> None:
    request = url_check_request("1", token=TOKEN, aes_key=AES_KEY, corp_id=CORP_ID, timestamp=str(NOW))
    query = {name: value for name, value in request.query.items() if name != "echostr"}
    with pytest.raises(VerificationFailed, match="echostr"):
        callback.verify(replace(request, query=query).to_inbound())


@pytest.mark.parametrize("age", [MAX_AGE_SECONDS + 1, -(MAX_AGE_SECONDS + 1), 86_400])
def test_a_stale_or_future_timestamp_is_refused(signed: SignedRequest, age: float) -> None:
    endpoint = WeComCallback(TOKEN, AES_KEY, CORP_ID, FrozenClock(NOW + age))
    with pytest.raises(VerificationFailed, match="freshness"):
        endpoint.verify(signed.to_inbound())


@pytest.mark.parametrize("age", [0, MAX_AGE_SECONDS, -MAX_AGE_SECONDS])
def test_a_timestamp_inside_the_window_is_accepted(signed: SignedRequest, age: float) -> None:
    WeComCallback(TOKEN, AES_KEY, CORP_ID, FrozenClock(NOW + age)).verify(signed.to_inbound())


@pytest.mark.parametrize("timestamp", ["17e8", "-1700000000", "１７００００００００", "1700000000.5"])
def test_a_timestamp_that_is_not_whole_seconds_is_refused(callback: WeComCallback, timestamp: str) -> None:
    request = callback_request(
        chinese_text(), token=TOKEN, aes_key=AES_KEY, corp_id=CORP_ID, timestamp=timestamp
    )
    with pytest.raises(VerificationFailed, match="timestamp"):
        callback.verify(inbound(request))


# Hostile and broken XML ----------------------------------------------------------------------------

BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    "<xml><Encrypt>&lol3;</Encrypt></xml>"
)
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    "<xml><Encrypt>&xxe;</Encrypt></xml>"
)
BARE_DOCTYPE = '<?xml version="1.0"?><!DOCTYPE xml><xml><Encrypt>abc</Encrypt></xml>'


@pytest.mark.parametrize(
    "body", [BILLION_LAUGHS, EXTERNAL_ENTITY, BARE_DOCTYPE], ids=["bomb", "xxe", "doctype"]
)
def test_an_envelope_with_a_dtd_is_refused_unexpanded(
    callback: WeComCallback, signed: SignedRequest, body: str
) -> None:
    with pytest.raises(MalformedRequest, match="DTD"):
        callback.verify(replace(signed, body=body.encode()).to_inbound())


def test_a_signed_plaintext_with_a_dtd_is_refused_too(callback: WeComCallback) -> None:
    request = callback_request(
        BILLION_LAUGHS, token=TOKEN, aes_key=AES_KEY, corp_id=CORP_ID, timestamp=str(NOW)
    )
    verified = callback.verify(inbound(request))
    with pytest.raises(MalformedRequest, match="DTD"):
        callback.parse(verified)


@pytest.mark.parametrize(
    "body", [b"", b"not xml", b"<xml><Encrypt>", b"<xml><ToUserName>x</ToUserName></xml>"]
)
def test_a_garbage_envelope_is_malformed(callback: WeComCallback, signed: SignedRequest, body: bytes) -> None:
    with pytest.raises(MalformedRequest):
        callback.verify(replace(signed, body=body).to_inbound())


def test_a_signed_plaintext_that_is_not_xml_is_malformed(callback: WeComCallback) -> None:
    request = callback_request("hello <", token=TOKEN, aes_key=AES_KEY, corp_id=CORP_ID, timestamp=str(NOW))
    with pytest.raises(MalformedRequest):
        callback.parse(callback.verify(inbound(request)))


@pytest.mark.parametrize("body", [b"", b"{", b"[]", b'{"encrypt": 5}', b'{"other": "x"}'])
def test_a_garbage_ai_bot_envelope_is_malformed(aibot: WeComAIBot, body: bytes) -> None:
    request = aibot_request({"msgid": "m"}, token=TOKEN, aes_key=AES_KEY, timestamp=str(NOW))
    with pytest.raises(MalformedRequest):
        aibot.verify(replace(request, body=body).to_inbound())


def test_a_signed_ai_bot_plaintext_that_is_not_json_is_malformed(aibot: WeComAIBot) -> None:
    crypt = MsgCrypt(TOKEN, AES_KEY, "")
    encrypted = crypt.encrypt(b"<xml/>")
    query = {"msg_signature": crypt.signature(str(NOW), "1", encrypted), "timestamp": str(NOW), "nonce": "1"}
    request = SignedRequest("POST", "/wecom/aibot", {}, query, json.dumps({"encrypt": encrypted}).encode())
    with pytest.raises(MalformedRequest, match="JSON"):
        aibot.parse(aibot.verify(request.to_inbound()))


def test_other_methods_are_not_part_of_the_protocol(callback: WeComCallback, signed: SignedRequest) -> None:
    with pytest.raises(MalformedRequest, match="method"):
        callback.verify(replace(signed, method="PUT").to_inbound())
