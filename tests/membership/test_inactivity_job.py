"""R2.9, R8.7: the inactivity job. It reads the silent members through the activity index (never a Scan),
about as many items as there are silent members however large the group, changes nothing in dry-run,
and otherwise runs the lifecycle: a nudge at 30 days, a final notice at 90, removal at 97 with a word on
how to come back, a card to the admins where the platform cannot remove, and reinstatement for whoever
speaks again."""

from __future__ import annotations

from typing import Any

import pytest

from bench.membership_inactivity import GID as BENCH_GID
from bench.membership_inactivity import members, seed
from chalicelib.adapters.base import Capabilities, Capability, NotSupported
from chalicelib.bootstrap import Deps
from chalicelib.clock import FrozenClock
from chalicelib.membership.inactivity import InactivityJob
from chalicelib.membership.repository import MembershipRepo
from chalicelib.store.dynamodb import DynamoStore
from chalicelib.store.memory import MemoryStore
from tests.membership.conftest import apply_policy, make_deps, register_group
from tests.membership.factories import DAY, GID, NOW
from tests.support.messenger import RecordingMessenger

LIVE = {"membership": {"inactivity": {"dry_run": False}}}
JOB = InactivityJob()


def silent_member(deps: Deps, user: str, days: float, *, role: str = "member") -> str:
    uid = f"slack:T1:{user}"
    deps.store.record_activity(GID, uid, user, NOW - days * DAY, min_interval=0)
    if role != "member":
        deps.store.update_member(GID, uid, user, {"role": role})
    return uid


def away_for_a_month(uid: str, deps: Deps) -> None:
    MembershipRepo(deps.store).set_away(GID, uid, uid.rsplit(":", 1)[-1], until=NOW + 30 * DAY)


def texts_to(messenger: RecordingMessenger, user: str) -> list[str]:
    return [
        kwargs["text"] for verb, kwargs in messenger.calls if verb == "send_direct" and kwargs["user"] == user
    ]


def run_on(deps: Deps, clock: FrozenClock, days: float) -> Any:
    clock.at = NOW + days * DAY
    return JOB.run(deps, GID, clock.now())


# --- what it reads ----------------------------------------------------------------------------------


@pytest.mark.dynamodb
def test_over_20_000_members_200_of_them_silent_the_job_reads_about_200_items_and_removes_nobody_in_dry_run(
    dynamo_store: DynamoStore, dynamodb_client: Any, clock: FrozenClock, messenger: RecordingMessenger
) -> None:
    seed(dynamodb_client, dynamo_store.table_name, members(20_000, 200, NOW))
    deps = make_deps(dynamo_store, clock, messenger)
    register_group(deps, gid=BENCH_GID)
    dynamo_store.usage.reset()

    report = JOB.run(deps, BENCH_GID, NOW, dry_run=True)

    assert report.counts["silent"] == 200 and report.counts["mark"] == 200
    assert 200 <= report.items_read <= 210
    assert dynamo_store.usage.items_read == report.items_read
    assert "Scan" not in dynamo_store.usage.calls
    assert report.dry_run and messenger.calls == []
    assert sum(1 for _ in dynamo_store.members_inactive_since(BENCH_GID, NOW - 30 * DAY)) == 200
    assert MembershipRepo(dynamo_store).stages(BENCH_GID) == {}  # a dry run writes nothing


def test_the_policy_keeps_the_job_in_dry_run_until_an_admin_turns_it_off(
    memory_deps: Deps, clock: FrozenClock, messenger: RecordingMessenger
) -> None:
    apply_policy(memory_deps, {})  # the shipped defaults, read in English
    silent_member(memory_deps, "U1", 120)
    report = run_on(memory_deps, clock, 0)
    assert report.dry_run and report.details["mode"] == "dry_run" and messenger.calls == []
    assert "dry run" in report.lines[0] and "final notice: U1 (120 days)" in report.lines


# --- the lifecycle ----------------------------------------------------------------------------------


def test_a_silent_member_is_nudged_then_given_a_final_notice_then_removed_with_a_way_back(
    memory_deps: Deps, clock: FrozenClock, messenger: RecordingMessenger
) -> None:
    apply_policy(memory_deps, LIVE)
    uid = silent_member(memory_deps, "U1", 31)

    assert run_on(memory_deps, clock, 0).counts["mark"] == 1
    assert "31 days" in texts_to(messenger, "U1")[-1]
    assert run_on(memory_deps, clock, 1).counts["mark"] == 0  # no second nudge
    assert run_on(memory_deps, clock, 59).counts["final"] == 1
    assert "Final notice" in texts_to(messenger, "U1")[-1] and "7 days" in texts_to(messenger, "U1")[-1]
    assert run_on(memory_deps, clock, 65).counts["remove"] == 0  # the notice's week is not over

    report = run_on(memory_deps, clock, 66)

    assert report.counts["remove"] == 1
    assert ("remove_member", {"chat": "C1", "user": "U1"}) in messenger.calls
    assert "invite you again" in texts_to(messenger, "U1")[-1]
    assert MembershipRepo(memory_deps.store).is_member(GID, uid) is None
    assert [h["what"] for h in MembershipRepo(memory_deps.store).history_of(GID, uid)] == ["removed"]
    assert run_on(memory_deps, clock, 67).counts["silent"] == 0  # out of the activity index


def test_a_member_who_speaks_again_is_reinstated_and_never_removed(
    memory_deps: Deps, clock: FrozenClock, messenger: RecordingMessenger
) -> None:
    apply_policy(memory_deps, LIVE)
    uid = silent_member(memory_deps, "U1", 90)
    run_on(memory_deps, clock, 0)  # final notice
    memory_deps.store.record_activity(GID, uid, "U1", NOW + 2 * DAY)

    report = run_on(memory_deps, clock, 7)

    assert report.counts["reinstate"] == 1 and report.counts["remove"] == 0
    assert MembershipRepo(memory_deps.store).stages(GID) == {}
    assert not any(verb == "remove_member" for verb, _ in messenger.calls)


def test_someone_found_long_silent_gets_the_final_notice_before_any_removal(
    memory_deps: Deps, clock: FrozenClock, messenger: RecordingMessenger
) -> None:
    apply_policy(memory_deps, LIVE)
    silent_member(memory_deps, "U1", 300)
    first = run_on(memory_deps, clock, 0)
    assert (first.counts["final"], first.counts["remove"]) == (1, 0)
    assert not any(verb == "remove_member" for verb, _ in messenger.calls)
    assert run_on(memory_deps, clock, 7).counts["remove"] == 1


@pytest.mark.parametrize(
    ("setup", "override"),
    [
        (lambda deps: silent_member(deps, "U1", 120, role="owner"), LIVE),
        (
            lambda deps: silent_member(deps, "U1", 120),
            {"membership": {"inactivity": {"dry_run": False, "exempt": {"members": ["U1"]}}}},
        ),
        (lambda deps: away_for_a_month(silent_member(deps, "U1", 120), deps), LIVE),
        (lambda deps: silent_member(deps, "UADMIN", 120), LIVE),
    ],
    ids=["an owner", "a member the policy names", "a member on leave", "a group admin"],
)
def test_exempt_members_are_left_alone(
    memory_deps: Deps, clock: FrozenClock, messenger: RecordingMessenger, setup: Any, override: dict[str, Any]
) -> None:
    apply_policy(memory_deps, override)
    setup(memory_deps)
    report = run_on(memory_deps, clock, 0)
    assert report.counts["exempt"] == 1 and messenger.calls == []


# --- where the platform cannot ----------------------------------------------------------------------


def test_where_the_platform_cannot_remove_the_admins_get_one_card(
    clock: FrozenClock, messenger: RecordingMessenger
) -> None:
    everything_but_removing = frozenset(Capability) - {Capability.REMOVE_MEMBER}
    messenger.capabilities = Capabilities(
        always=everything_but_removing, in_app_groups=frozenset({Capability.REMOVE_MEMBER})
    )
    deps = make_deps(MemoryStore(clock=clock), clock, messenger)
    register_group(deps)  # not a group the app created
    apply_policy(deps, LIVE)
    silent_member(deps, "U1", 90)
    run_on(deps, clock, 0)

    run_on(deps, clock, 7)
    run_on(deps, clock, 8)

    cards = [kwargs for verb, kwargs in messenger.calls if verb == "post_card"]
    assert [card["target"].user for card in cards] == ["UADMIN"]
    assert "Please remove U1" in cards[0]["card"].title
    assert not any(verb == "remove_member" for verb, _ in messenger.calls)


class RefusingMessenger(RecordingMessenger):
    """Slack with a workspace that forbids kicks: `conversations.kick` answers `restricted_action`."""

    def remove_member(self, tenant: str, chat: str, user: str) -> None:
        raise NotSupported("conversations.kick refused: restricted_action")


def test_a_removal_the_platform_refuses_at_run_time_becomes_a_card_for_the_admins(clock: FrozenClock) -> None:
    messenger = RefusingMessenger(platform="slack")
    deps = make_deps(MemoryStore(clock=clock), clock, messenger)
    register_group(deps)
    apply_policy(deps, LIVE)
    uid = silent_member(deps, "U1", 90)
    run_on(deps, clock, 0)

    run_on(deps, clock, 7)

    (card,) = [kwargs for verb, kwargs in messenger.calls if verb == "post_card"]
    assert card["target"].user == "UADMIN"
    assert MembershipRepo(deps.store).is_member(GID, uid) is not None  # not removed: still counted


def test_where_the_bot_sees_only_mentions_the_job_only_reports(clock: FrozenClock) -> None:
    messenger = RecordingMessenger(
        platform="wecom",
        capabilities=Capabilities(always=frozenset({Capability.SEND_DIRECT, Capability.POST_CARD})),
    )
    deps = make_deps(MemoryStore(clock=clock), clock, messenger)
    register_group(deps)
    apply_policy(deps, LIVE)
    silent_member(deps, "U1", 120)

    report = run_on(deps, clock, 0)

    assert report.details["mode"] == "invisible" and report.dry_run
    assert messenger.calls == [] and "mention" in report.lines[0]
