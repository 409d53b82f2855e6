"""A platform-neutral `Card` as the `cardParamMap` of DingTalk's interactive card (卡片平台).

DingTalk renders cards only from a template registered in the card platform (open-dev.dingtalk.com
卡片平台); the API sends the template's variables, and every variable is a string. So the template that
qunguan's operators register declares these variables:

- `title`, `body`, `footer`: text (`body` may hold Markdown);
- `fields`: a JSON array of `{"label", "value"}`, shown as a list;
- `buttons`: a JSON array of `{"label", "action", "value", "style"}`, shown as a loop of buttons whose
  callback (type HTTP) sends `params = {"action": <action>, "value": <value>, "chat": <chat>}`;
- `chat`: the open conversation id the card was posted to, echoed back in each button's params;
- `selects`: a JSON array of `{"key", "label", "multiple", "options": [{"label", "value"}], "initial":
  [values]}`, shown as the template's select (or multi-select) form fields, above the buttons; a button's
  callback then also sends `"choices": {<key>: <value> | [<value>, ...]}`, what each select held.

On a click DingTalk posts those params to `/dingtalk/cards` (see `endpoints.DingTalkCards`). Every
variable is a string (`cardParamMap` is `Map<String, String>` in the card API), so lists travel as JSON.
"""

from __future__ import annotations

import json
from typing import Any

from chalicelib.core.cards import Card


def card_param_map(card: Card, *, chat: str | None = None) -> dict[str, str]:
    """The template variables for `card`. `chat` is left out when None, so that an update by key
    (`updateCardDataByKey`) keeps the chat the card was first posted with."""
    params = {
        "title": card.title,
        "body": card.body,
        "footer": card.footer,
        "fields": _json([{"label": label, "value": value} for label, value in card.fields]),
        "buttons": _json(
            [
                {"label": button.label, "action": button.action, "value": button.value, "style": button.style}
                for button in card.buttons
            ]
        ),
    }
    # Always sent, empty too: an update by key then takes a handled card's form away with its buttons.
    params["selects"] = _json(
        [
            {
                "key": select.key,
                "label": select.label,
                "multiple": select.multiple,
                "options": [{"label": o.label, "value": o.value} for o in select.options],
                "initial": list(select.initial),
            }
            for select in card.selects
        ]
    )
    if chat is not None:
        params["chat"] = chat
    return params


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
