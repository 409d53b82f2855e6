"""The WeCom XML parser (the fast path the ingress benchmark measures): no defusedxml, a DTD refused by a
byte check before any parser reads it, then one parse by the standard library's C parser. These are the
cases that check has to get right beyond tests/reliability/test_xml_bombs.py: a bomb the byte check
cannot see (UTF-16, which expat reads from a byte order mark or zero bytes whatever it is told), and a
message whose text merely mentions a DTD, which must still be read."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

import pytest

from chalicelib.adapters.msgcrypt import MsgCrypt
from chalicelib.adapters.wecom.endpoints import WeComCallback
from chalicelib.clock import FrozenClock
from chalicelib.core.events import MessagePosted
from chalicelib.errors import MalformedRequest
from local.peers import SignedRequest
from local.peers.wecom import callback_request, text_message_xml

TOKEN = "QDG6eK"
AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
CORP_ID = "wx5823bf96d3bd56c7"
NOW = 1_700_000_000

BOMB = (
    '<!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><xml><Encrypt>&c;</Encrypt></xml>'
)


@pytest.fixture
def callback() -> WeComCallback:
    return WeComCallback(TOKEN, AES_KEY, CORP_ID, FrozenClock(NOW))


def signed_plaintext(plaintext: bytes) -> SignedRequest:
    """A correctly signed and encrypted callback whose decrypted message is `plaintext`, byte for byte."""
    crypt = MsgCrypt(TOKEN, AES_KEY, CORP_ID)
    encrypted = crypt.encrypt(plaintext)
    query = {"msg_signature": crypt.signature(str(NOW), "7", encrypted), "timestamp": str(NOW), "nonce": "7"}
    body = f"<xml><ToUserName>{CORP_ID}</ToUserName><Encrypt>{encrypted}</Encrypt></xml>".encode()
    return SignedRequest("POST", "/wecom/callback", {"Content-Type": "text/xml"}, query, body)


UTF16_BOMBS = {
    "utf-16 with a byte order mark": ('<?xml version="1.0" encoding="utf-16"?>' + BOMB).encode("utf-16"),
    "utf-16-le without one": BOMB.encode("utf-16-le"),
    "utf-16-be without one": BOMB.encode("utf-16-be"),
    "utf-32": BOMB.encode("utf-32"),
}


@pytest.mark.parametrize("body", UTF16_BOMBS.values(), ids=UTF16_BOMBS)
def test_a_bomb_in_utf16_which_the_byte_check_cannot_read_is_refused_in_the_envelope(
    callback: WeComCallback, body: bytes
) -> None:
    genuine = callback_request(
        text_message_xml(corp_id=CORP_ID, user="u", content="hi", msg_id="1", create_time=NOW),
        token=TOKEN,
        aes_key=AES_KEY,
        corp_id=CORP_ID,
        timestamp=str(NOW),
    )
    with pytest.raises(MalformedRequest, match="not UTF-8"):
        callback.verify(replace(genuine, body=body).to_inbound())


@pytest.mark.parametrize("body", UTF16_BOMBS.values(), ids=UTF16_BOMBS)
def test_a_bomb_in_utf16_inside_a_signed_message_is_refused(callback: WeComCallback, body: bytes) -> None:
    verified = callback.verify(signed_plaintext(body).to_inbound())
    with pytest.raises(MalformedRequest, match="not UTF-8"):
        callback.parse(verified)


def test_a_dtd_after_a_comment_that_looks_like_an_element_is_still_refused(callback: WeComCallback) -> None:
    verified = callback.verify(signed_plaintext(b"<!-- <xml> -->" + BOMB.encode()).to_inbound())
    with pytest.raises(MalformedRequest, match="DTD or entities"):
        callback.parse(verified)


@pytest.mark.parametrize("text", ["<!DOCTYPE html><html><body>hi</body></html>", '<!ENTITY x "y"> 示例'])
def test_a_message_whose_text_mentions_a_dtd_is_read_as_text(callback: WeComCallback, text: str) -> None:
    xml = text_message_xml(corp_id=CORP_ID, user="zhangsan", content=text, msg_id="42", create_time=NOW)
    request = callback_request(xml, token=TOKEN, aes_key=AES_KEY, corp_id=CORP_ID, timestamp=str(NOW))

    (event,) = callback.parse(callback.verify(request.to_inbound())).events

    assert isinstance(event, MessagePosted)
    assert event.text == text


def test_the_declared_encoding_is_ignored_the_body_is_read_as_utf8(callback: WeComCallback) -> None:
    text = "帮助 café"
    xml = text_message_xml(corp_id=CORP_ID, user="zhangsan", content=text, msg_id="43", create_time=NOW)
    plaintext = ('<?xml version="1.0" encoding="ISO-8859-1"?>' + xml).encode()

    (event,) = callback.parse(callback.verify(signed_plaintext(plaintext).to_inbound())).events

    assert isinstance(event, MessagePosted)
    assert event.text == text


def test_handling_a_wecom_callback_loads_no_defusedxml() -> None:
    code = (
        "import sys\n"
        "from bench.ingress import _deps, _inbound, wecom_request\n"
        "from chalicelib.clock import FrozenClock\n"
        "from chalicelib.ingress import handle\n"
        "reply = handle('wecom.callback', _inbound(wecom_request(1700000000)), _deps(FrozenClock(1.7e9)))\n"
        "assert reply.status == 200, reply.body\n"
        "print(sorted(m for m in sys.modules if m.startswith('defusedxml')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
