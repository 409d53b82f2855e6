"""`PersonRepo` on both stores: a sanction is imposed once and lifted once, every pointer of the person
carries their wide sanctions, and linking an identity of another person brings that person along."""

from __future__ import annotations

from chalicelib.persons.records import Sanction, Scope
from chalicelib.persons.repository import PersonRepo
from chalicelib.store.base import Store

NOW = 1_750_000_000.0
SLACK, WECOM, DING = "slack:T1:U1", "wecom:ww1:zhangsan", "dingtalk:ding1:zhangsan"


def ban(pid: str, sid: str = "s1", scope: Scope = "org", uid: str = SLACK) -> Sanction:
    return Sanction(
        sid=sid,
        pid=pid,
        kind="ban",
        scope=scope,
        target="" if scope == "org" else "slack:T1:C1",
        reason="r",
        by="slack:T1:UOWNER",
        at=NOW,
        until=NOW + 86400,
        gid="slack:T1:C1",
        uid=uid,
        case_ref=sid,
    )


def test_a_sanction_is_imposed_once_and_lifted_once(store: Store) -> None:
    repo = PersonRepo(store)
    person = repo.create(SLACK, via="admin", by="x", at=NOW, contacts=("edigest",))
    sanction = ban(person.pid)
    assert repo.impose(sanction) and not repo.impose(sanction)
    for pointer in (repo.pointer(SLACK), repo.by_contact("edigest")):
        assert pointer is not None and [s.sid for s in pointer.applying("wecom:ww1:any", (), NOW)] == ["s1"]

    lifted = repo.lift(sanction, by="slack:T1:UADMIN2", at=NOW + 10, why="appeal")
    assert lifted is not None and repo.lift(sanction, by="y", at=NOW + 20, why="unban") is None
    stored = repo.sanction(person.pid, "s1")
    assert stored is not None and (stored.lifted_by, stored.lifted_why) == ("slack:T1:UADMIN2", "appeal")
    pointer = repo.pointer(SLACK)
    assert pointer is not None and pointer.sanctions == ()


def test_a_group_sanction_stays_off_the_pointers(store: Store) -> None:
    repo = PersonRepo(store)
    person = repo.create(SLACK, via="admin", by="x", at=NOW)
    assert repo.impose(ban(person.pid, scope="group"))
    pointer = repo.pointer(SLACK)
    assert pointer is not None and pointer.sanctions == ()


def test_linking_another_persons_identity_merges_them_with_their_sanctions(store: Store) -> None:
    repo = PersonRepo(store)
    first = repo.create(SLACK, via="seen", by="", at=NOW)
    second = repo.create(WECOM, via="seen", by="", at=NOW, contacts=("mdigest",))
    repo.impose(ban(second.pid, sid="s2", uid=WECOM))

    merged = repo.link(first, WECOM, via="admin", by="slack:T1:UADMIN", at=NOW + 1)
    merged = repo.link(merged, DING, via="directory", by="directory", at=NOW + 2)

    assert set(merged.identities) == {SLACK, WECOM, DING} and merged.contacts == ("mdigest",)
    assert repo.person(second.pid) is None
    assert [s.sid for s in repo.sanctions(first.pid)] == ["s2"]
    for uid in (SLACK, WECOM, DING):
        pointer = repo.pointer(uid)
        assert (
            pointer is not None and pointer.pid == first.pid and [s.sid for s in pointer.sanctions] == ["s2"]
        )
    assert [link["via"] for link in merged.links] == ["seen", "admin", "directory"]
