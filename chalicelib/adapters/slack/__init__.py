"""Slack: three inbound routes and one outbound client (PROTOCOLS.md section 3).

- `endpoints`: the Events API (`/slack/events`, JSON: url_verification and event_callback), Block Kit
  interactions (`/slack/interactions`, form `payload=`) and the `/qg` slash command (`/slack/commands`,
  form). Ingress only: the standard library, nothing heavier.
- `signature`: the v0 request signature (HMAC-SHA256 over `v0:{timestamp}:{raw body}`) and its
  five-minute window.
- `blocks`: a platform-neutral `Card` as Block Kit blocks.
- `client`: `SlackMessenger`, the outbound verbs over the Web API (worker only: it pulls in `requests`).

This package's `__init__` imports nothing, so importing one module does not load the others.
"""
