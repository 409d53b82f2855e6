"""A mute ends by itself: the sweep finds the mutes that are due through the index, lifts them where the
platform muted, tells the member, and leaves the ones not yet due alone."""

from __future__ import annotations

from chalicelib.adapters.base import Capabilities, Capability
from chalicelib.bootstrap import Deps
from chalicelib.clock import FrozenClock
from chalicelib.moderation.mutes import MuteRecord, MuteRepo
from chalicelib.moderation.sweep import end_due_mutes
from chalicelib.settings import Settings
from chalicelib.store.memory import MemoryStore
from chalicelib.store.records import GroupRecord
from tests.support.messenger import RecordingMessenger

T0 = 1_700_000_000.0


def make(capabilities: Capabilities) -> tuple[Deps, RecordingMessenger]:
    clock = FrozenClock(T0)
    messenger = RecordingMessenger(platform="dingtalk", capabilities=capabilities)
    deps = Deps(
        settings=Settings(_env_file=None),
        clock=clock,
        store=MemoryStore(clock=clock),
        messenger_factory=lambda platform: messenger,
    )
    deps.store.put_group(
        GroupRecord(
            gid="dingtalk:corp:cid1", platform="dingtalk", tenant="corp", chat="cid1", app_created=True
        )
    )
    repo = MuteRepo(deps.store)
    repo.record(MuteRecord("dingtalk:corp:cid1", "dingtalk:corp:u1", "u1", until=T0 - 60))
    repo.record(MuteRecord("dingtalk:corp:cid1", "dingtalk:corp:u2", "u2", until=T0 + 3600))
    return deps, messenger


def test_a_due_mute_is_lifted_and_the_member_told_and_a_later_one_waits() -> None:
    deps, messenger = make(
        Capabilities(
            always=frozenset({Capability.SEND_DIRECT}), in_app_groups=frozenset({Capability.MUTE_MEMBER})
        )
    )
    report = end_due_mutes(deps, T0)
    assert (report.ended, report.failed) == (1, 0)
    assert messenger.verbs() == ["mute_member", "send_direct"]
    assert messenger.calls[0][1] == {"chat": "cid1", "user": "u1", "seconds": 0}
    repo = MuteRepo(deps.store)
    assert repo.get("dingtalk:corp:cid1", "dingtalk:corp:u1") is None
    assert repo.get("dingtalk:corp:cid1", "dingtalk:corp:u2") is not None


def test_where_the_platform_could_not_mute_the_member_is_only_told() -> None:
    deps, messenger = make(Capabilities(always=frozenset({Capability.SEND_DIRECT})))
    end_due_mutes(deps, T0)
    assert messenger.verbs() == ["send_direct"]


def test_a_dry_run_changes_nothing() -> None:
    deps, messenger = make(Capabilities(always=frozenset({Capability.SEND_DIRECT})))
    assert end_due_mutes(deps, T0, dry_run=True).ended == 1
    assert messenger.calls == []
    assert MuteRepo(deps.store).get("dingtalk:corp:cid1", "dingtalk:corp:u1") is not None
