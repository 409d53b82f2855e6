"""R4.4, R5.7 sensitive data: personal and secret data posted in the group.

Only validated matches count: a Chinese resident ID number needs a real province code, a plausible birth
date and the ISO 7064 MOD 11-2 check digit; a bank-card number 16-19 digits that start like a card
network's (3-6: UnionPay 62, Visa 4, Mastercard 5, JCB/Amex 3) and pass Luhn; a mobile number a
mainland prefix. API keys are recognised by their well-known prefixes (AKIA, xoxb-, ghp_, sk-,
private-key blocks) and passwords by an explicit assignment ("password: …", "密码：…").

The matched value never leaves this module: a finding names the kind and a masked form
(`1101**********1234`), and is marked sensitive so the message is shown to nobody but its author.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from chalicelib.core.events import Event
from chalicelib.core.patterns import scan_text
from chalicelib.core.policy import PiiSettings
from chalicelib.core.rules.base import TEXT_EVENTS, Finding, RuleContext, event_text
from chalicelib.core.text import is_cjk

KINDS = ("secret", "id_card", "bank_card", "mobile", "email")
REASONS = tuple(f"moderation.reason.pii.{kind}" for kind in KINDS)

PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46}
    | {50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91}
)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"

ID_CARD = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
BANK_CARD = re.compile(r"(?<![0-9])(?:[3-6]\d{15,18}|[3-6]\d{3}(?:[ -]\d{4}){3}(?:[ -]?\d{1,3})?)(?![0-9])")
MOBILE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?![0-9])")
MOBILE_PREFIX = re.compile(r"1(?:3\d|4[5-9]|5[0-35-9]|6[2567]|7[0-8]|8\d|9[0-35-9])")
EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9-])"
)
SECRET_TOKENS = (
    re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![0-9A-Z])"),
    re.compile(r"(?<![A-Za-z0-9])xox[abprse]-[0-9A-Za-z-]{10,}"),
    re.compile(r"(?<![A-Za-z0-9_])(?:gh[pousr]_[0-9A-Za-z]{36,}|github_pat_[0-9A-Za-z_]{22,})"),
    re.compile(r"(?<![A-Za-z0-9_-])sk-(?:proj-|ant-|live-|test-)?[A-Za-z0-9_-]{20,}"),
    re.compile(r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----"),
)
PASSWORD = re.compile(
    r"(?i)(?<![A-Za-z])(?:password|passwd|pwd|密码|密碼|口令)\s*(?:是|为|為|[:：=])\s*(?P<value>[^\s，。；,;]{4,64})"
)
PLACEHOLDER = frozenset("*xX.•·_-<>[]{}()?？…")

# Cheap necessary conditions, checked before the patterns above (most messages have none of them):
# the literal each secret token pattern starts with, a password cue (the same words, case-insensitive,
# as PASSWORD), and 11 digits in a row with at most a single - or space between two (every ID card,
# bank card and mobile number has that).
SECRET_CUES = (("AKIA", "ASIA"), ("xox",), ("gh",), ("sk-",), ("-----BEGIN ",))
PASSWORD_CUE = re.compile(r"(?i)p(?:ass(?:wd|word)|wd)|密[码碼]|口令")
DIGIT_RUN = re.compile(r"\d(?:[- ]?\d){10}")
NUMBER_KINDS = frozenset({"id_card", "bank_card", "mobile"})
# All of them in one pass, for the rule's early exit: a text that fails this has no hit of any kind
# (the secret cues as the token patterns need them: gh only before [pousr]_ or in github_pat_).
ANY_CUE_BODY = (
    r"AKIA|ASIA|xox|gh[pousr]_|github_pat_|sk-|-----BEGIN |@|\d(?:[- ]?\d){10}"
    r"|(?i:p(?:ass(?:wd|word)|wd)|密[码碼]|口令)"
)
# The same search, opened by one class of characters that every cue has (`re` skips to the next of them
# in C, where an alternation at the top would make it try every branch at every position), chosen rare
# in ordinary chat: the @, a digit, the A of AKIA/ASIA, the x of xox, the _ of the GitHub tokens, the -
# of sk- and of the key block, the w of the password words (case-insensitive: (?i)w matches W and w
# only), 密 and 口; at each, look-arounds ask whether the cue it belongs to is there. (Opening with the
# first character of each cue stopped at every s, g and p of an English sentence.)
CUE_STARTS = r"-@A_xWw密口\d"
ANY_CUE = re.compile(
    rf"[{CUE_STARTS}]"
    r"(?:(?<=@)"
    r"|(?<=\d)(?=(?:[- ]?\d){10})"
    r"|(?<=A)(?=KIA|SIA)"
    r"|(?<=x)(?=ox)"
    r"|(?<=gh[pousr]_)|(?<=github_pat_)"
    r"|(?<=sk-)|(?<=-)(?=----BEGIN )"
    r"|(?<=(?i:p)[Ww])(?=(?i:d))|(?<=(?i:pass)[Ww])(?=(?i:d|ord))"
    r"|(?<=密)(?=[码碼])|(?<=口)(?=令))"
)
# The same for ASCII text, where \d is [0-9]: a class with \d in it is scanned several times slower than a
# list of characters, and most English messages are ASCII.
ANY_CUE_ASCII = re.compile(ANY_CUE.pattern.replace("\\d", "0-9", 1).replace("\\d", "[0-9]"))


@dataclass(frozen=True)
class Hit:
    kind: str
    start: int
    end: int
    masked: str


def valid_id_card(number: str, today: date) -> bool:
    """A mainland resident ID: province code, a birth date between 1900 and today, the check digit."""
    if len(number) != 18 or not number[:17].isdigit() or int(number[:2]) not in PROVINCES:
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if not date(1900, 1, 1) <= born <= today:
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], ID_WEIGHTS, strict=True))
    return number[17].upper() == ID_CHECK[total % 11]


def luhn(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def valid_bank_card(digits: str) -> bool:
    return 16 <= len(digits) <= 19 and len(set(digits)) > 1 and luhn(digits)


def _mask(value: str, keep_start: int, keep_end: int) -> str:
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[len(value) - keep_end :]


def _secret_mask(token: str) -> str:
    prefix = re.match(r"-----BEGIN|[A-Za-z]+[_-](?:proj-|ant-|live-|test-)?|AKIA|ASIA", token)
    return (prefix.group() if prefix else "") + "****"


def _password_ok(value: str) -> bool:
    value = value.rstrip(".!！)）]」")
    if len(value) < 6 or all(c in PLACEHOLDER for c in value) or any(is_cjk(c) for c in value):
        return False
    # A bare word ("password: required") is prose, not a password.
    return any(c.isdigit() or not c.isalnum() for c in value) and len(set(value)) > 1


def _secrets(text: str, today: date) -> Iterator[Hit]:
    for pattern, cues in zip(SECRET_TOKENS, SECRET_CUES, strict=True):
        if not any(cue in text for cue in cues):
            continue
        for match in pattern.finditer(text):
            token = match.group()
            if token.startswith("sk-"):
                body = token.split("-")[-1]
                if not (re.search(r"[0-9A-Za-z]{16,}", body) and re.search(r"\d", body)):
                    continue
            yield Hit("secret", match.start(), match.end(), _secret_mask(token))
    if not PASSWORD_CUE.search(text):
        return
    for match in PASSWORD.finditer(text):
        if _password_ok(match.group("value")):
            yield Hit("secret", match.start("value"), match.end("value"), "******")


def _id_cards(text: str, today: date) -> Iterator[Hit]:
    for match in ID_CARD.finditer(text):
        if valid_id_card(match.group(), today):
            yield Hit("id_card", match.start(), match.end(), _mask(match.group(), 4, 4))


def _bank_cards(text: str, today: date) -> Iterator[Hit]:
    for match in BANK_CARD.finditer(text):
        digits = re.sub(r"[ -]", "", match.group())
        if valid_bank_card(digits):
            yield Hit("bank_card", match.start(), match.end(), _mask(digits, 4, 4))


def _mobiles(text: str, today: date) -> Iterator[Hit]:
    for match in MOBILE.finditer(text):
        number = "".join(match.groups())
        if MOBILE_PREFIX.match(number):
            yield Hit("mobile", match.start(), match.end(), _mask(number, 3, 4))


def _emails(text: str, today: date) -> Iterator[Hit]:
    for match in EMAIL.finditer(text):
        address = match.group()
        local, domain = address.rsplit("@", 1)
        if ".." in local or ".." in domain:
            continue
        yield Hit("email", match.start(), match.end(), f"{local[0]}***@{domain}")


DETECTORS: tuple[tuple[str, Callable[[str, date], Iterator[Hit]]], ...] = (
    ("secret", _secrets),
    ("id_card", _id_cards),
    ("bank_card", _bank_cards),
    ("mobile", _mobiles),
    ("email", _emails),
)


def find_pii(text: str, today: date, kinds: tuple[str, ...] = KINDS) -> list[Hit]:
    """Validated hits, most specific kind first; a span claimed by one kind is not counted again."""
    hits: list[Hit] = []
    claimed = _Spans()
    numbers: bool | None = None
    for kind, detect in DETECTORS:
        if kind not in kinds:
            continue
        if kind in NUMBER_KINDS:
            if numbers is None:
                numbers = DIGIT_RUN.search(text) is not None
            if not numbers:
                continue
        elif kind == "email" and "@" not in text:
            continue
        for hit in detect(text, today):
            if claimed.claim(hit.start, hit.end):
                hits.append(hit)
    return hits


class _Spans:
    """Disjoint spans, sorted: whether a new one overlaps any is a look at its two neighbours, so a
    message of a thousand addresses costs a thousand look-ups, not a million comparisons."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def claim(self, start: int, end: int) -> bool:
        """Add [start, end) unless it overlaps a span already claimed; whether it was added."""
        at = bisect.bisect_right(self.starts, start)
        if (at and self.ends[at - 1] > start) or (at < len(self.starts) and self.starts[at] < end):
            return False
        self.starts.insert(at, start)
        self.ends.insert(at, end)
        return True


@dataclass(frozen=True)
class PiiRule:
    settings: PiiSettings
    name: str = "pii"
    applies_to: tuple[type[Event], ...] = TEXT_EVENTS
    enabled: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        kinds = self.settings.kinds
        object.__setattr__(self, "enabled", tuple(kind for kind in KINDS if getattr(kinds, kind).enabled))

    def evaluate(self, event: Event, ctx: RuleContext) -> list[Finding]:
        s = self.settings
        text = scan_text(event_text(event))
        if not (ANY_CUE_ASCII if text.isascii() else ANY_CUE).search(text):
            return []
        today = datetime.fromtimestamp(ctx.now, UTC).date()
        by_kind: dict[str, list[Hit]] = {}
        for hit in find_pii(text, today, self.enabled):
            by_kind.setdefault(hit.kind, []).append(hit)
        findings = []
        for kind, hits in by_kind.items():
            settings = getattr(s.kinds, kind)
            points = s.points if settings.points is None else settings.points
            delete = s.delete and settings.delete
            findings.append(
                Finding(
                    rule=self.name,
                    severity=s.severity if (points or delete) else "low",
                    points=points,
                    reason_key=f"moderation.reason.pii.{kind}",
                    params={"masked": hits[0].masked, "count": len(hits)},
                    delete=delete,
                    sensitive=True,
                    evidence={
                        "kind": kind,
                        "masked": [hit.masked for hit in hits],
                        "spans": [(hit.start, hit.end) for hit in hits],
                    },
                )
            )
        return findings
