"""Escalation across groups (`escalation.scope: person`): the points a person earned in another group, on
another platform, count toward this group's thresholds; this group still records only its own."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.bootstrap import Deps
from chalicelib.core.events import MessagePosted
from chalicelib.core.facts import CaseDecided
from chalicelib.persons.ledger import ledger_entry
from chalicelib.persons.repository import PersonRepo
from chalicelib.worker.pipeline import process
from tests.membership.conftest import apply_policy
from tests.membership.factories import GID, NOW

BASE: dict[str, Any] = {"platform": "slack", "tenant": "T1", "occurred_at": NOW, "chat": "C1"}
SLACK_UID, WECOM_UID = "slack:T1:U9", "wecom:ww1:u9"
ID_CARD = "11010519491231002X"


def earned_elsewhere(deps: Deps, points: float) -> None:
    repo = PersonRepo(deps.store)
    person = repo.create(SLACK_UID, via="admin", by="x", at=NOW)
    repo.link(person, WECOM_UID, via="directory", by="directory", at=NOW)
    entry = ledger_entry(
        WECOM_UID,
        at=NOW - 60,
        kind="case",
        ref="c-wecom",
        gid="wecom:ww1:wr1",
        expires_at=None,
        points=points,
    )
    deps.store.put_item(entry)


@pytest.mark.parametrize(("scope", "threshold"), [("person", "mute"), ("group", None)])
def test_points_from_another_platform_reach_the_threshold_only_when_the_scope_is_person(
    memory_deps: Deps, scope: str, threshold: str | None
) -> None:
    apply_policy(memory_deps, {"escalation": {"scope": scope}})
    earned_elsewhere(memory_deps, 2.5)

    outcome = process(
        MessagePosted(**BASE, event_id="m1", user="U9", text=f"id {ID_CARD}", message_id="1.1"), memory_deps
    )

    case = outcome.decision.fact(CaseDecided)
    assert case is not None and case.points is not None
    assert (case.threshold.action if case.threshold else None) == threshold
    assert case.points.person_total == (pytest.approx(3.5, abs=0.01) if scope == "person" else None)
    member = memory_deps.store.get_member(GID, SLACK_UID)
    assert member is not None and member.points == pytest.approx(1.0)  # this group's own points only


def test_points_given_back_by_an_appeal_no_longer_count_elsewhere(memory_deps: Deps) -> None:
    apply_policy(memory_deps, {"escalation": {"scope": "person"}})
    earned_elsewhere(memory_deps, 2.5)
    memory_deps.store.put_item(
        ledger_entry(
            WECOM_UID,
            at=NOW,
            kind="reversal",
            ref="c-wecom",
            gid="wecom:ww1:wr1",
            expires_at=None,
            points=-2.5,
        )
    )

    outcome = process(
        MessagePosted(**BASE, event_id="m1", user="U9", text=f"id {ID_CARD}", message_id="1.1"), memory_deps
    )

    case = outcome.decision.fact(CaseDecided)
    assert case is not None and case.threshold is None


def test_points_earned_in_another_group_through_the_pipeline_reach_this_groups_threshold(
    memory_deps: Deps,
) -> None:
    """End to end: two violations in one channel, one in another; with `scope: person` the third is the
    person's third point, and the mute comes in the channel where it was reached."""
    from tests.membership.conftest import register_group

    other = "slack:T1:C2"
    register_group(memory_deps, gid=other)
    for gid in (GID, other):
        apply_policy(memory_deps, {"escalation": {"scope": "person"}}, gid=gid)
    for n in (1, 2):
        posted = MessagePosted(
            **{**BASE, "chat": "C2"},
            event_id=f"o{n}",
            user="U9",
            text=f"id {n} {ID_CARD}",
            message_id=f"2.{n}",
        )
        case = process(posted, memory_deps).decision.fact(CaseDecided)
        assert case is not None and case.threshold is None

    outcome = process(
        MessagePosted(**BASE, event_id="m1", user="U9", text=f"my id {ID_CARD}", message_id="1.1"),
        memory_deps,
    )

    case = outcome.decision.fact(CaseDecided)
    reached = case.threshold if case is not None else None
    assert reached is not None and reached.action == "mute"
    member = memory_deps.store.get_member(GID, SLACK_UID)
    assert member is not None and member.points == pytest.approx(1.0)
