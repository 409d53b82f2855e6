"""A member withdraws a message the bot already acted on (WeCom's archive: a `revoke` in a later page):
the case waiting for the admins is closed as withdrawn, once, and the admins are told; a case an admin
decided stays decided, with the withdrawal in its history."""

from __future__ import annotations

from chalicelib.core.events import MessageWithdrawn
from chalicelib.moderation.cases import CaseRepo
from chalicelib.worker.pipeline import process
from tests.moderation.test_followups import GID, Group, make, violation
from tests.support.messenger import RecordingMessenger


def withdraw(group: Group, ref: str, user: str = "U1") -> list[str]:
    """The member withdraws the message of case `ref`; the admins the bot then wrote to."""
    case = CaseRepo(group.deps.store).get(GID, ref)
    assert case is not None
    outcome = process(
        MessageWithdrawn(
            platform="slack",
            tenant="T1",
            event_id=group.event_id("r"),
            occurred_at=group.clock.now(),
            chat="C1",
            user=user,
            message_id=str(case.data["message_id"]),
        ),
        group.deps,
    )
    return [getattr(a, "user", "") for a in outcome.decision.actions]


def test_a_withdrawn_message_closes_its_waiting_case_and_tells_the_admins_once() -> None:
    group = make()
    ref = violation(group)
    assert withdraw(group, ref) == ["UADMIN", "UADMIN2"]
    case = CaseRepo(group.deps.store).get(GID, ref)
    assert case is not None and (case.state, case.data["handled_by"]) == ("withdrawn", "U1")
    assert withdraw(group, ref) == []  # the archive shows it again: nobody is told twice


def test_a_case_already_decided_stays_decided_and_records_the_withdrawal() -> None:
    group = make()
    ref = violation(group)
    group.click("UADMIN", "mod.warn", ref)
    assert withdraw(group, ref) == []
    cases = CaseRepo(group.deps.store)
    case = cases.get(GID, ref)
    assert case is not None and case.state == "warned"
    assert [event["what"] for event in cases.events(GID, ref)][-1] == "withdrawn"


def test_another_members_withdrawal_touches_no_case() -> None:
    group = make()
    ref = violation(group)
    assert withdraw(group, ref, user="U2") == []
    case = CaseRepo(group.deps.store).get(GID, ref)
    assert case is not None and case.state == "open"


def test_the_admins_read_the_members_name_not_their_id() -> None:
    group = make()
    messenger = group.deps.messenger("slack")
    assert isinstance(messenger, RecordingMessenger)
    messenger.names["U1"] = "Lin Wei"
    ref = violation(group)
    messenger.calls.clear()

    withdraw(group, ref)

    told = [call["text"] for verb, call in messenger.calls if verb == "send_direct"]
    assert len(told) == 2 and all("Lin Wei" in text and "U1" not in text for text in told)
