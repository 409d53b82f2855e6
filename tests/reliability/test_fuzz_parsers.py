"""Fuzzing every parser directly, without ingress's safety net (which turns a parser's unexpected
exception into a 400 and so would hide it): `verify` of every endpoint on any request, `parse` and `ack`
of every endpoint on any authenticated payload, the WXBizMsgCrypt decryption and the signature checks.
Each either answers or raises the ingress error that names the refusal; nothing else escapes."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.adapters.base import Endpoint, Parsed, Verified
from chalicelib.adapters.dingtalk.signature import check_fresh, verify_card_sign, verify_robot_sign
from chalicelib.adapters.msgcrypt import MsgCrypt
from chalicelib.adapters.slack.signature import verify_signature
from chalicelib.bootstrap import build_endpoints
from chalicelib.clock import SystemClock
from chalicelib.errors import IngressError, VerificationFailed
from chalicelib.http import InboundRequest
from local.demo_settings import DEMO_SETTINGS as S
from tests.reliability.strategies import (
    ROUTES,
    header_names,
    header_values,
    junk_bodies,
    plaintexts,
    query_names,
    text,
)
from tests.reliability.support import FUZZ, demo_settings

ENDPOINTS: dict[str, Endpoint] = build_endpoints(demo_settings(), SystemClock())
WECOM = MsgCrypt(S["WECOM_TOKEN"], S["WECOM_AES_KEY"], S["WECOM_CORP_ID"])

requests = st.builds(
    InboundRequest.build,
    method=st.sampled_from(["POST", "GET", "PUT"]),
    path=st.just("/"),
    headers=st.dictionaries(header_names, header_values, max_size=5),
    query=st.dictionaries(query_names, text, max_size=5),
    body=junk_bodies,
)
stamps = st.one_of(
    st.integers(min_value=0, max_value=2**64).map(str),
    st.just(str(int(time.time()))),
    st.just(str(int(time.time() * 1000))),
    text,
)


def test_every_route_has_an_endpoint_to_fuzz() -> None:
    assert sorted(ENDPOINTS) == sorted(ROUTES)


@pytest.mark.parametrize("route", ROUTES)
@FUZZ
@given(request=requests)
def test_verify_refuses_with_an_ingress_error_or_verifies(route: str, request: InboundRequest) -> None:
    try:
        verified = ENDPOINTS[route].verify(request)
    except IngressError:
        return
    assert isinstance(verified, Verified)


@pytest.mark.parametrize("route", ROUTES)
@FUZZ
@given(
    data=st.data(),
    # `verify` puts the signed timestamp in the context only once it is a number (12 or 16 digits at most).
    timestamp=st.integers(min_value=0, max_value=10**12 - 1).map(str),
    method=st.sampled_from(["POST", "GET"]),
)
def test_parse_and_ack_of_any_authenticated_payload_answer_or_raise_an_ingress_error(
    route: str, data: st.DataObject, timestamp: str, method: str
) -> None:
    payload = data.draw(plaintexts(route))
    request = InboundRequest.build(method, "/", {}, {}, b"")
    verified = Verified(request, payload, {"timestamp": timestamp})
    endpoint = ENDPOINTS[route]
    try:
        parsed = endpoint.parse(verified)
    except IngressError:
        return
    assert isinstance(parsed, Parsed)
    assert endpoint.ack(verified, parsed).status == 200


@FUZZ
@given(encrypted=text | st.binary(max_size=200).map(lambda b: base64.b64encode(b).decode()))
def test_decrypting_any_ciphertext_answers_or_refuses(encrypted: str) -> None:
    try:
        message = WECOM.decrypt(encrypted)
    except IngressError:
        return
    assert isinstance(message, bytes)


@FUZZ
@given(message=st.binary(max_size=2048))
def test_decryption_returns_exactly_what_was_encrypted_and_only_for_its_receive_id(message: bytes) -> None:
    sealed = WECOM.encrypt(message)
    assert WECOM.decrypt(sealed) == message
    with pytest.raises(VerificationFailed):
        MsgCrypt(S["WECOM_TOKEN"], S["WECOM_AES_KEY"], "another-corp").decrypt(sealed)


@FUZZ
@given(timestamp=st.none() | stamps, signature=st.none() | text, body=st.binary(max_size=64))
def test_the_signature_checks_verify_or_refuse(
    timestamp: str | None, signature: str | None, body: bytes
) -> None:
    now = time.time()
    checks: list[Callable[[], int | None]] = [
        lambda: verify_signature(S["SLACK_SIGNING_SECRET"], timestamp, signature, body, now),
        lambda: verify_robot_sign(timestamp, signature, app_secret=S["DINGTALK_APP_SECRET"], now=now),
        lambda: verify_card_sign(timestamp, signature, api_secret=S["DINGTALK_CARD_SECRET"], now=now),
        lambda: check_fresh(timestamp or "", now=now),
        lambda: WECOM.verify(signature or "", timestamp or "", "nonce", "abc"),
    ]
    for check in checks:
        try:
            verified = check()
        except VerificationFailed:
            continue
        assert verified is None or isinstance(verified, int)
