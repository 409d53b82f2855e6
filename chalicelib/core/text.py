"""Text normalisation for matching, and fingerprints for duplicate detection.

`normalise(text)` is what the lexicon matches against. It folds away the tricks people use to slip a
word past a filter, and keeps, for every character it outputs, the index of the original character it
came from (so a match can be reported in the original text):

- NFKC (full-width ＳＢ -> SB, ligatures, compatibility forms), case folding, diacritics dropped;
- zero-width and other format characters removed;
- Cyrillic and Greek look-alikes mapped to Latin (а -> a, ο -> o);
- separators inserted between letters removed: between two CJK characters (傻 逼, 傻.逼, 傻*逼), inside a
  Latin word when no space is involved (f.u.c.k, f-u-c-k, f_u_c_k), and between single letters even with
  spaces (s b, f u c k); a space between ordinary words stays (one space), so word boundaries survive;
- leetspeak digits (0 1 3 4 5 7 @ $) mapped to letters only inside a token that also has a letter (sh1t,
  a55), never in plain numbers.

Normalisation is idempotent: `normalise(normalise(x).text).text == normalise(x).text`.

`canonical(text)` is the stricter form duplicates are compared on (NFKC, case, width, no spacing, no
punctuation), and `fingerprint(text)` its short sha256.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Characters that may be slipped between the letters of a word. Sentence punctuation (, ; : ! ?) is not
# here: joining across it would glue two clauses into a false match.
SEPARATORS = frozenset(" .-_*·•~|/\\+^`'\"#=‐‑‒–—―・")
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u034f")

HOMOGLYPHS = {
    # Cyrillic (lower case: case folding has already run)
    "а": "a",
    "в": "b",
    "е": "e",
    "к": "k",
    "м": "m",
    "н": "h",
    "о": "o",
    "р": "p",
    "с": "c",
    "т": "t",
    "у": "y",
    "х": "x",
    "ѕ": "s",
    "і": "i",
    "ј": "j",
    "ԁ": "d",
    "ԛ": "q",
    "ԝ": "w",
    "һ": "h",
    "ӏ": "l",
    "ɡ": "g",
    "ı": "i",
    "ɑ": "a",
    # Greek
    "α": "a",
    "β": "b",
    "ε": "e",
    "η": "n",
    "ι": "i",
    "κ": "k",
    "ν": "v",
    "ο": "o",
    "ρ": "p",
    "τ": "t",
    "υ": "u",
    "χ": "x",
    "ω": "w",
    "ϲ": "c",
}

_FOLD_CACHE_SIZE = 65536

LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}


def is_cjk(char: str) -> bool:
    """Han, kana and Hangul: scripts written without spaces, where terms match as substrings."""
    code = ord(char)
    return (
        0x3400 <= code <= 0x4DBF
        or 0x4E00 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0x3040 <= code <= 0x30FF
        or 0xAC00 <= code <= 0xD7AF
        or 0x20000 <= code <= 0x3134F
    )


def is_word_char(char: str) -> bool:
    """A letter or digit of a space-separated script: what a Latin term's word boundary looks at."""
    return char.isalnum() and not is_cjk(char)


def _fold_once(char: str) -> str:
    if char in ZERO_WIDTH:
        return ""
    category = unicodedata.category(char)
    if category in ("Cf", "Cs") or (category == "Cc" and not char.isspace()):
        return ""
    if char.isspace():
        return " "
    folded = unicodedata.normalize("NFKC", char).casefold()
    bare = "".join(c for c in unicodedata.normalize("NFD", folded) if not unicodedata.combining(c))
    return "".join(HOMOGLYPHS.get(c, c) for c in unicodedata.normalize("NFC", bare))


@lru_cache(maxsize=_FOLD_CACHE_SIZE)
def fold_char(char: str) -> str:
    """One character folded (NFKC, case, diacritics, homoglyphs), applied until nothing changes."""
    current = _fold_once(char)
    for _ in range(4):
        following = "".join(_fold_once(c) for c in current)
        if following == current:
            break
        current = following
    return current


@dataclass(frozen=True)
class Normalised:
    """Normalised text, and for each of its characters the index of the original character."""

    text: str
    index: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of normalised characters [start, end)."""
        return self.index[start], self.index[end - 1] + 1


_CJK_CLASS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\U00020000-\U0003134f"
_GAP = re.compile("[" + re.escape("".join(sorted(SEPARATORS))) + "]+")
_LEET_CHAR = re.compile("[" + re.escape("".join(LEET)) + "]")
_LEET_TOKEN = re.compile(f"(?:[@$]|(?![{_CJK_CLASS}])[^\\W_])+")


_IRREGULAR: set[str] = set()


class _FoldTable(dict[int, str]):
    """A `str.translate` table filled on demand (up to a bound, so odd input cannot grow it without
    limit); `_IRREGULAR` keeps the characters that do not fold one-to-one, so ordinary text takes the
    fast path for its index."""

    def __missing__(self, code: int) -> str:
        folded = fold_char(chr(code))
        if len(folded) != 1:
            _IRREGULAR.add(chr(code))
        if len(self) < _FOLD_CACHE_SIZE:
            self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()


# The fold's fast path for Chinese text. Every character of `_PLAIN_CHARS` folds as `str.lower` leaves
# it: printable ASCII to its lower case, the Han ideographs of the two main blocks, the CJK punctuation
# and the curly quotes and dash to themselves (no case, no compatibility form, no mark, no homoglyph;
# `tests/core/test_textview.py` checks every one). The full-width punctuation of `_WIDE` folds to its
# ASCII form. A text made of those alone (what `_NOT_PLAIN` finds nothing in) folds by `str.lower` and a
# `str.replace` per full-width mark it has: C scans, where `str.translate` looks each character of a
# non-ASCII text up one by one (half the cost of a short Chinese message's view).
_PLAIN_CHARS = (
    "\x20-\x7e\u2014\u2018\u2019\u201c\u201d\u3001-\u3029\u3030-\u3035\u3037\u303b-\u303f"
    "\u3400-\u4dbf\u4e00-\u9fff"
)
_WIDE = tuple((char, fold_char(char)) for char in "，！？：；（）" if fold_char(char) != char)
_NOT_PLAIN = re.compile(f"[^{_PLAIN_CHARS}{''.join(char for char, _ in _WIDE)}]")


def fold_text(text: str) -> str:
    """Every character folded by `fold_char` (no separators joined, no leetspeak): one C-speed pass.
    Printable ASCII folds to its lower case (NFKC and the marks leave it as it is, no homoglyph is
    ASCII), which `str.lower` gives ten times faster than the table; so does ordinary Chinese text
    (`_NOT_PLAIN`), with its full-width punctuation replaced."""
    if text.isascii():
        if text.isprintable():
            return text.lower()
    elif not _NOT_PLAIN.search(text):
        folded = text.lower()
        for wide, narrow in _WIDE:
            if wide in folded:
                folded = folded.replace(wide, narrow)
        return folded
    return text.translate(_FOLD_TABLE)


def _fold(text: str) -> tuple[str, list[int]]:
    folded = text.translate(_FOLD_TABLE)
    if _IRREGULAR.isdisjoint(text):
        return folded, list(range(len(text)))
    return folded, [position for position, char in enumerate(text) for _ in fold_char(char)]


def _joinable(char: str) -> bool:
    # @ and $ count as letters here because leetspeak may turn them into letters afterwards; deciding
    # the same way before and after is what keeps normalisation idempotent.
    return is_word_char(char) or char in "@$"


def _joins(text: str, start: int, end: int) -> bool:
    """Whether the separator run text[start:end] sits between letters it should be removed from."""
    if start == 0 or end == len(text):
        return False
    last, first = text[start - 1], text[end]
    if is_cjk(last) and is_cjk(first):
        return True
    if " " not in text[start:end] and _joinable(last) and _joinable(first):
        return True
    single_left = (last.isalnum() or last in "@$") and (start == 1 or text[start - 2] in SEPARATORS)
    single_right = (first.isalnum() or first in "@$") and (
        end + 1 == len(text) or text[end + 1] in SEPARATORS
    )
    return single_left and single_right


def _join(text: str, index: list[int]) -> tuple[str, list[int]]:
    parts: list[str] = []
    positions: list[int] = []
    done = 0
    for gap in _GAP.finditer(text):
        start, end = gap.span()
        parts.append(text[done:start])
        positions.extend(index[done:start])
        done = end
        if _joins(text, start, end):
            continue
        if gap.group().strip(" "):
            parts.append(gap.group())
            positions.extend(index[start:end])
        else:
            parts.append(" ")
            positions.append(index[start])
    if not done:
        return text, index
    parts.append(text[done:])
    positions.extend(index[done:])
    return "".join(parts), positions


def _unleet(text: str) -> str:
    if not _LEET_CHAR.search(text):
        return text

    def token(match: re.Match[str]) -> str:
        word = match.group()
        if any(c.isalpha() for c in word) and _LEET_CHAR.search(word):
            return "".join(LEET.get(c, c) for c in word)
        return word

    return _LEET_TOKEN.sub(token, text)


def normalise(text: str) -> Normalised:
    folded, index = _join(*_fold(text))
    return Normalised(_unleet(folded), tuple(index))


# The fast path of `normalise_text`: the same text as `normalise`, without the index, and without a
# Python step for what cannot change. Most separator runs are one space between two words, which `_join`
# keeps as it is; `_CHANGING_GAP` finds only the runs it may change (a run with another separator in it,
# several spaces, one space between two CJK characters or between two single letters), and `_gap` decides
# those with `_joins`, as `_join` does. Likewise `_unleet_near` visits only the tokens of `_LEET_TOKEN`
# around a digit, @ or $ next to a letter (`_LEET_NEAR`), and changes them as `_unleet`'s own `token`
# does. The pattern is linear (every repetition possessive, a match only where a run starts), and so is
# `_unleet_near` (each character is looked at at most twice).
_SEP = re.escape("".join(sorted(SEPARATORS)))
_SEP_NOT_SPACE = re.escape("".join(sorted(SEPARATORS - {" "})))
_ALNUM = r"(?:[@$]|[^\W_])"  # str.isalnum(), or @ and $ (as in `_joins`)
_CJK_ONLY = f"[{_CJK_CLASS}]"
# The pattern opens with one class of the separators, the only characters a run starts with, so that
# `re` skips to the next one in C (a leading alternation of classes would make it try every position);
# a match starts a run (no separator before it: every match of the pattern did, and this keeps a run
# turned away whole from matching in part); the branches then tell a run that opened with another
# separator from one that opened with a space. A run of the first kind that ends the text is kept as it
# is (`_joins` never joins at an end, and such a run is not all spaces), so it is not matched: most
# sentences end with one.
_CHANGING_GAP = re.compile(
    rf"[{_SEP}](?<![{_SEP}][{_SEP}])(?:(?<![ ])[{_SEP}]*+(?!\Z)"
    rf"|[ ]*+[{_SEP_NOT_SPACE}][{_SEP}]*+|[ ]++"
    rf"|(?<={_CJK_ONLY}[ ])(?={_CJK_ONLY})"
    rf"|(?:(?<=\A{_ALNUM}[ ])|(?<=[{_SEP}]{_ALNUM}[ ]))(?={_ALNUM}(?:\Z|[{_SEP}])))"
)
# The same in ASCII text, which has no CJK character and whose `_ALNUM` is a list of characters (a class
# with a category in it is scanned at half the speed).
_ASCII_ALNUM = "[@$0-9A-Za-z]"
_CHANGING_GAP_ASCII = re.compile(
    rf"[{_SEP}](?<![{_SEP}][{_SEP}])(?:(?<![ ])[{_SEP}]*+(?!\Z)"
    rf"|[ ]*+[{_SEP_NOT_SPACE}][{_SEP}]*+|[ ]++"
    rf"|(?:(?<=\A{_ASCII_ALNUM}[ ])|(?<=[{_SEP}]{_ASCII_ALNUM}[ ]))(?={_ASCII_ALNUM}(?:\Z|[{_SEP}])))"
)


# In ASCII text a run that opens with a space can change only where a space is followed by another
# separator (branches 2 and 3 above) or stands between two single letters (branch 5; branch 4 needs
# CJK): `_SPACE_MAY_CHANGE` looks for those, opened by the space alone (`re` skips to the next one in C and
# checks two characters there, where `_CHANGING_GAP_ASCII` tries its branches at every space). A text
# without any has only the runs that open with another separator to change (branch 1: `_MARK_GAP`).
_SPACE_MAY_CHANGE = re.compile(
    rf" (?:[{_SEP}]|(?={_ASCII_ALNUM}(?:\Z|[{_SEP}]))(?:(?<=\A{_ASCII_ALNUM} )|(?<=[{_SEP}]{_ASCII_ALNUM} )))"
)
_MARK_GAP = re.compile(rf"[{_SEP_NOT_SPACE}](?<![{_SEP}][{_SEP}])[{_SEP}]*+(?!\Z)")


# A letter-like character next to a digit, @ or $: every token with a letter and a leet character has
# one (the characters between its nearest letter and leet character can only be digits). It opens with
# the digit, @ or $ (one class, which `re` skips to in C) and looks at its two neighbours.
_LEET_NEAR = re.compile(r"[\d@$](?:(?<=[^\W\d_][\d@$])|(?=[^\W\d_]))")
# The same in ASCII text, spelled with ASCII classes (\d is [0-9] there, and [^\W\d_] is [A-Za-z]): a
# class with \d in it is scanned at half the speed of a list of characters.
_LEET_NEAR_ASCII = re.compile(r"[0-9@$](?:(?<=[A-Za-z][0-9@$])|(?=[A-Za-z]))")


def _gap(match: re.Match[str]) -> str:
    text, (start, end) = match.string, match.span()
    gap = match.group()
    # The usual changing run: a mark between two ASCII letters or digits (let's, wi-fi, e.g), which
    # `_joins` joins (no space in it, both neighbours joinable), decided here without its steps.
    if start > 0 and end < len(text) and " " not in gap:
        last, first = text[start - 1], text[end]
        if last.isascii() and first.isascii() and last.isalnum() and first.isalnum():
            return ""
    if _joins(text, start, end):
        return ""
    return gap if gap.strip(" ") else " "


# A run of the characters of `_LEET_TOKEN`'s tokens (@, $, letters and digits outside CJK), possessive.
_TOKEN_RUN = re.compile(f"(?:[@$]|[^\\W_{_CJK_CLASS}])*+")
_TOKEN_RUN_ASCII = re.compile("[@$0-9A-Za-z]*+")  # the same in ASCII text


def _run_end(run: re.Pattern[str], text: str, at: int) -> int:
    """Where the run of `run` (which matches the empty string too) starting at `at` ends."""
    found = run.match(text, at)
    return found.end() if found else at


def _unleet_near(joined: str) -> str:
    """`_unleet(joined)`: each token with a leet character and a letter has its leet characters turned
    into letters. Only the tokens around a `_LEET_NEAR` match can (see there), so only they are looked
    at, in order: from the match on to the token's end (`_TOKEN_RUN`), and back to its start (the same
    pattern on the reversed text), which is never before the end of the token looked at before it; the
    matches inside a token looked at are skipped. So each character is read at most twice: linear."""
    parts: list[str] = []
    done = 0  # what `parts` holds of `joined`
    read = 0  # the end of the last token looked at (a character that is not a token's follows it)
    size = len(joined)
    backwards = ""
    ascii_only = joined.isascii()
    token_run = _TOKEN_RUN_ASCII if ascii_only else _TOKEN_RUN
    for near in (_LEET_NEAR_ASCII if ascii_only else _LEET_NEAR).finditer(joined):
        at = near.start()
        if at < read:
            continue
        if not backwards:
            backwards = joined[::-1]
        start = size - _run_end(token_run, backwards, size - at)
        end = read = _run_end(token_run, joined, at)
        word = joined[start:end]
        if _LEET_CHAR.search(word) and any(c.isalpha() for c in word):
            parts.append(joined[done:start])
            parts.append("".join(LEET.get(c, c) for c in word))
            done = end
    if not parts:
        return joined
    parts.append(joined[done:])
    return "".join(parts)


def normalise_text(text: str) -> str:
    """`normalise(text).text`, faster: what the lexicon matches, when no index into the text is needed."""
    return normalise_folded(fold_text(text))


def normalise_folded(folded: str) -> str:
    """`normalise_text` of a text whose `fold_text` is `folded` (the fold shared with other readers)."""
    if not folded.isascii():
        gaps = _CHANGING_GAP
    elif _SPACE_MAY_CHANGE.search(folded):
        gaps = _CHANGING_GAP_ASCII
    else:
        gaps = _MARK_GAP
    joined = gaps.sub(_gap, folded)
    # Nothing to undo without a digit, @ or $ next to a letter (`_unleet_near`): most texts with numbers
    # in them ("10 点", "(3)") are told so by one scan, without its steps.
    if not (_LEET_NEAR_ASCII if joined.isascii() else _LEET_NEAR).search(joined):
        return joined
    return _unleet_near(joined)


class _KeptTable(dict[int, int | None]):
    """A `str.translate` table that drops what `canonical` does not compare (punctuation, spacing,
    controls: Unicode categories P*, Z*, C*; and the separators) and keeps every other character, filled
    on demand as `_FoldTable` is."""

    def __missing__(self, code: int) -> int | None:
        char = chr(code)
        kept = None if unicodedata.category(char)[0] in "PZC" or char in SEPARATORS else code
        if len(self) < _FOLD_CACHE_SIZE:
            self[code] = kept
        return kept


_KEPT_TABLE = _KeptTable()


def canonical(text: str) -> str:
    """The content duplicates are compared on: folded, with spacing, punctuation and controls removed."""
    return canonical_folded(fold_text(text))


def canonical_folded(folded: str) -> str:
    """`canonical` of a text whose `fold_text` is `folded` (the fold shared with other readers): every
    folded character but the ones it drops, one C-speed pass."""
    return folded.translate(_KEPT_TABLE)


def fingerprint(text: str) -> str:
    """A short, stable hash of `canonical(text)`: what the duplicate counters are keyed on."""
    return digest_of(canonical(text))


def digest_of(canonical_text: str) -> str:
    """`fingerprint` of a text whose `canonical` form is `canonical_text`."""
    return hashlib.sha256(canonical_text.encode("utf-8")).hexdigest()[:16]


__all__ = [
    "Normalised",
    "canonical",
    "canonical_folded",
    "digest_of",
    "fingerprint",
    "fold_char",
    "fold_text",
    "is_cjk",
    "is_word_char",
    "normalise",
    "normalise_folded",
    "normalise_text",
]
