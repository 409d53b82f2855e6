"""Polls, decided purely: the question and options as people type them, and the count."""

from __future__ import annotations

import pytest

from chalicelib.workflows.common import ArgumentError
from chalicelib.workflows.polls import Poll, parse, results_text, tally


@pytest.mark.parametrize(
    ("text", "question", "options"),
    [
        ('"团建去哪里" 爬山 露营', "团建去哪里", ("爬山", "露营")),
        ("“团建去哪里” 爬山 露营", "团建去哪里", ("爬山", "露营")),
        ("「午饭吃什么」 面 饭 '麻辣 香锅'", "午饭吃什么", ("面", "饭", "麻辣 香锅")),
        ("Lunch? pizza sushi", "Lunch?", ("pizza", "sushi")),
    ],
)
def test_a_question_and_its_options_are_read_with_any_quotes(
    text: str, question: str, options: tuple[str, ...]
) -> None:
    assert parse(text, 6) == (question, options)


@pytest.mark.parametrize(
    "text",
    ['"question" only-one', '"unbalanced a b', '"q" a b c d e f g', '"q" a a'],
    ids=["one-option", "unbalanced", "seven-options", "twice"],
)
def test_a_poll_needs_two_to_six_distinct_options(text: str) -> None:
    with pytest.raises(ArgumentError):
        parse(text, 6)


POLL = Poll("V1", "slack:T1:C1", "C1", "U1", 0.0, "团建去哪里", ("爬山", "露营", "密室"), 3600.0)


def test_the_count_keeps_the_options_order_and_ignores_votes_for_no_option() -> None:
    votes = {"U1": 1, "U2": 1, "U3": 2, "U4": 9}
    assert tally(POLL, votes) == [("爬山", 0), ("露营", 2), ("密室", 1)]


def test_the_results_show_counts_and_shares() -> None:
    text = results_text(POLL, {"U1": 1, "U2": 1, "U3": 0, "U4": 1}, "zh-CN")
    assert "共 4 票" in text and "露营: 3 (75%)" in text and "密室: 0 (0%)" in text
    assert "0 (0%)" in results_text(POLL, {}, "en")
