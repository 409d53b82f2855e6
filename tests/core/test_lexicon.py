"""The Aho-Corasick lexicon: one pass, word boundaries for Latin terms, substrings for CJK, an allow-list
(R3.2, R4.9, R5.1)."""

from __future__ import annotations

import time

import pytest

from chalicelib.core.engine import build_rules
from chalicelib.core.lexicon import Lexicon, default_terms, lexicon_for, lexicons_for
from chalicelib.core.rules.ads import AdsRule
from chalicelib.core.rules.lexicon import LexiconRule
from chalicelib.core.textview import text_view
from tests.core.factories import policy

ABUSE = Lexicon.from_terms({"abuse": ["ass", "傻逼", "sb", "fuck", "cunt"]})


@pytest.mark.parametrize(
    "text",
    ["you ass", "ASS!", "傻 逼", "你是ＳＢ吧", "ＳＢ", "f u c k", "f.u.c.k this", "你真傻逼啊", "а$$"],
)
def test_abusive_terms_match_through_tricks(text: str) -> None:
    assert [m.category for m in ABUSE.match(text)] != []


@pytest.mark.parametrize(
    "text",
    ["classic", "class", "assess the assistance", "Scunthorpe", "passage", "asbestos", "sbt", "sbin"],
)
def test_latin_terms_need_word_boundaries(text: str) -> None:
    assert ABUSE.match(text) == []


def test_match_reports_category_term_and_original_span() -> None:
    text = "你真是个傻 逼！"
    [match] = ABUSE.match(text)
    assert (match.category, match.term) == ("abuse", "傻逼")
    assert text[match.start : match.end] == "傻 逼"


def test_allow_list_suppresses_the_matches_it_covers() -> None:
    lexicon = Lexicon.from_terms({"illegal": ["赌博", "洗钱"]}, allow=["禁止赌博"])
    assert lexicon.match("群内禁止赌博") == []
    assert [m.term for m in lexicon.match("一起赌博吧，禁止赌博")] == ["赌博"]
    assert [m.term for m in lexicon.match("反对洗钱")] == ["洗钱"]


def test_a_term_in_two_categories_is_reported_for_both() -> None:
    lexicon = Lexicon.from_terms({"a": ["spam"], "b": ["spam"]})
    assert sorted(m.category for m in lexicon.match("spam")) == ["a", "b"]


def test_empty_lexicon_and_empty_text_match_nothing() -> None:
    assert Lexicon.from_terms({}).match("anything") == []
    assert ABUSE.match("") == []


def test_automaton_is_built_lazily() -> None:
    lexicon = Lexicon.from_terms({"x": ["term"]})
    assert lexicon._shared._automaton is None
    lexicon.match("a term")
    assert lexicon._shared._automaton is not None


def test_default_lexicon_has_every_category_in_chinese_and_english() -> None:
    terms = default_terms()
    for category in ("abuse", "illegal", "confidential", "promotion"):
        assert any(term.isascii() for term in terms[category]), category
        assert any(not term.isascii() for term in terms[category]), category


def test_lexicon_for_is_cached_by_content() -> None:
    a = lexicon_for(["abuse"], {"abuse": ["extra"]}, ["allowed"])
    b = lexicon_for(["abuse"], {"abuse": ["extra"]}, ["allowed"])
    c = lexicon_for(["abuse"], {"abuse": ["other"]}, ["allowed"])
    assert a is b
    assert a is not c
    assert [m.term for m in c.match("this is other")] == ["other"]


def test_large_lexicon_builds_and_matches() -> None:
    terms = [f"term{i:06d}x" for i in range(100_000)] + [f"词{i}语" for i in range(1000)]
    lexicon = Lexicon.from_terms({"big": terms})
    started = time.perf_counter()
    assert [m.term for m in lexicon.match("we saw term001234x and 词7语 today")] == ["term001234x", "词7语"]
    assert time.perf_counter() - started < 10  # generous: the point is that it finishes


def test_lexicons_built_together_share_one_pass_and_keep_their_own_terms() -> None:
    """`lexicons_for`: one automaton, one scan of a message for both, each lexicon reporting only its own
    terms, its own allow-list covering only its own terms."""
    abuse, promotion = lexicons_for(
        (("abuse",), {"abuse": ["优惠"]}, ("禁止优惠",)),
        (("promotion",), {"promotion": ["优惠", "大促"]}, ()),
    )
    assert abuse._shared is promotion._shared
    text = "禁止优惠，大促来了"
    text_view.cache_clear()
    assert {"优惠", "大促"} <= {m.term for m in promotion.match(text)}  # the abuse allow-list is not its
    assert abuse.match(text) == []  # its own term, covered by its own allow phrase
    assert [m.term for m in abuse.match("限时优惠")] == ["优惠"]
    assert "优惠" in {m.term for m in promotion.match("限时优惠")}
    assert {m.category for m in promotion.match("限时优惠")} == {"promotion"}
    assert lexicons_for(
        (("abuse",), {"abuse": ["优惠"]}, ("禁止优惠",)),
        (("promotion",), {"promotion": ["优惠", "大促"]}, ()),
    ) == (abuse, promotion)  # cached by content


def test_the_lexicon_and_ads_rules_scan_a_message_once() -> None:
    rules = {rule.name: rule for rule in build_rules(policy())}
    lexicon, ads = rules["lexicon"], rules["ads"]
    assert isinstance(lexicon, LexiconRule) and isinstance(ads, AdsRule)
    assert lexicon.lexicon._shared is ads.promotion._shared
    assert ads.promotion.categories == ("promotion",)
    assert "promotion" not in lexicon.lexicon.categories
