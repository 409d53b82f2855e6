"""How DingTalk sends to qunguan, built independently of qunguan's own code: the robot and card HMACs
with the standard library, the event subscription with dingtalk-sdk's `DingTalkCrypto`.

Bodies are JSON with `ensure_ascii=False` and compact separators (see `dumps`), so that a payload
always gives the same plaintext, and so the same content-hash event ids in the golden fixtures.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from typing import Any

from dingtalk.crypto import DingTalkCrypto

from local.peers import SignedRequest

JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}


def dumps(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def robot_request(
    payload: dict[str, Any], *, app_secret: str, timestamp_ms: int | str | None = None
) -> SignedRequest:
    """An enterprise robot callback: headers `timestamp` and `sign` over timestamp + "\\n" + secret."""
    timestamp = str(timestamp_ms if timestamp_ms is not None else _now_ms())
    sign = _hmac_b64(app_secret, f"{timestamp}\n{app_secret}")
    headers = {**JSON_HEADERS, "timestamp": timestamp, "sign": sign}
    return SignedRequest("POST", "/dingtalk/robot", headers=headers, body=dumps(payload).encode())


def event_request(
    payload: dict[str, Any],
    *,
    token: str,
    aes_key: str,
    app_key: str,
    timestamp_ms: int | str | None = None,
    nonce: str | None = None,
) -> SignedRequest:
    """An event-subscription push, encrypted and signed by dingtalk-sdk."""
    timestamp = str(timestamp_ms if timestamp_ms is not None else _now_ms())
    sealed = DingTalkCrypto(token, aes_key, app_key).encrypt_message(
        dumps(payload), nonce=nonce, timestamp=timestamp
    )
    query = {
        "msg_signature": str(sealed["msg_signature"]),
        "timeStamp": str(sealed["timeStamp"]),
        "nonce": str(sealed["nonce"]),
    }
    body = dumps({"encrypt": str(sealed["encrypt"])}).encode()
    return SignedRequest("POST", "/dingtalk/events", headers=dict(JSON_HEADERS), query=query, body=body)


def card_request(
    payload: dict[str, Any], *, card_secret: str, timestamp_ms: int | str | None = None
) -> SignedRequest:
    """An interactive card click: `x-ddpaas-signature` over the timestamp only (the body is unsigned)."""
    timestamp = str(timestamp_ms if timestamp_ms is not None else _now_ms())
    headers = {
        **JSON_HEADERS,
        "x-ddpaas-signature-timestamp": timestamp,
        "x-ddpaas-signature": _hmac_b64(card_secret, timestamp),
    }
    return SignedRequest("POST", "/dingtalk/cards", headers=headers, body=dumps(payload).encode())


def decrypt_ack(reply_body: str, *, token: str, aes_key: str, app_key: str) -> str:
    """What our reply to an event push says, checked and decrypted as DingTalk would: it must be the
    JSON `{"msg_signature", "timeStamp", "nonce", "encrypt"}`, and decrypts to "success"."""
    reply = json.loads(reply_body)
    if set(reply) != {"msg_signature", "timeStamp", "nonce", "encrypt"}:
        raise ValueError(f"unexpected ack fields: {sorted(reply)}")
    crypto = DingTalkCrypto(token, aes_key, app_key)
    return str(
        crypto.decrypt_encrypt_str(
            reply["msg_signature"], reply["timeStamp"], reply["nonce"], reply["encrypt"]
        )
    )


_last_ms = 0
_last_lock = threading.Lock()


def _now_ms() -> int:
    """Now in ms, and never the same millisecond twice in this process: each request stands for one of
    DingTalk's deliveries, each signed when sent, and qunguan takes a second body under one card signature,
    or one robot signature outside its twin window and slots, for a replay
    (chalicelib.adapters.dingtalk.signature)."""
    global _last_ms
    with _last_lock:
        _last_ms = max(int(time.time() * 1000), _last_ms + 1)
        return _last_ms


def _hmac_b64(key: str, message: str) -> str:
    return base64.b64encode(hmac.new(key.encode(), message.encode(), hashlib.sha256).digest()).decode()
