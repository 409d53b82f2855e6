"""XML bombs on the WeCom XML route: entity expansion (billion laughs, quadratic blow-up), external
entities and DTDs, in the outer envelope (read before the signature) and inside a correctly signed and
encrypted message. Each is refused with a 400 before anything is expanded or fetched: in a few
milliseconds, with a few megabytes at most, and without a request to the URL it names."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Iterator
from dataclasses import replace

import pytest

from local.fakes.server import FakeMessengers
from local.peers import SignedRequest
from tests.functional import conversations as talk
from tests.reliability.strategies import signed_request
from tests.reliability.support import CheckedStack, checked_stack

LAUGHS = "".join(f'<!ENTITY lol{n} "{"".join(f"&lol{n - 1};" for _ in range(10))}">' for n in range(1, 10))
XML = '<?xml version="1.0"?>'
BOMBS = {
    # 10^9 "lol"s, about 3 GB once expanded.
    "billion-laughs": f'{XML}<!DOCTYPE xml [<!ENTITY lol0 "lol">{LAUGHS}]>'
    "<xml><Encrypt>&lol9;</Encrypt></xml>",
    # One 50 kB entity referenced 50 000 times: 2.5 GB, with no nesting for a depth limit to catch.
    "quadratic-blowup": f'{XML}<!DOCTYPE xml [<!ENTITY a "{"x" * 50_000}">]>'
    f"<xml><Encrypt>{'&a;' * 50_000}</Encrypt></xml>",
    "external-entity": f'{XML}<!DOCTYPE xml [<!ENTITY xxe SYSTEM "{{url}}/xxe">]>'
    "<xml><Encrypt>&xxe;</Encrypt></xml>",
    "external-file": f'{XML}<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    "<xml><Encrypt>&xxe;</Encrypt></xml>",
    "external-dtd": f'{XML}<!DOCTYPE xml SYSTEM "{{url}}/evil.dtd"><xml><Encrypt>abc</Encrypt></xml>',
    "parameter-entity": f'{XML}<!DOCTYPE xml [<!ENTITY % p SYSTEM "{{url}}/p.dtd"> %p;]>'
    "<xml><Encrypt>abc</Encrypt></xml>",
    "internal-dtd-only": f"{XML}<!DOCTYPE xml [<!ELEMENT xml ANY>]><xml><Encrypt>abc</Encrypt></xml>",
}
PEAK_BYTES = 8 << 20
SECONDS = 1.0


@pytest.fixture(scope="module")
def checked(fake_messengers: FakeMessengers) -> Iterator[CheckedStack]:
    with checked_stack(fake_messengers) as running:
        yield running


def refused_unexpanded(checked: CheckedStack, request: SignedRequest) -> bytes:
    """Send `request`; check it was refused with a 400, fast, small, and with no fetch. The reason."""
    fake = checked.stack.fake
    before = len(fake.calls)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        response = checked.stack.send(request)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 400, response.body
    assert elapsed < SECONDS and peak < PEAK_BYTES, (elapsed, peak)
    assert len(fake.calls) == before, "the parser fetched an external entity or DTD"
    assert checked.worker.dispatched == []
    return response.body


@pytest.mark.parametrize("bomb", BOMBS)
def test_a_bomb_in_the_envelope_is_refused_before_the_signature_is_even_checked(
    checked: CheckedStack, bomb: str
) -> None:
    genuine = talk.wecom_direct("hi")
    body = BOMBS[bomb].replace("{url}", checked.stack.fake.url).encode()
    reason = refused_unexpanded(checked, replace(genuine, body=body))
    assert b"DTD or entities" in reason


@pytest.mark.parametrize("bomb", BOMBS)
def test_a_bomb_inside_a_correctly_signed_message_is_refused_too(checked: CheckedStack, bomb: str) -> None:
    plaintext = BOMBS[bomb].replace("{url}", checked.stack.fake.url).replace("<Encrypt>", "<Content>")
    plaintext = plaintext.replace("</Encrypt>", "</Content>")
    reason = refused_unexpanded(checked, signed_request("wecom.callback", plaintext.encode()))
    assert b"DTD or entities" in reason


@pytest.mark.parametrize("route", ["wecom.aibot", "dingtalk.events", "dingtalk.robot", "dingtalk.cards"])
def test_xml_sent_to_a_json_route_is_not_parsed_as_xml(checked: CheckedStack, route: str) -> None:
    """The robot and card routes sign headers only, so this body reaches their JSON parser."""
    genuine = talk.one_valid_request_per_route(checked.stack.fake.hook_url("x"))[route]
    body = BOMBS["billion-laughs"].encode()
    assert b"not JSON" in refused_unexpanded(checked, replace(genuine, body=body))
