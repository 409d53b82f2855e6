"""Pages rendered with Jinja2 from `chalicelib/console/templates`, autoescaped, in the viewer's locale.

Every page is sent with a strict Content-Security-Policy: scripts, styles and images from the console's
own origin only (htmx is vendored under `static/`), no inline script or style, no framing, forms posting
back to the console only.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from chalicelib.http import Reply
from chalicelib.i18n import t
from chalicelib.store.keys import iso

HERE = Path(__file__).resolve().parent
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(("html",)),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["iso"] = lambda value: iso(float(value or 0)).replace("T", " ").removesuffix("Z")
    return env


def page(template: str, locale: str, status: int = 200, **values: Any) -> Reply:
    """The page `template` in `locale`, with the security headers."""

    def translate(key: str, **params: Any) -> str:
        return t(locale, key, **params)

    body = environment().get_template(template).render(_=translate, locale=locale, **values)
    return Reply(status, body, {"Content-Type": "text/html; charset=utf-8", **SECURITY_HEADERS})
