"""Work contacts as keyed hashes: what links one person's identities across platforms, never in clear.

A work e-mail or mobile from the WeCom or DingTalk directory, or Slack's profile, is normalised (e-mail
lower-cased; a mobile as its digits with the country code, Chinese mobiles given it when absent) and
hashed with HMAC-SHA256 under `QG_PERSON_KEY`. Only the digest is stored: without the key it cannot be
matched against a list of numbers. Without the key, nothing is hashed and linking is by admins only.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from chalicelib.adapters.base import DirectoryUser
from chalicelib.settings import Settings, secret

DIGEST_CHARS = 40
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CN_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normal_email(raw: str) -> str:
    value = raw.strip().lower()
    return value if _EMAIL.match(value) else ""


def normal_mobile(raw: str) -> str:
    """`+86 138-0000-0000`, `8613800000000` and `13800000000` are one number: `+8613800000000`; a
    number written with its `+` keeps the country code it gives."""
    digits = re.sub(r"\D", "", raw)
    if not raw.strip().startswith("+") and _CN_MOBILE.match(digits):
        digits = f"86{digits}"
    return f"+{digits}" if 8 <= len(digits) <= 15 else ""


def _digest(key: bytes, kind: str, value: str) -> str:
    mac = hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
    return f"{kind[0]}{mac[: DIGEST_CHARS - 1]}"


def contact_digests(settings: Settings, person: DirectoryUser | None) -> tuple[str, ...]:
    """The keyed hashes of the person's work e-mail and mobile (either may be absent); empty without a
    key or without contacts."""
    key = secret(settings.qg_person_key).encode()
    if not key or person is None or person.is_bot:
        return ()
    found = []
    email, mobile = normal_email(person.email), normal_mobile(person.mobile)
    if email:
        found.append(_digest(key, "email", email))
    if mobile:
        found.append(_digest(key, "mobile", mobile))
    return tuple(found)
