"""Finding 9: production logged nothing about refusals: Chalice's app logger sat at ERROR, `QG_LOG_LEVEL`
was applied nowhere. Now every refusal at ingress is one JSON line in the shape of Powertools' Logger,
with the route, the platform, the status, the reason and the request ids (API Gateway's `requestId`,
Lambda's `aws_request_id`), and never a secret, a signature, a token or message text; `QG_LOG_LEVEL`
sets the level of Chalice's app logger and of ours."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from chalice.local import LambdaContext

from chalicelib import logs
from chalicelib.adapters.dingtalk.signature import TWIN_SECONDS
from chalicelib.bootstrap import build_deps
from chalicelib.logs import LOGGERS, JsonFormatter, bound, configure
from local.demo_settings import DEMO_SETTINGS as S
from local.fakes.server import FakeMessengers
from local.peers import dingtalk as dingtalk_peer
from tests.functional import conversations as talk
from tests.reliability.support import LogCapture, capture_all_logs
from tests.support.stack import Stack, demo_settings, running_stack

POWERTOOLS_KEYS = {"level", "location", "message", "timestamp", "service"}


@pytest.fixture
def stack(fake: FakeMessengers) -> Iterator[Stack]:
    with running_stack(fake) as running:
        yield running


@pytest.fixture
def captured() -> Iterator[LogCapture]:
    with capture_all_logs() as lines:
        yield lines


@pytest.fixture
def restore_levels() -> Iterator[None]:
    """`configure` changes process-wide loggers: put their level, handlers, formats and propagation back."""
    saved = []
    for name in LOGGERS:
        logger = logging.getLogger(name)
        formats = [(handler, handler.formatter) for handler in logger.handlers]
        saved.append((logger, logger.level, list(logger.handlers), logger.propagate, formats))
    yield
    for logger, level, handlers, propagate, formats in saved:
        logger.setLevel(level)
        logger.handlers[:] = handlers
        logger.propagate = propagate
        for handler, formatter in formats:
            handler.setFormatter(formatter)
    logs._configured = None


def refusals(capture: LogCapture) -> list[dict[str, Any]]:
    found = [json.loads(line) for line in capture.lines]
    return [entry for entry in found if entry.get("message") == "refused"]


def api_gateway_event(request: Any, request_id: str) -> dict[str, Any]:
    """The proxy event API Gateway hands the function for `request` (a SignedRequest)."""
    return {
        "resource": request.path,
        "path": request.path,
        "httpMethod": request.method,
        "headers": dict(request.headers),
        "multiValueHeaders": {k: [v] for k, v in request.headers.items()},
        "queryStringParameters": dict(request.query) or None,
        "multiValueQueryStringParameters": {k: [v] for k, v in request.query.items()} or None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": request.path,
            "httpMethod": request.method,
            "requestId": request_id,
            "path": f"/api{request.path}",
            "stage": "api",
        },
        "body": request.body.decode(),
        "isBase64Encoded": False,
    }


def test_a_refusal_is_one_json_line_with_route_platform_reason_and_both_request_ids(
    stack: Stack, fake: FakeMessengers, captured: LogCapture
) -> None:
    import app as application

    # Signed a while ago, past the window in which a second body may be a genuine twin.
    stamp = int(stack.deps.clock.now() * 1000) - (TWIN_SECONDS + 30) * 1000
    payload = {**json.loads(talk.dingtalk_robot("help", fake.hook_url("log")).body), "createAt": stamp}
    genuine = dingtalk_peer.robot_request(payload, app_secret=S["DINGTALK_APP_SECRET"], timestamp_ms=stamp)
    assert stack.send(genuine).status_code == 200
    replayed = replace(genuine, body=genuine.body.replace(b"help", b"warn"))
    context = LambdaContext("qunguan-dev-APIHandler", 256)
    answer = application.app(api_gateway_event(replayed, "req-7f3a"), context)
    assert answer["statusCode"] == 401
    (entry,) = refusals(captured)
    assert set(entry) >= POWERTOOLS_KEYS and entry["level"] == "WARNING" and entry["service"] == "qunguan"
    assert {k: entry[k] for k in ("route", "platform", "status", "request_id", "function_request_id")} == {
        "route": "dingtalk.robot",
        "platform": "dingtalk",
        "status": 401,
        "request_id": "req-7f3a",
        "function_request_id": context.aws_request_id,
    }
    assert "another body" in entry["reason"]
    for header in ("sign", "timestamp"):
        assert replayed.headers[header] not in json.dumps(entry)


def _slack(mangle: Any) -> Any:
    return lambda: mangle(talk.slack_mention("hello"))


def _robot_with_body(body: bytes) -> Any:
    return lambda: replace(talk.dingtalk_robot("hello", "https://oapi.dingtalk.com/x"), body=body)


@pytest.mark.parametrize(
    ("status", "route", "build"),
    [
        (
            401,
            "slack.events",
            _slack(lambda r: replace(r, headers={**r.headers, "X-Slack-Signature": "v0=0"})),
        ),
        (400, "dingtalk.robot", _robot_with_body(b"{not json hello")),
        (413, "slack.events", _slack(lambda r: replace(r, body=b" " * (1 << 20 | 1)))),
        (
            415,
            "slack.events",
            _slack(lambda r: replace(r, headers={**r.headers, "Content-Type": "text/plain"})),
        ),
    ],
)
def test_every_refusal_at_ingress_is_logged_with_its_status(
    stack: Stack, captured: LogCapture, status: int, route: str, build: Any
) -> None:
    assert stack.send(build()).status_code == status
    (entry,) = refusals(captured)
    assert (entry["route"], entry["platform"], entry["status"]) == (
        route,
        route.split(".", maxsplit=1)[0],
        status,
    )
    assert entry["reason"] and "hello" not in json.dumps(entry)


def test_a_switched_off_platform_is_logged_as_a_refusal(fake: FakeMessengers, captured: LogCapture) -> None:
    with running_stack(fake, slack_signing_secret=None) as stack:
        assert stack.send(talk.slack_mention("hi")).status_code == 404
    (entry,) = refusals(captured)
    assert entry["status"] == 404 and "SLACK_SIGNING_SECRET" in entry["reason"]


def test_a_refused_file_link_is_logged_without_its_token(stack: Stack, captured: LogCapture) -> None:
    token = "A" * 43
    assert stack.client.http.get(f"/files/{token}").status_code == 403
    (entry,) = refusals(captured)
    assert entry["route"] == "files.link" and entry["status"] == 403
    assert all(token not in line for line in captured.lines)


def test_qg_log_level_sets_chalices_app_logger_and_ours(fake: FakeMessengers, restore_levels: None) -> None:
    import app as application

    assert application.app.log.getEffectiveLevel() == logging.ERROR or logs._configured is not None
    build_deps(demo_settings(fake, qg_log_level="INFO", qg_dispatch="inline"))
    assert logging.getLogger("qunguan.ingress").isEnabledFor(logging.INFO)
    assert logging.getLogger("chalicelib.adapters.dingtalk.client").isEnabledFor(logging.INFO)
    configure("warning")
    assert not logging.getLogger("qunguan.ingress").isEnabledFor(logging.INFO)
    assert logging.getLogger("qunguan.ingress").isEnabledFor(logging.WARNING)
    configure("no-such-level")
    assert application.app.log.level == logging.INFO
    assert all(isinstance(h.formatter, JsonFormatter) for h in application.app.log.handlers)


def test_the_json_line_has_powertools_keys_bound_fields_and_extras() -> None:
    record = logging.LogRecord(
        "qunguan.ingress", logging.INFO, __file__, 7, "refused", (), None, func="handle"
    )
    record.reason = "why"
    with bound(route="slack.events", request_id="r-1"):
        entry = json.loads(JsonFormatter().format(record))
    assert entry["location"] == "handle:7" and entry["timestamp"].endswith("+0000")
    assert (entry["route"], entry["request_id"], entry["reason"]) == ("slack.events", "r-1", "why")
    assert "route" not in json.loads(JsonFormatter().format(record))  # bound to the block only
