"""The console's one entry point: a route name and the request in, a reply out.

`chalicelib.web.serve_console` calls `serve_page` for every `/console` route; this module builds the
console's parts once (`get_console`) and maps its errors to statuses in one place: not signed in, a
redirect to `/console/login` (401 for a form post); `Forbidden` 403; `NotFound` 404; `BadRequest` 400.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from chalicelib.bootstrap import Deps
from chalicelib.cardsign import derived_key
from chalicelib.console import pages, pages_extra, pages_org
from chalicelib.console.render import page
from chalicelib.console.roles import Forbidden, NotFound, viewer_of
from chalicelib.console.sessions import Session, Sessions
from chalicelib.console.settings import ConsoleSettings, load_console_settings
from chalicelib.console.web import BadRequest, Redirect, View, redirect
from chalicelib.http import InboundRequest, Reply
from chalicelib.i18n import normalise_locale
from chalicelib.settings import secret


@dataclass
class Console:
    deps: Deps
    settings: ConsoleSettings
    sessions: Sessions
    sqs_client: Any = None  # tests pass a fake; else boto3's, built on first use

    def sqs(self) -> Any:
        if self.sqs_client is None:
            import boto3  # type: ignore[import-untyped, unused-ignore]

            self.sqs_client = boto3.client("sqs")
        return self.sqs_client


def build_console(deps: Deps, settings: ConsoleSettings | None = None) -> Console:
    settings = settings or load_console_settings()
    key = (
        secret(settings.qg_console_session_key).encode()
        if settings.qg_console_session_key is not None
        else derived_key(deps.settings, "console-session")
    )
    return Console(deps, settings, Sessions(deps.store, key, settings.qg_console_session_minutes))


_console: Console | None = None
_lock = threading.Lock()


def get_console() -> Console:
    from chalicelib.bootstrap import get_deps

    global _console
    deps = get_deps()
    with _lock:
        if _console is None or _console.deps is not deps:
            _console = build_console(deps)
        return _console


def use_console(console: Console | None) -> None:
    """Tests and the local stack pass their own console (its settings pointing at fakes)."""
    global _console
    _console = console


def serve_page(route: str, request: InboundRequest, params: Mapping[str, str], console: Console) -> Reply:
    from chalicelib.console import auth, oauth

    public = {**auth.PUBLIC, "sign-in": oauth.start, "callback": oauth.callback}.get(route)
    locale = normalise_locale(_accept_language(request))
    try:
        if public is not None:
            return public(console, request, params)
        now = console.deps.clock.now()
        session = console.sessions.find(request.header("cookie"), now)
        if session is None:
            if request.method != "GET":
                return page(
                    "error.html", locale, 401, title="console.error.403", body="console.error.403.body"
                )
            here = request.path + (f"?{urlencode(request.query)}" if request.query else "")
            return redirect(f"/console/login?next={quote(here, safe='')}")
        return _signed_in(route, request, params, console, session)
    except Redirect as moved:
        return redirect(moved.location)
    except Forbidden:
        return page("error.html", locale, 403, title="console.error.403", body="console.error.403.body")
    except NotFound:
        return page("error.html", locale, 404, title="console.error.404", body="console.error.404.body")
    except BadRequest as bad:
        return page("error.html", locale, 400, title="console.error.400", body=bad.key)


def _signed_in(
    route: str, request: InboundRequest, params: Mapping[str, str], console: Console, session: Session
) -> Reply:
    handler = {**pages.routes(), **pages_org.routes(), **pages_extra.routes()}.get((route, request.method))
    if handler is None:
        raise NotFound(route)
    form = dict(parse_qsl(request.body.decode("utf-8", "replace"))) if request.method == "POST" else {}
    if request.method == "POST" and not console.sessions.csrf_ok(session, form.get("csrf", "")):
        raise BadRequest("console.error.csrf")
    view = View(
        request=request,
        params=params,
        form=form,
        session=session,
        viewer=viewer_of(session.uid, console.deps),
        csrf=console.sessions.csrf(session),
        console_sessions=console.sessions,
        settings=console.settings,
        sqs=console.sqs,
    )
    return handler(view)


def _accept_language(request: InboundRequest) -> str:
    header = request.header("accept-language") or ""
    return header.split(",", 1)[0].split(";", 1)[0].strip()
