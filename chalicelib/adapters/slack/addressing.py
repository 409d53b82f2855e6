"""Who a Slack message is addressed to, once the bot's own user id is known.

Slack's `authorizations` in an event envelope names one installation the event is visible to, "not
necessarily the bot" (docs.slack.dev/apis/events-api, "authorizations"): with user scopes installed it
may be the admin who installed the app (`is_bot: false`), as in Slack's own published `message` sample.
So an envelope tells us the bot's id only when its authorization says `is_bot: true`; otherwise the
worker asks `auth.test` (its `user_id` is the bot's, for a bot token), once per team, and applies this.

Standard library only: the ingress path uses it too.
"""

from __future__ import annotations

import re
from dataclasses import replace

from chalicelib.core.events import MessagePosted


def address(event: MessagePosted, bot_user: str | None) -> MessagePosted | None:
    """The message as the bot sees it: None when the bot wrote it; when it @-mentions the bot,
    `mentions_bot` set and the mention taken out of `text` and `mentions`. Unchanged without a bot id."""
    if not bot_user:
        return event
    if event.user == bot_user:
        return None
    if bot_user not in event.mentions:
        return event
    return replace(
        event,
        text=without_mention(event.text, bot_user),
        mentions=tuple(member for member in event.mentions if member != bot_user),
        mentions_bot=True,
    )


def without_mention(text: str, user: str) -> str:
    """The text with every mention of `user` and the blanks around it replaced by one space, stripped.
    Split, not `re.sub(r"\\s*<@U…>\\s*")`: a leading `\\s*` is tried from every blank of a long run,
    quadratic in it; a label stops at the next `<` (Slack escapes < and > in text as &lt; &gt;)."""
    parts = re.split(rf"<@{re.escape(user)}(?:\|[^<>]*)?>", text)
    if len(parts) == 1:
        return text.strip()
    inner = [part.strip() for part in parts[1:-1]]
    return " ".join([parts[0].rstrip(), *inner, parts[-1].lstrip()]).strip()
