"""Join requests and publishing drafts wait in the case queue beside the cases: named, with the buttons
of their cards, pressed through the same sealed click and the worker, decided once, never by the person
they are about (four eyes), and refused to anyone without the right."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote

from chalicelib.core.cards import Card
from chalicelib.core.events import CardClicked, Event
from chalicelib.errors import MessengerError
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


# --- the approvers' cards, and who sees the buttons ---------------------------------------------------

CARL = "UCARL"


def sent_card(world: ConsoleWorld, to: str, token: str, *, kind: str = "join", ref: str = "") -> None:
    """A request card as the worker keeps it once sent: to `to`, updated in place by `token`."""
    from chalicelib.kernel.request_cards import SentCard, SentCards

    request = MembershipRepo(world.store).request(gid(CA), uid(NORA))
    assert request is not None
    card = SentCard(gid(CA), kind, ref or request.ref, to, "", token, world.clock.now())
    SentCards(world.store).keep(card)


def updates(world: ConsoleWorld) -> list[dict[str, object]]:
    return [kwargs for verb, kwargs in world.messengers["slack"].calls if verb == "update_card"]


def request_cards_posted(world: ConsoleWorld) -> list[Card]:
    """Cards with a request's buttons the bot posted (a decision never posts one again)."""
    posted = [kwargs["card"] for verb, kwargs in world.messengers["slack"].calls if verb == "post_card"]
    return [card for card in posted if any(b.action.startswith(("join.", "pub.")) for b in card.buttons)]


def test_a_console_decision_updates_every_approvers_card_in_place_once(world: ConsoleWorld) -> None:
    join_request(world, CA, NORA, name="Nora Newcomer")
    sent_card(world, ADA, "DADA:1767225600.000100")
    sent_card(world, CARL, "DCARL:1767225600.000200")
    assert press(world, ADA, "join", uid(NORA), "approve") == 302
    assert press(world, ADA, "join", uid(NORA), "approve") == 302  # a double submit
    shown = updates(world)
    assert sorted(str(update["card_ref"]) for update in shown) == [
        "DADA:1767225600.000100",
        "DCARL:1767225600.000200",
    ]
    for update in shown:
        card = update["card"]
        assert isinstance(card, Card) and not card.buttons and "UADA" in card.footer
    assert request_cards_posted(world) == []


def test_a_failed_card_update_is_retried_by_the_redelivery_and_never_sent_twice(world: ConsoleWorld) -> None:
    from chalicelib.worker.pipeline import process

    join_request(world, CA, NORA, name="Nora Newcomer")
    sent_card(world, ADA, "DADA:1767225600.000100")
    sent_card(world, CARL, "DCARL:1767225600.000200")
    slack = world.messengers["slack"]
    clicks: list[CardClicked] = []
    dispatch = world.deps.dispatch

    def recording(events: Sequence[Event]) -> None:
        clicks.extend(event for event in events if isinstance(event, CardClicked))
        dispatch(events)

    world.deps.dispatch = recording  # type: ignore[method-assign]
    failing = {"DCARL:1767225600.000200"}
    update_card = slack.update_card

    def flaky(tenant: str, card_ref: str, card: Card, *, response_token: str | None = None) -> None:
        if card_ref in failing:
            failing.clear()  # Slack was down for this one call
            raise MessengerError("slack", "chat.update", "503", retryable=True)
        update_card(tenant, card_ref, card, response_token=response_token)

    slack.update_card = flaky  # type: ignore[method-assign]
    assert press(world, ADA, "join", uid(NORA), "approve") == 302
    assert [str(update["card_ref"]) for update in updates(world)] == ["DADA:1767225600.000100"]

    (click,) = clicks
    process(click, world.deps, redelivered=True)  # the queue's redelivery of the same click
    process(click, world.deps, redelivered=True)  # and one too many
    assert sorted(str(update["card_ref"]) for update in updates(world)) == [
        "DADA:1767225600.000100",
        "DCARL:1767225600.000200",
    ]
    welcomes = [verb for verb, kwargs in slack.calls if verb == "send_direct" and kwargs["user"] == NORA]
    assert len(welcomes) <= 1 and status(world) == "approved"


def test_a_card_that_cannot_be_updated_is_replaced_by_a_private_note_to_its_approver(
    world: ConsoleWorld,
) -> None:
    join_request(world, CA, NORA, name="Nora Newcomer")
    sent_card(world, CARL, "")  # sent as text: the platform gave nothing that updates it
    assert press(world, ADA, "join", uid(NORA), "approve") == 302
    told = [kwargs for verb, kwargs in world.messengers["slack"].calls if verb == "send_direct"]
    assert any(kwargs["user"] == CARL and "UADA" in str(kwargs["text"]) for kwargs in told)
    assert updates(world) == [] and request_cards_posted(world) == []


def test_only_the_named_approvers_see_a_join_requests_buttons(world: ConsoleWorld) -> None:
    world.group(CA, "Alpha", admins=(ADA, CARL))
    world.member(CA, CARL)
    world.org(
        workflows={"revisions": {"owners": [uid(BOSS)]}},
        auditors=[uid(AUDREY)],
        approvers=[uid(CARL)],
        membership={"join": {"approval": "approvers"}},
    )
    join_request(world, CA, NORA, name="Nora Newcomer")
    admin = world.get("/console/cases", ADA).body.decode()
    assert "Nora Newcomer" in admin and 'value="approve"' not in admin.split("Nora Newcomer", 1)[1]
    assert press(world, ADA, "join", uid(NORA), "approve") == 403
    approver = world.get("/console/cases", CARL).body.decode()
    assert 'value="approve"' in approver.split("Nora Newcomer", 1)[1]
    assert press(world, CARL, "join", uid(NORA), "approve") == 302
    assert status(world) == "approved"
