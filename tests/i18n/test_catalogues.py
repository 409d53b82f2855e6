"""Members read the bot in their own language: every message exists in zh-CN, zh-TW and en, with the
same placeholders."""

from __future__ import annotations

import string

import pytest

from chalicelib.i18n import LOCALES, catalogue, normalise_locale, t


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(catalogue()))
def test_every_message_exists_in_every_locale_with_the_same_placeholders(key: str) -> None:
    texts = catalogue()[key]
    assert set(texts) == set(LOCALES)
    assert len({frozenset(placeholders(text)) for text in texts.values()}) == 1


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, "zh-CN"),
        ("", "zh-CN"),
        ("zh_CN", "zh-CN"),
        ("zh-Hans", "zh-CN"),
        ("zh-TW", "zh-TW"),
        ("zh-HK", "zh-TW"),
        ("zh-Hant-TW", "zh-TW"),
        ("en-US", "en"),
        ("en", "en"),
        ("fr-FR", "zh-CN"),
    ],
)
def test_platform_locales_map_to_a_catalogue_locale(raw: str | None, expected: str) -> None:
    assert normalise_locale(raw) == expected


def test_help_reads_in_each_language() -> None:
    assert "群规" in t("zh-CN", "help.body", prefix="/qg")
    assert "群規" in t("zh-TW", "help.body", prefix="/qg")
    assert "rulebook" in t("en", "help.body", prefix="/qg")


def test_an_unknown_locale_falls_back_to_simplified_chinese() -> None:
    assert t("de", "help.title") == t("zh-CN", "help.title")


def test_an_unknown_key_is_a_bug_not_a_blank_message() -> None:
    with pytest.raises(KeyError):
        t("en", "no.such.message")
