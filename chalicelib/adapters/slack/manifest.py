"""The Slack app manifest (docs.slack.dev/reference/app-manifest), generated from the scope tables in
`chalicelib.adapters.slack.scopes`, so that the scopes the guide asks for are exactly those the code
needs. Each scope line says what needs it.

    python -m chalicelib.adapters.slack.manifest    # prints the manifest the deploy guide shows

`https://API` stands for the stack's `EndpointURL` without its trailing slash.
"""

from __future__ import annotations

from chalicelib.adapters.slack.scopes import (
    BOT_METHOD_SCOPES,
    EVENT_SCOPES,
    FEATURE_SCOPES,
    USER_METHOD_SCOPES,
    bot_scopes,
    user_scopes,
)

API = "https://API"
SCOPE_COLUMN = 24

_HEAD = f"""display_information:
  name: qunguan
  description: 群管 group governance
features:
  bot_user:
    display_name: qunguan
    always_online: true
  slash_commands:
    - command: /qg
      url: {API}/slack/commands
      description: qunguan commands (/qg help)
      usage_hint: help
      should_escape: false
  shortcuts:
    - name: Report message
      type: message
      callback_id: report
      description: Report this message to the group's admins
oauth_config:
  scopes:
    bot:
"""


def manifest() -> str:
    """The manifest as YAML text."""
    lines = [_HEAD.rstrip("\n")]
    lines += [_scope_line(scope, _users_of(scope, bot=True)) for scope in bot_scopes()]
    lines.append("    user:")
    for scope in user_scopes():
        lines.append(_scope_line(scope, f"SLACK_ADMIN_USER_TOKEN: {_users_of(scope, bot=False)}"))
    lines += [
        "settings:",
        "  event_subscriptions:",
        f"    request_url: {API}/slack/events",
        "    bot_events:",
        *(f"      - {event}" for event in EVENT_SCOPES),
        "  interactivity:",
        "    is_enabled: true",
        f"    request_url: {API}/slack/interactions",
        "  socket_mode_enabled: false",
        "  token_rotation_enabled: false",
    ]
    return "\n".join(lines) + "\n"


def _users_of(scope: str, *, bot: bool) -> str:
    """What needs `scope`: methods, then events, then features."""
    if not bot:
        return ", ".join(method for method, scopes in USER_METHOD_SCOPES.items() if scope in scopes)
    methods = [method for method, scopes in BOT_METHOD_SCOPES.items() if scope in scopes]
    events = [event for event, scopes in EVENT_SCOPES.items() if scope in scopes]
    features = [feature for feature, scopes in FEATURE_SCOPES.items() if scope in scopes]
    parts = [", ".join(methods)] if methods else []
    if events:
        parts.append("events " + ", ".join(events))
    return "; ".join([*parts, *features])


def _scope_line(scope: str, why: str) -> str:
    return f"      - {scope.ljust(SCOPE_COLUMN - 2)} # {why}"


if __name__ == "__main__":  # pragma: no cover - a command for the operator
    print(manifest(), end="")
