"""Term lexicons matched in one pass over the text, whatever their size (Aho-Corasick, pyahocorasick).

A `Lexicon` holds terms by category and an allow-list. Terms, allow phrases and the text are all
normalised the same way (`chalicelib.core.text.normalise`), so spacing, full-width, case, homoglyph and
separator tricks fold away. A term that starts (or ends) with a Latin letter or digit only matches on a
word boundary there, so "class" never matches "ass" and "Scunthorpe" nothing; CJK terms match as
substrings. An allow phrase suppresses every match it covers ("禁止赌博" covers "赌博").

pyahocorasick looks a node's children up one by one, so a trie whose root has thousands of CJK children
would make matching slow in proportion to the lexicon. Keys and text are therefore fed to it as UTF-8
bytes (spelled as latin-1 characters): no node has more than 256 children, and because UTF-8 is
self-synchronising a byte match always starts and ends on a character boundary.

The automaton is built on the first `match`, never at import, and `lexicon_for` caches one lexicon per
(categories, extra terms, allow-list), so a warm Lambda builds it once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from chalicelib.core.text import is_word_char, normalise_text
from chalicelib.core.textview import text_view

DEFAULT_CATEGORIES = ("abuse", "illegal", "confidential", "promotion")


@dataclass(frozen=True)
class Match:
    """A term found in the text; `start`/`end` index the original (not the normalised) text."""

    category: str
    term: str
    start: int
    end: int


@dataclass
class _Entry:
    """One key of an automaton: its length and word boundaries, and per lexicon (scope) sharing the
    automaton, the terms it stands for and whether it is an allow phrase there."""

    length: int
    bound_start: bool
    bound_end: bool
    hits: list[tuple[int, str, str]]  # (scope, category, term)
    scopes: set[int]  # the scopes the key belongs to (by a term or an allow phrase)
    allow: set[int]  # the scopes where it is an allow phrase


_Spec = tuple[Mapping[str, tuple[str, ...]], tuple[str, ...]]  # terms by category, allow phrases


class _Automaton:
    """One Aho-Corasick automaton over the keys of one or more lexicons (their scopes), built on first
    use: lexicons that read the same messages share one, so a message is scanned once for all of them
    (its hits are kept on the message's text view)."""

    def __init__(self, specs: Sequence[_Spec]) -> None:
        self._specs = tuple(specs)
        self._automaton: Any = None

    def _entries(self) -> dict[str, _Entry]:
        entries: dict[str, _Entry] = {}

        def entry(key: str, scope: int) -> _Entry:
            found = entries.get(key)
            if found is None:
                found = entries[key] = _Entry(
                    len(key), is_word_char(key[0]), is_word_char(key[-1]), [], set(), set()
                )
            found.scopes.add(scope)
            return found

        for scope, (terms, allow) in enumerate(self._specs):
            for category, items in terms.items():
                for term in items:
                    key = normalise_text(term).strip()
                    if key:
                        entry(key, scope).hits.append((scope, category, term))
            for phrase in allow:
                key = normalise_text(phrase).strip()
                if key:
                    entry(key, scope).allow.add(scope)
        return entries

    def built(self) -> Any:
        if self._automaton is None:
            import ahocorasick

            automaton = ahocorasick.Automaton()
            for key, value in self._entries().items():
                automaton.add_word(_bytes(key), value)
            if len(automaton):
                automaton.make_automaton()
            self._automaton = automaton
        return self._automaton


class Lexicon:
    def __init__(
        self,
        terms: Mapping[str, Iterable[str]],
        allow: Iterable[str] = (),
        *,
        automaton: _Automaton | None = None,
        scope: int = 0,
    ) -> None:
        self._terms = {category: tuple(items) for category, items in terms.items()}
        self._allow = tuple(allow)
        self._shared = automaton or _Automaton([(self._terms, self._allow)])
        self._scope = scope

    @classmethod
    def from_terms(cls, terms: Mapping[str, Iterable[str]], allow: Iterable[str] = ()) -> Lexicon:
        return cls(terms, allow)

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(self._terms)

    def __len__(self) -> int:
        return sum(len(items) for items in self._terms.values())

    def match(self, text: str) -> list[Match]:
        """Every term in `text` not covered by an allow phrase, in order of position."""
        automaton = self._shared.built()
        if not text or not len(automaton):
            return []
        # Most texts have no term: the automaton runs on the normalised text alone (the fast path), and
        # only a text with a match to report is normalised again, with the index that maps it back. The
        # normalised text and the automaton's hits in it are the message's view's, shared with the other
        # rules that read it (and with the other lexicons of the automaton).
        view = text_view(text)
        hits = view.hits(automaton)
        if not hits:
            return []
        scope = self._scope
        found: list[tuple[int, int, str, str]] = []
        allowed: list[tuple[int, int]] = []
        folded = view.normalised
        char_at: list[int] | range | None = None
        for last, entry in hits:
            if scope not in entry.scopes:
                continue
            if char_at is None:
                char_at = view.char_at
            start, end = char_at[last] - entry.length + 1, char_at[last] + 1
            # A word character (`is_word_char`, without its call for an ASCII one: never CJK) on a
            # bounded side: not a whole word.
            before = folded[start - 1] if entry.bound_start and start > 0 else ""
            after = folded[end] if entry.bound_end and end < len(folded) else ""
            if (before.isalnum() and (before.isascii() or is_word_char(before))) or (
                after.isalnum() and (after.isascii() or is_word_char(after))
            ):
                continue
            if scope in entry.allow:
                allowed.append((start, end))
            found.extend((start, end, category, term) for at, category, term in entry.hits if at == scope)
        if not found:
            return []
        kept = _uncovered(found, allowed)
        if not kept:
            return []
        normalised = view.indexed
        matches = []
        for start, end, category, term in kept:
            o_start, o_end = normalised.span(start, end)
            matches.append(Match(category, term, o_start, o_end))
        return matches


def _uncovered(
    found: list[tuple[int, int, str, str]], allowed: list[tuple[int, int]]
) -> list[tuple[int, int, str, str]]:
    """The terms found (start, end, category, term) that no allow phrase (start, end) covers, in order.

    A phrase covers a term when it starts at or before it and ends at or after it: with both sorted by
    start, the furthest end of the phrases started so far says so in one pass (checking every phrase for
    every term was quadratic in a message that repeats an allow phrase)."""
    allowed.sort()
    kept = []
    reach, phrase = -1, 0
    for start, end, category, term in sorted(set(found)):
        while phrase < len(allowed) and allowed[phrase][0] <= start:
            reach = max(reach, allowed[phrase][1])
            phrase += 1
        if end <= reach:
            continue
        kept.append((start, end, category, term))
    return kept


def _bytes(text: str) -> str:
    """`text`'s UTF-8 bytes, one latin-1 character per byte (what the automaton is keyed on)."""
    return text.encode("utf-8").decode("latin-1")


def _read_terms(category: str) -> tuple[str, ...]:
    source = resources.files("chalicelib.core.lexicon_data").joinpath(f"{category}.txt")
    lines = (line.split("#", 1)[0].strip() for line in source.read_text(encoding="utf-8").splitlines())
    return tuple(line for line in lines if line)


@lru_cache(maxsize=1)
def default_terms() -> dict[str, tuple[str, ...]]:
    """The shipped lexicon (chalicelib/core/lexicon_data/*.txt), read on first use."""
    return {category: _read_terms(category) for category in DEFAULT_CATEGORIES}


@lru_cache(maxsize=32)
def _cached(terms: tuple[tuple[str, tuple[str, ...]], ...], allow: tuple[str, ...]) -> Lexicon:
    return Lexicon(dict(terms), allow)


_Merged = tuple[tuple[str, tuple[str, ...]], ...]


def _merged(categories: Iterable[str], extra_terms: Mapping[str, Sequence[str]] | None) -> _Merged:
    extra = extra_terms or {}
    defaults = default_terms()
    return tuple(
        (category, tuple(dict.fromkeys((*defaults.get(category, ()), *extra.get(category, ())))))
        for category in categories
    )


def lexicon_for(
    categories: Iterable[str],
    extra_terms: Mapping[str, Sequence[str]] | None = None,
    allow: Sequence[str] = (),
) -> Lexicon:
    """The default terms of `categories` plus the operator's extra terms, cached by content."""
    return _cached(_merged(categories, extra_terms), tuple(allow))


LexiconSpec = tuple[Iterable[str], Mapping[str, Sequence[str]] | None, Sequence[str]]


def lexicons_for(*specs: LexiconSpec) -> tuple[Lexicon, ...]:
    """One lexicon per (categories, extra terms, allow-list), as `lexicon_for` gives them, sharing one
    automaton: a message is scanned once for all of them. Cached by content."""
    return _cached_together(
        tuple((_merged(categories, extra), tuple(allow)) for categories, extra, allow in specs)
    )


@lru_cache(maxsize=32)
def _cached_together(specs: tuple[tuple[_Merged, tuple[str, ...]], ...]) -> tuple[Lexicon, ...]:
    automaton = _Automaton([(dict(terms), allow) for terms, allow in specs])
    return tuple(
        Lexicon(dict(terms), allow, automaton=automaton, scope=scope)
        for scope, (terms, allow) in enumerate(specs)
    )


__all__ = [
    "DEFAULT_CATEGORIES",
    "Lexicon",
    "LexiconSpec",
    "Match",
    "default_terms",
    "lexicon_for",
    "lexicons_for",
]
