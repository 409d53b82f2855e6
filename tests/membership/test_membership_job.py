"""The hourly membership job: what falls due is found through the sparse due index and handled once: the
approvers are reminded of a join request, then it is rejected at the timeout (R2.2); a real name still
wrong after the grace period is reported (or the member removed, R2.3); a newcomer who has not confirmed
the rules is reminded once (R2.7)."""

from __future__ import annotations

from chalicelib.bootstrap import Deps
from chalicelib.clock import FrozenClock
from chalicelib.membership.due import MembershipJob
from chalicelib.membership.repository import MembershipRepo, NameRecord
from tests.membership.conftest import apply_policy
from tests.membership.factories import GID, HOUR, NOW
from tests.support.messenger import RecordingMessenger

JOB = MembershipJob()
UID = "slack:T1:UNEW"


def at(clock: FrozenClock, hours: float) -> float:
    clock.at = NOW + hours * HOUR
    return clock.now()


def cards_to(messenger: RecordingMessenger, user: str) -> list[str]:
    return [
        kwargs["card"].title
        for verb, kwargs in messenger.calls
        if verb == "post_card" and kwargs["target"].user == user
    ]


def test_the_approvers_are_reminded_once_then_the_request_is_rejected_automatically(
    memory_deps: Deps, clock: FrozenClock, messenger: RecordingMessenger
) -> None:
    apply_policy(memory_deps, {})
    repo = MembershipRepo(memory_deps.store)
    repo.open_request(GID, UID, "UNEW", standing="outsider", now=NOW, due_at=NOW + 24 * HOUR)

    assert JOB.run(memory_deps, GID, at(clock, 1)).counts == {}
    assert JOB.run(memory_deps, GID, at(clock, 25)).counts == {"join.reminder": 1}
    assert cards_to(messenger, "UADMIN") == ["Reminder · join request: UNEW"]
    assert JOB.run(memory_deps, GID, at(clock, 26)).counts == {}

    assert JOB.run(memory_deps, GID, at(clock, 73)).counts == {"join.expired": 1}

    assert ("remove_member", {"chat": "C1", "user": "UNEW"}) in messenger.calls
    told = [
        kwargs["text"]
        for verb, kwargs in messenger.calls
        if verb == "send_direct" and kwargs["user"] == "UADMIN"
    ]
    assert told == ["Nobody answered UNEW's join request; it was rejected automatically."]
    assert repo.request(GID, UID).status == "expired"  # type: ignore[union-attr]
    assert JOB.run(memory_deps, GID, at(clock, 80)).counts == {}


def test_a_dry_run_reports_what_is_due_and_changes_nothing(
    memory_deps: Deps, clock: FrozenClock, messenger: RecordingMessenger
) -> None:
    apply_policy(memory_deps, {})
    repo = MembershipRepo(memory_deps.store)
    repo.open_request(GID, UID, "UNEW", standing="outsider", now=NOW, due_at=NOW + 24 * HOUR)

    report = JOB.run(memory_deps, GID, at(clock, 80), dry_run=True)

    assert report.counts == {"join.expired": 1} and messenger.calls == []
    assert repo.request(GID, UID).status == "pending"  # type: ignore[union-attr]


def nudged(deps: Deps) -> None:
    record = NameRecord(GID, UID, "UNEW", "CoolCat", "Erin Wu", "directory", NOW, NOW + 72 * HOUR)
    MembershipRepo(deps.store).nudge_name(record)


def test_a_name_still_wrong_after_the_grace_period_is_reported_to_the_admins_once(
    memory_deps: Deps, clock: FrozenClock, messenger: RecordingMessenger
) -> None:
    apply_policy(memory_deps, {})
    nudged(memory_deps)

    assert JOB.run(memory_deps, GID, at(clock, 71)).counts == {}
    assert JOB.run(memory_deps, GID, at(clock, 73)).counts == {"name.reported": 1}
    assert cards_to(messenger, "UADMIN") == ["Real name not fixed: CoolCat"]
    assert JOB.run(memory_deps, GID, at(clock, 74)).counts == {}


def test_with_after_grace_remove_the_member_is_removed_instead(
    memory_deps: Deps, clock: FrozenClock, messenger: RecordingMessenger
) -> None:
    apply_policy(memory_deps, {"membership": {"real_names": {"after_grace": "remove"}}})
    nudged(memory_deps)

    JOB.run(memory_deps, GID, at(clock, 73))

    assert ("remove_member", {"chat": "C1", "user": "UNEW"}) in messenger.calls
    assert cards_to(messenger, "UADMIN") == []


def test_a_newcomer_who_has_not_confirmed_the_rules_is_reminded_once(
    memory_deps: Deps, clock: FrozenClock, messenger: RecordingMessenger
) -> None:
    apply_policy(memory_deps, {})
    repo = MembershipRepo(memory_deps.store)
    repo.expect_ack(GID, UID, "UNEW", now=NOW, remind_at=NOW + 24 * HOUR)

    assert JOB.run(memory_deps, GID, at(clock, 25)).counts == {"ack.reminder": 1}
    assert cards_to(messenger, "UNEW") == ["The rules of “Weekly sync”"]
    assert JOB.run(memory_deps, GID, at(clock, 49)).counts == {}
    assert repo.pending_acks(GID) == ["UNEW"]  # still tracked: who has not confirmed
