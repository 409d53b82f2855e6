"""R5.8 emoji, R4.3 length, R3.1 topic."""

from __future__ import annotations

import pytest

from chalicelib.core.policy import EmojiSettings, LengthSettings, TopicSettings
from chalicelib.core.rules.emoji import EmojiRule, count_emoji
from chalicelib.core.rules.length import LengthRule
from chalicelib.core.rules.topic import TopicRule
from tests.core.factories import context, message

EMOJI = EmojiRule(EmojiSettings(min_emoji=10, max_ratio=0.5))


@pytest.mark.parametrize(
    ("text", "emoji"),
    [
        ("👍", 1),
        ("👨‍👩‍👧‍👦", 1),  # a ZWJ family is one emoji
        ("👍🏽", 1),  # a skin tone does not count again
        ("🇨🇳🇺🇸", 2),  # flags are pairs
        (":tada::tada:", 2),  # Slack shortcodes
        ("[微笑][捂脸]", 2),  # WeCom / DingTalk emoticons
        ("10:30:45 [1]", 0),  # times and citations are not emoji
    ],
)
def test_count_emoji(text: str, emoji: int) -> None:
    assert count_emoji(text)[0] == emoji


def test_emoji_overuse_is_flagged() -> None:
    [finding] = EMOJI.evaluate(message("好" + "😂" * 12), context())
    assert finding.params == {"emoji": 12, "max_percent": 50}


@pytest.mark.parametrize(
    "text",
    [
        "😂" * 9,  # fewer than the minimum
        "恭喜恭喜！🎉🎉🎉",
        "这次发布非常成功，感谢每一位同事的付出，辛苦大家了，周五一起聚餐庆祝一下" + "🎉" * 10,  # mostly text
    ],
)
def test_emoji_near_misses(text: str) -> None:
    assert EMOJI.evaluate(message(text), context()) == []


def test_overlong_messages_get_a_suggestion() -> None:
    rule = LengthRule(LengthSettings(max_chars=20))
    [finding] = rule.evaluate(message("字" * 21), context())
    assert finding.params == {"length": 21, "max": 20}
    assert rule.evaluate(message("字 " * 20), context()) == []  # spaces do not count


def test_topic_reminds_off_topic_long_messages() -> None:
    rule = TopicRule(TopicSettings(mode="enforce", keywords=("发布", "Release"), min_chars=10))
    assert rule.evaluate(message("周末大家去哪里玩？有没有推荐的餐厅和电影"), context()) != []
    assert rule.evaluate(message("这周五的 RELEASE 计划已经更新，请查看"), context()) == []
    assert rule.evaluate(message("好的"), context()) == []  # short messages are left alone


def test_topic_without_keywords_never_fires() -> None:
    rule = TopicRule(TopicSettings(mode="enforce", min_chars=1))
    assert rule.evaluate(message("anything at all"), context()) == []
