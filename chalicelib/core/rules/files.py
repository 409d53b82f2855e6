"""R3.6, R6.1, R6.3 files: allowed types and sizes, a description, the group's file-name convention,
and stale versions of a document.

A disallowed type or an oversized file is a violation (the section's points, removed if `delete`). The
rest only nudge, privately and without points: a file needs a description (its caption, or a message
from the same member shortly before; a message right after cannot be waited for by a pure rule, which is
why this is a nudge); a name that misses `name_pattern` gets the example; and an older version of a
document than one already shared in the group is flagged (`ctx.known_versions`, which the pipeline keeps
up to date with `doc_key_and_version`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from chalicelib.core.events import Event, FileInfo
from chalicelib.core.naming import listed
from chalicelib.core.patterns import match_whole
from chalicelib.core.policy import FilesSettings
from chalicelib.core.rules.base import TEXT_EVENTS, Finding, ParamValue, RuleContext, event_files, event_text
from chalicelib.core.text import canonical

REASONS = tuple(
    f"moderation.reason.files.{kind}"
    for kind in ("type", "size", "name", "name_example", "description", "old_version")
)

# A version is read from the end of a name only: no suffix the patterns accept is longer, and a bounded
# tail keeps them linear however the name is padded (`.*?` before a separator run is quadratic in it).
VERSION_TAIL = 48
_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_VERSION_PATTERNS = (
    # plan_v1.3, 方案-v2, 方案v2, Plan V2.0, plan ver 3, plan version 4
    re.compile(r"^(?P<base>.*?)[\s_\-—.]*(?<![A-Za-z])v(?:er(?:sion)?)?\.?\s*(?P<ver>\d+(?:\.\d+)*)$", re.I),
    # 报告（第3版）, 报告第三版, 报告(第 2 版)
    re.compile(r"^(?P<base>.*?)[\s_\-—]*[（(]?第\s*(?P<ver>\d+|[一二两三四五六七八九十]+)\s*版[）)]?$"),
    # 方案 rev 3, 方案_rev2
    re.compile(r"^(?P<base>.*?)[\s_\-—.]*(?<![A-Za-z])rev\.?\s*(?P<ver>\d+)$", re.I),
)


def split_extension(name: str) -> tuple[str, str]:
    """("plan_v1.3", "pdf") from "plan_v1.3.pdf"; an ending without a letter is not an extension."""
    name = name.strip()
    base, dot, extension = name.rpartition(".")
    if not dot or not extension.isascii() or not extension.isalnum() or extension.isdigit():
        return name, ""
    return base, extension.lower()


def _chinese_number(text: str) -> int | None:
    """1-99 in digits or Chinese numerals (三, 十二, 二十五)."""
    if text.isdigit():
        return int(text)
    if "十" not in text:
        return _CN_DIGITS.get(text)
    tens, _, ones = text.partition("十")
    if (tens and tens not in _CN_DIGITS) or (ones and ones not in _CN_DIGITS):
        return None
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def doc_key_and_version(filename: str) -> tuple[str, tuple[int, ...]] | None:
    """The document a file name is a version of, and which version: `方案-v2.docx` and `方案_v3.pdf` are
    versions (2,) and (3,) of "方案"; `plan_v1.3.pdf` is (1, 3) of "plan"; `报告（第3版）` (3,) of "报告".
    Trailing zeros do not count (v2.0 == v2). None when the name carries no version."""
    base, _ = split_extension(filename)
    head, tail = base[:-VERSION_TAIL], base[-VERSION_TAIL:]
    for pattern in _VERSION_PATTERNS:
        match = pattern.match(tail)
        if not match:
            continue
        key = canonical(head + match.group("base"))
        raw = match.group("ver")
        number = None if "." in raw else _chinese_number(raw)
        if "." in raw:
            parts = [int(part) for part in raw.split(".")]
        elif number is not None:
            parts = [number]
        else:
            continue
        while len(parts) > 1 and parts[-1] == 0:
            parts.pop()
        if key:
            return key, tuple(parts)
    return None


def version_label(version: tuple[int, ...]) -> str:
    return "v" + ".".join(str(part) for part in version)


@dataclass(frozen=True)
class FilesRule:
    settings: FilesSettings
    name: str = "files"
    applies_to: tuple[type[Event], ...] = TEXT_EVENTS

    def _nudge(self, reason: str, params: dict[str, ParamValue]) -> Finding:
        return Finding(
            rule=self.name, severity="low", points=0.0, reason_key=reason, params=params, evidence=params
        )

    def _violation(self, reason: str, params: dict[str, ParamValue]) -> Finding:
        s = self.settings
        return Finding(
            rule=self.name,
            severity=s.severity,
            points=s.points,
            reason_key=reason,
            params=params,
            delete=s.delete,
            evidence=params,
        )

    def _check_file(self, file: FileInfo, ctx: RuleContext) -> list[Finding]:
        s = self.settings
        findings = []
        _, extension = split_extension(file.name)
        if s.allowed_extensions and extension and extension not in s.allowed_extensions:
            allowed = listed(s.allowed_extensions)
            findings.append(
                self._violation(
                    "moderation.reason.files.type", {"name": file.name, "ext": extension, "allowed": allowed}
                )
            )
        if file.size is not None and file.size > s.max_size_mb * 1024 * 1024:
            size_mb = round(file.size / 1024 / 1024, 1)
            params: dict[str, ParamValue] = {"name": file.name, "size_mb": size_mb, "max_mb": s.max_size_mb}
            findings.append(self._violation("moderation.reason.files.size", params))
        if s.name_pattern and match_whole(s.name_pattern, file.name) is None:
            if s.name_example:
                params = {"name": file.name, "example": s.name_example}
                findings.append(self._nudge("moderation.reason.files.name_example", params))
            else:
                findings.append(self._nudge("moderation.reason.files.name", {"name": file.name}))
        doc = doc_key_and_version(file.name) if s.check_versions else None
        if doc is not None:
            latest = ctx.known_versions.get(doc[0])
            if latest is not None and doc[1] < latest:
                params = {
                    "name": file.name,
                    "version": version_label(doc[1]),
                    "latest": version_label(latest),
                }
                findings.append(self._nudge("moderation.reason.files.old_version", params))
        return findings

    def _described(self, event: Event, ctx: RuleContext) -> bool:
        s = self.settings
        if len(canonical(event_text(event))) >= s.min_description_chars:
            return True
        last = ctx.last_message_at
        return last is not None and 0 <= ctx.now - last <= s.description_window_seconds

    def evaluate(self, event: Event, ctx: RuleContext) -> list[Finding]:
        files = event_files(event)
        if not files:
            return []
        findings = [finding for file in files for finding in self._check_file(file, ctx)]
        s = self.settings
        if s.require_description and not self._described(event, ctx):
            minutes = max(1, round(s.description_window_seconds / 60))
            findings.append(self._nudge("moderation.reason.files.description", {"minutes": minutes}))
        return findings
