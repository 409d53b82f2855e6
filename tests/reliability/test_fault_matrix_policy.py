"""The fault matrix, for what writes a policy version: the setup card's button (issue 16) and `policy set`
in chat. The worker is killed at each step of the processing (the Lambda runtime ending it: nothing after
the kill runs, not even a release of its lease), then SQS redelivers the event once the lease lapsed.

Whatever step the kill hit, the group ends with exactly what a processing without faults gives it: one
new version of its override (version 1, with the change), live; one announcement (the setup card
replaced, or the admin's answer), naming version 1; one audit record of it, saying version 1.

The steps, in the order a processing takes them:

- after the version item, before the CURRENT pointer moved;
- after the pointer, before the decision reached the outbox;
- after the decision was stored, before the announcement went out;
- during the announcement, before the platform had it;
- after the announcement was settled, before the audit record;
- after the audit record, before the decision was marked recorded.

(A kill after the platform took the announcement and before the outbox settled it sends it again: no
platform API here takes an idempotency key. That gap is the outbox's, and the same for every decision.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from chalicelib.adapters.base import Sent
from chalicelib.bootstrap import Deps
from chalicelib.cardsign import seal
from chalicelib.clock import FrozenClock
from chalicelib.core.events import CardClicked, CommandIssued, Event
from chalicelib.kernel.outbox import LEASE_SECONDS
from chalicelib.kernel.policies import PolicyRepo
from chalicelib.settings import Settings
from chalicelib.store import keys
from chalicelib.store.memory import MemoryStore
from chalicelib.store.records import AuditRecord, GroupRecord, Item, MemberRecord
from chalicelib.worker.pipeline import process
from chalicelib.workflows.revisions import Revisions
from tests.security import authz_world
from tests.security.authz_world import TEAM, slack
from tests.support.messenger import RecordingMessenger

T0 = 1_700_000_000.0
GID = "slack:T1:C1"
SCOPE = keys.group_policy_scope(GID)
ADMIN = "UADMIN"


class Killed(BaseException):
    """The Lambda runtime ending the worker (a timeout, an out-of-memory): nothing after it runs."""


# Which write the kill follows (after it went through) or precedes (the write never happens).
Write = Callable[[str, str, str], bool]  # (what, pk, sk)


class DyingStore(MemoryStore):
    """A store whose worker dies at the first write `after` matches (once it is written) or `before`
    matches (before it is written); once dead, nothing more is written until `revive` (the redelivery,
    in a new worker)."""

    def __init__(self, *, clock: FrozenClock) -> None:
        super().__init__(clock=clock)
        self.after: Write | None = None
        self.before: Write | None = None
        self.dead = False
        self.meanwhile: Callable[[], object] | None = None  # another processing, run before a version put

    def revive(self) -> None:
        self.after = self.before = None
        self.dead = False

    def _write(self, what: str, pk: str, sk: str, write: Callable[[], Any]) -> Any:
        if self.meanwhile is not None and what == "put" and sk.startswith(keys.POLICY_VERSION_SK_PREFIX):
            meanwhile, self.meanwhile = self.meanwhile, None
            meanwhile()
        if self.dead or (self.before is not None and self.before(what, pk, sk)):
            self.dead = True
            raise Killed(what)
        done = write()
        if self.after is not None and self.after(what, pk, sk) and done is not False:
            self.dead = True
            raise Killed(what)
        return done

    def put_item(self, item: Item, *, if_absent: bool = False) -> bool:
        return bool(
            self._write(
                "put", item.pk, item.sk, lambda: super(DyingStore, self).put_item(item, if_absent=if_absent)
            )
        )

    def update_item(self, pk: str, sk: str, changes: Any, *, expect: Any = None) -> bool:
        return bool(
            self._write(
                "update", pk, sk, lambda: super(DyingStore, self).update_item(pk, sk, changes, expect=expect)
            )
        )

    def append_audit(self, record: AuditRecord) -> None:
        self._write(
            "audit", record.gid, record.audit_id, lambda: super(DyingStore, self).append_audit(record)
        )

    def put_group(self, group: GroupRecord) -> None:
        self._write("group", group.gid, "META", lambda: super(DyingStore, self).put_group(group))


@dataclass
class DyingMessenger(RecordingMessenger):
    """Dies before the platform has the announcement when `dying` is set."""

    dying: bool = False

    def _record(self, verb: str, **kwargs: Any) -> Sent:
        if self.dying:
            self.dying = False
            raise Killed(verb)
        return super()._record(verb, **kwargs)


def _is_outbox(pk: str) -> bool:
    return pk.startswith(keys.outbox_pk("slack", "").removesuffix("slack#"))


KILLS: dict[str, tuple[Write | None, Write | None, bool]] = {
    # name: (kill after this write, kill before this write, kill inside the messenger)
    "after the version, before the pointer": (
        lambda what, pk, sk: what == "put" and sk.startswith(keys.POLICY_VERSION_SK_PREFIX),
        None,
        False,
    ),
    "after the pointer, before the outbox": (
        lambda what, pk, sk: pk == keys.policy_pk(SCOPE) and sk == keys.POLICY_CURRENT_SK,
        None,
        False,
    ),
    "after the outbox, before the announcement": (
        lambda what, pk, sk: what == "put" and _is_outbox(pk),
        None,
        False,
    ),
    "during the announcement": (None, None, True),
    "after the announcement settled, before the audit": (None, lambda what, pk, sk: what == "audit", False),
    "after the audit, before it is marked recorded": (lambda what, pk, sk: what == "audit", None, False),
}


@dataclass
class World:
    store: DyingStore
    messenger: DyingMessenger
    clock: FrozenClock
    deps: Deps = field(init=False)

    def __post_init__(self) -> None:
        self.deps = self.worker()

    def worker(self) -> Deps:
        """A worker of its own (a new Lambda container: nothing cached from another) on the same table
        and platform."""
        return Deps(
            settings=Settings(_env_file=None, qg_default_locale="en"),
            clock=self.clock,
            store=self.store,
            messenger_factory=lambda platform: self.messenger,
        )


def world() -> World:
    clock = FrozenClock(T0)
    store = DyingStore(clock=clock)
    store.put_group(GroupRecord(gid=GID, platform="slack", tenant="T1", chat="C1", name="Alpha", locale="en"))
    store.put_member(MemberRecord(gid=GID, uid=f"slack:T1:{ADMIN}", user=ADMIN, role="admin"))
    return World(store, DyingMessenger(), clock)


def setup_click(deps: Deps) -> CardClicked:
    value = seal(deps.settings, platform="slack", tenant="T1", chat="C1", ref="", action="setup.apply")
    return CardClicked(
        platform="slack",
        tenant="T1",
        event_id="click-setup-1",
        occurred_at=T0,
        chat="D0ADMIN",
        user=ADMIN,
        action="setup.apply",
        value=value,
        card_id="setup:C1",
        response_token="https://hooks.slack.test/setup",
        choices=("mode=warn", "preset=strict", "locale=en", "zone=9"),
    )


def policy_set(
    deps: Deps, path: str = "rules.flood.max_messages", value: str = "5", n: int = 1
) -> CommandIssued:
    return CommandIssued(
        platform="slack",
        tenant="T1",
        event_id=f"cmd-policy-set-{n}",
        occurred_at=T0,
        chat="C1",
        user=ADMIN,
        name="policy",
        args=("set", path, value),
    )


@dataclass(frozen=True)
class Trigger:
    event: Callable[[Deps], Event]
    verb: str  # how the announcement reaches the admin
    applied: Callable[[World], bool]  # the change is what the group now has


def live_policy(w: World) -> Any:
    return PolicyRepo(w.store).for_group(GID, w.clock.now())


TRIGGERS = {
    "setup card": Trigger(
        setup_click,
        "update_card",
        lambda w: (live_policy(w).mode, live_policy(w).jobs.utc_offset_hours) == ("warn", 9.0),
    ),
    "policy set": Trigger(
        policy_set,
        "post_text",
        lambda w: live_policy(w).rules.flood.max_messages == 5,
    ),
}


def announcements(w: World, verb: str) -> list[str]:
    found = []
    for called, kwargs in w.messenger.calls:
        if called == verb:
            card = kwargs.get("card")
            found.append(str(kwargs.get("text") or (f"{card.title}\n{card.body}" if card else "")))
    return found


def version_audits(w: World) -> list[Any]:
    return [
        a.detail["audit"]["version"]
        for a in w.store.list_audit(GID)
        if "version" in a.detail.get("audit", {})
    ]


def outcome(w: World, trigger: Trigger) -> dict[str, Any]:
    repo = PolicyRepo(w.store)
    live = repo.current(SCOPE)
    return {
        "versions": [v.version for v in repo.versions(SCOPE)],
        "live": live.version if live else None,
        "applied": trigger.applied(w),
        "announced": len(announcements(w, trigger.verb)),
        "audited": version_audits(w),
    }


EXPECTED = {"versions": [1], "live": 1, "applied": True, "announced": 1, "audited": [1]}


@pytest.mark.parametrize("trigger", sorted(TRIGGERS))
def test_without_a_fault_the_change_is_one_version_one_announcement_one_audit(trigger: str) -> None:
    w = world()
    process(TRIGGERS[trigger].event(w.deps), w.deps)
    assert outcome(w, TRIGGERS[trigger]) == EXPECTED


@pytest.mark.parametrize("kill", list(KILLS))
@pytest.mark.parametrize("trigger", sorted(TRIGGERS))
def test_a_worker_killed_at_any_step_is_finished_by_the_redelivery_with_one_version_and_one_announcement(
    trigger: str, kill: str
) -> None:
    w = world()
    how = TRIGGERS[trigger]
    w.store.after, w.store.before, w.messenger.dying = KILLS[kill]
    with pytest.raises(Killed):
        process(how.event(w.deps), w.deps)
    w.store.revive()
    w.clock.advance(LEASE_SECONDS + 1)  # the dead worker's lease lapses before SQS hands the event out again

    redelivery = w.worker()
    process(how.event(redelivery), redelivery, redelivered=True)

    assert outcome(w, how) == EXPECTED
    (said,) = announcements(w, how.verb)
    if trigger == "policy set":
        assert "(group version 1)" in said


@pytest.mark.parametrize("trigger", sorted(TRIGGERS))
def test_a_second_redelivery_after_the_first_finished_changes_nothing(trigger: str) -> None:
    w = world()
    how = TRIGGERS[trigger]
    process(how.event(w.deps), w.deps)
    again = w.worker()
    process(how.event(again), again, redelivered=True)
    assert outcome(w, how) == EXPECTED


# Concurrency: two processings at once, one between the other's reading of the live version and its write.


@pytest.mark.parametrize("trigger", sorted(TRIGGERS))
def test_a_twin_processing_of_the_same_event_leaves_one_version_and_one_announcement(trigger: str) -> None:
    """SQS may hand the same record to two workers: the one that loses the version put finds it its own."""
    w = world()
    how = TRIGGERS[trigger]
    twin = w.worker()
    w.store.meanwhile = lambda: process(how.event(twin), twin)
    process(how.event(w.deps), w.deps)
    assert outcome(w, how) == EXPECTED


def test_two_admins_saving_at_once_never_lose_an_update_the_later_is_refused_and_named_why() -> None:
    w = world()
    other = w.worker()
    w.store.meanwhile = lambda: process(policy_set(other, "rules.flood.window_seconds", "30", n=2), other)
    process(policy_set(w.deps, "rules.flood.max_messages", "5", n=1), w.deps)
    (first, second) = announcements(w, "post_text")
    assert "(group version 1)" in first and "rules.flood.window_seconds" in first  # the other admin's
    assert second == f"Not applied: version 1 of {SCOPE} was applied by someone else just now; try again"
    assert [v.version for v in PolicyRepo(w.store).versions(SCOPE)] == [1]

    process(policy_set(w.deps, "rules.flood.max_messages", "5", n=3), w.deps)  # saved again
    flood = live_policy(w).rules.flood
    assert (flood.window_seconds, flood.max_messages) == (30, 5)  # both changes, neither lost
    assert [v.version for v in PolicyRepo(w.store).versions(SCOPE)] == [1, 2]


# The revision workflow writes versions too: its rollout (the org's next version, and each pilot group's
# override restored) and its pilot (the pilot groups' overrides), both commands of an owner.

OWNER, SECOND = "UOWNER1", "UOWNER2"


class Org(authz_world.World):
    """The authorization world (two owners, group CF) on a store whose worker can be killed."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.dying = DyingStore(clock=self.clock)
        self.store = self.dying
        self.deps = self.worker()
        self.policies = PolicyRepo(self.store)

    def worker(self) -> Deps:
        return Deps(
            settings=self.deps.settings,
            clock=self.clock,
            store=self.store,
            messenger_factory=lambda platform: self.messengers[platform],
        )

    def command(self, user: str, text: str) -> CommandIssued:
        words = text.split()
        self._events += 1
        return CommandIssued(
            platform="slack",
            tenant=TEAM,
            event_id=f"rev-{self._events}",
            occurred_at=self.clock.now(),
            chat="CF",
            user=user,
            name=words[0],
            args=tuple(words[1:]),
            text=text,
        )


def approved_revision() -> tuple[Org, str]:
    org = Org()
    org.org(
        admins=[slack(OWNER), slack(SECOND)],
        workflows={"revisions": {"owners": [slack(OWNER), slack(SECOND)]}},
    )
    org.group("CF")
    org.say(OWNER, "revision propose rules.flood.max_messages=6", chat="CF")
    ref = org.ref_in(org.told(OWNER), "R")
    org.say(SECOND, f"revision approve {ref}", chat="CF")
    assert Revisions(org.store).get(ref).state == "approved"  # type: ignore[union-attr]
    org.forget()
    return org, ref


CF_SCOPE = keys.group_policy_scope(f"slack:{TEAM}:CF")
REVISION_KILLS: dict[str, Write] = {
    "after the version, before the pointer": lambda what, pk, sk: (
        what == "put" and sk.startswith(keys.POLICY_VERSION_SK_PREFIX)
    ),
    "after the pointer, before the revision moved": lambda what, pk, sk: sk == keys.POLICY_CURRENT_SK,
    "after the revision moved, before the outbox": lambda what, pk, sk: pk == keys.REVISIONS_PK,
    "after the outbox, before the answer": lambda what, pk, sk: what == "put" and _is_outbox(pk),
}


def killed_then_redelivered(org: Org, event: CommandIssued, kill: Write) -> None:
    org.dying.after = kill
    with pytest.raises(Killed):
        process(event, org.deps)
    org.dying.revive()
    org.clock.advance(LEASE_SECONDS + 1)
    process(event, org.worker(), redelivered=True)


@pytest.mark.parametrize("kill", list(REVISION_KILLS))
def test_a_rollout_killed_at_any_step_is_one_org_version_once_redelivered(kill: str) -> None:
    org, ref = approved_revision()
    killed_then_redelivered(org, org.command(OWNER, f"revision rollout {ref}"), REVISION_KILLS[kill])
    repo = PolicyRepo(org.store)
    assert [v.version for v in repo.versions(keys.ORG_SCOPE)] == [1, 2]
    assert repo.org().rules.flood.max_messages == 6
    revision = Revisions(org.store).get(ref)
    assert revision is not None and (revision.state, revision.org_version) == ("rolled_out", 2)
    assert org.told(OWNER).count(f"Revision {ref} is rolled out (org policy version 2)") == 1


@pytest.mark.parametrize("kill", list(REVISION_KILLS))
def test_a_pilot_killed_at_any_step_is_one_group_version_and_keeps_what_was_there_before(kill: str) -> None:
    org, ref = approved_revision()
    killed_then_redelivered(org, org.command(OWNER, f"revision pilot {ref}"), REVISION_KILLS[kill])
    repo = PolicyRepo(org.store)
    assert [v.version for v in repo.versions(CF_SCOPE)] == [1]
    revision = Revisions(org.store).get(ref)
    assert revision is not None and revision.state == "piloting"
    assert revision.pilots == ((f"slack:{TEAM}:CF", None),)  # no override before: none after the pilot
    assert org.told(OWNER).count(f"Revision {ref} is piloted in 1 groups.") == 1

    org.say(OWNER, f"revision rollout {ref}", chat="CF")  # the rollout restores CF as it was
    assert repo.current(CF_SCOPE).text == ""  # type: ignore[union-attr]


ROLLBACK_KILLS: dict[str, Write] = {
    "after the revision moved, before the policy went back": lambda what, pk, sk: pk == keys.REVISIONS_PK,
    "after the version, before the pointer": REVISION_KILLS["after the version, before the pointer"],
    "after the pointer": lambda what, pk, sk: sk == keys.POLICY_CURRENT_SK,
    "after the outbox, before the answer": REVISION_KILLS["after the outbox, before the answer"],
}


@pytest.mark.parametrize("kill", list(ROLLBACK_KILLS))
def test_a_rollback_of_a_rollout_killed_at_any_step_puts_the_org_back_once(kill: str) -> None:
    """Before, a kill after the revision's move left it rolled back and the org policy not: the
    redelivery found the revision in its new state and answered that it could not."""
    org, ref = approved_revision()
    org.say(OWNER, f"revision rollout {ref}", chat="CF")
    org.forget()
    killed_then_redelivered(org, org.command(OWNER, f"revision rollback {ref}"), ROLLBACK_KILLS[kill])
    repo = PolicyRepo(org.store)
    versions = repo.versions(keys.ORG_SCOPE)
    assert [(v.version, v.note) for v in versions] == [(1, ""), (2, ""), (3, "rollback to 1")]
    assert repo.org().rules.flood.max_messages != 6
    assert Revisions(org.store).get(ref).state == "rolled_back"  # type: ignore[union-attr]
    assert org.told(OWNER).count(f"Revision {ref} is rolled back") == 1


@pytest.mark.parametrize("kill", list(ROLLBACK_KILLS))
def test_a_rollback_of_a_pilot_killed_at_any_step_restores_the_group_once(kill: str) -> None:
    org, ref = approved_revision()
    org.say(OWNER, f"revision pilot {ref}", chat="CF")
    org.forget()
    killed_then_redelivered(org, org.command(OWNER, f"revision rollback {ref}"), ROLLBACK_KILLS[kill])
    repo = PolicyRepo(org.store)
    assert [v.text for v in repo.versions(CF_SCOPE)][1:] == [""]  # the pilot, then the group as it was, once
    assert Revisions(org.store).get(ref).state == "rolled_back"  # type: ignore[union-attr]
    assert org.told(OWNER).count(f"Revision {ref} is rolled back") == 1
