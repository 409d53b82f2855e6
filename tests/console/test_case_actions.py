"""The case queue's buttons are the card's buttons: the same sealed click through the worker, handled
once, the card updated to show who handled it, refused for anyone without the right."""

from __future__ import annotations

from chalicelib.moderation.cases import CaseRepo
from tests.console.world import ADA, AUDREY, BEN, BOSS, CA, MIA, ConsoleWorld, gid, uid


def press(world: ConsoleWorld, user: str, choice: str, ref: str = "c-alpha-1", chat: str = CA) -> int:
    form = {"gid": gid(chat), "ref": ref, "kind": "case", "choice": choice, "csrf": world.csrf(user)}
    return world.post("/console/cases", user, form).status_code


def state(world: ConsoleWorld, ref: str = "c-alpha-1", chat: str = CA) -> str:
    case = CaseRepo(world.store).get(gid(chat), ref)
    assert case is not None
    return case.state


def test_an_admin_warns_from_the_queue_and_the_card_shows_who_did(world: ConsoleWorld) -> None:
    assert press(world, ADA, "warn") == 302
    assert state(world) == "warned"
    slack = world.messengers["slack"]
    assert [kwargs["user"] for verb, kwargs in slack.calls if verb == "send_direct"] == [MIA]
    updated = [kwargs for verb, kwargs in slack.calls if verb == "update_card"]
    assert len(updated) == 1 and updated[0]["card_ref"] == "CA:1767225600.000100"
    assert ADA in updated[0]["card"].footer


def test_a_case_is_handled_once_however_often_and_by_whomever_pressed(world: ConsoleWorld) -> None:
    assert press(world, ADA, "mute") == 302
    assert press(world, ADA, "mute") == 302
    world.member(CA, BEN)
    world.store.update_member(gid(CA), uid(BEN), BEN, {"role": "admin"})
    assert press(world, BEN, "remove") == 302
    slack = world.messengers["slack"]
    assert slack.verbs().count("mute_member") == 1
    assert "remove_member" not in slack.verbs()
    assert state(world) == "muted"


def test_the_queue_says_what_was_sent(world: ConsoleWorld) -> None:
    form = {"gid": gid(CA), "ref": "c-alpha-1", "kind": "case", "choice": "dismiss", "csrf": world.csrf(ADA)}
    response = world.post("/console/cases", ADA, form)
    page = world.get(response.headers["Location"], ADA).body.decode()
    assert "c-alpha-1" in page and 'role="status"' in page


def test_an_owner_reads_every_group_but_acts_where_authz_makes_them_an_admin(world: ConsoleWorld) -> None:
    assert press(world, BOSS, "dismiss", ref="c-beta-1", chat="CB") == 403
    world.org(workflows={"revisions": {"owners": [uid(BOSS)]}}, auditors=[uid(AUDREY)], admins=[uid(BOSS)])
    world.clock.advance(61)  # the policy cache's minute
    assert press(world, BOSS, "dismiss", ref="c-beta-1", chat="CB") == 302
    assert state(world, "c-beta-1", "CB") == "dismissed"


def test_nobody_without_the_right_acts_and_nothing_is_sent(world: ConsoleWorld) -> None:
    assert press(world, BEN, "remove") == 403
    assert press(world, AUDREY, "remove") == 403
    assert press(world, MIA, "dismiss") == 403
    assert state(world) == "open"
    assert world.messengers["slack"].calls == []


def test_an_admin_never_decides_a_case_about_themselves(world: ConsoleWorld) -> None:
    assert press(world, BEN, "dismiss", ref="c-beta-1", chat="CB") == 302
    assert state(world, "c-beta-1", "CB") == "open"


def test_a_choice_the_card_does_not_have_is_a_bad_request(world: ConsoleWorld) -> None:
    assert press(world, ADA, "confirm_remove") == 400
    assert press(world, ADA, "explode") == 400
    assert state(world) == "open"


def test_every_admins_copy_of_the_card_is_updated_once(world: ConsoleWorld) -> None:
    copies = ("DADA:1767225600.000200", "DBEN:1767225600.000300", "DBOSS:1767225600.000400")
    world.open_case(CA, MIA, "c-alpha-9", cards=copies)

    assert press(world, ADA, "warn", ref="c-alpha-9") == 302
    assert press(world, ADA, "warn", ref="c-alpha-9") == 302  # a double submit changes nothing

    slack = world.messengers["slack"]
    updated = [kwargs for verb, kwargs in slack.calls if verb == "update_card"]
    assert sorted(kwargs["card_ref"] for kwargs in updated) == sorted(copies)
    assert all(ADA in kwargs["card"].footer for kwargs in updated)
