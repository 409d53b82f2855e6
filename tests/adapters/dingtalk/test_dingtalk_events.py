"""The event subscription endpoint: WXBizMsgCrypt with the app key as owner key (PROTOCOLS.md 2.3),
checked against DingTalk's official vector and two independent implementations (dingtalk-sdk's
DingTalkCrypto, wechatpy's PrpCrypto)."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
from dingtalk.crypto import DingTalkCrypto
from wechatpy.enterprise.crypto import PrpCrypto

from chalicelib.adapters.dingtalk.endpoints import DingTalkEvents
from chalicelib.adapters.msgcrypt import MsgCrypt
from chalicelib.clock import FrozenClock
from chalicelib.core.events import MemberJoined
from chalicelib.errors import MalformedRequest, VerificationFailed
from chalicelib.http import InboundRequest
from local.peers.dingtalk import decrypt_ack, dumps, event_request

# The official vector, from open-dingtalk/DingTalk-Callback-Crypto DingCallbackCrypto3.py.
TOKEN = "mryue"
AES_KEY = "Yue0EfdN5900c1ce5cf6A152c63DDe1808a60c5ecd7"
APP_KEY = "ding6ccabc44d2c8d38b"
VECTOR_SIGNATURE = "03044561471240d4a14bb09372dfcfd4fd0e40cb"
VECTOR_TIMESTAMP = "1608001896814"
VECTOR_NONCE = "WL4PK6yA"
VECTOR_ENCRYPT = (
    "0vJiX6vliEpwG3U45CtXqi+m8PXbQRARJ8p8BbDuD1EMTDf0jKpQ79QS93qEk7XHpP6u+"
    "oTTrd15NRPvNvmBKyDCYxxOK+HZeKju4yhELOFchzNukR+t8SB/qk4ROMu3"
)
NOW_MS = 1700000000000
HOUR_MS = 3600 * 1000
KEYS = {"token": TOKEN, "aes_key": AES_KEY, "app_key": APP_KEY}
CHINESE = {
    "EventType": "chat_add_member",
    "TimeStamp": NOW_MS,
    "CorpId": "ding_corp_测试",
    "OpenConversationId": "cid群聊==",
    "UserId": ["张三"],
    "Operator": "管理员",
}


def events_at(now_ms: int | str, app_key: str = APP_KEY) -> DingTalkEvents:
    return DingTalkEvents(TOKEN, AES_KEY, app_key, FrozenClock(int(now_ms) / 1000))


def push(query: dict[str, str], body: bytes) -> InboundRequest:
    return InboundRequest.build("POST", "/dingtalk/events", {"Content-Type": "application/json"}, query, body)


def vector_request(**query_names: str) -> InboundRequest:
    names = {"signature": "msg_signature", "timestamp": "timeStamp", **query_names}
    query = {
        names["signature"]: VECTOR_SIGNATURE,
        names["timestamp"]: VECTOR_TIMESTAMP,
        "nonce": VECTOR_NONCE,
    }
    return push(query, json.dumps({"encrypt": VECTOR_ENCRYPT}).encode())


def sha1_signature(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()  # noqa: S324 - the protocol's hash


# The official vector ------------------------------------------------------------------------------
def test_official_vector_decrypts_to_check_url_and_yields_no_event() -> None:
    endpoint = events_at(VECTOR_TIMESTAMP)
    verified = endpoint.verify(vector_request())
    assert json.loads(verified.payload) == {"EventType": "check_url"}
    assert endpoint.parse(verified).events == ()


def test_official_vector_accepts_the_legacy_query_names() -> None:
    endpoint = events_at(VECTOR_TIMESTAMP)
    verified = endpoint.verify(vector_request(signature="signature", timestamp="timestamp"))
    assert json.loads(verified.payload) == {"EventType": "check_url"}


def test_check_url_is_answered_with_an_encrypted_success_that_dingtalk_sdk_accepts() -> None:
    endpoint = events_at(VECTOR_TIMESTAMP)
    verified = endpoint.verify(vector_request())
    reply = endpoint.ack(verified, endpoint.parse(verified))
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("application/json")
    assert decrypt_ack(reply.body, **KEYS) == "success"
    assert json.loads(reply.body)["timeStamp"] == VECTOR_TIMESTAMP


def test_both_oracles_agree_on_the_official_vector() -> None:
    key = base64.b64decode(AES_KEY + "=")
    assert PrpCrypto(key).decrypt(VECTOR_ENCRYPT, APP_KEY) == '{"EventType":"check_url"}'
    crypto = DingTalkCrypto(TOKEN, AES_KEY, APP_KEY)
    plain = crypto.decrypt_encrypt_str(VECTOR_SIGNATURE, VECTOR_TIMESTAMP, VECTOR_NONCE, VECTOR_ENCRYPT)
    assert plain == '{"EventType":"check_url"}'


def test_the_official_vector_is_stale_an_hour_later() -> None:
    with pytest.raises(VerificationFailed, match="window"):
        events_at(int(VECTOR_TIMESTAMP) + HOUR_MS + 1).verify(vector_request())


# Interoperability, with Chinese content -----------------------------------------------------------
def test_a_push_encrypted_by_dingtalk_sdk_decrypts_to_the_exact_plaintext() -> None:
    request = event_request(CHINESE, **KEYS, timestamp_ms=NOW_MS, nonce="nonce123").to_inbound()
    verified = events_at(NOW_MS).verify(request)
    assert verified.payload == dumps(CHINESE).encode()
    (joined,) = events_at(NOW_MS).parse(verified).events
    assert isinstance(joined, MemberJoined)
    assert (joined.tenant, joined.chat, joined.user, joined.inviter) == (
        "ding_corp_测试",
        "cid群聊==",
        "张三",
        "管理员",
    )


def test_a_push_encrypted_by_wechatpy_is_accepted() -> None:
    text = dumps(CHINESE)
    encrypted = PrpCrypto(base64.b64decode(AES_KEY + "=")).encrypt(text, APP_KEY).decode()
    timestamp, nonce = str(NOW_MS), "abcdef"
    query = {
        "msg_signature": sha1_signature(TOKEN, timestamp, nonce, encrypted),
        "timeStamp": timestamp,
        "nonce": nonce,
    }
    verified = events_at(NOW_MS).verify(push(query, json.dumps({"encrypt": encrypted}).encode()))
    assert verified.payload.decode() == text


def test_our_encryption_of_chinese_text_decrypts_with_dingtalk_sdk_and_wechatpy() -> None:
    crypt = MsgCrypt(TOKEN, AES_KEY, APP_KEY)
    text = "群成员变更：张三加入了「项目群」" * 3
    encrypted = crypt.encrypt(text.encode())
    signature = crypt.signature("1", "n", encrypted)
    assert DingTalkCrypto(TOKEN, AES_KEY, APP_KEY).decrypt_encrypt_str(signature, "1", "n", encrypted) == text
    assert PrpCrypto(base64.b64decode(AES_KEY + "=")).decrypt(encrypted, APP_KEY) == text


def test_every_event_is_answered_with_the_encrypted_success_both_oracles_accept() -> None:
    endpoint = events_at(NOW_MS)
    verified = endpoint.verify(event_request(CHINESE, **KEYS, timestamp_ms=NOW_MS).to_inbound())
    reply = endpoint.ack(verified, endpoint.parse(verified))
    assert decrypt_ack(reply.body, **KEYS) == "success"
    body = json.loads(reply.body)
    assert body["timeStamp"] == str(NOW_MS)
    assert body["msg_signature"] == sha1_signature(TOKEN, body["timeStamp"], body["nonce"], body["encrypt"])
    assert PrpCrypto(base64.b64decode(AES_KEY + "=")).decrypt(body["encrypt"], APP_KEY) == "success"


def test_each_ack_has_a_fresh_nonce_and_ciphertext() -> None:
    endpoint = events_at(NOW_MS)
    verified = endpoint.verify(event_request(CHINESE, **KEYS, timestamp_ms=NOW_MS).to_inbound())
    first, second = (json.loads(endpoint.ack(verified, endpoint.parse(verified)).body) for _ in range(2))
    assert first["nonce"] != second["nonce"]
    assert first["encrypt"] != second["encrypt"]


# Refusals -----------------------------------------------------------------------------------------
def test_a_push_for_another_app_key_is_refused() -> None:
    request = event_request(
        CHINESE, token=TOKEN, aes_key=AES_KEY, app_key="dingOTHERapp", timestamp_ms=NOW_MS
    )
    with pytest.raises(VerificationFailed, match="receive id"):
        events_at(NOW_MS).verify(request.to_inbound())


def test_a_push_signed_with_another_token_is_refused() -> None:
    request = event_request(CHINESE, token="other", aes_key=AES_KEY, app_key=APP_KEY, timestamp_ms=NOW_MS)
    with pytest.raises(VerificationFailed, match="signature"):
        events_at(NOW_MS).verify(request.to_inbound())


def test_a_tampered_ciphertext_is_refused() -> None:
    request = event_request(CHINESE, **KEYS, timestamp_ms=NOW_MS).to_inbound()
    encrypted = json.loads(request.body)["encrypt"]
    tampered = ("A" if encrypted[0] != "A" else "B") + encrypted[1:]
    with pytest.raises(VerificationFailed, match="signature"):
        events_at(NOW_MS).verify(push(dict(request.query), json.dumps({"encrypt": tampered}).encode()))


@pytest.mark.parametrize("offset_ms", [HOUR_MS + 1, -(HOUR_MS + 1)])
def test_stale_and_future_pushes_are_refused(offset_ms: int) -> None:
    request = event_request(CHINESE, **KEYS, timestamp_ms=NOW_MS + offset_ms).to_inbound()
    with pytest.raises(VerificationFailed, match="window"):
        events_at(NOW_MS).verify(request)


@pytest.mark.parametrize("dropped", ["msg_signature", "timeStamp", "nonce"])
def test_a_push_missing_a_query_parameter_is_refused(dropped: str) -> None:
    request = event_request(CHINESE, **KEYS, timestamp_ms=NOW_MS).to_inbound()
    query = {name: value for name, value in request.query.items() if name != dropped}
    with pytest.raises(VerificationFailed, match="missing"):
        events_at(NOW_MS).verify(push(query, request.body))


@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b"[1, 2]", b'{"encrypt": 42}', b'{"encrypt": ""}', b'{"other": "x"}', b"\xff\xfe"],
)
def test_malformed_bodies_are_refused_as_malformed(body: bytes) -> None:
    query = {"msg_signature": "0" * 40, "timeStamp": str(NOW_MS), "nonce": "n"}
    with pytest.raises(MalformedRequest):
        events_at(NOW_MS).verify(push(query, body))


def test_an_authentic_push_whose_plaintext_is_not_json_is_malformed() -> None:
    sealed = DingTalkCrypto(TOKEN, AES_KEY, APP_KEY).encrypt_message(
        "not json", nonce="n", timestamp=str(NOW_MS)
    )
    query = {
        "msg_signature": sealed["msg_signature"],
        "timeStamp": sealed["timeStamp"],
        "nonce": sealed["nonce"],
    }
    endpoint = events_at(NOW_MS)
    verified = endpoint.verify(push(query, json.dumps({"encrypt": sealed["encrypt"]}).encode()))
    with pytest.raises(MalformedRequest):
        endpoint.parse(verified)


def test_a_group_event_without_corp_id_or_chat_is_malformed() -> None:
    endpoint = events_at(NOW_MS)
    for missing in ("CorpId", "OpenConversationId"):
        payload = {key: value for key, value in CHINESE.items() if key != missing}
        verified = endpoint.verify(event_request(payload, **KEYS, timestamp_ms=NOW_MS).to_inbound())
        with pytest.raises(MalformedRequest, match=missing):
            endpoint.parse(verified)


def test_the_legacy_chat_id_is_used_when_no_open_conversation_id_comes() -> None:
    payload = {key: value for key, value in CHINESE.items() if key != "OpenConversationId"}
    payload["ChatId"] = "chat90f29b737b56dc179df8w86t83d5f0f8"
    endpoint = events_at(NOW_MS)
    verified = endpoint.verify(event_request(payload, **KEYS, timestamp_ms=NOW_MS).to_inbound())
    (joined,) = endpoint.parse(verified).events
    assert joined.chat == "chat90f29b737b56dc179df8w86t83d5f0f8"


def test_the_same_push_delivered_twice_gets_the_same_event_id() -> None:
    endpoint = events_at(NOW_MS)
    ids = []
    for nonce in ("first", "second"):
        request = event_request(CHINESE, **KEYS, timestamp_ms=NOW_MS, nonce=nonce).to_inbound()
        (event,) = endpoint.parse(endpoint.verify(request)).events
        ids.append(event.event_id)
    assert ids[0] == ids[1] == hashlib.sha256(dumps(CHINESE).encode()).hexdigest()[:32]
