"""Every moderation message exists in zh-CN, zh-TW and en with the same parameters, and every key the
rules and the engine use is in the catalogue."""

from __future__ import annotations

import string

import pytest

from chalicelib.core.engine import RULE_FACTORIES
from chalicelib.core.rules import (
    ads,
    duplicate,
    emoji,
    files,
    flood,
    heated,
    length,
    lexicon,
    pii,
    slowmode,
    topic,
)
from chalicelib.i18n import LOCALES, catalogue, t
from chalicelib.i18n.catalog_moderation import MESSAGES


def params(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_key_has_all_locales_with_the_same_params(key: str) -> None:
    texts = MESSAGES[key]
    assert set(texts) == set(LOCALES)
    assert all(texts[locale].strip() for locale in LOCALES)
    assert params(texts["zh-CN"]) == params(texts["zh-TW"]) == params(texts["en"])


def test_every_reason_a_rule_can_give_is_in_the_catalogue() -> None:
    keys = {
        flood.REASON,
        duplicate.MEMBER_REASON,
        duplicate.GROUP_REASON,
        emoji.REASON,
        length.REASON,
        topic.REASON,
        heated.REASON,
        slowmode.REASON,
        *lexicon.REASONS,
        *ads.REASONS,
        *pii.REASONS,
        *files.REASONS,
    }
    assert keys <= set(catalogue())


def test_every_rule_has_a_name_in_the_catalogue() -> None:
    for name in RULE_FACTORIES:
        assert t("en", f"moderation.rule.{name}")


def test_action_reasons_take_no_params() -> None:
    for key, texts in MESSAGES.items():
        if (
            key.startswith(("moderation.rule.", "moderation.escalation."))
            or key == "moderation.notify_admins"
        ):
            assert params(texts["en"]) == set(), key
