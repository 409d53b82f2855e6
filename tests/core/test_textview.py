"""The per-message text view: each form is exactly what the function it stands for returns, it is
computed once and shared by the rules that read the same text, and the ASCII fast path of the fold is
the fold."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.core.engine import build_rules, evaluate
from chalicelib.core.text import (
    _NOT_PLAIN,
    _WIDE,
    SEPARATORS,
    _FoldTable,
    fingerprint,
    fold_char,
    fold_text,
    normalise,
    normalise_text,
)
from chalicelib.core.textview import TextView, text_view
from tests.core.factories import context, message, policy

TEXTS = st.one_of(
    st.text(max_size=60),
    st.lists(
        st.sampled_from(
            [
                *SEPARATORS,
                *"aBc1@$傻逼Ｓé\u0301\u200b\n\tаο😀，！？：；（）。、“”—…～ア한",
                "  ",
                "f.u.c.k",
                "s b",
            ]
        ),
        max_size=20,
    ).map("".join),
)
PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(TEXTS)
def test_each_form_of_the_view_is_what_its_function_gives(text: str) -> None:
    view = TextView(text)
    assert view.folded == text.translate({code: fold_char(chr(code)) for code in map(ord, set(text))})
    assert view.folded == fold_text(text)
    assert view.normalised == normalise_text(text) == normalise(text).text
    assert view.keyed == view.normalised.encode("utf-8").decode("latin-1")
    assert view.visible == len([char for char in text if not char.isspace()])
    assert list(view.char_at) == [i for i, char in enumerate(view.normalised) for _ in char.encode("utf-8")]
    assert view.indexed == normalise(text)
    assert view.fingerprint == fingerprint(text)


def test_printable_ascii_folds_to_its_lower_case() -> None:
    """The fold's fast path (`str.lower` for printable ASCII) is the fold, character by character."""
    for char in string.printable:
        if char.isprintable():
            assert fold_char(char) == char.lower(), repr(char)
    assert fold_text("Hello, World! 42") == "hello, world! 42"
    assert fold_text("Tab\there") == "tab here"  # not printable: the table maps the tab to a space


def test_every_plain_character_folds_as_lower_case_leaves_it() -> None:
    """The fold's fast path for Chinese text (`str.lower`, then each full-width mark of `_WIDE`
    replaced) is the fold, for every character that path lets through (`_NOT_PLAIN` finds none)."""
    wide = dict(_WIDE)
    plain = [chr(code) for code in range(0x10000) if not _NOT_PLAIN.match(chr(code))]
    assert len(plain) > 27_000  # the Han blocks, the CJK punctuation, printable ASCII
    for char in plain:
        assert fold_char(char) == wide.get(char, char.lower()), repr(char)
    assert all(_NOT_PLAIN.match(chr(code)) for code in range(0x10000, 0x10100))  # no astral character
    text = "会议纪要：1. 确认上线时间（周五）！Q3 的数据？好，“收到”—谢谢；"
    assert not _NOT_PLAIN.search(text)
    assert (
        fold_text(text)
        == text.translate(_FoldTable())
        == "会议纪要:1. 确认上线时间(周五)!q3 的数据?好,“收到”—谢谢;"
    )


def test_the_rules_of_one_message_share_one_view() -> None:
    text_view.cache_clear()
    text = "明天上午 10 点开会，加微信 abc123456 详聊"
    evaluate(message(text), context(), build_rules(policy()))
    info = text_view.cache_info()
    assert info.misses == 1  # built once...
    assert info.hits >= 4  # ...and read by the lexicon, ads (contacts, promotion words), emoji, length
    assert text_view(text) is text_view(text)


def test_a_view_is_computed_lazily_and_once() -> None:
    view = TextView("Ｓ.B")
    assert view._normalised is None and view._folded is None
    first = view.normalised
    assert view._folded == "s.b"
    assert view.normalised is first
