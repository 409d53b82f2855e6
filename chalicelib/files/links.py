"""The links members get (R6.4): `<QG_PUBLIC_URL>/files/<token>`, where the token is sealed by the bot and
expires.

    token = "v1." + base64url(payload) + "." + base64url(HMAC-SHA256(key, "v1." + base64url(payload))[:16])
    payload = {"g": gid, "f": file id, "u": member's native id, "k": "m" | "g", "e": expiry, "n": nonce}

`k` says on what ground the link was issued: `m`, being a member (who must still be one when the link is
used), or `g`, an admin's grant to an outsider (which must still hold). The nonce names the issue in the
log, so a download is recorded against the link it came through.

`open_token` checks the shape of the string, then the tag over the raw bytes, in constant time, and only
then decodes the payload (a forged token is never parsed), and last the expiry. The key is
`QG_CARD_SIGNING_KEY` when set, else derived from the platform secrets (as `chalicelib.cardsign` does),
under its own label, so a card's tag can never pass for a link's.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from typing import Literal

from chalicelib.settings import Settings, secret

VERSION = "v1"
TAG_BYTES = 16
MAX_TOKEN_CHARS = 600
_SHAPE = re.compile(r"^v1\.([A-Za-z0-9_-]{8,560})\.([A-Za-z0-9_-]{22})$")
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
    return hashlib.sha256(f"qunguan-file-link|{material}".encode()).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _tag(settings: Settings, signed: str) -> str:
    return _b64(hmac.new(_key(settings), signed.encode("ascii"), hashlib.sha256).digest()[:TAG_BYTES])


def new_claim(*, gid: str, file_id: str, user: str, ground: Ground, expires_at: float) -> LinkClaim:
    return LinkClaim(gid, file_id, user, ground, int(expires_at), secrets.token_hex(4))


def token_of(settings: Settings, claim: LinkClaim) -> str:
    payload = {
        "g": claim.gid,
        "f": claim.file_id,
        "u": claim.user,
        "k": claim.ground,
        "e": claim.expires_at,
        "n": claim.nonce,
    }
    body = _b64(json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode())
    signed = f"{VERSION}.{body}"
    return f"{signed}.{_tag(settings, signed)}"


def link_url(base: str, token: str) -> str:
    return f"{base.rstrip('/')}/files/{token}"


def open_token(settings: Settings, token: str, now: float) -> LinkClaim:
    """The claim a token carries; raises `LinkRefused` (403 forged or malformed, 410 expired)."""
    match = _SHAPE.match(token) if len(token) <= MAX_TOKEN_CHARS else None
    if match is None:
        raise LinkRefused(403, "malformed")
    signed = f"{VERSION}.{match.group(1)}"
    if not hmac.compare_digest(_tag(settings, signed), match.group(2)):
        raise LinkRefused(403, "bad tag")
    # Verified: from here on the payload is ours, though a bug on our side must still not become a 500.
    try:
        data = json.loads(_unb64(match.group(1)))
    except (binascii.Error, ValueError) as exc:
        raise LinkRefused(403, "malformed payload") from exc
    if not isinstance(data, dict):
        raise LinkRefused(403, "malformed payload")
    fields = (data.get("g"), data.get("f"), data.get("u"), data.get("n"))
    ground, expires = data.get("k"), data.get("e")
    if not all(isinstance(value, str) and value for value in fields) or ground not in ("m", "g"):
        raise LinkRefused(403, "malformed payload")
    if not isinstance(expires, int) or isinstance(expires, bool):
        raise LinkRefused(403, "malformed payload")
    if expires <= now:
        raise LinkRefused(410, "expired")
    gid, file_id, user, nonce = (str(value) for value in fields)
    return LinkClaim(gid, file_id, user, "m" if ground == "m" else "g", expires, nonce)
