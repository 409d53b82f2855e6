"""WeCom's `template_card` as the vendor documents it (developer.work.weixin.qq.com/document/path/90236,
模板卡片消息; the same structures in path/94888 for update_template_card): what the fake WeCom refuses
with errcode 40058, and what the tests assert every card render passes.

Checked for the interactive card types the bot sends: `button_interaction` (a `main_title`, a
`button_list` of 1 to 6 buttons with unique `key`s of at most 1024 bytes) and `multiple_interaction` (a
`main_title`, a `select_list` of 1 to 3 selects, each a unique `question_key` of at most 1024 bytes, an
`option_list` of 1 to 10 options with unique `id`s of at most 128 bytes, a `selected_id` among them, and a
`submit_button` with `text` and `key`). A field the card type does not have is refused too.
"""

from __future__ import annotations

from typing import Any

COMMON = {"card_type", "source", "action_menu", "task_id", "main_title", "replace_text"}
FIELDS = {
    "button_interaction": COMMON
    | {
        "quote_area",
        "sub_title_text",
        "horizontal_content_list",
        "card_action",
        "button_selection",
        "button_list",
    },
    "multiple_interaction": COMMON | {"select_list", "submit_button"},
    "vote_interaction": COMMON | {"checkbox", "submit_button"},
}


def template_card_errors(card: Any) -> list[str]:
    """Why WeCom would refuse `card`; empty when it would accept it."""
    if not isinstance(card, dict):
        return ["template_card must be an object"]
    kind = card.get("card_type")
    if kind not in FIELDS:
        return [f"card_type {kind!r} is not an interactive card type"]
    errors = [f"{kind} has no field {name!r}" for name in card if name not in FIELDS[kind]]
    if not card.get("task_id"):
        errors.append("task_id missing")
    title = card.get("main_title")
    if not isinstance(title, dict) or not (title.get("title") or title.get("desc")):
        errors.append("main_title.title or main_title.desc is required")
    if kind == "button_interaction":
        errors += _buttons(card.get("button_list"))
    if kind == "multiple_interaction":
        errors += _selects(card.get("select_list"))
        submit = card.get("submit_button")
        if not isinstance(submit, dict) or not submit.get("text") or not _key(submit.get("key")):
            errors.append("submit_button needs text and a key of 1 to 1024 bytes")
    return errors


def _key(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value.encode()) <= 1024


def _buttons(buttons: Any) -> list[str]:
    # path/90236, 按钮交互型: `button_list` 是 (required) for button_interaction, "列表长度不超过6"; an
    # empty list is a required field left empty (a card with nothing to press), refused as a missing one
    # is. The doc names no errcode of its own for it: 40058, invalid parameter, as for every card fault.
    if buttons is None:
        return ["button_list is required"]
    if not isinstance(buttons, list) or not 1 <= len(buttons) <= 6:
        return ["button_list takes 1 to 6 buttons"]
    keys = [button.get("key") if isinstance(button, dict) else None for button in buttons]
    if not all(_key(key) for key in keys) or len(set(keys)) != len(keys):
        return ["button keys must be unique, 1 to 1024 bytes"]
    return []


def _selects(selects: Any) -> list[str]:
    if not isinstance(selects, list) or not 1 <= len(selects) <= 3:
        return ["select_list takes 1 to 3 selects"]
    errors: list[str] = []
    questions = [select.get("question_key") if isinstance(select, dict) else None for select in selects]
    if not all(_key(q) for q in questions) or len(set(questions)) != len(questions):
        errors.append("question_key must be unique, 1 to 1024 bytes")
    for select in selects:
        options = select.get("option_list") if isinstance(select, dict) else None
        if not isinstance(options, list) or not 1 <= len(options) <= 10:
            errors.append("option_list takes 1 to 10 options")
            continue
        ids = [option.get("id") if isinstance(option, dict) else None for option in options]
        valid = all(isinstance(i, str) and 0 < len(i.encode()) <= 128 for i in ids)
        if not valid or len(set(ids)) != len(ids) or not all(o.get("text") for o in options):
            errors.append("options need text and unique ids of 1 to 128 bytes")
        if "selected_id" in select and select["selected_id"] not in ids:
            errors.append(f"selected_id {select['selected_id']!r} is not an option")
    return errors
