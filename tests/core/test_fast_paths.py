"""The rule set's fast paths decide exactly as the slow ones they skip: `normalise_text` is
`normalise(...).text` for every text, every cheap gate (contacts, links, QR hints, PII) is a necessary
condition of the patterns it guards, so a text it turns away has nothing they would find, and each gate
spelled for speed (opened by its first characters) finds what its plain spelling finds."""

from __future__ import annotations

import re
import sys
import unicodedata
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.core.rules import contacts
from chalicelib.core.rules.ads import BARE_DOMAIN, LINK_GATE, QR_GATE, QR_HINT, URL
from chalicelib.core.rules.pii import ANY_CUE, ANY_CUE_ASCII, ANY_CUE_BODY, CUE_STARTS, find_pii
from chalicelib.core.text import SEPARATORS, normalise, normalise_text
from chalicelib.core.textview import text_view
from tests.security.linear import BOUND, growth

# Separators between single letters, CJK and words; leetspeak next to letters and in plain numbers;
# marks, zero-width and full-width forms; the cues of the contact, link, QR and PII patterns.
ALPHABET = st.sampled_from(
    [
        *SEPARATORS,
        *"abcsSfukxyzqrvwQ013456789@$傻逼号ア한é\u0301\u200bＳｗｘ１，!_\n\t½²٣аο",
        *("wx", "vx", "qq", "line", "微信", "加V", "➕", "❤", "扣扣", "加賴", "二维码", "scan qr", "://"),
        *("加", "信", "V信", "加 Ｗ", "加\u3000L", "＋ｖ", "+", "企鹅", "企", "賴 ID", "赖", "ｉｄ", "参加"),
        *("pwd", "PassWd", "pasſword", "Ｗ", "_", "github_pat_", "-----BEGIN ", "xox", "ASIA", "口令"),
        *("www.", "a.b", ".com", "AKIA", "xoxb-", "ghp_", "sk-", "password", "密码", "13912345678"),
    ]
)
TRICKY = st.lists(ALPHABET, max_size=24).map("".join)
ANY_TEXT = st.text(max_size=80)
PROPERTY = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


LEET_TEXT = st.lists(
    st.sampled_from([*"ashitQZ0135792@$ .-_'٣²é", "sh1t", "a55", "4pm", "4f2a9c1", "v2", "傻", "Ⅻ"]),
    max_size=16,
).map("".join)


ASCII_TEXT = st.lists(
    st.sampled_from([*(c for c in SEPARATORS if c.isascii()), *"abI1@$,!", "  ", "f.u.c.k", "s b", "let's"]),
    max_size=20,
).map("".join)


@PROPERTY
@given(ASCII_TEXT)
def test_ascii_text_is_joined_as_the_slow_path_joins_it(text: str) -> None:
    """The separator pattern spelled with ASCII classes for ASCII text finds the runs the general one
    finds, the text without a space that may change is joined by the marks' pattern alone, and `_gap`'s
    shortcut for a mark between two letters joins as `_joins` does."""
    assert normalise_text(text) == normalise(text).text


@PROPERTY
@given(LEET_TEXT)
def test_leetspeak_is_undone_in_the_tokens_the_slow_path_changes(text: str) -> None:
    """`_unleet_near` (the tokens around a digit next to a letter, ASCII classes for ASCII text) changes
    exactly what `_unleet` (every token) does."""
    assert normalise_text(text) == normalise(text).text


@PROPERTY
@given(st.one_of(TRICKY, ANY_TEXT))
def test_fast_normalisation_gives_the_same_text(text: str) -> None:
    assert normalise_text(text) == normalise(text).text


def test_fast_normalisation_keeps_what_the_slow_one_changes() -> None:
    for text in ("s b", "f.u.c.k", "傻 逼", "sh1t", "a55", "Q3 report", "10 点", "a  b", "x - y"):
        assert normalise_text(text) == normalise(text).text


@pytest.mark.parametrize(
    "text",
    # Runs that end the text (left alone by the fast path), and runs whose tail alone would change.
    [
        "end.",
        "end. ",
        "x.  ",
        "x  -",
        "x.  a",
        "a. ",
        "..a..",
        "a.. ",
        "  .",
        ". a .",
        "f.u.c.k.",
        "傻 逼 。",
    ],
)
def test_separator_runs_at_the_end_are_kept_whole(text: str) -> None:
    assert normalise_text(text) == normalise(text).text


def _slow_contact_kinds(text: str) -> list[str]:
    """contact_kinds without its fold gate: the patterns on the NFKC text, as before the gate."""
    text = unicodedata.normalize("NFKC", text)
    kinds = [
        kind
        for kind, pattern in (("wechat", contacts.WECHAT), ("qq", contacts.QQ), ("line", contacts.LINE))
        if pattern.search(text)
    ]
    if contacts.CONTACT_CUE.search(text) and contacts._has_mobile(text):
        kinds.append("phone")
    return kinds


@PROPERTY
@given(st.one_of(TRICKY, ANY_TEXT))
def test_contact_gate_never_hides_a_contact(text: str) -> None:
    assert contacts.contact_kinds(text) == _slow_contact_kinds(text)


# The gates as they were first written, the plain way (`re` tries each at every position): the fast
# spellings in the rules must find exactly what these find.
PLAIN_LINK_GATE = re.compile(r"(?i)[a-z0-9]\.[a-z0-9]|://|www\.")
PLAIN_QR_GATE = re.compile(r"(?i)qr|[扫掃二]")
PLAIN_ANY_CUE = re.compile(ANY_CUE_BODY)


@PROPERTY
@given(st.one_of(TRICKY, ANY_TEXT))
def test_fast_gates_find_what_the_plain_ones_find(text: str) -> None:
    assert bool(LINK_GATE.search(text)) == bool(PLAIN_LINK_GATE.search(text))
    assert bool(QR_GATE.search(text)) == bool(PLAIN_QR_GATE.search(text))
    assert bool(ANY_CUE.search(text)) == bool(PLAIN_ANY_CUE.search(text))


@pytest.mark.parametrize(
    ("gate", "hits", "near_misses"),
    [
        (
            LINK_GATE,
            ["www.x", "WWW.", "a.b", "A.9", "ftp://", "x https://y"],
            ["www", "a.", ".b", "a . b", ":/", "w w w."],
        ),
        (QR_GATE, ["qr", "QR", "qR", "scan the Qr", "扫码", "掃", "二维码"], ["q r", "q", "r", "rq", "扌"]),
        (
            ANY_CUE,
            [
                "a@b",
                "AKIA",
                "xoxb",
                "ghp_",
                "github_pat_",
                "sk-1",
                "-----BEGIN ",
                "PassWord",
                "PWD",
                "密码",
                "口令",
                "139 1234 5678",
                "13912345678",
            ],
            ["akia", "gh_", "ghx_", "sk_", "----BEGIN ", "pass", "pw", "密", "1391234567", "139  12345678"],
        ),
    ],
)
def test_gates_pass_cues_and_turn_away_near_misses(
    gate: re.Pattern[str], hits: list[str], near_misses: list[str]
) -> None:
    for text in hits:
        assert gate.search(text), text
        assert gate.search(f"前面的字 {text} after"), text
    for text in near_misses:
        assert not gate.search(text), text


def _case_insensitive_matches(letter: str) -> set[str]:
    """Every character that `(?i)<letter>` matches (Python's re, Unicode): its case pair and any of the
    special equivalences re knows (the Kelvin sign for k, the long s for s, ...)."""
    pattern = re.compile(f"(?i){letter}")
    return {chr(code) for code in range(sys.maxunicode + 1) if pattern.fullmatch(chr(code))}


def test_the_first_character_classes_hold_every_case_form() -> None:
    """The fast gates open with a class without case folding: it must list every character a
    case-insensitive cue can start with (q for the QR gate) or, for the PII gate, opens on (w)."""
    assert _case_insensitive_matches("q") <= set("Qq扫掃二")
    assert _case_insensitive_matches("w") <= set(CUE_STARTS)


def test_every_contact_cue_word_opens_the_gate() -> None:
    for word in contacts.ID_CUE_WORDS:
        assert contacts._may_offer(text_view(f"我的 {word} 是"))
        assert contacts._may_offer(text_view(f"MY {word.upper()} IS"))
    assert not contacts._may_offer(text_view("see you on the wiki"))


# The contact gate as it was first written: a cue character anywhere, a cue word, nine digits.
PLAIN_ID_CUE = re.compile(r"[信❤♥加➕+扣企賴赖]")


def _plain_may_offer(folded: str) -> bool:
    return bool(
        PLAIN_ID_CUE.search(folded)
        or any(word in folded for word in contacts.ID_CUE_WORDS)
        or contacts.PHONE_GATE.search(folded)
    )


@PROPERTY
@given(st.one_of(TRICKY, ANY_TEXT))
def test_the_contact_gate_passes_what_the_plain_one_passes_but_lone_cue_characters(text: str) -> None:
    """`_may_offer` passes wherever the plain gates do, except where the only cue character is not in a
    cue (every contact is still found: `test_contact_gate_never_hides_a_contact`)."""
    folded = text_view(text).folded
    fast = contacts._may_offer(text_view(text))
    if fast:
        assert _plain_may_offer(folded)
    if any(word in folded for word in contacts.ID_CUE_WORDS) or contacts.PHONE_GATE.search(folded):
        assert fast


def test_common_words_with_a_cue_character_do_not_open_the_contact_gate() -> None:
    """加 and 信 open it only where a cue has them (加微信, 加V, 加LINE, 微信, V信), not in 参加 or 信息."""
    for text in (
        "下周二团建，想参加的请接龙",
        "页面加载有点慢",
        "相信大家的信息都收到了",
        "企业文化",
        "C++ 代码",
    ):
        assert not contacts._may_offer(text_view(text)), text
    for text in (
        "加微信",
        "加 V",
        "加ＬＩＮＥ",
        "微信号",
        "V信",
        "+ v",
        "扣扣",
        "企鹅号",
        "賴 ID",
        "❤",
        "➕",
    ):
        assert contacts._may_offer(text_view(text)), text


@PROPERTY
@given(st.one_of(TRICKY, ANY_TEXT))
def test_link_and_qr_gates_never_hide_a_match(text: str) -> None:
    if URL.search(text) or BARE_DOMAIN.search(text):
        assert LINK_GATE.search(text)
    if QR_HINT.search(text):
        assert QR_GATE.search(text)


@PROPERTY
@given(st.one_of(TRICKY, ANY_TEXT))
def test_pii_gate_never_hides_a_hit(text: str) -> None:
    if find_pii(text, date(2026, 1, 1)):
        assert ANY_CUE.search(text)


def test_gates_turn_away_ordinary_chat() -> None:
    text = "明天上午 10 点的评审会改到 3 号会议室，请大家带上 Q3 的数据。"
    assert not LINK_GATE.search(text)
    assert not QR_GATE.search(text)
    assert not ANY_CUE.search(text)
    assert contacts.contact_kinds(text) == []


@pytest.mark.parametrize("unit", ["2a", "2aé", "8b@", "a1", "x9$"])
def test_undoing_leetspeak_stays_linear_in_a_long_token(unit: str) -> None:
    """A token with a digit next to a letter at every other character, with or without a leet one: its
    matches inside a token already read are skipped, not read again (no quadratic rescans)."""
    assert growth(normalise_text, lambda size: unit * (size // len(unit))) <= BOUND


ASCII_CUES = st.lists(
    st.sampled_from(
        [
            *"aAgpPwWxdo0123456789 -_@:+",
            "sk-",
            "xox",
            "AKIA",
            "ghp_",
            "pwd",
            "passw",
            "vx",
            "wx",
            "qq",
            "line",
        ]
    ),
    max_size=24,
).map("".join)


@PROPERTY
@given(ASCII_CUES)
def test_the_ascii_spellings_of_the_gates_find_what_the_general_ones_find(text: str) -> None:
    """In ASCII text \\d is [0-9]: the gates spelled so (scanned faster) decide as the general ones."""
    assert bool(ANY_CUE_ASCII.search(text)) == bool(ANY_CUE.search(text))
    assert bool(contacts._MAY_OFFER_ASCII.search(text)) == bool(contacts._MAY_OFFER.search(text))
