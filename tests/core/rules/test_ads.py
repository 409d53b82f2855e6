"""R3.5 ads and private dealings: foreign links, contact details, promotion words, QR hints, the pass."""

from __future__ import annotations

import pytest

from chalicelib.core.policy import AdsSettings
from chalicelib.core.rules.ads import AdsRule, link_hosts
from tests.core.factories import context, message

RULE = AdsRule.from_settings(AdsSettings(allowed_domains=("example.com", "docs.qq.com")))


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("便宜好货 https://shop.evil.cn/item?id=1", "moderation.reason.ads.link"),
        ("看这里 www.spam.top", "moderation.reason.ads.link"),
        ("访问shop.xyz了解详情", "moderation.reason.ads.link"),
        ("<https://phish.io/login|点这里>", "moderation.reason.ads.link"),
        ("有需要的加我微信 zhang_san88", "moderation.reason.ads.contact"),
        ("wechat: sales_2024", "moderation.reason.ads.contact"),
        ("QQ：123456789 详聊", "moderation.reason.ads.contact"),
        ("需要的联系我 138 0013 8000", "moderation.reason.ads.contact"),
        ("限时优惠，免费领取，先到先得", "moderation.reason.ads.promotion"),  # two promotion words
        ("扫码领取优惠券", "moderation.reason.ads.promotion"),  # a promotion word and a QR hint
    ],
)
def test_ads_are_flagged(text: str, reason: str) -> None:
    [finding] = RULE.evaluate(message(text), context())
    assert finding.reason_key == reason
    assert finding.delete


@pytest.mark.parametrize(
    "text",
    [
        "文档在 https://docs.qq.com/doc/abc 请查看",  # an allowed domain
        "see https://wiki.example.com/page",  # a subdomain of an allowed domain
        "报告见 report.pdf 和 setup.py",  # file names are not domains
        "版本 v1.2.3，圆周率 3.14",
        "WeChat meeting at 3pm",  # a Latin cue needs an id with a digit or _
        "wxWidgets is a toolkit",
        "我的电话会议号是 123 456 789",  # not a mobile number
        "13800138000",  # a number alone is not offered for contact (that is the PII rule's business)
        "会议签到二维码见群公告",  # one weak signal is not an ad
        "这次促销活动的复盘报告",
        "mail bob@example.com",
    ],
)
def test_ads_near_misses(text: str) -> None:
    assert RULE.evaluate(message(text), context()) == []


def test_one_time_pass_waives_the_finding() -> None:
    [finding] = RULE.evaluate(message("加我微信 zhang_san88"), context(ads_pass=True))
    assert finding.waived
    assert (finding.points, finding.delete) == (0, False)


def test_links_signal_mode_needs_another_signal() -> None:
    rule = AdsRule.from_settings(AdsSettings(links="signal"))
    assert rule.evaluate(message("news: https://news.example.org/a"), context()) == []
    [finding] = rule.evaluate(message("免费领取 https://news.example.org/a"), context())
    assert finding.reason_key == "moderation.reason.ads.promotion"


def test_finding_names_the_domain_but_not_contact_details() -> None:
    [link] = RULE.evaluate(message("https://evil.example.net/x"), context())
    assert link.params == {"domain": "evil.example.net"}
    [contact] = RULE.evaluate(message("微信 zhang_san88"), context())
    assert "zhang_san88" not in str(contact.params) + str(contact.evidence)


def test_link_hosts_are_lower_cased_and_deduplicated() -> None:
    assert link_hosts("https://A.Example.com/x https://a.example.com/y") == ["a.example.com"]
