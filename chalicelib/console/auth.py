"""The console's pages that need no session: the sign-in page, each platform's sign-in and its return
(`chalicelib.console.oauth`), the local stack's dev login, sign-out, and the vendored static files."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from chalicelib.console.render import HERE, SECURITY_HEADERS, page
from chalicelib.console.roles import NotFound
from chalicelib.console.sessions import COOKIE, cookie_header
from chalicelib.console.web import BadRequest, redirect, safe_next
from chalicelib.core.ids import is_qualified
from chalicelib.http import InboundRequest, Reply
from chalicelib.i18n import normalise_locale

if TYPE_CHECKING:
    from chalicelib.console.entry import Console

STATIC_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
STATIC = {path.name: path for path in (HERE / "static").iterdir() if path.suffix in STATIC_TYPES}


def locale_of(request: InboundRequest, preferred: str | None = None) -> str:
    """The person's locale: their messenger's where it says one, else the browser's first language."""
    header = request.header("accept-language") or ""
    return normalise_locale(preferred or header.split(",", 1)[0].split(";", 1)[0].strip() or None)


def sign_in(console: Console, *, uid: str, name: str, locale: str, via: str, next_path: str) -> Reply:
    """Start a session for `uid` and send them on to `next_path` (a console path)."""
    _, cookie = console.sessions.start(
        uid=uid, name=name, locale=locale, via=via, now=console.deps.clock.now()
    )
    return redirect(safe_next(next_path), cookie=cookie)


def login_page(console: Console, request: InboundRequest, params: Mapping[str, str]) -> Reply:
    locale = locale_of(request)
    next_path = safe_next(request.query.get("next"))
    failed = request.query.get("failed", "")
    return page(
        "login.html",
        locale,
        platforms=console.settings.platforms,
        next_path=next_path,
        failed=failed[:80],
        dev_login=console.settings.qg_console_dev_login,
    )


def dev_login(console: Console, request: InboundRequest, params: Mapping[str, str]) -> Reply:
    """`/console/dev-login?user=<platform:tenant:user>&next=<path>`: the local stack only (404 elsewhere)."""
    if not console.settings.qg_console_dev_login:
        raise NotFound("dev-login")
    uid = request.query.get("user", "")
    if not is_qualified(uid):
        raise BadRequest("console.error.400")
    locale = locale_of(request, request.query.get("locale"))
    return sign_in(
        console, uid=uid, name=uid, locale=locale, via="dev", next_path=request.query.get("next", "")
    )


def logout(console: Console, request: InboundRequest, params: Mapping[str, str]) -> Reply:
    """Sign-out (a form post with the CSRF token): the session ends on the server, the cookie is cleared."""
    session = console.sessions.find(request.header("cookie"), console.deps.clock.now())
    if session is not None:
        form = dict(parse_qsl(request.body.decode("utf-8", "replace")))
        if not console.sessions.csrf_ok(session, form.get("csrf", "")):
            raise BadRequest("console.error.csrf")
        console.sessions.revoke(session)
    return redirect("/console/login", cookie=cookie_header(COOKIE, "", 0))


def static(console: Console, request: InboundRequest, params: Mapping[str, str]) -> Reply:
    """A vendored file of `chalicelib/console/static` (htmx, the style sheet), by exact name."""
    path: Path | None = STATIC.get(params.get("name", ""))
    if path is None:
        raise NotFound("static")
    headers = {
        "Content-Type": STATIC_TYPES[path.suffix],
        "Cache-Control": "public, max-age=3600",
        "X-Content-Type-Options": SECURITY_HEADERS["X-Content-Type-Options"],
    }
    return Reply(200, path.read_text(encoding="utf-8"), headers)


Public = Callable[["Console", InboundRequest, Mapping[str, str]], Reply]
PUBLIC: dict[str, Public] = {
    "login": login_page,
    "dev-login": dev_login,
    "logout": logout,
    "static": static,
}
