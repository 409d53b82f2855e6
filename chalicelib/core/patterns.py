"""Patterns that admins write, run by an engine that cannot backtrack (RE2), on bounded input.

A pattern from a policy (`rules.files.name_pattern`, `membership.real_names.pattern`) is matched against
text that members choose (file names, display names). Python's `re` backtracks: `^(\\w+\\s?)+$` against
a 28-character name takes seconds, and a queue blocked on it blocks the group. RE2 runs in time linear in
the text for every pattern it accepts, and refuses what it cannot run that way (backreferences,
lookarounds), so such a pattern is refused when the policy is validated (`check_pattern`), with the
reason, rather than at the first member who trips it.

The admin writes Python syntax and gets Python's meaning: `\\w`, `\\d` and `\\s` are Unicode classes in
Python (`\\w` matches 张三), ASCII ones in RE2, so they are rewritten to their Unicode equivalents before
compiling; `\\Z` becomes RE2's `\\z`. `\\b` stays RE2's ASCII word boundary (said in default_policy.yaml).

Bounds: a pattern of at most `MAX_PATTERN` characters; a subject of at most `MAX_SUBJECT` characters
(a longer name does not conform: no convention asks for a name that long). `SCAN_LIMIT` is how much of a
message the built-in patterns of the rules read (`scan_text`): Slack, the longest, truncates messages at
40 000 characters, so nothing a platform delivers is cut.

RE2 (`google-re2`, a compiled wheel) is imported on first use only: `import app` and the ingress path
never load it.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

MAX_PATTERN = 300
MAX_SUBJECT = 1024
SCAN_LIMIT = 40_000
_MAX_MEM = 1 << 22  # 4 MiB per compiled pattern; RE2 refuses a pattern whose program would need more

# Python's Unicode classes, spelled for RE2 (https://github.com/google/re2/wiki/Syntax). Python's \s is
# str.isspace(): ASCII blanks with \v, the separators \x1c-\x1f, NEL and every Unicode space (\p{Z}).
_SPACE = r"\s\x{0b}\x{1c}-\x{1f}\x{85}\p{Z}"
_WORD = r"\p{L}\p{N}_"
_OUTSIDE = {
    "w": f"[{_WORD}]",
    "W": f"[^{_WORD}]",
    "d": r"\p{Nd}",
    "D": r"\P{Nd}",
    "s": f"[{_SPACE}]",
    "S": f"[^{_SPACE}]",
    "Z": r"\z",
}
_INSIDE = {"w": _WORD, "d": r"\p{Nd}", "D": r"\P{Nd}", "s": _SPACE}

# What RE2 says, and what the admin is told.
_REASONS = (
    ("(?P", "backreferences ((?P=name)) and recursion are not supported"),
    ("(?=", "lookahead ((?=...)) is not supported"),
    ("(?!", "negative lookahead ((?!...)) is not supported"),
    ("(?<", "lookbehind ((?<=...), (?<!...)) is not supported"),
    ("(?>", "atomic groups ((?>...)) are not supported"),
    ("invalid repetition size", "a repetition count is over 1000, or nested counts multiply past it"),
    ("bad repetition operator", "a repetition (*, +, ?, {n}) follows nothing or another repetition"),
    ("pattern too large", "the pattern is too large: simplify it"),
)


class PatternError(ValueError):
    """A pattern that cannot be run safely; the message says why, in words an admin can act on."""


def check_pattern(text: str) -> str | None:
    """None when `text` is a pattern qunguan can run, else the reason it cannot (for validation)."""
    try:
        _compiled(text)
    except PatternError as exc:
        return str(exc)
    return None


def match_whole(pattern: str, subject: str) -> Mapping[str, str | None] | None:
    """The named groups when `pattern` matches the whole of `subject`, else None (also for a subject
    longer than `MAX_SUBJECT`). Raises PatternError for a pattern that `check_pattern` refuses."""
    if len(subject) > MAX_SUBJECT:
        return None
    match = _compiled(pattern).fullmatch(subject)
    if match is None:
        return None
    groups: dict[str, str | None] = match.groupdict()
    return groups


def scan_text(text: str) -> str:
    """The part of a message the built-in patterns read."""
    return text[:SCAN_LIMIT]


def translate(pattern: str) -> str:
    """The pattern with Python's Unicode classes spelled out for RE2."""
    out: list[str] = []
    in_class = False
    class_start = 0
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            escaped = pattern[i + 1]
            if in_class and escaped in "WS":
                raise PatternError(f"\\{escaped} inside [...] is not supported: write [^...] instead")
            table = _INSIDE if in_class else _OUTSIDE
            out.append(table.get(escaped, char + escaped))
            i += 2
            continue
        if not in_class and char == "[":
            in_class, class_start = True, i
        elif in_class and char == "]" and i > class_start + 1 and pattern[class_start + 1 : i] != "^":
            in_class = False
        out.append(char)
        i += 1
    return "".join(out)


def _reason(error: Exception) -> str:
    raw = error.args[0] if error.args else error
    message = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    if any(message.startswith(f"invalid escape sequence: \\{digit}") for digit in "123456789"):
        return "backreferences (\\1, \\2, ...) are not supported"
    for needle, reason in _REASONS:
        if needle in message:
            return reason
    return f"not a supported regular expression: {message}"


@lru_cache(maxsize=128)
def _compiled(pattern: str) -> Any:  # re2 ships no type information: a re2 `_Regexp`
    if len(pattern) > MAX_PATTERN:
        raise PatternError(f"the pattern is longer than {MAX_PATTERN} characters")
    import re2  # type: ignore[import-untyped]  # lazily: a compiled module, worker-side only

    options = re2.Options()
    options.max_mem = _MAX_MEM
    options.log_errors = False
    try:
        return re2.compile(translate(pattern), options)
    except re2.error as exc:
        raise PatternError(_reason(exc)) from None
