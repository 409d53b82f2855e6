"""What a console page handler gets (`View`) and the answers it can give besides a page."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from chalicelib.console.render import SECURITY_HEADERS, page
from chalicelib.console.roles import Viewer
from chalicelib.console.sessions import Session
from chalicelib.http import InboundRequest, Reply

if TYPE_CHECKING:
    from chalicelib.console.sessions import Sessions
    from chalicelib.console.settings import ConsoleSettings


class BadRequest(Exception):
    """A malformed request (400); `key` is the message shown."""

    def __init__(self, key: str = "console.error.400") -> None:
        super().__init__(key)
        self.key = key


class Redirect(Exception):
    """Send the browser elsewhere (302): a control-flow answer, not an error."""

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


def redirect(location: str, *, cookie: str | None = None) -> Reply:
    headers = {"Location": location, **SECURITY_HEADERS}
    if cookie:
        headers["Set-Cookie"] = cookie
    return Reply(302, "", headers)


def safe_next(value: str | None) -> str:
    """Where to go after signing in: a console path only (never another site, `//host` or `/\\host`)."""
    if value and value.startswith("/console") and not value.startswith(("//", "/\\")) and "\\" not in value:
        return value
    return "/console"


@dataclass(frozen=True)
class View:
    request: InboundRequest
    params: Mapping[str, str]
    form: Mapping[str, str]
    session: Session
    viewer: Viewer
    csrf: str
    console_sessions: Sessions
    settings: ConsoleSettings
    sqs: Callable[[], Any]  # an SQS client, built on first use (the jobs page)

    @property
    def locale(self) -> str:
        return self.session.locale

    def param(self, name: str) -> str:
        """A path parameter, URL-decoded (a gid arrives encoded: `slack%3AT1%3AC1`)."""
        return unquote(self.params.get(name, ""))

    def query(self, name: str, default: str = "") -> str:
        return self.request.query.get(name, default)

    def render(self, template: str, *, active: str, status: int = 200, **values: Any) -> Reply:
        return page(
            template,
            self.locale,
            status,
            active=active,
            viewer=self.viewer,
            session=self.session,
            csrf=self.csrf,
            **values,
        )
