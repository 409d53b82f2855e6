"""Fewer, better admin messages (issue 16, item 6): one open removal proposal per member, whatever more
they do while it waits (their further points go on its case)."""

from __future__ import annotations

from chalicelib.core.actions import PostCard
from chalicelib.moderation.cases import CaseRepo
from chalicelib.moderation.followups import FollowUps
from tests.moderation.test_followups import ABUSE, GID, make


def test_a_member_past_the_removal_threshold_has_one_open_proposal_updated_not_repeated() -> None:
    group = make()
    proposals = 0
    for _ in range(8):
        outcome = group.say("U1", ABUSE)
        proposals += sum(
            1
            for a in outcome.decision.actions
            if isinstance(a, PostCard) and a.card.card_id.startswith("removal:")
        )
        group.clock.at += 60
    assert proposals == 1
    (waiting,) = [f for f in FollowUps(group.deps.store).of_group(GID) if f.card == "removal"]
    updates = [e for e in CaseRepo(group.deps.store).events(GID, waiting.ref) if e["what"] == "points"]
    assert updates and updates[-1]["total"] > updates[0]["total"] > 5  # its case has the latest total
