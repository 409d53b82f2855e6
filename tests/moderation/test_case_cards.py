"""A case or appeal decided by a click updates every other admin's copy of its card, once, by the tokens
its follow-up keeps (`chalicelib.moderation.case_cards`): the clicked card is left to the click's answer,
whether the click came from Slack (the message's ts), WeCom (the card's task id) or the console (a token)."""

from __future__ import annotations

import pytest

from chalicelib.clock import FrozenClock
from chalicelib.core.cards import Card
from chalicelib.core.events import CardClicked
from chalicelib.core.ids import Platform
from chalicelib.moderation.case_cards import other_cards
from chalicelib.moderation.followups import FollowUp, FollowUps
from chalicelib.store.memory import MemoryStore

HANDLED = Card(card_id="case:c1", title="Violation", body="", footer="UADA warned.")


def store_with(gid: str, tokens: tuple[str, ...]) -> MemoryStore:
    store = MemoryStore(clock=FrozenClock(1_767_225_600.0))
    FollowUps(store).open(
        FollowUp(
            gid=gid,
            chat=gid.split(":")[2],
            ref="c1",
            kind="case",
            card="violation",
            opened_at=1_767_225_600.0,
            member="UMIA",
            rule="flood",
            recipients=("UADA", "UBEN"),
            plan=(),
            cards=tokens,
        )
    )
    return store


def click(platform: Platform, card_id: str, response_token: str | None) -> CardClicked:
    return CardClicked(
        platform=platform,
        tenant="T1",
        event_id="click:1",
        occurred_at=1_767_225_600.0,
        chat="",
        user="UADA",
        action="mod.warn",
        card_id=card_id,
        response_token=response_token,
    )


@pytest.mark.parametrize(
    ("platform", "tokens", "clicked", "others"),
    [
        (
            "slack",
            ("DADA:1767225600.000200", "DBEN:1767225600.000300"),
            click("slack", "1767225600.000200", "https://hooks.slack.com/actions/T1/1/x"),
            ["DBEN:1767225600.000300"],
        ),
        (
            "wecom",
            ("task-a|code-a", "task-b|code-b", "task-c|code-c"),
            click("wecom", "task-b", "code-fresh"),
            ["task-a|code-a", "task-c|code-c"],
        ),
        (
            "slack",
            ("DADA:1767225600.000200", "DBEN:1767225600.000300"),
            click("slack", "DADA:1767225600.000200", "DADA:1767225600.000200"),  # as the console presses
            ["DBEN:1767225600.000300"],
        ),
    ],
)
def test_every_other_copy_is_updated_once_by_its_own_token(
    platform: str, tokens: tuple[str, ...], clicked: CardClicked, others: list[str]
) -> None:
    gid = f"{platform}:T1:C1"
    store = store_with(gid, (*tokens, tokens[0]))  # a token kept twice is still updated once

    updates = other_cards(store, gid, "case", "c1", card=HANDLED, click=clicked, reason="admin.handled")

    assert [u.card_ref for u in updates] == others
    assert all(u.response_token == u.card_ref and u.card == HANDLED for u in updates)


def test_a_case_no_longer_followed_has_no_other_cards() -> None:
    store = MemoryStore(clock=FrozenClock(1_767_225_600.0))

    assert (
        other_cards(
            store, "slack:T1:C1", "case", "c1", card=HANDLED, click=click("slack", "1", None), reason="r"
        )
        == []
    )
