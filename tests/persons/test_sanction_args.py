"""Reading `ban @member [--scope group|org|tag:<tag>] [--for 30d] [reason]`."""

from __future__ import annotations

import pytest

from chalicelib.core.events import CommandIssued
from chalicelib.persons.sanctions import Usage, parse

GID = "slack:T1:C1"


def command(text: str) -> CommandIssued:
    words = text.split()
    return CommandIssued(
        platform="slack",
        tenant="T1",
        event_id="e",
        occurred_at=0.0,
        chat="C1",
        user="UADMIN",
        name=words[0],
        args=tuple(words[1:]),
        text=text,
    )


@pytest.mark.parametrize(
    ("text", "scope", "target", "seconds", "reason"),
    [
        ("ban <@U1> spam again", "group", GID, None, "spam again"),
        ("ban <@U1> --scope org --for 30d leaked ID numbers", "org", "", 30 * 86400, "leaked ID numbers"),
        ("ban <@U1> --scope=tag:project:apollo --for=2w", "tag", "project:apollo", 14 * 86400, ""),
        ("ban @zhangsan --for 12h --scope group 刷屏", "group", GID, 12 * 3600, "刷屏"),
        ("ban <@U1> --for 3天", "group", GID, 3 * 86400, ""),
    ],
)
def test_scope_period_and_reason_are_read_in_any_order(
    text: str, scope: str, target: str, seconds: int | None, reason: str
) -> None:
    request = parse(command(text), GID)
    assert (request.scope, request.target, request.seconds, request.reason) == (
        scope,
        target,
        seconds,
        reason,
    )


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("ban spam", "member"),
        ("ban <@U1> --scope world", "scope"),
        ("ban <@U1> --scope tag:Bad Tag", "scope"),
        ("ban <@U1> --for soon", "for"),
        ("ban <@U1> --for 0d", "for"),
        ("ban <@U1> --scope", "scope"),
    ],
)
def test_a_wrong_argument_is_named(text: str, wrong: str) -> None:
    with pytest.raises(Usage, match=wrong):
        parse(command(text), GID)
