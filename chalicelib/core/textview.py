"""One message's text as the rules read it: each derived form computed at most once per message.

The lexicon, the ads rule (its contact gate and promotion words), PII, emoji and length rules all read
the same text in turn. `text_view(text)` gives its `TextView`, kept for the last few texts, so that the
fold (the lexicon's and the contact gate's), the lexicon's normalisation, its automaton key and the
automaton's hits (one pass for the lexicon rule and the ads rule's promotion words, which share an
automaton), the count of visible characters (the emoji and length rules') and the fingerprint the
duplicate counters are keyed on (the moderation signals', from the same fold) are computed once per
message instead of once per reader. Every form is computed on first use, so a rule set that never asks
for one never pays for it; each is exactly what the function it names returns for the text
(`fold_text`, `normalise_text`, ...), so a rule decides the same with or without the view
(`tests/core/test_textview.py`).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from chalicelib.core.text import (
    Normalised,
    canonical_folded,
    digest_of,
    fold_text,
    normalise,
    normalise_folded,
)

_VIEW_CACHE_SIZE = 8


class TextView:
    """A text and its derived forms, each computed on first use."""

    __slots__ = (
        "_char_at",
        "_fingerprint",
        "_folded",
        "_hits",
        "_hits_of",
        "_indexed",
        "_keyed",
        "_normalised",
        "_visible",
        "text",
    )

    def __init__(self, text: str) -> None:
        self.text = text
        self._folded: str | None = None
        self._fingerprint: str | None = None
        self._normalised: str | None = None
        self._keyed: str | None = None
        self._visible: int | None = None
        self._hits_of: object = None
        self._hits: list[tuple[int, Any]] = []
        self._char_at: list[int] | range | None = None
        self._indexed: Normalised | None = None

    @property
    def folded(self) -> str:
        """`fold_text(text)`: every character folded (NFKC, case, marks, homoglyphs), nothing joined."""
        if self._folded is None:
            self._folded = fold_text(self.text)
        return self._folded

    @property
    def normalised(self) -> str:
        """`normalise_text(text)`: what the lexicon matches (the fold, separators joined, leetspeak)."""
        if self._normalised is None:
            self._normalised = normalise_folded(self.folded)
        return self._normalised

    @property
    def fingerprint(self) -> str:
        """`fingerprint(text)`: the hash of the canonical form (the fold, spacing and punctuation
        dropped) the duplicate counters are keyed on."""
        if self._fingerprint is None:
            self._fingerprint = digest_of(canonical_folded(self.folded))
        return self._fingerprint

    @property
    def keyed(self) -> str:
        """The normalised text's UTF-8 bytes, one latin-1 character per byte: the automaton's key."""
        if self._keyed is None:
            self._keyed = self.normalised.encode("utf-8").decode("latin-1")
        return self._keyed

    @property
    def visible(self) -> int:
        """How many characters are not blanks (what `str.isspace()` is not)."""
        if self._visible is None:
            self._visible = len("".join(self.text.split()))  # str.split() drops exactly the blanks
        return self._visible

    @property
    def char_at(self) -> list[int] | range:
        """For each UTF-8 byte of `keyed`, the index in `normalised` of the character it belongs to
        (where an automaton's hit ends, in characters)."""
        if self._char_at is None:
            folded = self.normalised
            if folded.isascii():
                self._char_at = range(len(folded))
            else:
                self._char_at = [i for i, char in enumerate(folded) for _ in range(len(char.encode("utf-8")))]
        return self._char_at

    @property
    def indexed(self) -> Normalised:
        """`normalise(text)`: the normalised text with the index back into the text (for a match to
        report; the lexicons of a shared automaton ask for it in turn)."""
        if self._indexed is None:
            self._indexed = normalise(self.text)
        return self._indexed

    def hits(self, automaton: Any) -> list[tuple[int, Any]]:
        """`list(automaton.iter(keyed))`: an Aho-Corasick automaton's (pyahocorasick) hits in the
        normalised text, kept for the last automaton asked (the lexicon rule's and the ads rule's
        promotion words share one, `chalicelib.core.lexicon.lexicons_for`)."""
        if self._hits_of is not automaton:
            self._hits = list(automaton.iter(self.keyed))
            self._hits_of = automaton
        return self._hits


@lru_cache(maxsize=_VIEW_CACHE_SIZE)
def text_view(text: str) -> TextView:
    """The view of `text`, shared by the rules that read it in turn (kept for the last few texts)."""
    return TextView(text)


__all__ = ["TextView", "text_view"]
