"""The rule set's fast paths decide exactly as the slow ones they skip: `normalise_text` is
`normalise(...).text` for every text, and every cheap gate (contacts, links, QR hints, PII) is a
necessary condition of the patterns it guards, so a text it turns away has nothing they would find."""

from __future__ import annotations

import unicodedata
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.core.rules import contacts
from chalicelib.core.rules.ads import BARE_DOMAIN, LINK_GATE, QR_GATE, QR_HINT, URL
from chalicelib.core.rules.pii import ANY_CUE, find_pii
from chalicelib.core.text import SEPARATORS, normalise, normalise_text

# Separators between single letters, CJK and words; leetspeak next to letters and in plain numbers;
# marks, zero-width and full-width forms; the cues of the contact, link, QR and PII patterns.
ALPHABET = st.sampled_from(
    [
        *SEPARATORS,
        *"abcsSfukxyzqrvwQ013456789@$傻逼号ア한é\u0301\u200bＳｗｘ１，!_\n\t½²٣аο",
        *("wx", "vx", "qq", "line", "微信", "加V", "➕", "❤", "扣扣", "加賴", "二维码", "scan qr", "://"),
        *("www.", "a.b", ".com", "AKIA", "xoxb-", "ghp_", "sk-", "password", "密码", "13912345678"),
    ]
)
TRICKY = st.lists(ALPHABET, max_size=24).map("".join)
ANY_TEXT = st.text(max_size=80)
PROPERTY = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(st.one_of(TRICKY, ANY_TEXT))
def test_fast_normalisation_gives_the_same_text(text: str) -> None:
    assert normalise_text(text) == normalise(text).text


def test_fast_normalisation_keeps_what_the_slow_one_changes() -> None:
    for text in ("s b", "f.u.c.k", "傻 逼", "sh1t", "a55", "Q3 report", "10 点", "a  b", "x - y"):
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
