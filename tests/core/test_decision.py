"""A decision's typed fields: what the pipeline reads (the group it acts in, a retry, a refusal) is not a
note, and notes are never read as those fields; merging keeps the first."""

from __future__ import annotations

from chalicelib.core.actions import Decision, Reply


def test_notes_are_a_domains_own_record_and_never_read_as_the_typed_fields() -> None:
    decision = Decision(notes={"acting_chat": "C9", "refused": "not an admin", "case_ref": "1"})
    assert (decision.acting_chat, decision.refused, decision.retry) == ("", "", "")
    assert decision.notes == {"acting_chat": "C9", "refused": "not an admin", "case_ref": "1"}


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
