"""Normalisation for matching, and fingerprints for duplicates (R3.2, R3.4)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.core.text import SEPARATORS, canonical, fingerprint, fold_char, normalise, normalise_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＳＢ", "sb"),  # full-width, upper case
        ("傻 逼", "傻逼"),  # a space between CJK characters
        ("傻.逼", "傻逼"),
        ("傻*逼", "傻逼"),
        ("傻\u200b逼", "傻逼"),  # zero-width space
        ("f.u.c.k", "fuck"),  # dots inside a Latin word
        ("f-u-c-k", "fuck"),
        ("f_u_c_k", "fuck"),
        ("f u c k", "fuck"),  # single letters spaced out
        ("f . u . c . k", "fuck"),
        ("fu-ck you", "fuck you"),
        ("sh1t", "shit"),  # leetspeak inside a word
        ("a55hole", "asshole"),
        ("аss", "ass"),  # Cyrillic а
        ("ΑSS", "ass"),  # Greek capital alpha
        ("Café", "cafe"),  # diacritics
        ("Hello   World", "hello world"),  # runs of spaces collapse, words stay apart
    ],
)
def test_normalise_folds_evasion_tricks(raw: str, expected: str) -> None:
    assert normalise_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("class act", "class act"),  # ordinary words keep their boundary
        ("2024年3月1日 10:30", "2024年3月1日 10:30"),  # plain numbers are not leetspeak
        ("第1版", "第1版"),  # digits next to CJK are not leetspeak
        ("room 101", "room 101"),
        ("你好，世界", "你好,世界"),  # sentence punctuation is not a separator (only width-folded)
    ],
)
def test_normalise_leaves_ordinary_text_alone(raw: str, expected: str) -> None:
    assert normalise_text(raw) == expected


def test_normalise_maps_every_character_back_to_the_original() -> None:
    raw = "你是 Ｓ Ｂ 吗"
    normalised = normalise(raw)
    start = normalised.text.index("sb")
    o_start, o_end = normalised.span(start, start + 2)
    assert raw[o_start:o_end] == "Ｓ Ｂ"


def test_normalise_is_idempotent_on_examples() -> None:
    for raw in ["a b cd", "ab c.d", "傻 逼 a", "ab 傻 c", "x.@", "1 a", " lead  trail ", "0_@a"]:
        once = normalise_text(raw)
        assert normalise_text(once) == once


def test_fingerprint_ignores_case_width_spacing_and_punctuation() -> None:
    assert fingerprint("Hello, World!") == fingerprint("ＨＥＬＬＯ　ｗｏｒｌｄ")
    assert fingerprint("明天 下午 3 点开会。") == fingerprint("明天下午3点开会")
    assert fingerprint("明天下午3点开会") != fingerprint("明天下午4点开会")
    assert len(fingerprint("x")) == 16


def test_canonical_keeps_emoji_and_drops_punctuation() -> None:
    assert canonical("ok!!! 👍") == "ok👍"


def _canonical_char_by_char(text: str) -> str:
    """`canonical` as specified: each character folded, then every folded character kept that is not
    punctuation, spacing or a control (Unicode categories P*, Z*, C*) nor a separator."""
    return "".join(
        c
        for char in text
        for c in fold_char(char)
        if unicodedata.category(c)[0] not in "PZC" and c not in SEPARATORS
    )


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=60))
def test_canonical_is_the_fold_without_what_duplicates_ignore(text: str) -> None:
    assert canonical(text) == _canonical_char_by_char(text)


def test_canonical_of_every_basic_plane_character_is_as_specified() -> None:
    """The translate table (filled on demand) drops and keeps exactly what the definition does."""
    text = "".join(chr(code) for code in range(0x10000) if not 0xD800 <= code <= 0xDFFF)
    assert canonical(text) == _canonical_char_by_char(text)
