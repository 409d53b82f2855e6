"""The outbound HTTP client every messenger client builds on: one `requests.Session`, timeouts,
retries with exponential backoff and jitter, `429` with `Retry-After` honoured, and a token cache.

Retry-After is honoured as the platform says it, never shortened (Slack: "wait the number of seconds
in Retry-After before retrying", docs.slack.dev/apis/web-api/rate-limits). But a request runs inside a
worker invocation with a deadline (120 s for a batch of up to 10 records), so one request may spend at
most `max_wait` seconds asleep. A wait that does not fit is not slept at all: the call fails at once
with a retryable `MessengerError` carrying `retry_after`, the record goes back to the queue, and SQS
delivers it again after its visibility timeout (6 x the worker's timeout), which is later than any
Retry-After that fits a worker's lifetime. The platform is never called before the time it named.

Only the worker imports this module (it pulls in `requests`); the ingress path never does.
"""

from __future__ import annotations

import logging
import math
import random
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import requests

from chalicelib.clock import Clock, SystemClock
from chalicelib.errors import MessengerError

log = logging.getLogger(__name__)

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
# What one request may sleep in all, Retry-After and back-off together: a worker invocation has 120 s
# for up to 10 records, so a record that would wait longer goes back to the queue instead.
MAX_WAIT = 10.0


class ApiClient:
    def __init__(
        self,
        platform: str,
        base_url: str,
        *,
        session: requests.Session | None = None,
        max_attempts: int = 4,
        backoff: float = 0.5,
        timeout: float = 5.0,
        max_wait: float = MAX_WAIT,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.platform = platform
        self.base_url = base_url.rstrip("/")
        self.session = session or requests.Session()
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.timeout = timeout
        self.max_wait = max_wait
        self.sleep = sleep

    def url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.base_url}/{path.lstrip('/')}"

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        files: Mapping[str, Any] | None = None,
    ) -> requests.Response:
        """Send, retrying connection failures, timeouts, 5xx and 429. Raises a retryable `MessengerError`
        when the attempts are used up or the next wait would pass `max_wait`; any other status is
        returned for the caller to judge."""
        url = self.url(path)
        name = call_name(path)
        waited = 0.0
        for attempt in range(1, self.max_attempts + 1):
            try:
                response = self.session.request(
                    method,
                    url,
                    params=params,
                    json=json,
                    data=data,
                    headers=headers,
                    files=files,  # multipart uploads (images)
                    timeout=self.timeout,
                )
            except (requests.ConnectionError, requests.Timeout) as exc:
                failure = type(exc).__name__
                wait = self._backoff(attempt)
            else:
                if response.status_code not in RETRYABLE_STATUS:
                    return response
                failure = f"HTTP {response.status_code}"
                asked = retry_after(response)
                if asked is not None and waited + asked > self.max_wait:
                    raise MessengerError(
                        self.platform,
                        name,
                        f"{failure}: Retry-After {asked:g}s is too long to wait here; back to the queue",
                        retryable=True,
                        retry_after=asked,
                    )
                wait = asked if asked is not None else self._backoff(attempt)
            if attempt == self.max_attempts:
                raise MessengerError(
                    self.platform, name, f"{failure} after {attempt} attempts", retryable=True
                )
            wait = min(wait, max(self.max_wait - waited, 0.0))
            log.warning("%s %s: %s, retry %d in %.2fs", self.platform, name, failure, attempt, wait)
            self.sleep(wait)
            waited += wait
        raise AssertionError("unreachable")  # pragma: no cover

    def _backoff(self, attempt: int) -> float:
        return float(self.backoff * (2 ** (attempt - 1)) * (0.5 + random.random() / 2))  # noqa: S311


def retry_after(response: requests.Response) -> float | None:
    """The seconds a `Retry-After` header asks for (RFC 9110: delay-seconds), or None without one."""
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def call_name(path: str) -> str:
    """A loggable name for a call: the API method, or only the host of an absolute URL (reply URLs such
    as Slack's response_url carry a secret in their path)."""
    if path.startswith(("http://", "https://")):
        return "reply-url@" + path.split("/", 3)[2]
    return path.split("?", 1)[0].strip("/") or "-"


class RedactRequestTargets(logging.Filter):
    """urllib3 logs each request line at DEBUG with its whole target, where WeCom and DingTalk carry
    secrets and tokens in the query (`corpsecret`, `appsecret`, `access_token`, `session`) and Slack's
    response_url carries one in its path. Its records keep the method, host and status, and of the
    target only the first three path segments, never the query."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_redact(arg) if isinstance(arg, str) else arg for arg in record.args)
        return True


def _redact(value: str) -> str:
    if not value.startswith(("/", "http://", "https://")):
        return value
    path = value.split("?", 1)[0]
    start = path.find("/", path.find("://") + 3) if "://" in path else 0
    if start < 0:  # an origin with no path
        start = len(path)
    origin, parts = path[:start], path[start:].split("/")
    kept = origin + "/".join(parts[:4]) + ("/…" if len(parts) > 4 else "")
    return kept + ("?…" if "?" in value else "")


logging.getLogger("urllib3.connectionpool").addFilter(RedactRequestTargets())


class TokenCache:
    """An access token cached until shortly before it expires. `fetch` returns (token, lifetime in
    seconds). `invalidate` drops it, for platforms that revoke tokens early (WeCom 40014/42001)."""

    def __init__(
        self, fetch: Callable[[], tuple[str, float]], *, clock: Clock | None = None, margin: float = 300
    ) -> None:
        self._fetch = fetch
        self._clock = clock or SystemClock()
        self._margin = margin
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = threading.Lock()
        self.fetches = 0

    def get(self) -> str:
        with self._lock:
            now = self._clock.now()
            if self._token is None or now >= self._expires_at:
                token, lifetime = self._fetch()
                self.fetches += 1
                self._token = token
                self._expires_at = now + max(lifetime - self._margin, lifetime / 2)
            return self._token

    def invalidate(self) -> None:
        with self._lock:
            self._token = None
