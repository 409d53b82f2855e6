"""The links members get (R6.4): `<QG_PUBLIC_URL>/files/<token>`, where the token is an opaque random
id and everything it stands for is in the store.

    token = base64url(32 random bytes)                                  (43 characters, nothing readable)
    FLINK#{sha256(token)} / LINK = {"g": gid, "f": file id, "u": member's native id, "k": "m" | "g",
                                    "e": expiry, "n": nonce, "s": sha256(session), "used": time}

`k` says on what ground the link was issued: `m`, being a member (who must still be one when the link is
used), or `g`, an admin's grant to an outsider (which must still hold). The nonce names the issue in the
file's log, so a download or a refusal is recorded against the link it came through. The store keeps
only the token's hash: reading the table gives no usable link.

A link is bound to one browser and used once (`chalicelib.files.downloads`): the first visit binds it to
a fresh session cookie (`bind_session`, a conditional write: only while no session is bound), and the
confirmation that follows, from that session with its CSRF token, consumes it (`consume`, a conditional
write: only while unused). The CSRF token is an HMAC over the link and the session under a key derived
from `QG_CARD_SIGNING_KEY` (or the platform secrets) with its own label.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Literal

from chalicelib.settings import Settings, secret
from chalicelib.store import keys
from chalicelib.store.base import Store
from chalicelib.store.records import Item

TOKEN_BYTES = 32
KEEP_AFTER_EXPIRY = 86400  # an expired link still answers "expired" (410) for a day, then "invalid"
_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")
Ground = Literal["m", "g"]


class LinkRefused(Exception):
    """The token is not one of ours (`status` 403), or it expired (410)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class LinkClaim:
    gid: str
    file_id: str
    user: str
    ground: Ground
    expires_at: int
    nonce: str


@dataclass(frozen=True)
class Link:
    """A link as the store knows it: what it was issued for, the session it is bound to (a hash), and
    when it was used."""

    digest: str
    claim: LinkClaim
    session: str | None = None
    used_at: float | None = None

    @property
    def cookie(self) -> str:
        """The name of the cookie that binds a browser to this link (one per link, so two links opened
        in one browser do not overwrite each other's)."""
        return f"qg_link_{self.digest[:16]}"


def new_claim(*, gid: str, file_id: str, user: str, ground: Ground, expires_at: float) -> LinkClaim:
    return LinkClaim(gid, file_id, user, ground, int(expires_at), secrets.token_hex(4))


def issue(store: Store, claim: LinkClaim) -> str:
    """Store a new link for `claim`; its token, which is never stored."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    data = {"g": claim.gid, "f": claim.file_id, "u": claim.user, "k": claim.ground, "e": claim.expires_at}
    item = Item(
        keys.file_link_pk(digest_of(token)),
        keys.FILE_LINK_SK,
        {**data, "n": claim.nonce},
        expires_at=claim.expires_at + KEEP_AFTER_EXPIRY,
    )
    store.put_item(item)
    return token


def link_url(base: str, token: str) -> str:
    return f"{base.rstrip('/')}/files/{token}"


def digest_of(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def find(store: Store, token: str, now: float) -> Link:
    """The link a token names; raises `LinkRefused` (403 not ours or malformed, 410 expired). The shape
    is checked before the store is asked."""
    if not isinstance(token, str) or _SHAPE.match(token) is None:
        raise LinkRefused(403, "malformed")
    digest = digest_of(token)
    item = store.get_item(keys.file_link_pk(digest), keys.FILE_LINK_SK)
    if item is None:
        raise LinkRefused(403, "unknown")
    data = item.data
    fields = (data.get("g"), data.get("f"), data.get("u"), data.get("n"))
    ground, expires = data.get("k"), data.get("e")
    if (
        not all(isinstance(value, str) and value for value in fields)
        or ground not in ("m", "g")
        or not isinstance(expires, int)
        or isinstance(expires, bool)
    ):
        raise LinkRefused(403, "malformed record")
    if expires <= now:
        raise LinkRefused(410, "expired")
    gid, file_id, user, nonce = (str(value) for value in fields)
    claim = LinkClaim(gid, file_id, user, "m" if ground == "m" else "g", expires, nonce)
    session, used = data.get("s"), data.get("used")
    return Link(
        digest,
        claim,
        session=session if isinstance(session, str) else None,
        used_at=float(used) if isinstance(used, int | float) and not isinstance(used, bool) else None,
    )


def bind_session(store: Store, link: Link, session: str) -> bool:
    """Bind the link to the browser holding `session`, only if no browser is bound yet."""
    return store.update_item(
        keys.file_link_pk(link.digest), keys.FILE_LINK_SK, {"s": digest_of(session)}, expect={"s": None}
    )


def holds(link: Link, session: str | None) -> bool:
    """Whether `session` (a cookie's value) is the one the link is bound to."""
    return bool(session and link.session and hmac.compare_digest(digest_of(session), link.session))


def consume(store: Store, link: Link, now: float) -> bool:
    """Mark the link used, only if it was bound to this session and not used yet: once, whoever races."""
    return store.update_item(
        keys.file_link_pk(link.digest),
        keys.FILE_LINK_SK,
        {"used": round(now, 3)},
        expect={"s": link.session, "used": None},
    )


def csrf_token(settings: Settings, link: Link, session: str) -> str:
    message = f"{link.digest}|{session}".encode()
    return base64.urlsafe_b64encode(hmac.new(_key(settings), message, hashlib.sha256).digest()[:16]).decode()


def csrf_ok(settings: Settings, link: Link, session: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(csrf_token(settings, link, session), given or "")


def _key(settings: Settings) -> bytes:
    if settings.qg_card_signing_key is not None:
        material = secret(settings.qg_card_signing_key)
    else:
        material = "|".join(
            secret(value)
            for value in (
                settings.slack_signing_secret,
                settings.wecom_aes_key,
                settings.wecom_aibot_aes_key,
                settings.dingtalk_app_secret,
                settings.dingtalk_card_secret,
            )
        )
    return hashlib.sha256(f"qunguan-file-link-csrf|{material}".encode()).digest()
