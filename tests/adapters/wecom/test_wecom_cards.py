"""A neutral Card as a WeCom button_interaction template_card, within WeCom's limits."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from chalicelib.adapters.wecom.cards import button_key, split_button_key, template_card
from chalicelib.core.cards import Button, Card, Option, Select
from local.fakes.wecom_cards import template_card_errors

BASE = Card(
    card_id="case-42",
    title="入群申请",
    body="张三申请加入「产品周会」群",
    buttons=(Button("批准", "approve", "join:42", "primary"), Button("拒绝", "reject", "join:42", "danger")),
    fields=(("申请人", "张三"), ("部门", "产品部")),
    footer="群管 qunguan",
)


def card(**changes: Any) -> Card:
    return replace(BASE, **changes)


def test_a_card_becomes_a_button_interaction_template_card() -> None:
    assert template_card(card()) == {
        "card_type": "button_interaction",
        "main_title": {"title": "入群申请"},
        "sub_title_text": "张三申请加入「产品周会」群\n群管 qunguan",
        "horizontal_content_list": [
            {"keyname": "申请人", "value": "张三"},
            {"keyname": "部门", "value": "产品部"},
        ],
        "task_id": "case-42",
        "button_list": [
            {"text": "批准", "style": 1, "key": "approve|join:42"},
            {"text": "拒绝", "style": 3, "key": "reject|join:42"},
        ],
    }


def test_the_key_round_trips_through_a_click() -> None:
    button = Button("OK", "ack", "a:1|b")
    assert split_button_key(button_key(button)) == ("ack", "a:1|b")
    assert split_button_key("bare") == ("bare", "")


def test_fields_beyond_six_rows_go_into_the_text() -> None:
    rows = tuple((f"k{i}", f"v{i}") for i in range(8))
    rendered = template_card(card(fields=rows, footer=""))
    assert len(rendered["horizontal_content_list"]) == 6
    assert rendered["sub_title_text"].endswith("k6: v6\nk7: v7")


def test_a_task_id_can_be_given_for_an_update() -> None:
    assert template_card(card(), task_id="case-41")["task_id"] == "case-41"


@pytest.mark.parametrize("card_id", ["", "case#42", "组-1", "x" * 129])
def test_a_card_id_wecom_refuses_as_task_id_is_refused(card_id: str) -> None:
    with pytest.raises(ValueError, match="task_id"):
        template_card(card(card_id=card_id))


def test_more_than_six_buttons_are_refused() -> None:
    buttons = tuple(Button(str(i), f"a{i}") for i in range(7))
    with pytest.raises(ValueError, match="6 buttons"):
        template_card(card(buttons=buttons))


def test_a_card_without_buttons_is_refused_as_wecom_refuses_it() -> None:
    with pytest.raises(ValueError, match="1 to 6 buttons"):
        template_card(card(buttons=()))


@pytest.mark.parametrize(
    ("buttons", "accepted"),
    [
        ([], False),  # button_list is required: an empty one leaves nothing to press
        ([{"text": "OK", "key": "k1"}], True),
        ([{"text": str(i), "key": f"k{i}"} for i in range(6)], True),
        ([{"text": str(i), "key": f"k{i}"} for i in range(7)], False),
    ],
)
def test_wecom_takes_one_to_six_buttons_on_a_button_interaction_card(
    buttons: list[dict[str, str]], accepted: bool
) -> None:
    rendered = {**template_card(card()), "button_list": buttons}
    assert (template_card_errors(rendered) == []) is accepted


def test_a_key_over_1024_bytes_is_refused_not_cut() -> None:
    with pytest.raises(ValueError, match="1024 bytes"):
        template_card(card(buttons=(Button("OK", "ack", "签" * 400),)))


def test_an_action_with_the_separator_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot contain"):
        button_key(Button("OK", "a|b"))


def test_two_buttons_with_the_same_key_are_refused() -> None:
    with pytest.raises(ValueError, match="unique"):
        template_card(card(buttons=(Button("A", "ack", "1"), Button("B", "ack", "1"))))


def choice_card(
    *selects: Select, buttons: tuple[Button, ...] = (Button("应用", "setup.apply", "C1"),)
) -> Card:
    return Card(
        card_id="setup-1", title="群管已加入「周会」", body="请选择", buttons=buttons, selects=selects
    )


MODE = Select("mode", "管理方式", (Option("正式执行", "enforce"), Option("试行", "warn")), ("warn",))


def test_a_card_with_selects_becomes_a_multiple_interaction_card_wecom_accepts() -> None:
    rendered = template_card(choice_card(MODE))
    assert rendered == {
        "card_type": "multiple_interaction",
        "main_title": {"title": "群管已加入「周会」", "desc": "请选择"},
        "task_id": "setup-1",
        "select_list": [
            {
                "question_key": "mode",
                "title": "管理方式",
                "option_list": [{"id": "enforce", "text": "正式执行"}, {"id": "warn", "text": "试行"}],
                "selected_id": "warn",
            }
        ],
        "submit_button": {"text": "应用", "key": "setup.apply|C1"},
    }
    assert template_card_errors(rendered) == []


@pytest.mark.parametrize(
    "bad",
    [
        choice_card(*(replace(MODE, key=f"k{i}") for i in range(4))),  # more than 3 selects
        choice_card(replace(MODE, multiple=True)),  # no multiple choice
        choice_card(replace(MODE, people=True)),  # no user picker
        choice_card(replace(MODE, options=tuple(Option(str(i), str(i)) for i in range(11)))),  # > 10 options
        choice_card(MODE, buttons=()),  # no submit button
    ],
)
def test_a_choice_card_wecom_cannot_show_is_refused_before_sending(bad: Card) -> None:
    with pytest.raises(ValueError):
        template_card(bad)
