"""The context a card button carries, sealed by the bot.

A card sent to an admin directly (WeCom cards go only to users; Slack and DingTalk cards may land in a
direct message) comes back without the group it is about, and DingTalk does not sign the click's body
at all. So every button that acts on a group carries `{chat}|{ref}|{tag}`: the group's chat id, the
item it is about (a case, a join request), and an HMAC over the platform, tenant, chat, ref and the
button's action. A click whose tag does not match (another group, another case, another action) is
refused. Who clicked is still the platform's word, and their rights are checked on the server.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from chalicelib.settings import Settings, secret

TAG_CHARS = 20


@dataclass(frozen=True)
class Sealed:
    chat: str
    ref: str


def _key(settings: Settings) -> bytes:
    if settings.qg_card_signing_key is not None:
        return secret(settings.qg_card_signing_key).encode()
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
    return hashlib.sha256(f"qunguan-card-seal|{material}".encode()).digest()


def _tag(settings: Settings, *, platform: str, tenant: str, chat: str, ref: str, action: str) -> str:
    message = f"{platform}|{tenant}|{chat}|{ref}|{action}".encode()
    return hmac.new(_key(settings), message, hashlib.sha256).hexdigest()[:TAG_CHARS]


def seal(settings: Settings, *, platform: str, tenant: str, chat: str, ref: str, action: str) -> str:
    tag = _tag(settings, platform=platform, tenant=tenant, chat=chat, ref=ref, action=action)
    return f"{chat}|{ref}|{tag}"


def unseal(settings: Settings, value: str, *, platform: str, tenant: str, action: str) -> Sealed | None:
    """The sealed context, or None when the value was not sealed by us for this action."""
    parts = value.rsplit("|", 2)
    if len(parts) != 3:
        return None
    chat, ref, tag = parts
    expected = _tag(settings, platform=platform, tenant=tenant, chat=chat, ref=ref, action=action)
    return Sealed(chat, ref) if hmac.compare_digest(expected, tag) else None


def derived_key(settings: Settings, purpose: str) -> bytes:
    """A key for another purpose (the web console's session cookies), derived from the signing key, so
    that one secret configured serves both and neither reveals the other."""
    return hmac.new(_key(settings), f"qunguan|{purpose}".encode(), hashlib.sha256).digest()
