"""Structured logs an operator can query: one JSON object per line, in the shape of AWS Lambda Powertools'
Logger (docs.powertools.aws.dev/lambda/python/latest/core/logger/), written by hand to keep the ingress
path light.

    {"level": "WARNING", "location": "handle:61", "message": "refused",
     "timestamp": "2026-12-07 13:41:55,123+0000", "service": "qunguan",
     "function_request_id": "<Lambda's aws_request_id>", "request_id": "<API Gateway's requestId>",
     "route": "dingtalk.robot", "platform": "dingtalk", "status": 401,
     "reason": "this signature was already used with another body (a replay)"}

Powertools' keys first (`level`, `location`, `message`, `timestamp`, `service`, `function_request_id`,
`xray_trace_id`, `exception_name`, `exception`), then what the request bound (`bound`: the route, the
platform, the request ids), then the record's own `extra`. A CloudWatch Logs Insights query such as
`filter message = "refused" | stats count() by route, reason` works on them as they are.

What goes in: reasons, names, counts, ids. Never a secret, a token, a link, a reply URL or message text:
callers pass none (tests/reliability/test_secrets_in_logs.py runs every route and fault with known
secrets and texts and reads every field of every line).

`configure(level)` applies `QG_LOG_LEVEL` once per process, when the production wiring is built
(`chalicelib.bootstrap.build_deps`): Chalice's app logger ("qunguan", which Chalice leaves at ERROR and
which our `qunguan.*` loggers inherit) and the `chalicelib.*` loggers get the level and this format.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from types import MappingProxyType
from typing import Any

SERVICE = "qunguan"
LOGGERS = ("qunguan", "chalicelib")
_bound: ContextVar[Mapping[str, Any]] = ContextVar("qunguan_log_fields", default=MappingProxyType({}))
# Every attribute a LogRecord has by itself; anything else on a record came in through `extra`.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


@contextmanager
def bound(**fields: Any) -> Iterator[None]:
    """Add `fields` (None values left out) to every line logged in this block, in this context only."""
    token = _bound.set({**_bound.get(), **{k: v for k, v in fields.items() if v is not None}})
    try:
        yield
    finally:
        _bound.reset(token)


class JsonFormatter(logging.Formatter):
    """One line of JSON per record (see the module docstring for the keys)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "level": record.levelname,
            "location": f"{record.funcName}:{record.lineno}",
            "message": record.getMessage(),
            "timestamp": _timestamp(record.created),
            "service": SERVICE,
        }
        trace = os.environ.get("_X_AMZN_TRACE_ID")
        if trace:
            entry["xray_trace_id"] = trace.split(";", 1)[0].removeprefix("Root=")
        entry.update(_bound.get())
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")})
        if record.exc_info and record.exc_info[0] is not None:
            entry["exception_name"] = record.exc_info[0].__name__
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str, separators=(",", ":"))


def _timestamp(created: float) -> str:
    # Powertools' default: "%Y-%m-%d %H:%M:%S,%F%z" with milliseconds, in UTC.
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(created)) + f",{int(created % 1 * 1000):03d}+0000"


_configured: str | None = None


def configure(level: str) -> None:
    """Apply `QG_LOG_LEVEL` (a level name; an unknown one is INFO) and the JSON format, once per level."""
    global _configured
    name = level.strip().upper() if isinstance(level, str) else ""
    if name not in logging.getLevelNamesMapping():
        name = "INFO"
    if _configured == name:
        return
    formatter = JsonFormatter()
    for logger_name in LOGGERS:
        logger = logging.getLogger(logger_name)
        logger.setLevel(name)
        if not logger.handlers:  # Chalice gives "qunguan" a stdout handler; "chalicelib" gets one here
            logger.addHandler(logging.StreamHandler(sys.stdout))
            logger.propagate = False  # the Lambda runtime's root handler would print each line twice
        for handler in logger.handlers:
            handler.setFormatter(formatter)
    _configured = name
