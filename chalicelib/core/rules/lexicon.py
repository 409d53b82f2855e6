"""R3.2, R5.1 abusive language, R4.9 unlawful content, R4.4 confidentiality markers: lexicon terms
in a message, a file's caption or a file's name.

One finding per category found; an exact term (`exact_terms`) only when it is the whole message. The
matched words are kept out of the params (the explanation names the category, by its `labels` entry where
the policy gives one, not the word) and, for a `sensitive` category, the message is never shown to the
admins. A confidentiality marker is headed as such (`moderation.rule.lexicon.confidential`), not as
inappropriate language.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from chalicelib.core.events import Event
from chalicelib.core.lexicon import Lexicon, LexiconSpec, lexicon_for
from chalicelib.core.policy import LexiconSettings
from chalicelib.core.rules.base import TEXT_EVENTS, Finding, RuleContext, event_files, event_text
from chalicelib.core.text import normalise_text
from chalicelib.core.textview import text_view

KNOWN_CATEGORIES = ("abuse", "illegal", "confidential")
REASONS = tuple(f"moderation.reason.lexicon.{category}" for category in (*KNOWN_CATEGORIES, "other"))


def reason_for(category: str) -> str:
    suffix = category if category in KNOWN_CATEGORIES else "other"
    return f"moderation.reason.lexicon.{suffix}"


@dataclass(frozen=True)
class LexiconRule:
    settings: LexiconSettings
    lexicon: Lexicon
    name: str = "lexicon"
    applies_to: tuple[type[Event], ...] = TEXT_EVENTS
    # The exact terms normalised once, when the rule is built: category -> the whole messages it matches.
    exact: tuple[tuple[str, frozenset[str]], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        exact = tuple(
            (category, frozenset(filter(None, (normalise_text(term).strip() for term in terms))))
            for category, terms in self.settings.exact_terms.items()
        )
        object.__setattr__(self, "exact", exact)

    @classmethod
    def from_settings(cls, settings: LexiconSettings, lexicon: Lexicon | None = None) -> LexiconRule:
        """With the cached lexicon of the enabled categories, the extra terms and the allow-list (or the
        one given: the same lexicon, sharing its automaton with another rule's, `lexicon_spec`)."""
        return cls(settings, lexicon or lexicon_for(*lexicon_spec(settings)))

    def evaluate(self, event: Event, ctx: RuleContext) -> list[Finding]:
        s = self.settings
        message = text = event_text(event)
        files = event_files(event)
        if files:
            text = "\n".join((text, *(f.name for f in files)))
        by_category: dict[str, list[tuple[int, int]]] = {}
        for match in self.lexicon.match(text):
            by_category.setdefault(match.category, []).append((match.start, match.end))
        if self.exact:
            whole = text_view(message).normalised.strip()
            for category, wholes in self.exact:
                if whole and whole in wholes:
                    by_category.setdefault(category, []).append((0, len(message)))
        if not by_category:
            return []
        findings = []
        for category, spans in by_category.items():
            settings = s.category(category)
            if not settings.enabled:
                continue
            findings.append(
                Finding(
                    rule=self.name,
                    severity=settings.severity or s.severity,
                    points=s.points if settings.points is None else settings.points,
                    reason_key=reason_for(category),
                    params={"category": s.labels.get(category, category), "count": len(spans)},
                    delete=s.delete if settings.delete is None else settings.delete,
                    sensitive=settings.sensitive,
                    evidence={"category": category, "spans": spans},
                )
            )
        return findings


def lexicon_spec(settings: LexiconSettings) -> LexiconSpec:
    """What the rule's lexicon is made of: the enabled categories, the extra terms, the allow-list."""
    return settings.enabled_categories(), settings.extra_terms, settings.allow
