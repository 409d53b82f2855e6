"""Join requests and publishing drafts wait in the case queue beside the cases: named, with the buttons
of their cards, pressed through the same sealed click and the worker, decided once, never by the person
they are about (four eyes), and refused to anyone without the right."""

from __future__ import annotations

from urllib.parse import quote

from chalicelib.membership.repository import MembershipRepo
from chalicelib.workflows.publishing import Submissions
from tests.console.work import draft, join_request
from tests.console.world import ADA, AUDREY, BEN, BOSS, CA, MIA, ConsoleWorld, gid, uid

NORA = "UNORA"


def press(world: ConsoleWorld, user: str, kind: str, key: str, choice: str, *, chat: str = CA) -> int:
    form = {"gid": gid(chat), "ref": key, "kind": kind, "choice": choice, "csrf": world.csrf(user)}
    return world.post("/console/cases", user, form).status_code


def status(world: ConsoleWorld, user: str = NORA) -> str:
    request = MembershipRepo(world.store).request(gid(CA), uid(user))
    assert request is not None
    return request.status


def draft_state(world: ConsoleWorld, ref: str = "P0A1B2") -> str:
    found = Submissions(world.store).get(gid(CA), ref)
    assert found is not None
    return found.state


def test_the_queue_lists_join_requests_and_drafts_by_name_beside_the_cases(world: ConsoleWorld) -> None:
    world.member(CA, MIA, name="Mia Member")
    join_request(world, CA, NORA, name="Nora Newcomer")
    draft(world, CA, MIA, "P0A1B2", "Office closed on Monday")
    body = world.get("/console/cases", ADA).body.decode()
    assert "c-alpha-1" in body
    shown = body.replace(quote(uid(NORA), safe=""), "").replace(uid(NORA), "")  # links and forms
    assert "Nora Newcomer" in body and NORA not in shown
    assert f"/console/people/{quote(uid(NORA), safe='')}" in body
    assert "入群申请" in body and "待发布" in body
    assert "Office closed on Monday" in body and "Mia Member" in body
    assert body.count('value="approve"') == 2 and body.count('value="reject"') == 2


def test_an_admin_approves_a_join_request_once_however_often_pressed(world: ConsoleWorld) -> None:
    join_request(world, CA, NORA, name="Nora Newcomer")
    assert press(world, ADA, "join", uid(NORA), "approve") == 302
    assert press(world, ADA, "join", uid(NORA), "approve") == 302
    assert press(world, ADA, "join", uid(NORA), "reject") == 302
    assert status(world) == "approved"
    history = MembershipRepo(world.store).history_of(gid(CA), uid(NORA))
    assert [entry.get("what") for entry in history].count("approved") == 1
    assert "Nora Newcomer" not in world.get("/console/cases", ADA).body.decode()


def test_the_queue_says_a_request_decided_elsewhere_is_gone(world: ConsoleWorld) -> None:
    join_request(world, CA, NORA)
    assert press(world, ADA, "join", uid(NORA), "reject") == 302
    form = {"gid": gid(CA), "ref": uid(NORA), "kind": "join", "choice": "approve", "csrf": world.csrf(ADA)}
    response = world.post("/console/cases", ADA, form)
    assert "notice=gone" in response.headers["Location"]
    assert status(world) == "rejected"


def test_an_admin_approves_a_draft_and_it_goes_out_as_an_announcement(world: ConsoleWorld) -> None:
    draft(world, CA, MIA, "P0A1B2", "Office closed on Monday")
    assert press(world, ADA, "draft", "P0A1B2", "approve") == 302
    assert press(world, ADA, "draft", "P0A1B2", "approve") == 302
    assert draft_state(world) == "approved"
    slack = world.messengers["slack"]
    told = [kwargs for verb, kwargs in slack.calls if verb == "send_direct" and kwargs["user"] == MIA]
    assert len(told) == 1


def test_an_admin_rejects_a_draft(world: ConsoleWorld) -> None:
    draft(world, CA, MIA, "P0A1B2", "Office closed on Monday")
    assert press(world, ADA, "draft", "P0A1B2", "reject") == 302
    assert draft_state(world) == "rejected"


def test_nobody_decides_their_own_draft_or_join_request(world: ConsoleWorld) -> None:
    draft(world, CA, ADA, "P9F8E7", "My own news")
    join_request(world, CA, ADA)
    body = world.get("/console/cases", ADA).body.decode()
    assert "My own news" in body and 'value="approve"' not in body
    assert "需他人处理" in body
    assert press(world, ADA, "draft", "P9F8E7", "approve") == 403
    assert press(world, ADA, "draft", "P9F8E7", "reject") == 403
    assert press(world, ADA, "join", uid(ADA), "approve") == 403
    assert draft_state(world, "P9F8E7") == "pending"
    assert status(world, ADA) == "pending"


def test_nobody_without_the_right_decides_a_request(world: ConsoleWorld) -> None:
    join_request(world, CA, NORA)
    draft(world, CA, MIA, "P0A1B2", "Office closed on Monday")
    for user in (BEN, AUDREY, MIA, BOSS):
        assert press(world, user, "join", uid(NORA), "approve") == 403
        assert press(world, user, "draft", "P0A1B2", "approve") == 403
    assert status(world) == "pending" and draft_state(world) == "pending"
    assert world.messengers["slack"].calls == []


def test_the_queue_shows_requests_to_auditors_without_buttons_and_hides_other_groups(
    world: ConsoleWorld,
) -> None:
    join_request(world, CA, NORA, name="Nora Newcomer")
    auditor = world.get("/console/cases", AUDREY).body.decode()
    assert "Nora Newcomer" in auditor and 'name="choice"' not in auditor
    assert "Nora Newcomer" not in world.get("/console/cases", BEN).body.decode()


def test_a_bad_request_choice_or_an_unknown_request_is_refused(world: ConsoleWorld) -> None:
    join_request(world, CA, NORA)
    assert press(world, ADA, "join", uid(NORA), "explode") == 400
    assert press(world, ADA, "join", uid("UNOBODY"), "approve") == 404
    assert press(world, ADA, "draft", "PNOPE", "approve") == 404
    assert status(world) == "pending"


def test_a_request_decided_in_chat_leaves_the_queue(world: ConsoleWorld) -> None:
    request = join_request(world, CA, NORA, name="Nora Newcomer")
    submission = draft(world, CA, MIA, "P0A1B2", "Office closed on Monday")
    assert MembershipRepo(world.store).decide_request(request, "expired", by="qunguan", at=world.clock.now())
    assert Submissions(world.store).decide(submission, "lapsed", by="qunguan", at=world.clock.now())
    body = world.get("/console/cases", ADA).body.decode()
    assert "Nora Newcomer" not in body and "Office closed on Monday" not in body


def test_a_marker_whose_request_is_gone_is_dropped(world: ConsoleWorld) -> None:
    from chalicelib.kernel.open_requests import OpenRequests
    from chalicelib.store import keys

    join_request(world, CA, NORA, name="Nora Newcomer")
    world.store.delete_item(keys.group_pk(gid(CA)), keys.join_request_sk(uid(NORA)))
    assert "Nora Newcomer" not in world.get("/console/cases", ADA).body.decode()
    assert OpenRequests(world.store).all_open() == []
