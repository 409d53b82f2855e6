"""The hourly membership job: what falls due is found through the sparse due index and handled once: the
approvers are reminded of a join request, then it is rejected at the timeout (R2.2); a real name still
wrong after the grace period is reported (or the member removed, R2.3); a newcomer who has not confirmed
the rules is reminded once (R2.7)."""

from __future__ import annotations

from chalicelib.bootstrap import Deps
from chalicelib.clock import FrozenClock
from chalicelib.kernel.open_requests import OpenRequests
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
    messenger.names["UNEW"] = "Nora Li"
    repo = MembershipRepo(memory_deps.store)
    repo.open_request(GID, UID, "UNEW", standing="outsider", now=NOW, due_at=NOW + 24 * HOUR)

    assert JOB.run(memory_deps, GID, at(clock, 1)).counts == {}
    assert JOB.run(memory_deps, GID, at(clock, 25)).counts == {"join.reminder": 1}
    assert cards_to(messenger, "UADMIN") == ["Reminder · join request: Nora Li"]
    assert JOB.run(memory_deps, GID, at(clock, 26)).counts == {}

    assert JOB.run(memory_deps, GID, at(clock, 73)).counts == {"join.expired": 1}

    assert ("remove_member", {"chat": "C1", "user": "UNEW"}) in messenger.calls
    assert repo.request(GID, UID).status == "expired"  # type: ignore[union-attr]
    assert OpenRequests(memory_deps.store).all_open() == []  # off the console's queue
    assert JOB.run(memory_deps, GID, at(clock, 80)).counts == {}


def test_a_lapsed_request_updates_the_approvers_card_in_place_once_naming_the_group_and_person(
    memory_deps: Deps, clock: FrozenClock, messenger: RecordingMessenger
) -> None:
    apply_policy(memory_deps, {})  # the default time zone, UTC+8
    messenger.names["UNEW"] = "Nora Li"
    repo = MembershipRepo(memory_deps.store)
    repo.open_request(GID, UID, "UNEW", standing="outsider", now=NOW, due_at=NOW + 24 * HOUR)
    JOB.run(memory_deps, GID, at(clock, 25))  # the reminder card, kept with its token
    (posted,) = [n for n, (verb, _) in enumerate(messenger.calls, 1) if verb == "post_card"]

    JOB.run(memory_deps, GID, at(clock, 73))
    JOB.run(memory_deps, GID, at(clock, 74))

    (update,) = [kwargs for verb, kwargs in messenger.calls if verb == "update_card"]
    assert update["response_token"] == f"UADMIN:m{posted}"  # the token the reminder was sent with
    assert update["card"].title == "Join request: Nora Li" and update["card"].buttons == ()
    assert update["card"].footer == (
        "Nobody decided on Nora Li's request to join “Weekly sync” within 72 h: it lapsed at "
        "2025-06-19 00:06 (UTC+8) and was rejected automatically."
    )
    assert [
        kwargs for verb, kwargs in messenger.calls if verb == "send_direct" and kwargs["user"] == "UADMIN"
    ] == []
    (record,) = [
        r for r in memory_deps.store.list_audit(GID) if "UpdateCard:membership.join.expired" in r.actions
    ]
    assert record.outcome == "done"


def test_a_request_whose_cards_were_never_kept_is_told_to_the_approvers_privately(
    memory_deps: Deps, clock: FrozenClock, messenger: RecordingMessenger
) -> None:
    apply_policy(memory_deps, {"membership": {"join": {"reminder_hours": 0}}})
    messenger.names["UNEW"] = "Nora Li"
    MembershipRepo(memory_deps.store).open_request(
        GID, UID, "UNEW", standing="outsider", now=NOW, due_at=NOW + 72 * HOUR
    )

    assert JOB.run(memory_deps, GID, at(clock, 73)).counts == {"join.expired": 1}

    told = [
        kwargs["text"]
        for verb, kwargs in messenger.calls
        if verb == "send_direct" and kwargs["user"] == "UADMIN"
    ]
    assert told == [
        "Nobody decided on Nora Li's request to join “Weekly sync” within 72 h: it lapsed at "
        "2025-06-19 00:06 (UTC+8) and was rejected automatically."
    ]
    assert "update_card" not in messenger.verbs()


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
