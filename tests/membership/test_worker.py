"""Membership through the worker's pipeline, with a recording messenger: what the handlers and commands
decide beyond the functional scenarios (a member who leaves, one who speaks again after a final notice,
the roster sync, the commands that stand in for cards)."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.adapters.base import Capabilities, Capability
from chalicelib.bootstrap import Deps
from chalicelib.cardsign import seal
from chalicelib.core.events import (
    CardClicked,
    CommandIssued,
    DirectoryChanged,
    MemberJoined,
    MemberLeft,
    MessagePosted,
)
from chalicelib.membership.lifecycle import Stage
from chalicelib.membership.repository import MembershipRepo, NameRecord
from chalicelib.worker.pipeline import process
from tests.membership.conftest import apply_policy
from tests.membership.factories import DAY, GID, NOW
from tests.support.messenger import RecordingMessenger

BASE: dict[str, Any] = {"platform": "slack", "tenant": "T1", "occurred_at": NOW, "chat": "C1"}


def command(text: str, user: str = "UADMIN") -> CommandIssued:
    words = text.split()
    return CommandIssued(
        **BASE, event_id=f"cmd-{text}", user=user, name=words[0], args=tuple(words[1:]), text=text
    )


def replies(messenger: RecordingMessenger) -> list[str]:
    return [kwargs["text"] for verb, kwargs in messenger.calls if verb == "post_text"]


def test_a_newcomer_who_leaves_before_the_decision_withdraws_the_request(
    memory_deps: Deps, messenger: RecordingMessenger
) -> None:
    apply_policy(memory_deps, {"membership": {"join": {"review_all": True}}})
    process(MemberJoined(**BASE, event_id="j1", user="U1"), memory_deps)
    repo = MembershipRepo(memory_deps.store)
    assert repo.request(GID, "slack:T1:U1").status == "pending"  # type: ignore[union-attr]

    process(MemberLeft(**BASE, event_id="l1", user="U1"), memory_deps)

    assert repo.request(GID, "slack:T1:U1").status == "withdrawn"  # type: ignore[union-attr]
    assert list(repo.due(GID, NOW + 100 * DAY)) == []


def test_a_banned_member_who_rejoins_is_removed_again_without_passing_the_join_gate(
    memory_deps: Deps, messenger: RecordingMessenger
) -> None:
    from chalicelib.moderation.bans import ban

    apply_policy(memory_deps, {"membership": {"join": {"review_all": True}}})
    ban(memory_deps.store, GID, "slack:T1:U1", by="UADMIN", at=NOW - DAY)
    process(MemberJoined(**BASE, event_id="j1", user="U1"), memory_deps)

    assert MembershipRepo(memory_deps.store).request(GID, "slack:T1:U1") is None  # no approval card
    assert ("remove_member", {"chat": "C1", "user": "U1"}) in messenger.calls
    assert [verb for verb, _ in messenger.calls if verb == "post_card"] == []
    assert all("Welcome" not in str(kwargs.get("text", "")) for _, kwargs in messenger.calls)


def test_someone_who_speaks_after_a_final_notice_is_reinstated_and_told(
    memory_deps: Deps, messenger: RecordingMessenger
) -> None:
    apply_policy(memory_deps, {})
    uid = "slack:T1:U1"
    memory_deps.store.record_activity(GID, uid, "U1", NOW - 92 * DAY, min_interval=0)
    repo = MembershipRepo(memory_deps.store)
    repo.set_stage(GID, uid, "U1", Stage("final", NOW - 2 * DAY, NOW - 92 * DAY))

    process(MessagePosted(**BASE, event_id="m1", user="U1", message_id="m1", text="I'm back"), memory_deps)

    assert repo.stage(GID, uid) is None
    assert any(verb == "send_direct" and "Welcome back" in kwargs["text"] for verb, kwargs in messenger.calls)
    assert [h["what"] for h in repo.history_of(GID, uid)] == ["reinstated"]


def test_the_roster_sync_adds_members_never_seen_and_forgets_those_gone(
    memory_deps: Deps, messenger: RecordingMessenger
) -> None:
    apply_policy(memory_deps, {})
    repo = MembershipRepo(memory_deps.store)
    repo.admit(GID, "slack:T1:UGONE", "UGONE", now=NOW - DAY)
    messenger.rosters["C1"] = ("UQGBOT", "UADMIN", "U2", "U3")

    process(command("sync"), memory_deps)

    assert "3 listed, 3 new, 1 gone" in replies(messenger)[-1]
    known = {m.user for m in memory_deps.store.members_inactive_since(GID, NOW + 1)}
    assert known == {"UADMIN", "U2", "U3"}


def test_where_cards_cannot_be_shown_approvers_decide_with_a_command(
    memory_deps: Deps, messenger: RecordingMessenger
) -> None:
    apply_policy(memory_deps, {"membership": {"join": {"review_all": True}}})
    messenger.names.update({"UADMIN": "Ada Wong", "U1": "Nora Li"})
    process(MemberJoined(**BASE, event_id="j1", user="U1"), memory_deps)

    process(command("approve U1", user="UMALLORY"), memory_deps)
    assert "Only this group's admins" in replies(messenger)[-1]

    process(command("approve <@U1>"), memory_deps)
    assert replies(messenger)[-1] == "Ada Wong approved Nora Li."  # names, never the raw ids
    assert MembershipRepo(memory_deps.store).request(GID, "slack:T1:U1").status == "approved"  # type: ignore[union-attr]

    process(command("reject U1"), memory_deps)
    assert "already handled (approved, Ada Wong)" in replies(messenger)[-1]
    assert not any("UADMIN" in text for text in replies(messenger))


def test_admins_mark_a_member_away_and_see_who_has_not_confirmed_the_rules(
    memory_deps: Deps, messenger: RecordingMessenger
) -> None:
    apply_policy(memory_deps, {})
    process(MemberJoined(**BASE, event_id="j1", user="U1"), memory_deps)

    process(command("unacked"), memory_deps)
    assert replies(messenger)[-1] == "Members who have not confirmed the rules (1): U1"

    process(command("away U1 2025-07-01"), memory_deps)  # through that day, in the group's time zone
    shown = "U1 is away until 2025-07-02 00:00 (UTC+8) and exempt from inactivity exits meanwhile."
    assert replies(messenger)[-1] == shown
    assert (
        MembershipRepo(memory_deps.store).away_until(GID, "slack:T1:U1") == 1751385600.0
    )  # 2025-07-01T16:00Z


@pytest.mark.parametrize(
    ("offset", "shown"), [(8, "2025-07-11 00:00 (UTC+8)"), (-5, "2025-07-11 00:00 (UTC-5)")]
)
def test_guest_roster_dates_read_in_the_groups_time_zone(
    memory_deps: Deps, messenger: RecordingMessenger, offset: int, shown: str
) -> None:
    apply_policy(memory_deps, {"jobs": {"utc_offset_hours": offset}})
    process(command("guest add U2 2025-07-10"), memory_deps)
    assert replies(messenger)[-1] == f"U2 is on the guest roster until {shown}."
    process(command("guest list"), memory_deps)
    assert replies(messenger)[-1] == f"Guest roster:\n• U2 → {shown}"


def test_a_command_with_missing_arguments_answers_with_its_usage(
    memory_deps: Deps, messenger: RecordingMessenger
) -> None:
    apply_policy(memory_deps, {})
    process(command("guest add"), memory_deps)
    assert replies(messenger)[-1].startswith("Usage: /qg guest add <member>")


def test_creating_a_group_records_it_as_the_bots_own(
    memory_deps: Deps, messenger: RecordingMessenger
) -> None:
    apply_policy(memory_deps, {})
    process(command("create weekly-sync U2 U3"), memory_deps)

    (group,) = [g for g in memory_deps.store.list_groups() if g.name == "weekly-sync"]
    assert group.app_created and group.admins == ("UADMIN",)
    assert (
        "create_group",
        {"name": "weekly-sync", "owner": "UADMIN", "members": ("U2", "U3")},
    ) in messenger.calls


def click(deps: Deps, action: str, ref: str, *, user: str = "UADMIN") -> CardClicked:
    """A click in the admin's direct message on a button the bot sealed for group C1."""
    value = seal(deps.settings, platform="slack", tenant="T1", chat="C1", ref=ref, action=action)
    return CardClicked(
        platform="slack", tenant="T1", occurred_at=NOW, chat="DADMIN", event_id=f"click-{action}-{user}",
        user=user, action=action, value=value, card_id="1.2", response_token="https://hooks.example/1",
    )  # fmt: skip


def test_an_admin_removes_a_member_reported_for_their_name_and_the_card_says_so(
    memory_deps: Deps, messenger: RecordingMessenger
) -> None:
    apply_policy(memory_deps, {})
    repo = MembershipRepo(memory_deps.store)
    repo.admit(GID, "slack:T1:U1", "U1", now=NOW)
    repo.nudge_name(NameRecord(GID, "slack:T1:U1", "U1", "CoolCat", "Erin Wu", "directory", NOW, NOW))
    repo.report_name(repo.name_record(GID, "slack:T1:U1"), at=NOW)  # type: ignore[arg-type]
    messenger.names["UADMIN"] = "Ada Wong"

    process(click(memory_deps, "name.remove", "U1", user="UMALLORY"), memory_deps)
    assert not any(verb == "remove_member" for verb, _ in messenger.calls)

    process(click(memory_deps, "name.remove", "U1"), memory_deps)
    process(click(memory_deps, "name.keep", "U1"), memory_deps)

    assert [kwargs for verb, kwargs in messenger.calls if verb == "remove_member"] == [
        {"chat": "C1", "user": "U1"}
    ]
    (update, *_) = [kwargs for verb, kwargs in messenger.calls if verb == "update_card"]
    assert update["card"].body == "Ada Wong removed CoolCat."  # who decided by name, not "UADMIN"
    assert repo.is_member(GID, "slack:T1:U1") is None  # recorded as gone once the platform removed them


def test_an_admin_keeps_a_transferred_member(memory_deps: Deps, messenger: RecordingMessenger) -> None:
    apply_policy(memory_deps, {})
    repo = MembershipRepo(memory_deps.store)
    repo.admit(GID, "slack:T1:U1", "U1", now=NOW)
    nonce = repo.open_transfer(GID, "slack:T1:U1", "U1", ("42",), now=NOW)

    messenger.names["UADMIN"] = "Ada Wong"
    process(click(memory_deps, "transfer.keep", f"{nonce}U1"), memory_deps)
    process(click(memory_deps, "transfer.remove", f"{nonce}U1"), memory_deps)

    assert not any(verb == "remove_member" for verb, _ in messenger.calls)
    (update,) = [kwargs for verb, kwargs in messenger.calls if verb == "update_card"]
    assert update["card"].body.startswith("Ada Wong kept") and "UADMIN" not in update["card"].body
    assert [h["what"] for h in repo.history_of(GID, "slack:T1:U1")] == ["transfer kept"]


def test_a_redelivered_directory_change_asks_the_admins_once(
    memory_deps: Deps, messenger: RecordingMessenger
) -> None:
    messenger.capabilities = Capabilities(always=frozenset(Capability) - {Capability.REMOVE_MEMBER})
    apply_policy(memory_deps, {})
    MembershipRepo(memory_deps.store).admit(GID, "slack:T1:U1", "U1", now=NOW)
    per_group = DirectoryChanged(**BASE, event_id="Ev1@C1", user="U1", change="left")

    process(per_group, memory_deps)
    process(per_group, memory_deps)  # the queue delivers it again

    cards = [kwargs["card"].title for verb, kwargs in messenger.calls if verb == "post_card"]
    assert cards == ["Please remove U1 from “Weekly sync”"]
