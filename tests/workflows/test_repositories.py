"""The workflows' records against both stores: each reads back as it was written (absent values, nested
patches and floats included), each decision happens once, and acknowledgements and votes count once."""

from __future__ import annotations

from chalicelib.store import keys
from chalicelib.store.base import Store
from chalicelib.store.records import Item
from chalicelib.workflows.announcements import Announcement, Announcements
from chalicelib.workflows.incidents import CLOSED_N, OPENED_N, Incident, Incidents, Pointer, Update
from chalicelib.workflows.polls import Poll, Polls
from chalicelib.workflows.publishing import Submission, Submissions
from chalicelib.workflows.revisions import Revision, Revisions
from chalicelib.workflows.suggestions import Suggestion, Suggestions
from chalicelib.workflows.timers import Timer, Timers
from tests.store.conftest import T0

GID = "slack:T1:C1"


def test_an_announcement_reads_back_and_is_acknowledged_once_per_member(store: Store) -> None:
    repo = Announcements(store)
    posted = Announcement(
        "A1", GID, "C1", "UADMIN", T0, "会议\n三楼", True, None, ("U1", "U2"), (("remind", T0 + 1.5),)
    )
    assert repo.create(posted) and not repo.create(posted)
    assert repo.get(GID, "A1") == posted and repo.latest(GID) == "A1"
    assert repo.acknowledge(posted, "U1", "slack:T1:U1", T0)
    assert not repo.acknowledge(posted, "U1", "slack:T1:U1", T0 + 5)
    assert repo.acks(posted) == {"U1": T0}
    assert repo.close(posted, "withdrawn", by="UADMIN", at=T0) and not repo.close(
        posted, "expired", by="x", at=T0
    )
    assert repo.get(GID, "A1").state == "withdrawn"  # type: ignore[union-attr]


def test_a_submission_is_decided_once(store: Store) -> None:
    repo = Submissions(store)
    waiting = Submission("P1", GID, "C1", "U1", T0, "招聘", None, ("UADMIN",), (("lapse", T0 + 3600),))
    assert repo.create(waiting) and repo.get(GID, "P1") == waiting
    assert repo.decide(waiting, "approved", by="UADMIN", at=T0)
    assert not repo.decide(waiting, "rejected", by="UOTHER", at=T0)
    assert repo.get(GID, "P1").decided_by == "UADMIN"  # type: ignore[union-attr]


def test_an_incident_keeps_its_isolation_updates_and_responders(store: Store) -> None:
    repo = Incidents(store)
    opened = repo.claim(GID, "I1", T0, "slack#cmd-1")
    assert opened is not None and opened.taken_now
    assert repo.claim(GID, "I2", T0, "slack#cmd-2") == Pointer("I1", T0, "slack#cmd-1")  # another's, held
    incident = Incident(
        "I1", GID, "C1", "UADMIN", T0, "high", "钓鱼", ("UADMIN",), ("U1",), True, None, False
    )
    repo.save(incident)
    assert repo.get(GID, "I1") == incident and repo.open_ref(GID) == "I1"
    repo.add(incident, Update(T0, "UADMIN", "opened", "钓鱼"))
    repo.add(incident, Update(T0 + 60, "UADMIN", "update", "已处理"))
    assert [update.what for update in repo.updates(incident)] == ["opened", "update"]
    assert repo.respond(incident, "slack:T1:UOPS", "UOPS", T0) and not repo.respond(
        incident, "slack:T1:UOPS", "UOPS", T0
    )
    assert repo.acknowledged(incident) == ["UOPS"]
    assert repo.close(incident, by="UADMIN", at=T0 + 90, summary="好了", claim="slack#cmd-3")
    assert not repo.close(incident, by="x", at=T0, summary="", claim="slack#cmd-4")  # once
    closed = repo.get(GID, "I1")
    assert closed is not None and (closed.state, closed.closed_claim) == ("closed", "slack#cmd-3")
    repo.keep_report(closed, "r")
    repo.release(closed, T0 + 90)
    assert repo.open_ref(GID) is None
    assert repo.closed_by(GID, "slack#cmd-3") == closed and repo.closed_by(GID, "slack#cmd-4") is None


def test_the_opening_and_the_closing_update_are_written_once(store: Store) -> None:
    repo = Incidents(store)
    incident = Incident("I1", GID, "C1", "UADMIN", T0, "high", "钓鱼")
    for _ in range(2):  # a redelivery writes them again
        repo.add_once(incident, Update(T0, "UADMIN", "opened", "钓鱼"), OPENED_N)
        repo.add_once(incident, Update(T0, "UADMIN", "closed", "好了"), CLOSED_N)
    assert [update.what for update in repo.updates(incident)] == ["opened", "closed"]


def test_a_poll_counts_one_vote_per_member(store: Store) -> None:
    repo = Polls(store)
    poll = Poll("V1", GID, "C1", "U1", T0, "去哪里", ("山", "海"), T0 + 3600)
    assert repo.create(poll) and repo.get(GID, "V1") == poll
    assert repo.vote(poll, "slack:T1:U1", "U1", 1, T0) and not repo.vote(poll, "slack:T1:U1", "U1", 0, T0)
    assert repo.votes(poll) == {"U1": 1}
    assert repo.close(poll, by="U1", at=T0) and not repo.close(poll, by="U1", at=T0)


def test_a_revision_keeps_its_patch_and_moves_state_once(store: Store) -> None:
    repo = Revisions(store)
    patch = {"rules": {"emoji": {"max_ratio": 0.4}, "ads": {"allowed_domains+": ["wiki.example.com"]}}}
    revision = Revision("R1", "UADMIN", T0, GID, patch, "why", ("a: 1 → 2",), "V1", pilots=((GID, None),))
    assert repo.create(revision) and repo.get("R1") == revision and repo.latest() == "R1"
    assert repo.approve(revision, "slack:T1:UO", "UO", T0) and not repo.approve(
        revision, "slack:T1:UO", "UO", T0
    )
    assert repo.approvals(revision) == ["UO"]
    assert repo.move(revision, "approved", frm=("proposed",))
    assert not repo.move(revision, "rejected", frm=("proposed",))


def test_a_revisions_approvers_are_kept_with_their_platform_and_old_approvals_still_say_whose(
    store: Store,
) -> None:
    repo = Revisions(store)
    revision = Revision("R2", "UADMIN", T0, GID, {"locale": "en"})
    assert repo.create(revision)
    assert repo.approve(revision, "dingtalk:corp1:owner2", "owner2", T0)  # an owner on another platform
    prefix = keys.revision_approvals_prefix("R2")
    store.put_item(Item(keys.REVISIONS_PK, f"{prefix}slack:T1:UOLD", {"user": "UOLD", "at": T0}))  # as before
    store.put_item(Item(keys.REVISIONS_PK, f"{prefix}UBARE", {"user": "UBARE", "at": T0}))  # a bare key

    assert sorted(repo.approvers(revision)) == ["dingtalk:corp1:owner2", "slack:T1:UBARE", "slack:T1:UOLD"]
    assert sorted(repo.approvals(revision)) == ["UBARE", "UOLD", "owner2"]


def test_a_suggestion_is_answered_once(store: Store) -> None:
    repo = Suggestions(store)
    suggestion = Suggestion("S1", GID, "U1", T0, "早点发纪要", anonymous=True)
    assert repo.add(suggestion) and repo.open(GID) == [suggestion]
    assert repo.answer(suggestion, "noted", by="UADMIN", at=T0)
    assert not repo.answer(suggestion, "accepted", by="UADMIN", at=T0) and repo.open(GID) == []


def test_a_timer_moves_on_and_goes(store: Store) -> None:
    timers = Timers(store)
    timers.set(Timer(GID, "ann", "A1", T0 + 10, 0))
    timers.set(Timer(GID, "ann", "A1", T0 + 99, 1))  # the same timer, moved on
    assert list(timers.due(GID, T0 + 50)) == []
    assert list(timers.due(GID, T0 + 100)) == [Timer(GID, "ann", "A1", T0 + 99, 1)]
    timers.clear(GID, "ann", "A1")
    assert list(timers.due(GID, T0 + 100)) == []
