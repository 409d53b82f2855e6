"""The shared outbound client retries what is worth retrying, honours Retry-After, and gives up with a
retryable MessengerError; tokens are cached until shortly before they expire."""

from __future__ import annotations

import pytest

from chalicelib.adapters.http_client import ApiClient, TokenCache
from chalicelib.clock import FrozenClock
from chalicelib.errors import MessengerError
from local.fakes.server import FakeMessengers, Fault


def client_for(fake: FakeMessengers, waits: list[float], attempts: int = 4) -> ApiClient:
    return ApiClient("test", f"{fake.url}/hooks", max_attempts=attempts, sleep=waits.append, timeout=1.0)


def test_a_5xx_is_retried_with_growing_backoff_until_it_succeeds(fake: FakeMessengers) -> None:
    fake.inject(Fault("/hooks/flaky", status=503, times=2))
    waits: list[float] = []
    response = client_for(fake, waits).request("POST", "flaky", json={"n": 1})
    assert response.status_code == 200
    assert len(fake.sent("/hooks/flaky")) == 1  # faults answer before recording
    assert len(waits) == 2 and waits[1] > waits[0] * 1.0 - 1e-9


def test_429_waits_as_long_as_retry_after_says(fake: FakeMessengers) -> None:
    fake.inject(Fault("/hooks/limited", status=429, retry_after=7))
    waits: list[float] = []
    assert client_for(fake, waits).request("POST", "limited").status_code == 200
    assert waits == [7.0]


def test_a_retry_after_longer_than_any_cap_is_slept_whole_when_the_invocation_has_time(
    fake: FakeMessengers,
) -> None:
    fake.inject(Fault("/hooks/slow-down", status=429, retry_after=45))
    waits: list[float] = []
    client = ApiClient("test", f"{fake.url}/hooks", sleep=waits.append, timeout=1.0, max_wait=60.0)
    assert client.request("POST", "slow-down").status_code == 200
    assert waits == [45.0]  # as Slack said: no cap shortens it


def test_a_retry_after_past_the_invocations_wait_goes_back_to_the_queue_without_sleeping(
    fake: FakeMessengers,
) -> None:
    fake.inject(Fault("/hooks/limited", status=429, retry_after=300))
    waits: list[float] = []
    with pytest.raises(MessengerError) as raised:
        client_for(fake, waits).request("POST", "limited")
    assert raised.value.retryable and raised.value.retry_after == 300.0
    assert waits == []  # never sleeps past the worker's deadline, never calls before Slack allows
    assert "back to the queue" in raised.value.detail


def test_waits_add_up_to_at_most_the_budget(fake: FakeMessengers) -> None:
    fake.inject(Fault("/hooks/twice", status=429, retry_after=6, times=2))
    waits: list[float] = []
    with pytest.raises(MessengerError) as raised:
        client_for(fake, waits).request("POST", "twice")
    assert waits == [6.0] and raised.value.retry_after == 6.0  # 6 + 6 > 10: the second goes back


def test_a_dropped_connection_is_retried(fake: FakeMessengers) -> None:
    fake.inject(Fault("/hooks/reset", reset=True))
    waits: list[float] = []
    assert client_for(fake, waits).request("POST", "reset").status_code == 200
    assert len(waits) == 1


def test_a_timeout_is_retried(fake: FakeMessengers) -> None:
    fake.inject(Fault("/hooks/slow", delay=1.5))
    waits: list[float] = []
    assert client_for(fake, waits).request("POST", "slow").status_code == 200


def test_after_the_last_attempt_the_failure_is_retryable(fake: FakeMessengers) -> None:
    fake.inject(Fault("/hooks/down", status=500, times=3))
    with pytest.raises(MessengerError) as raised:
        client_for(fake, [], attempts=3).request("POST", "down")
    assert raised.value.retryable
    assert "HTTP 500 after 3 attempts" in str(raised.value)


def test_a_4xx_is_returned_to_the_caller_without_retrying(fake: FakeMessengers) -> None:
    waits: list[float] = []
    response = client_for(fake, waits).request("GET", f"{fake.url}/nowhere")
    assert response.status_code == 404 and waits == []


def test_a_token_is_fetched_once_and_again_only_after_it_expires() -> None:
    clock = FrozenClock(0.0)
    issued: list[str] = []

    def fetch() -> tuple[str, float]:
        issued.append(f"t{len(issued)}")
        return issued[-1], 7200.0

    cache = TokenCache(fetch, clock=clock, margin=300)
    assert cache.get() == cache.get() == "t0"
    clock.advance(6899)
    assert cache.get() == "t0"
    clock.advance(2)
    assert cache.get() == "t1"
    cache.invalidate()
    assert cache.get() == "t2"


def test_logs_name_the_method_never_a_reply_urls_secret_path() -> None:
    from chalicelib.adapters.http_client import call_name

    assert call_name("chat.postMessage") == "chat.postMessage"
    assert call_name("/message/send?access_token=abc") == "message/send"
    assert call_name("https://hooks.slack.com/actions/T1/123/s3cr3t") == "reply-url@hooks.slack.com"
