"""Properties that must hold for any text: normalisation is idempotent and keeps its index map
consistent, and no rule input makes the lexicon matcher (or the whole rule set) raise."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.core.engine import build_rules, evaluate
from chalicelib.core.lexicon import Lexicon
from chalicelib.core.text import canonical, fingerprint, normalise
from tests.core.factories import context, message, policy

# Text that exercises the tricky parts: CJK, full-width, separators, zero-width, homoglyphs, leetspeak.
ALPHABET = st.sampled_from(
    list("abcsSBfuk01345@$ .-_*·傻逼赌博机密ＳＢａ\u200b\u200d\u00ad\u0301аοΑ😂👍\n\t,，。!？")
)
TRICKY = st.text(ALPHABET, max_size=40)
ANY_TEXT = st.text(max_size=60)
LEXICON = Lexicon.from_terms({"abuse": ["ass", "傻逼", "sb", "fuck"]}, allow=["assess"])
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(st.one_of(TRICKY, ANY_TEXT))
def test_normalisation_is_idempotent(text: str) -> None:
    once = normalise(text).text
    assert normalise(once).text == once


@PROPERTY_SETTINGS
@given(st.one_of(TRICKY, ANY_TEXT))
def test_normalised_index_maps_into_the_original(text: str) -> None:
    normalised = normalise(text)
    assert len(normalised.index) == len(normalised.text)
    assert list(normalised.index) == sorted(normalised.index)
    assert all(0 <= i < len(text) for i in normalised.index)


@PROPERTY_SETTINGS
@given(st.one_of(TRICKY, ANY_TEXT))
def test_lexicon_matcher_never_raises_and_spans_are_in_range(text: str) -> None:
    for match in LEXICON.match(text):
        assert 0 <= match.start < match.end <= len(text)


@PROPERTY_SETTINGS
@given(st.one_of(TRICKY, ANY_TEXT))
def test_fingerprint_is_stable_under_normalising_the_canonical_form(text: str) -> None:
    assert fingerprint(canonical(text)) == fingerprint(text)


@PROPERTY_SETTINGS
@given(st.one_of(TRICKY, ANY_TEXT))
def test_the_default_rule_set_never_errors(text: str) -> None:
    ctx = context()
    evaluation = evaluate(message(text), ctx, RULES)
    assert evaluation.errors == ()


RULES = build_rules(policy())
