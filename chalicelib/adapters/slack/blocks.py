"""A platform-neutral `Card` as Block Kit blocks (docs.slack.dev/reference/block-kit/blocks).

header (title) -> section (body) -> sections of fields (ten per section) -> actions (buttons) ->
context (footer). A button's `action_id` is the card button's `action` and its `value` the button's
`value`, so a click comes back as `CardClicked(action, value)`.

A card's selects are sections with the select as their accessory (`static_select`, `multi_static_select`,
or `multi_users_select` for people), block and action id `select:<key>`: choosing sends Slack a
`block_actions` of its own, which the endpoint does not treat as a click; the button that follows reads
every select's state from the payload's `state.values` (sent in every block_actions since 2020-09,
api.slack.com/changelog/2020-09-full-state-on-view-submisson-and-block-actions).

Card text may quote what members wrote, so it is escaped (`&`, `<`, `>`) and marked `verbatim`: a
quoted `<!channel>` or `<@U…>` stays text and never pings anyone. Texts are cut to Slack's limits
rather than refused. A button's `value` and `action_id` are never cut: the value carries a seal
(`chalicelib.cardsign`) that a cut would break, so a card whose value exceeds Slack's 2 000 characters
(or whose action exceeds 255) is refused with `ValueError`, as the WeCom renderer refuses a long key.
"""

from __future__ import annotations

from typing import Any

from chalicelib.core.cards import Button, Card, Option, Select

Block = dict[str, Any]

HEADER_MAX = 150
TEXT_MAX = 3000
FIELD_MAX = 2000
FIELDS_PER_SECTION = 10
BUTTON_LABEL_MAX = 75
BUTTON_VALUE_MAX = 2000
ACTION_ID_MAX = 255
BUTTONS_PER_BLOCK = 25
OPTION_TEXT_MAX = 75
OPTION_VALUE_MAX = 150
OPTIONS_MAX = 100
SELECT_PREFIX = "select:"  # the block and action id of a card's select: a choice, not a click


def render(card: Card) -> list[Block]:
    """The card's blocks, for `chat.postMessage`, `chat.update` or a `response_url`."""
    blocks: list[Block] = [{"type": "header", "text": _plain(card.title, HEADER_MAX)}]
    if card.body:
        blocks.append({"type": "section", "text": _mrkdwn(escape(card.body), TEXT_MAX)})
    for start in range(0, len(card.fields), FIELDS_PER_SECTION):
        chunk = card.fields[start : start + FIELDS_PER_SECTION]
        blocks.append({"type": "section", "fields": [_field(label, value) for label, value in chunk]})
    blocks.extend(_select(select) for select in card.selects)
    blocks.extend(
        {"type": "actions", "elements": [_button(b) for b in group]} for group in _button_groups(card)
    )
    if card.footer:
        blocks.append({"type": "context", "elements": [_mrkdwn(escape(card.footer), TEXT_MAX)]})
    return blocks


def fallback_text(card: Card) -> str:
    """The message's `text`: what notifications and screen readers show instead of the blocks."""
    text = f"{card.title}\n{card.body}" if card.body else card.title
    return _cut(escape(text), TEXT_MAX)


def escape(text: str) -> str:
    """Slack's three control characters as entities (docs.slack.dev/messaging/formatting-message-text)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _button_groups(card: Card) -> list[list[Button]]:
    """Buttons in rows of at most 25, a new row where an action repeats: Slack refuses an actions
    block whose elements share an `action_id`."""
    groups: list[list[Button]] = []
    for button in card.buttons:
        current = groups[-1] if groups else None
        if (
            current is None
            or len(current) == BUTTONS_PER_BLOCK
            or any(b.action == button.action for b in current)
        ):
            groups.append([button])
        else:
            current.append(button)
    return groups


def _button(button: Button) -> Block:
    if len(button.action) > ACTION_ID_MAX:
        raise ValueError(f"a Slack action_id is at most {ACTION_ID_MAX} characters: {button.action[:40]!r}…")
    if len(button.value) > BUTTON_VALUE_MAX:
        raise ValueError(
            f"a Slack button value is at most {BUTTON_VALUE_MAX} characters, got {len(button.value)} "
            f"for action {button.action!r}"
        )
    element: Block = {
        "type": "button",
        "action_id": button.action,
        "text": _plain(button.label, BUTTON_LABEL_MAX),
    }
    if button.value:
        element["value"] = button.value
    if button.style != "default":
        element["style"] = button.style
    return element


def _select(select: Select) -> Block:
    """A section naming the choice, with the select as its accessory."""
    if not select.options and not select.people:
        raise ValueError(f"the select {select.key!r} offers nothing to choose")
    if len(select.options) > OPTIONS_MAX:
        raise ValueError(f"a Slack select takes at most {OPTIONS_MAX} options, got {len(select.options)}")
    ident = SELECT_PREFIX + select.key
    element: Block = {"action_id": ident}
    if select.people:
        element["type"] = "multi_users_select" if select.multiple else "users_select"
        if select.multiple and select.initial:
            element["initial_users"] = list(select.initial)
        elif select.initial:
            element["initial_user"] = select.initial[0]
        element["placeholder"] = _plain(select.label, HEADER_MAX)
    else:
        options = {option.value: _option(option) for option in select.options}
        chosen = [options[value] for value in select.initial if value in options]
        element["type"] = "multi_static_select" if select.multiple else "static_select"
        element["placeholder"] = _plain(select.label, HEADER_MAX)
        element["options"] = list(options.values())
        if chosen and select.multiple:
            element["initial_options"] = chosen
        elif chosen:
            element["initial_option"] = chosen[0]
    return {
        "type": "section",
        "block_id": ident,
        "text": _mrkdwn(f"*{escape(select.label)}*", TEXT_MAX),
        "accessory": element,
    }


def _option(option: Option) -> Block:
    if len(option.value) > OPTION_VALUE_MAX:
        raise ValueError(
            f"a Slack option value is at most {OPTION_VALUE_MAX} characters: {option.value[:40]!r}"
        )
    return {"text": _plain(option.label, OPTION_TEXT_MAX), "value": option.value}


def _field(label: str, value: str) -> Block:
    text = f"*{escape(label)}*\n{escape(value)}" if value else f"*{escape(label)}*"
    return _mrkdwn(text, FIELD_MAX)


def _plain(text: str, limit: int) -> Block:
    return {"type": "plain_text", "text": _cut(text, limit) or " ", "emoji": True}


def _mrkdwn(text: str, limit: int) -> Block:
    return {"type": "mrkdwn", "text": _cut(text, limit) or " ", "verbatim": True}


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    amp = head.find("&", max(len(head) - 4, 0))  # never cut an entity in half
    if amp != -1 and ";" not in head[amp:]:
        head = head[:amp]
    return head + "…"
