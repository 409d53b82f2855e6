"""R4.4, R5.7 sensitive data: only validated matches count, and the value is never repeated."""

from __future__ import annotations

from datetime import date

import pytest

from chalicelib.core.policy import PiiSettings
from chalicelib.core.rules.pii import PiiRule, find_pii, luhn, valid_id_card
from tests.core.factories import context, message

RULE = PiiRule(PiiSettings())
TODAY = date(2025, 6, 15)

VALID_ID = "11010519491231002X"
VALID_CARD = "6222021234567890128"


@pytest.mark.parametrize(
    ("text", "kind", "masked"),
    [
        (f"我的身份证号{VALID_ID}，帮忙登记", "id_card", "1101**********002X"),
        ("身份证 440308199003071235", "id_card", "4403**********1235"),
        ("leap day 310115200002294567", "id_card", "3101**********4567"),
        (f"卡号 {VALID_CARD}", "bank_card", "6222***********0128"),
        ("card 4111 1111 1111 1111", "bank_card", "4111********1111"),
        ("电话13800138000", "mobile", "138****8000"),
        ("call +86 139-1234-5678", "mobile", "139****5678"),
        ("write to zhang.san@example.com", "email", "z***@example.com"),
        ("key AKIAIOSFODNN7EXAMPLE", "secret", "AKIA****"),
        ("token xoxb-123456789012-abcdefABCDEF", "secret", "xoxb-****"),
        ("ghp_" + "a1B2" * 9, "secret", "ghp_****"),
        ("OPENAI sk-proj-abcDEF1234567890ghijKLMN", "secret", "sk-proj-****"),
        ("wifi 密码：Qg2024!x", "secret", "******"),
        ("password = hunter22", "secret", "******"),
        ("-----BEGIN RSA PRIVATE KEY-----", "secret", "-----BEGIN****"),
    ],
)
def test_validated_sensitive_data_is_found(text: str, kind: str, masked: str) -> None:
    hits = find_pii(text, TODAY)
    assert [(h.kind, h.masked) for h in hits] == [(kind, masked)]


@pytest.mark.parametrize(
    "text",
    [
        "11010519491231002Y",  # a wrong check digit
        "110105194912310021",  # a wrong check digit
        "110105200102291232",  # check digit right, but 2001-02-29 never happened
        "990105199001011234",  # no such province
        "110105209901011236",  # born in the future
        "订单号 4111111111111112",  # 16 digits failing Luhn
        "订单号 2024031512345678",  # an order number (starts with 2)
        "0000000000000000",
        "电话 12800138000",  # not a mainland mobile prefix
        "10:30 开会，会议号 8800138000",
        "password: required",  # prose, not a password
        "密码：请联系管理员",
        "password: ********",
        "pwd: 123",  # too short to be one
        "sk-learn-is-a-great-library-for-machine-learning",
        "email me at bob@localhost",
    ],
)
def test_near_misses_are_not_sensitive_data(text: str) -> None:
    assert find_pii(text, TODAY) == []


def test_an_id_number_is_not_also_counted_as_a_bank_card_or_phone() -> None:
    assert [h.kind for h in find_pii("ID 440308199003071235", TODAY)] == ["id_card"]


def test_check_digit_and_luhn_helpers() -> None:
    assert valid_id_card(VALID_ID, TODAY)
    assert not valid_id_card(VALID_ID[:-1] + "1", TODAY)
    assert luhn("4111111111111111")
    assert not luhn("4111111111111112")


def test_findings_carry_kind_and_mask_never_the_value() -> None:
    findings = RULE.evaluate(message(f"身份证 {VALID_ID}，卡号 {VALID_CARD}"), context())
    assert {f.reason_key for f in findings} == {
        "moderation.reason.pii.id_card",
        "moderation.reason.pii.bank_card",
    }
    for finding in findings:
        flat = str(finding.params) + str(finding.evidence)
        assert VALID_ID not in flat
        assert VALID_CARD not in flat
        assert finding.sensitive
        assert finding.delete


def test_mobile_and_email_only_nudge_by_default() -> None:
    [finding] = RULE.evaluate(message("我的手机 13800138000"), context())
    assert (finding.points, finding.delete, finding.severity) == (0, False, "low")


def test_a_disabled_kind_is_not_reported() -> None:
    settings = PiiSettings.model_validate({"kinds": {"email": {"enabled": False}}})
    assert PiiRule(settings).evaluate(message("a@example.com"), context()) == []
