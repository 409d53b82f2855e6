"""What a revision's owners see before they approve: the proposal tried on the messages the proposing
group kept this last week, through the rule engine, as counts (no member's words on the card)."""

from __future__ import annotations

from chalicelib.jobs.activity import Entry, MessageLog
from tests.security.authz_world import TEAM, World, slack

ADMIN, OWNER = "UADMIN", "UOWNER"
GID = f"slack:{TEAM}:CA"


def world_with(retention: dict[str, int] | None = None) -> World:
    world = World()
    world.group("CA", admins=(ADMIN,))
    settings = {"retention": retention} if retention else {}
    world.org(admins=[slack(ADMIN)], workflows={"revisions": {"owners": [slack(OWNER)]}}, **settings)
    return world


def test_the_owners_card_says_how_many_decisions_the_revision_changes_on_kept_messages() -> None:
    world = world_with({"cases": 365, "audit": 400, "messages": 30})
    policy = world.policies.for_group(GID, world.clock.now())
    now = world.clock.now()
    for i, text in enumerate(("周会改到三点", "收到", "周会纪要已发")):
        entry = Entry(kind="msg", user=f"U{i}", at=now - 3600 + i * 60, message_id=f"m{i}", text=text)
        MessageLog(world.store).record(GID, entry, policy)
    world.say(ADMIN, "revision propose rules.lexicon.extra_terms.abuse=[周会]", chat="CA")
    card = world.told(OWNER)
    assert "Tried on the 3 message(s) this group kept in the last 7 days: 2 decision(s) change" in card
    assert "周会改到三点" not in card


def test_without_kept_text_the_card_says_the_revision_could_not_be_tried() -> None:
    world = world_with()
    world.say(ADMIN, "revision propose rules.flood.max_messages=6", chat="CA")
    assert "This group keeps no message text" in world.told(OWNER)
