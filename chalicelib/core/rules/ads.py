"""R3.5 ads and private dealings, without an admin's permission.

Strong signals make an ad by themselves: a link to a domain not on the allow-list (with `links:
strict`), or contact details offered (`chalicelib.core.rules.contacts`: a WeChat, QQ or LINE id after
its cue, a mainland or Taiwan mobile number next to "加我", "联系", "contact"...). Weak signals count
only together: promotion words (the lexicon's `promotion` category and the policy's extra words),
QR-code hints, and links with `links: signal`. The patterns read at most `SCAN_LIMIT` characters and
run in linear time (`tests/security/test_redos.py`).

A one-time pass (`ctx.ads_pass`, granted by an admin) turns what would be a finding into a waived one:
nothing happens, and the engine tells the pipeline to use the pass up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from chalicelib.core.events import Event
from chalicelib.core.lexicon import Lexicon, LexiconSpec, lexicon_for
from chalicelib.core.patterns import scan_text
from chalicelib.core.policy import AdsSettings
from chalicelib.core.rules.base import TEXT_EVENTS, Finding, RuleContext, event_text
from chalicelib.core.rules.contacts import offered_in
from chalicelib.core.textview import text_view

LINK_REASON = "moderation.reason.ads.link"
CONTACT_REASON = "moderation.reason.ads.contact"
PROMOTION_REASON = "moderation.reason.ads.promotion"
REASONS = (LINK_REASON, CONTACT_REASON, PROMOTION_REASON)

_TLDS = (
    "com|cn|net|org|io|co|cc|top|xyz|info|biz|me|app|dev|ly|vip|shop|site|online|club|link|live|tv|ai|"
    "hk|tw|us|uk|jp|store|tech|fun|icu|pro|gg|to|so|la|ink|work|wang|ltd|asia"
)
URL = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>|\"'，。！？、）)\]」]+")
BARE_DOMAIN = re.compile(
    rf"(?i)(?<![A-Za-z0-9@./_-])(?:[a-z0-9](?:[a-z0-9-]{{0,61}}[a-z0-9])?\.)+(?:{_TLDS})(?![A-Za-z0-9-])"
    r"(?:/[^\s<>|\"'，。！？、）)\]」]*)?"
)
QR_HINT = re.compile(r"(?i)扫码|掃碼|扫一扫|掃一掃|二维码|二維碼|qr\s?code|scan\s++(?:the\s++|this\s++)?qr")
# Necessary conditions, each one regex pass: a link has "://", "www." or a label character, a dot and
# another label character (in the same case-insensitive sense as URL and BARE_DOMAIN); a QR hint has 扫,
# 掃, 二 or q and r (its Latin forms all spell "qr"). Each pattern opens with the only characters a match
# can start at, as literals or one class without case folding: that is what lets `re` skip to the next
# candidate in C (a leading class under (?i), or an alternation of classes, makes it try every position
# of the message); the rest is checked around that character.
LINK_GATE = re.compile(r"(?i)\.(?:(?<=[a-z0-9]\.)[a-z0-9]|(?<=www\.))|://")
QR_GATE = re.compile(r"[Qq扫掃二](?:(?<=[扫掃二])|(?i:r))")


def link_hosts(text: str) -> list[str]:
    """The host of every link in the text, lower-cased (Slack's `<url|label>` form included)."""
    hosts: list[str] = []
    if not LINK_GATE.search(text):
        return hosts
    for match in (*URL.finditer(text), *BARE_DOMAIN.finditer(text)):
        raw = match.group()
        url = raw if "://" in raw else f"http://{raw}"
        try:
            host = urlsplit(url).hostname
        except ValueError:
            continue
        if host:
            hosts.append(host.rstrip("."))
    return list(dict.fromkeys(hosts))


def domain_allowed(host: str, allowed: tuple[str, ...]) -> bool:
    return any(host == domain or host.endswith(f".{domain}") for domain in allowed)


@dataclass(frozen=True)
class AdsRule:
    settings: AdsSettings
    promotion: Lexicon
    name: str = "ads"
    applies_to: tuple[type[Event], ...] = TEXT_EVENTS

    @classmethod
    def from_settings(cls, settings: AdsSettings, promotion: Lexicon | None = None) -> AdsRule:
        """With the cached lexicon of promotion words (or the one given: the same words, sharing their
        automaton with the lexicon rule's, `promotion_spec`)."""
        return cls(settings, promotion or lexicon_for(*promotion_spec(settings)))

    def evaluate(self, event: Event, ctx: RuleContext) -> list[Finding]:
        s = self.settings
        text = scan_text(event_text(event))
        if not text:
            return []
        hosts = link_hosts(text)
        foreign = [host for host in hosts if not domain_allowed(host, s.allowed_domains)] if hosts else hosts
        contacts = offered_in(text_view(text)) if s.contact_details else []
        matches = self.promotion.match(text) if s.promotion_words else ()
        words = {match.term for match in matches} if matches else set()
        strict = s.links == "strict"
        weak = len(words) + (len(foreign) if s.links == "signal" else 0)
        if not (foreign and strict) and not contacts and weak + 1 < s.weak_signals_needed:
            return []  # not an ad, with a QR hint or without: no need to look for one
        qr = bool(s.qr_hints and QR_GATE.search(text) and QR_HINT.search(text))
        weak += qr
        if foreign and strict:
            reason, params = LINK_REASON, {"domain": foreign[0]}
        elif contacts:
            reason, params = CONTACT_REASON, {}
        elif weak >= s.weak_signals_needed:
            reason, params = PROMOTION_REASON, {}
        else:
            return []
        waived = ctx.ads_pass
        return [
            Finding(
                rule=self.name,
                severity=s.severity,
                points=0.0 if waived else s.points,
                reason_key=reason,
                params=params,
                delete=s.delete and not waived,
                waived=waived,
                evidence={
                    "domains": foreign,
                    "contacts": contacts,
                    "promotion_words": len(words),
                    "qr_hint": qr,
                },
            )
        ]


def promotion_spec(settings: AdsSettings) -> LexiconSpec:
    """What the rule's lexicon is made of: the shipped promotion words and the policy's extra ones."""
    if not settings.promotion_words:
        return (), {}, ()
    return ("promotion",), {"promotion": settings.extra_words}, ()
