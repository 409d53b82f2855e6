"""A platform-neutral `Card` as the `cardParamMap` of DingTalk's interactive card (卡片平台).

DingTalk renders cards only from a template registered in the card platform (open-dev.dingtalk.com
卡片平台); the API sends the template's variables, and every variable is a string. So the template that
qunguan's operators register declares these variables:

- `title`, `body`, `footer`: text (`body` may hold Markdown);
- `fields`: a JSON array of `{"label", "value"}`, shown as a list;
- `buttons`: a JSON array of `{"label", "action", "value", "style"}`, shown as a loop of buttons whose
  callback (type HTTP) sends `params = {"action": <action>, "value": <value>, "chat": <chat>}`;
- `chat`: the open conversation id the card was posted to, echoed back in each button's params.

On a click DingTalk posts those params to `/dingtalk/cards` (see `endpoints.DingTalkCards`).
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
    if chat is not None:
        params["chat"] = chat
    return params


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
