"""Fuzzing every inbound route through the real Chalice routes: junk bodies, genuine requests with
damaged bodies, headers, query strings and content types, and correctly signed requests whose content is
a mutated golden payload. Whatever arrives, the answer is an ack or a 4xx that names its reason, never a
5xx; and every event that gets through is processed by the worker without an exception, after a round
trip through the queue's codec.

`QG_FUZZ_PROFILE=fuzz` (`make fuzz`) runs 10 000 examples per test and route; CI runs a few dozen.
"""

from __future__ import annotations

import json
import math
import time
import tracemalloc
from collections.abc import Iterator
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.ingress import MAX_BODY_BYTES
from local.fakes.server import FakeMessengers
from local.peers import SignedRequest
from tests.functional import conversations as talk
from tests.reliability.strategies import ROUTES, junk_bodies, mutated_request, plaintexts, signed_request
from tests.reliability.support import ANSWERS, FUZZ, CheckedStack, checked_stack

BODY_CHECKED = ("dingtalk.robot", "dingtalk.cards")


@pytest.fixture(scope="module")
def checked(fake_messengers: FakeMessengers) -> Iterator[CheckedStack]:
    with checked_stack(fake_messengers) as running:
        yield running


def genuine(route: str) -> SignedRequest:
    """A fresh genuine request (fresh, so its timestamp stays inside the window however long `fuzz` runs)."""
    return talk.one_valid_request_per_route("http://127.0.0.1:9/hooks/fuzz")[route]


def send(checked: CheckedStack, request: SignedRequest) -> int:
    status = checked.stack.send(request).status_code
    assert status in ANSWERS, f"{request.method} {request.url_path} answered {status}"
    assert checked.worker.crashes == [], checked.worker.crashes
    return status


@pytest.mark.parametrize("route", ROUTES)
@FUZZ
@given(body=junk_bodies)
def test_any_body_with_the_routes_headers_gets_an_ack_or_a_4xx(
    checked: CheckedStack, route: str, body: bytes
) -> None:
    send(checked, replace(genuine(route), body=body))


@pytest.mark.parametrize("route", ROUTES)
@FUZZ
@given(data=st.data())
def test_a_damaged_genuine_request_gets_an_ack_or_a_4xx(
    checked: CheckedStack, route: str, data: st.DataObject
) -> None:
    send(checked, data.draw(mutated_request(genuine(route))))


@pytest.mark.parametrize("route", ROUTES)
@FUZZ
@given(data=st.data())
def test_a_signed_request_carrying_any_payload_is_acked_or_refused_as_malformed_and_the_worker_copes(
    checked: CheckedStack, route: str, data: st.DataObject
) -> None:
    plaintext = data.draw(plaintexts(route))
    status = send(checked, signed_request(route, plaintext))
    # DingTalk's robot and card signatures do not cover the body, so what the body claims is checked
    # against the configuration: a payload naming another corp (or a foreign sessionWebhook) is a 401.
    assert status in ((200, 400, 401) if route in BODY_CHECKED else (200, 400))


# Edges the random search may take long to reach ----------------------------------------------------


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deeply_nested_json_or_xml_is_refused_not_recursed_into(
    checked: CheckedStack, route: str, depth: int
) -> None:
    """Past Python's recursion limit `json.loads` raises RecursionError, which is not a ValueError."""
    nested = b"<a>" * depth if route == "wecom.callback" else b"[" * depth + b"]" * depth
    for request in (replace(genuine(route), body=nested), signed_request(route, nested)):
        assert send(checked, request) in (200, 400, 401)


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "gbk", "latin-1", "utf-8-sig"])
def test_a_signed_payload_in_another_encoding_is_read_or_refused(
    checked: CheckedStack, route: str, encoding: str
) -> None:
    """Bodies are UTF-8. Another encoding, correctly signed, is understood (JSON is detected in UTF-16
    and UTF-32, XML by its declaration) or refused as malformed."""
    text = "help 帮助 幫助 café"
    xml = f"<xml><MsgType>text</MsgType><Content>{text}</Content></xml>"
    body = (
        f'<?xml version="1.0" encoding="{encoding}"?>{xml}'
        if route == "wecom.callback"
        else json.dumps({"text": {"content": text}, "msgtype": "text"}, ensure_ascii=False)
    )
    encoded = body.encode(encoding, errors="replace")
    assert send(checked, signed_request(route, encoded)) in (
        (200, 400, 401) if route in BODY_CHECKED else (200, 400)
    )


@pytest.mark.parametrize("route", ROUTES)
def test_an_xml_encoding_python_does_not_know_is_refused(checked: CheckedStack, route: str) -> None:
    body = b'<?xml version="1.0" encoding="x-no-such-charset"?><xml><Encrypt>abc</Encrypt></xml>'
    assert send(checked, replace(genuine(route), body=body)) in (400, 401)


@pytest.mark.parametrize("route", ROUTES)
def test_an_empty_body_is_refused(checked: CheckedStack, route: str) -> None:
    assert send(checked, replace(genuine(route), body=b"")) in (400, 401)


@pytest.mark.parametrize("route", ROUTES)
def test_a_body_over_the_limit_is_refused_before_it_is_read(checked: CheckedStack, route: str) -> None:
    assert send(checked, replace(genuine(route), body=b"{" * (MAX_BODY_BYTES + 1))) == 413


@pytest.mark.parametrize("route", ROUTES)
def test_a_body_near_the_limit_costs_bounded_time_and_memory(checked: CheckedStack, route: str) -> None:
    """A signed payload of 700 kB (1 MiB or less once encrypted) is read, verified and parsed with a few
    copies of it in memory at most, in well under a second."""
    filler = "刷" * (700_000 // 3)
    payload = json.dumps({"msgtype": "text", "text": {"content": filler}}, ensure_ascii=False).encode()
    request = signed_request(route, payload)
    assert len(request.body) <= MAX_BODY_BYTES
    tracemalloc.start()
    started = time.perf_counter()
    try:
        status = send(checked, request)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert status in ((200, 400, 401) if route in BODY_CHECKED else (200, 400))
    assert elapsed < 2.0 and peak < 8 * MAX_BODY_BYTES, (elapsed, peak)


@pytest.mark.parametrize("value", ["NaN", "inf", "-Infinity", "1e309"])
def test_a_time_that_is_not_a_finite_number_is_refused_or_replaced(checked: CheckedStack, value: str) -> None:
    """`float()` reads "NaN" and "inf", and JSON may carry them: such a time would not survive the
    queue (NaN is not equal to itself) nor the store (DynamoDB numbers are finite)."""
    xml = (
        "<xml><ToUserName>corp</ToUserName><FromUserName>sys</FromUserName>"
        f"<CreateTime>{value}</CreateTime><MsgType>event</MsgType><Event>change_contact</Event>"
        "<ChangeType>delete_user</ChangeType><UserID>zhaoliu</UserID></xml>"
    )
    assert send(checked, signed_request("wecom.callback", xml.encode())) == 400
    message = {
        "msgid": f"nan-{value}",
        "create_time": float(value),
        "chattype": "single",
        "from": {"userid": "zhangsan"},
        "msgtype": "text",
        "text": {"content": "hi"},
    }
    before = len(checked.worker.dispatched)
    assert send(checked, signed_request("wecom.aibot", json.dumps(message).encode())) == 200
    (event,) = checked.worker.dispatched[before:]
    assert math.isfinite(event.occurred_at)
