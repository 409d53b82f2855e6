"""The `cardParamMap` of qunguan's DingTalk card template, as the card API takes it and the template
declares it: what the fake DingTalk refuses (400 `param.cardParamMap.invalid`), and what the tests assert
every card render passes.

The card API types `cardParamMap` as `Map<String, String>` (alibabacloud-dingtalk `card_1_0`,
`CreateAndDeliverRequestCardData.card_param_map`, `UpdateCardRequestCardData.card_param_map`): every value
a string. The template (`chalicelib.adapters.dingtalk.cards`) loops over three of them as JSON arrays:
`fields` of `{"label", "value"}`, `buttons` of `{"label", "action", "value", "style"}` and `selects` of
`{"key", "label", "multiple", "options": [{"label", "value"}], "initial": [...]}`; an update by key may
send only some of the variables.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

SHAPES: dict[str, Mapping[str, type]] = {
    "fields": {"label": str, "value": str},
    "buttons": {"label": str, "action": str, "value": str, "style": str},
    "selects": {"key": str, "label": str, "multiple": bool, "options": list, "initial": list},
}
OPTION: Mapping[str, type] = {"label": str, "value": str}


def card_param_errors(params: Any) -> list[str]:
    """Why DingTalk (or the template) would refuse `params`; empty when they render."""
    if not isinstance(params, dict):
        return ["cardParamMap must be an object"]
    errors = [f"{name} is not a string" for name, value in params.items() if not isinstance(value, str)]
    for name, shape in SHAPES.items():
        if name not in params or not isinstance(params[name], str):
            continue
        try:
            items = json.loads(params[name])
        except ValueError:
            errors.append(f"{name} is not JSON")
            continue
        if not isinstance(items, list):
            errors.append(f"{name} is not a JSON array")
            continue
        errors += [
            f"{name}[{i}] is not {sorted(shape)}" for i, item in enumerate(items) if not _fits(item, shape)
        ]
        if name == "selects":
            errors += _select_errors(items)
    return errors


def _fits(item: Any, shape: Mapping[str, type]) -> bool:
    return (
        isinstance(item, dict)
        and set(item) == set(shape)
        and all(isinstance(item[key], kind) for key, kind in shape.items())
    )


def _select_errors(selects: list[Any]) -> list[str]:
    errors: list[str] = []
    for select in selects:
        if not isinstance(select, dict):
            continue
        options = select.get("options") or []
        values = [o.get("value") for o in options if _fits(o, OPTION)]
        if len(values) != len(options) or len(set(values)) != len(values):
            errors.append(f"select {select.get('key')!r}: options need a label and a unique value")
        if not select.get("multiple") and len(select.get("initial") or []) > 1:
            errors.append(f"select {select.get('key')!r}: one initial value for a single choice")
    return errors
