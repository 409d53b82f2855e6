"""The inbound routes (DESIGN.md section 3): route name, path, methods and the platform behind it."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.core.ids import Platform


@dataclass(frozen=True)
class Route:
    name: str
    path: str
    platform: Platform
    methods: tuple[str, ...] = ("POST",)


ROUTES: dict[str, Route] = {
    route.name: route
    for route in (
        Route("slack.events", "/slack/events", "slack"),
        Route("slack.interactions", "/slack/interactions", "slack"),
        Route("slack.commands", "/slack/commands", "slack"),
        Route("wecom.callback", "/wecom/callback", "wecom", ("GET", "POST")),
        Route("wecom.aibot", "/wecom/aibot", "wecom", ("GET", "POST")),
        Route("dingtalk.robot", "/dingtalk/robot", "dingtalk"),
        Route("dingtalk.events", "/dingtalk/events", "dingtalk"),
        Route("dingtalk.cards", "/dingtalk/cards", "dingtalk"),
    )
}
