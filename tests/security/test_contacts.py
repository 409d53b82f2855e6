"""Issue 16 item 8: contact details for Taiwan and beyond, recognised without backtracking.

Taiwan mobile numbers, LINE ids and WeChat ids in their common spellings are contact details (the ads
rule's strong signal); near misses (a Latin cue before an ordinary word, a number too short, a landline,
a word that only contains a cue) are not. Each kind is also found after thousands of blanks.
"""

from __future__ import annotations

import pytest

from chalicelib.core.policy import AdsSettings
from chalicelib.core.rules.ads import CONTACT_REASON, AdsRule
from chalicelib.core.rules.contacts import contact_kinds
from tests.core.factories import context, message


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # Taiwan mobile numbers, next to a contact cue
        ("有興趣請聯絡 0912345678", "phone"),
        ("來電 0912-345-678", "phone"),
        ("打給我 0912 345 678", "phone"),
        ("contact me: +886 912 345 678", "phone"),
        ("私訊或來電 +886-912-345-678", "phone"),
        ("聯絡電話(+886)912345678", "phone"),
        ("加我 00886912345678", "phone"),
        # mainland, as before
        ("需要的联系我 138 0013 8000", "phone"),
        # LINE
        ("line id: chen_1988", "line"),
        ("LINE：chen.1988", "line"),
        ("LINE: @shop123", "line"),
        ("加賴 chenmei", "line"),
        ("有問題加line: chen1988", "line"),
        ("➕LINE abc.def", "line"),
        ("賴ID：xiaomei88", "line"),
        ("加赖 meimei", "line"),
        # WeChat in its spellings
        ("加我微信 zhang_san88", "wechat"),
        ("威信：zhangsan88", "wechat"),
        ("薇信 zhangsan", "wechat"),
        ("徽信号 zhangsan", "wechat"),
        ("V信 zhangsan", "wechat"),
        ("v信：zhangsan", "wechat"),
        ("微❤ zhangsan", "wechat"),
        ("➕V zhangsan", "wechat"),
        ("加V：zhangsan", "wechat"),
        ("加vx 13800138000", "wechat"),
        ("加微 zhangsan", "wechat"),
        ("vx: zhang_san", "wechat"),
        ("wx zhang-88", "wechat"),
        ("ＷＸ：ｚｈａｎｇ＿８８", "wechat"),  # full width
        ("+V zhang_88", "wechat"),
        ("wechat id: sales_2024", "wechat"),
        ("微信号是 zhangsan88", "wechat"),
        # QQ
        ("QQ：123456789 详聊", "qq"),
        ("企鵝號 123456789", "qq"),
    ],
)
def test_contact_details_are_recognised(text: str, kind: str) -> None:
    assert kind in contact_kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "0912345678",  # a number alone is not offered for contact
        "聯絡 02-2345-6789",  # a Taipei landline is not a mobile number
        "聯絡 091234567",  # nine digits
        "聯絡 09123456789",  # eleven
        "來電 +886 2 2345 6789",  # landline, international
        "error on line: 1234",
        "the line id is required",
        "Line: see the deadline",
        "deadline: 2024_q3",
        "online: abc_123",
        "賴先生的報告",  # 賴 is a surname
        "參加 line 的活動",
        "WeChat meeting at 3pm",
        "wxWidgets is a toolkit",
        "加value123",
        "版本 v2.3 已上線",
        "C++ vector",
        "我们用微信沟通吧",  # no id
        "加班到很晚",
    ],
)
def test_near_misses_are_not_contact_details(text: str) -> None:
    assert contact_kinds(text) == []


@pytest.mark.parametrize(
    "offer",
    ["加我微信 zhang_san88", "加賴 chenmei", "聯絡 0912-345-678", "QQ：123456789", "line id: chen_1988"],
)
@pytest.mark.parametrize("blank", [" ", "\n", "\u3000"])
def test_an_offer_after_8_kb_of_blanks_is_still_found(offer: str, blank: str) -> None:
    assert contact_kinds(blank * 8192 + offer) != []


def test_a_contact_is_a_strong_ads_signal_on_its_own() -> None:
    rule = AdsRule.from_settings(AdsSettings())
    [finding] = rule.evaluate(message("有需要加賴 chenmei 或來電 0912-345-678"), context())
    assert finding.reason_key == CONTACT_REASON
    assert finding.evidence["contacts"] == ["line", "phone"]
