"""Console sessions: a signed cookie that names a server-side session, and the CSRF token of its forms.

The cookie holds a random secret and its HMAC (`<secret>.<tag>`); the table keeps the session under the
SHA-256 of the secret (`keys.console_session_pk`), with who signed in, how, and when it ends, so that
deleting the item (sign-out, or an operator's revocation) ends the session at once, and a stolen table
item is no cookie. The cookie is `HttpOnly; Secure; SameSite=Lax; Path=/console` and lives as long as the
session (`qg_console_session_minutes`, an hour by default). Every form carries a CSRF token, an HMAC of
the session's secret, compared in constant time before any change.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from chalicelib.store import keys
from chalicelib.store.base import Store
from chalicelib.store.records import Item

COOKIE = "qg_console"
LOGIN_COOKIE = "qg_console_login"
LOGIN_SECONDS = 600


@dataclass(frozen=True)
class Session:
    secret: str
    uid: str  # platform:tenant:user
    name: str
    locale: str
    via: str  # slack | wecom | dingtalk | dev
    started_at: float
    expires_at: float


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _tag(key: bytes, purpose: str, value: str) -> str:
    return hmac.new(key, f"{purpose}|{value}".encode(), hashlib.sha256).hexdigest()[:32]


def cookie_header(name: str, value: str, max_age: int) -> str:
    return f"{name}={value}; Max-Age={max_age}; Path=/console; HttpOnly; Secure; SameSite=Lax"


def read_cookie(header: str | None, name: str) -> str:
    for part in (header or "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return ""


class Sessions:
    def __init__(self, store: Store, key: bytes, minutes: int) -> None:
        self.store = store
        self.key = key
        self.seconds = minutes * 60

    def start(self, *, uid: str, name: str, locale: str, via: str, now: float) -> tuple[Session, str]:
        """A new session and the `Set-Cookie` header that carries it."""
        secret = secrets.token_urlsafe(32)
        session = Session(secret, uid, name, locale, via, now, now + self.seconds)
        data = {"uid": uid, "name": name, "locale": locale, "via": via, "started_at": now}
        item = Item(keys.console_session_pk(_digest(secret)), keys.CONSOLE_SESSION_SK, data, None, None)
        self.store.put_item(Item(item.pk, item.sk, data, expires_at=int(session.expires_at)))
        value = f"{secret}.{_tag(self.key, 'session', secret)}"
        return session, cookie_header(COOKIE, value, self.seconds)

    def find(self, cookie: str | None, now: float) -> Session | None:
        """The live session the cookie names; None for no cookie, a forged or revoked one, or an old one."""
        secret, _, tag = read_cookie(cookie, COOKIE).partition(".")
        if not secret or not hmac.compare_digest(tag, _tag(self.key, "session", secret)):
            return None
        item = self.store.get_item(keys.console_session_pk(_digest(secret)), keys.CONSOLE_SESSION_SK)
        if item is None or item.expires_at is None or item.expires_at <= now:
            return None
        data = item.data
        return Session(
            secret,
            str(data["uid"]),
            str(data.get("name", "")),
            str(data.get("locale", "zh-CN")),
            str(data.get("via", "")),
            float(data.get("started_at", 0.0)),
            float(item.expires_at),
        )

    def revoke(self, session: Session) -> str:
        """End the session on the server; the header that clears the cookie."""
        self.store.delete_item(keys.console_session_pk(_digest(session.secret)), keys.CONSOLE_SESSION_SK)
        return cookie_header(COOKIE, "", 0)

    def csrf(self, session: Session) -> str:
        return _tag(self.key, "csrf", session.secret)

    def csrf_ok(self, session: Session, token: str) -> bool:
        return bool(token) and hmac.compare_digest(token, self.csrf(session))
