"""The join gate for sanctions wider than a group, through the worker's pipeline: a ban refuses until it
runs out; a watch lets the member in and cards the admins (tests/persons/test_watch.py); a person with
no sanction costs the gate one read more than before, however many groups and platforms they are in."""

from __future__ import annotations

from typing import Any

from chalicelib.adapters.base import DirectoryUser
from chalicelib.bootstrap import Deps
from chalicelib.clock import FrozenClock
from chalicelib.core.events import MemberJoined
from chalicelib.persons.records import Sanction
from chalicelib.persons.repository import PersonRepo
from chalicelib.settings import Settings
from chalicelib.store import keys
from chalicelib.store.memory import MemoryStore
from chalicelib.worker.pipeline import process
from tests.membership.conftest import apply_policy
from tests.membership.factories import DAY, GID, NOW
from tests.support.messenger import RecordingMessenger

BASE: dict[str, Any] = {"platform": "slack", "tenant": "T1", "occurred_at": NOW, "chat": "C1"}
UID = "slack:T1:U9"


def sanctioned(
    deps: Deps, *, kind: str = "ban", scope: str = "org", target: str = "", days: float = 2, uid: str = UID
) -> Sanction:
    repo = PersonRepo(deps.store)
    person = repo.create(uid, via="admin", by="slack:T1:UADMIN", at=NOW)
    sanction = Sanction(
        sid=f"s-{kind}-{scope}",
        pid=person.pid,
        kind=kind,  # type: ignore[arg-type]
        scope=scope,  # type: ignore[arg-type]
        target=target,
        reason="leaked numbers",
        by="slack:T1:UOWNER",
        at=NOW,
        until=NOW + days * DAY,
        gid="slack:T1:C0",
        uid=uid,
        case_ref=f"ref-{kind}",
    )
    assert repo.impose(sanction)
    return sanction


def join(deps: Deps, event_id: str) -> None:
    process(MemberJoined(**BASE, event_id=event_id, user="U9"), deps)


def test_an_org_wide_ban_refuses_until_it_runs_out(
    memory_deps: Deps, messenger: RecordingMessenger, clock: FrozenClock
) -> None:
    apply_policy(memory_deps, {})
    sanctioned(memory_deps, days=2)

    join(memory_deps, "j1")
    assert messenger.verbs() == ["remove_member", "send_direct"]
    assert memory_deps.store.get_member(GID, UID) is None
    messenger.calls.clear()

    clock.advance(2 * DAY + 1)
    join(memory_deps, "j2")
    assert "remove_member" not in messenger.verbs()
    assert memory_deps.store.get_member(GID, UID) is not None  # admitted once the ban ran out


def test_a_tag_wide_ban_refuses_in_the_groups_of_the_tag_only(
    memory_deps: Deps, messenger: RecordingMessenger
) -> None:
    apply_policy(memory_deps, {"tags": ["project:apollo"]})
    sanctioned(memory_deps, scope="tag", target="project:hermes")
    join(memory_deps, "j1")
    assert "remove_member" not in messenger.verbs()

    sanctioned(memory_deps, scope="tag", target="project:apollo", uid="slack:T1:U8")
    process(MemberJoined(**BASE, event_id="j2", user="U8"), memory_deps)
    assert messenger.verbs()[-2:] == ["remove_member", "send_direct"]


class CountingStore(MemoryStore):
    def __init__(self, clock: FrozenClock) -> None:
        super().__init__(clock=clock)
        self.reads: list[tuple[str, str]] = []

    def get_item(self, pk: str, sk: str) -> Any:
        self.reads.append((pk, sk))
        return super().get_item(pk, sk)


def test_the_gate_reads_one_item_more_for_a_known_identity(
    clock: FrozenClock, messenger: RecordingMessenger
) -> None:
    from tests.membership.conftest import make_deps, register_group

    store = CountingStore(clock)
    deps = make_deps(store, clock, messenger)
    register_group(deps)
    apply_policy(deps, {})
    PersonRepo(store).create(UID, via="admin", by="x", at=NOW)
    store.reads.clear()

    join(deps, "j1")

    assert store.reads.count((keys.identity_pk(UID), keys.POINTER_SK)) == 1
    assert store.reads.count((keys.group_pk(GID), keys.ban_sk(UID))) == 1  # once, not once per handler


class ContactsMessenger(RecordingMessenger):
    """A directory that gives U8 and U9 the same work e-mail."""

    def get_user(self, tenant: str, user: str) -> DirectoryUser | None:
        return DirectoryUser(user=user, name=user, email="zhang.san@corp.example")


def test_a_first_seen_identity_costs_the_gate_one_read_and_one_with_a_known_contact_is_linked(
    clock: FrozenClock,
) -> None:
    from tests.membership.conftest import register_group

    store, messenger = CountingStore(clock), ContactsMessenger(platform="slack")
    settings = Settings(_env_file=None, slack_signing_secret="s", qg_dispatch="inline", qg_person_key="k1")
    deps = Deps(settings=settings, clock=clock, store=store, messenger_factory=lambda platform: messenger)
    register_group(deps)
    apply_policy(deps, {})
    store.reads.clear()

    join(deps, "j1")

    person_reads = [read for read in store.reads if read[0].startswith(("IDN#", "CONTACT#", "PERSON#"))]
    assert person_reads == [(keys.identity_pk(UID), keys.POINTER_SK)]  # the pointer's miss, and no more
    pointer = PersonRepo(store).pointer(UID)
    assert pointer is not None and pointer.via == "directory"
    sanction = Sanction(
        sid="s1", pid=pointer.pid, kind="ban", scope="org", target="", reason="leaked numbers",
        by="slack:T1:UOWNER", at=NOW, until=NOW + DAY, gid="slack:T1:C0", uid=UID,
    )  # fmt: skip
    assert PersonRepo(store).impose(sanction)
    messenger.calls.clear()

    process(MemberJoined(**BASE, event_id="j2", user="U8"), deps)  # the same e-mail: the same person

    linked = PersonRepo(store).pointer("slack:T1:U8")
    assert linked is not None and linked.pid == pointer.pid
    assert messenger.verbs()[:1] == ["remove_member"]  # refused at their first join


def test_the_sweep_lifts_a_sanction_at_its_expiry_once_tells_the_member_and_audits_it(
    memory_deps: Deps, messenger: RecordingMessenger, clock: FrozenClock
) -> None:
    from chalicelib.persons.expiry import end_due_sanctions

    apply_policy(memory_deps, {})
    sanction = sanctioned(memory_deps, days=1)
    assert end_due_sanctions(memory_deps, NOW + 3600) == 0  # not yet

    clock.advance(DAY + 1)
    assert end_due_sanctions(memory_deps, NOW + DAY + 1) == 1
    assert end_due_sanctions(memory_deps, NOW + DAY + 2) == 0  # once

    repo = PersonRepo(memory_deps.store)
    lifted = repo.sanction(sanction.pid, sanction.sid)
    assert lifted is not None and (lifted.lifted_why, lifted.lifted_by) == ("expired", "qunguan")
    pointer = repo.pointer(UID)
    assert pointer is not None and pointer.sanctions == ()
    assert any(kwargs.get("user") == "U9" for verb, kwargs in messenger.calls if verb == "send_direct")
    audit = memory_deps.store.list_audit("slack:T1:C0")
    assert [record.event_type for record in audit] == ["SanctionLifted"]
