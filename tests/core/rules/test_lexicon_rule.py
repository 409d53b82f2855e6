"""R3.2, R5.1 abuse, R4.9 unlawful content, R4.4 confidentiality markers through the lexicon rule."""

from __future__ import annotations

import pytest

from chalicelib.core.policy import LexiconSettings
from chalicelib.core.rules.lexicon import LexiconRule
from tests.core.factories import context, file_shared, message, rules_override

RULE = LexiconRule.from_settings(LexiconSettings())


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("你真是个傻 逼", "moderation.reason.lexicon.abuse"),
        ("ＳＢ", "moderation.reason.lexicon.abuse"),
        ("you are an ASS", "moderation.reason.lexicon.abuse"),
        ("f.u.c.k off", "moderation.reason.lexicon.abuse"),
        ("需要代开发票的找我", "moderation.reason.lexicon.illegal"),
        ("这份是内部资料，请勿外传", "moderation.reason.lexicon.confidential"),
        ("This deck is CONFIDENTIAL", "moderation.reason.lexicon.confidential"),
    ],
)
def test_lexicon_flags_each_category(text: str, reason: str) -> None:
    findings = RULE.evaluate(message(text), context())
    assert reason in [f.reason_key for f in findings]


@pytest.mark.parametrize(
    "text",
    [
        "classic rock",
        "please assess the class assignment",
        "Scunthorpe United",
        "群内严禁网络赌博，发现即移出",  # the default allow-list
        "各位注意保守机密",
        "明天开会",
    ],
)
def test_lexicon_near_misses(text: str) -> None:
    assert RULE.evaluate(message(text), context()) == []


def test_lexicon_checks_file_names() -> None:
    findings = RULE.evaluate(file_shared("绝密-收购方案.docx", caption="看看"), context())
    assert [f.reason_key for f in findings] == ["moderation.reason.lexicon.confidential"]
    assert findings[0].sensitive


def test_category_settings_override_the_section() -> None:
    [illegal] = RULE.evaluate(message("出售银行卡"), context())
    assert (illegal.severity, illegal.points, illegal.delete) == ("high", 2.0, True)


def test_extra_terms_add_a_category_and_disabled_categories_stay_silent() -> None:
    policy = rules_override(
        lexicon={"extra_terms": {"competitor": ["acme corp"]}, "categories": {"abuse": {"enabled": False}}}
    )
    rule = LexiconRule.from_settings(policy.rules.lexicon)
    [finding] = rule.evaluate(message("switch to ACME  Corp now, idiot"), context(policy))
    assert finding.reason_key == "moderation.reason.lexicon.other"
    assert finding.params["category"] == "competitor"


def test_params_never_carry_the_matched_word() -> None:
    [finding] = RULE.evaluate(message("傻逼"), context())
    assert "傻逼" not in str(finding.params)
