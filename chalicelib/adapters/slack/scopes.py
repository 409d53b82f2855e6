"""What the Slack app must be granted, as data: the OAuth scope each Web API method qunguan calls needs,
and each event it subscribes to. `chalicelib.adapters.slack.manifest` builds the app manifest in the
deploy guide from these tables, and `tests/adapters/slack/test_slack_manifest.py` fails when the code
calls a method this table does not list, or the guide's manifest differs from the generated one.

Scopes are those on each method's and event's page at docs.slack.dev/reference ("Required scopes").
Where a method takes a different scope per kind of conversation, every scope for the kinds qunguan works
in (public and private channels, and direct messages where it opens them) is listed: a bot that governs
private channels without `groups:*` is refused there with `missing_scope`.

Pure data, no imports beyond the standard library.
"""

from __future__ import annotations

# Bot token (SLACK_BOT_TOKEN): method -> scopes.
BOT_METHOD_SCOPES: dict[str, tuple[str, ...]] = {
    "auth.test": (),
    "chat.postMessage": ("chat:write",),
    "chat.postEphemeral": ("chat:write",),
    "chat.update": ("chat:write",),
    "chat.delete": ("chat:write",),
    "chat.getPermalink": (),
    "conversations.open": ("im:write",),
    "conversations.kick": ("channels:manage", "groups:write"),
    "conversations.members": ("channels:read", "groups:read"),
    "conversations.info": ("channels:read", "groups:read"),
    "conversations.create": ("groups:write",),  # is_private: true
    "conversations.invite": ("channels:manage", "groups:write"),
    "users.info": ("users:read",),
    "users.list": ("users:read",),
    "files.getUploadURLExternal": ("files:write",),
    "files.completeUploadExternal": ("files:write",),
    "files.info": ("files:read",),
}

# A workspace admin's user token (SLACK_ADMIN_USER_TOKEN): only to delete members' messages.
USER_METHOD_SCOPES: dict[str, tuple[str, ...]] = {
    "chat.delete": ("chat:write",),
}

# Bot events the app subscribes to -> scopes that deliver them.
EVENT_SCOPES: dict[str, tuple[str, ...]] = {
    "message.channels": ("channels:history",),
    "message.groups": ("groups:history",),
    "app_mention": ("app_mentions:read",),
    "member_joined_channel": ("channels:read", "groups:read"),
    "member_left_channel": ("channels:read", "groups:read"),
    "file_shared": ("files:read",),
    "user_change": ("users:read",),
}

# Features declared in the manifest that need a scope of their own.
FEATURE_SCOPES: dict[str, tuple[str, ...]] = {
    "/qg and the Report message shortcut": ("commands",),
}


def bot_scopes() -> tuple[str, ...]:
    """Every bot scope the app needs, sorted."""
    tables = (BOT_METHOD_SCOPES, EVENT_SCOPES, FEATURE_SCOPES)
    return tuple(sorted({scope for table in tables for scopes in table.values() for scope in scopes}))


def user_scopes() -> tuple[str, ...]:
    return tuple(sorted({scope for scopes in USER_METHOD_SCOPES.values() for scope in scopes}))
