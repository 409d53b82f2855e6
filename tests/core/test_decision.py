"""A decision's typed fields: what the pipeline reads (the group it acts in, a retry, a refusal, whether
it answers the event) and what the domains record (facts) are typed; the audit detail is only written to
the audit record. Merging keeps every action and fact, and the first of each field."""

from __future__ import annotations

from chalicelib.core.actions import Decision, Reply
from chalicelib.core.facts import CaseOpened, JobRan


def test_merging_keeps_every_action_and_the_first_of_each_field() -> None:
    merged = Decision.merge(
        Decision((Reply(text="a"),), retry="archive: 503"),
        Decision(acting_chat="C2", refused=""),
        Decision((Reply(text="b"),), acting_chat="C3", refused="no"),
    )
    assert [a.text for a in merged.actions] == ["a", "b"]  # type: ignore[attr-defined]
    assert (merged.acting_chat, merged.retry, merged.refused) == ("C2", "archive: 503", "no")


def test_a_decision_with_only_a_retry_is_not_dropped_by_the_merge() -> None:
    assert Decision.merge(Decision(), Decision(retry="later")).retry == "later"


def test_merging_keeps_every_fact_and_every_audit_detail() -> None:
    merged = Decision.merge(
        Decision(facts=(CaseOpened("1", ("flood",)),), audit={"case": "1"}),
        Decision(facts=(JobRan("review", "2026-W49", "done"),), audit={"job": "review"}),
    )
    assert merged.facts == (CaseOpened("1", ("flood",)), JobRan("review", "2026-W49", "done"))
    assert merged.audit == {"case": "1", "job": "review"}


def test_a_decision_finds_its_facts_by_type() -> None:
    decision = Decision(facts=(CaseOpened("1", ("flood",)),))
    assert decision.fact(CaseOpened) == CaseOpened("1", ("flood",))
    assert decision.fact(JobRan) is None
    assert decision.with_facts(JobRan("review", "p", "done")).fact(JobRan) == JobRan("review", "p", "done")


def test_a_merged_decision_is_aside_only_when_every_part_is() -> None:
    setup = Decision((Reply(text="setup"),), aside=True)
    assert Decision.merge(setup).aside
    assert not Decision.merge(setup, Decision((Reply(text="answer"),))).aside
