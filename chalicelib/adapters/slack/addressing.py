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
    text = re.sub(rf"\s*<@{re.escape(bot_user)}(?:\|[^>]*)?>\s*", " ", event.text).strip()
    return replace(
        event,
        text=text,
        mentions=tuple(member for member in event.mentions if member != bot_user),
        mentions_bot=True,
    )
