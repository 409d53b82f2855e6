"""The thin converter between Chalice and qunguan (bolt-python's `to_bolt_request` /
`to_chalice_response`). Imported by `app.py`, so it imports nothing heavy at module level."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.http import InboundRequest, Reply

if TYPE_CHECKING:
    from chalice.app import Chalice, Request, Response

# Chalice answers 415 by itself for any other type; ingress checks each route's own list after that.
ACCEPTED_TYPES = [
    "application/json",
    "application/x-www-form-urlencoded",
    "application/xml",
    "text/xml",
    "text/plain",
]

# The file link's confirmation is an HTML form. A browser's GET has no Content-Type, which Chalice reads as
# application/json (and answers 415 unless listed); the form is read only from a urlencoded POST.
FORM_TYPES = ["application/x-www-form-urlencoded", "application/json"]


def to_inbound(request: Request) -> InboundRequest:
    path = request.context.get("resourcePath") or request.context.get("path") or ""
    return InboundRequest.build(
        request.method,
        str(path),
        dict(request.headers),
        dict(request.query_params or {}),
        request.raw_body if isinstance(request.raw_body, bytes) else request.raw_body.encode(),
    )


def to_response(reply: Reply) -> Response:
    from chalice.app import Response

    return Response(body=reply.body, status_code=reply.status, headers=dict(reply.headers))


def serve(route: str, app: Chalice) -> Response:
    """The body of every webhook route: the current request through ingress, as a Chalice response. Every
    log line of the request carries its route, platform and ids (`chalicelib.logs`)."""
    from chalicelib.bootstrap import get_deps
    from chalicelib.ingress import handle
    from chalicelib.logs import bound
    from chalicelib.routes import ROUTES

    request = app.current_request
    if request is None:  # pragma: no cover - Chalice sets it before calling a view
        raise RuntimeError("serve() called outside a request")
    with bound(route=route, platform=ROUTES[route].platform, **request_ids(app)):
        return to_response(handle(route, to_inbound(request), get_deps()))


def request_ids(app: Chalice) -> dict[str, str | None]:
    """API Gateway's `requestId` (what its access log records) and Lambda's `aws_request_id` (what the
    function's REPORT line records), so that an operator can join the two logs."""
    request = app.current_request
    context = request.context if request is not None else {}
    lambda_context = getattr(app, "lambda_context", None)
    function_id = getattr(lambda_context, "aws_request_id", None)
    return {
        "request_id": str(context.get("requestId")) if context.get("requestId") else None,
        "function_request_id": function_id if isinstance(function_id, str) else None,
    }


def serve_file_link(token: str, app: Chalice) -> Response:
    """The body of `GET` and `POST /files/{token}`: a member's link to an archived file, bound to one
    browser and used once (`chalicelib.files.downloads`)."""
    from chalicelib.bootstrap import get_deps
    from chalicelib.files.downloads import answer_link
    from chalicelib.logs import bound

    request = app.current_request
    if request is None:  # pragma: no cover - Chalice sets it before calling a view
        raise RuntimeError("serve_file_link() called outside a request")
    with bound(route="files.link", platform="-", **request_ids(app)):
        return to_response(answer_link(token, to_inbound(request), get_deps()))


def health() -> Response:
    """Liveness: no secrets, no AWS calls. A warm container also says which platforms are switched on
    (a cold one would have to fetch the secret to know, so it does not)."""
    from chalicelib.bootstrap import peek_deps

    deps = peek_deps()
    body: dict[str, Any] = {"status": "ok", "service": "qunguan"}
    if deps is not None:
        settings = deps.ingress_settings  # never builds the pydantic model
        body["platforms"] = {
            "slack": settings.slack_enabled,
            "wecom": settings.wecom_enabled,
            "wecom_aibot": settings.wecom_aibot_enabled,
            "dingtalk_robot": settings.dingtalk_robot_enabled,
            "dingtalk_events": settings.dingtalk_events_enabled,
            "dingtalk_cards": settings.dingtalk_cards_enabled,
        }
    return to_response(Reply.json(body))


def consume(event: Any) -> dict[str, list[dict[str, str]]]:
    """The SQS batch handler's body: each record through the worker, failures reported per record."""
    from chalicelib.bootstrap import get_deps
    from chalicelib.logs import bound
    from chalicelib.worker.sqs import handle_batch

    function_id = getattr(getattr(event, "context", None), "aws_request_id", None)
    with bound(function_request_id=function_id if isinstance(function_id, str) else None):
        return handle_batch((record.to_dict() for record in event), get_deps())
