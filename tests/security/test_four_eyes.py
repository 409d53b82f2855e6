"""Four eyes that hold (issue 19, findings 5 and 6): nobody decides an appeal they filed or a case about
themselves, by its card or by `handle`; nobody approves their own publishing draft, join request or
policy revision; and `handle` checks the admin's rights in the case's own group, not in the group where
it is typed. Each test reproduces one hole on the old code, then shows a second person can still decide.

The cast, on one Slack workspace: the org names UA1, UA2 and UA3 admins of every group; CF is the group
where things happen, CO another group whose stored admin is Mallory (UMAL); Bob (UBOB) and Carol
(UCAROL) are members.
"""

from __future__ import annotations

import pytest

from chalicelib.membership.repository import MembershipRepo, NameRecord
from chalicelib.moderation.cases import CaseRepo
from chalicelib.store import keys
from chalicelib.workflows.revisions import Revisions
from tests.security.authz_world import T0, TEAM, World, slack

A1, A2, A3, MALLORY, BOB, CAROL = "UA1", "UA2", "UA3", "UMAL", "UBOB", "UCAROL"
CF, CO = f"slack:{TEAM}:CF", f"slack:{TEAM}:CO"


@pytest.fixture
def world() -> World:
    world = World()
    world.org(admins=[slack(A1), slack(A2), slack(A3)])
    world.group("CF")
    world.group("CO")
    for user in (BOB, CAROL):
        world.member(CF, user)
    world.member(CO, MALLORY, role="admin")  # an admin of CO, recorded from the platform; not in CF
    return world


def case_about(world: World, user: str) -> str:
    (case,) = CaseRepo(world.store).for_member(CF, slack(user))
    return case.ref


def appeal_state(world: World, ref: str) -> str:
    item = world.store.get_item(keys.group_pk(CF), keys.case_appeal_sk(ref))
    assert item is not None
    return str(item.data["state"])


def reported(world: World, member: str) -> str:
    """Carol reports `member` in CF: an open case; its ref."""
    world.say(CAROL, f"report <@{member}> spam", chat="CF")
    ref = case_about(world, member)
    assert CaseRepo(world.store).get(CF, ref).state == "open"  # type: ignore[union-attr]
    return ref


# Appeals and cases ---------------------------------------------------------------------------------------


def test_an_admin_cannot_decide_their_own_appeal_by_command_or_by_card(world: World) -> None:
    world.say(A1, f"warn <@{A2}> 刷屏", chat="CF")  # one admin warns another
    ref = case_about(world, A2)
    world.say(A2, f"appeal {ref} 不公平", chat="CF")
    assert appeal_state(world, ref) == "pending"

    world.forget()
    by_command = world.say(A2, f"handle {ref} reverse", chat="CF")
    assert "another admin must decide it" in world.told(A2)
    assert "decided by its appellant" in str(world.audit(by_command).detail["refused"])
    world.press(A2, "appeal.reverse", ref, sealed_for="CF")
    assert appeal_state(world, ref) == "pending"

    world.say(A3, f"handle {ref} uphold", chat="CF")  # a second admin, who did not act, decides
    assert appeal_state(world, ref) == "uphold"


def test_the_appeal_card_goes_to_neither_the_acting_admin_nor_the_appellant(world: World) -> None:
    world.say(A1, f"warn <@{A2}> 刷屏", chat="CF")
    ref = case_about(world, A2)
    world.forget()
    world.say(A2, f"appeal {ref} 不公平", chat="CF")
    cards = [c for verb, c in world.messengers["slack"].calls if verb == "post_card"]
    assert [c["target"].user for c in cards] == [A3]


def test_a_member_made_co_admin_cannot_dismiss_the_open_case_about_themselves(world: World) -> None:
    ref = reported(world, BOB)
    world.say(A1, f"policy set admins+ [{slack(BOB)}]", chat="CF")  # Bob becomes a co-admin of CF
    world.forget()
    by_command = world.say(BOB, f"handle {ref} dismiss", chat="CF")
    assert f"Case {ref} is about you" in world.told(BOB)
    assert "decided by its member" in str(world.audit(by_command).detail["refused"])
    world.press(BOB, "mod.dismiss", ref, sealed_for="CF")
    assert CaseRepo(world.store).get(CF, ref).state == "open"  # type: ignore[union-attr]

    world.say(A2, f"handle {ref} dismiss", chat="CF")
    assert CaseRepo(world.store).get(CF, ref).state == "dismissed"  # type: ignore[union-attr]


def test_handle_checks_the_admins_rights_in_the_cases_group_not_where_it_is_typed(world: World) -> None:
    ref = reported(world, BOB)
    world.forget()
    typed_in_co = world.say(MALLORY, f"handle {ref} remove", chat="CO")  # Mallory administers CO, not CF
    assert "remove_member" not in world.verbs()
    assert CaseRepo(world.store).get(CF, ref).state == "open"  # type: ignore[union-attr]
    assert "not an admin of CF" in str(world.audit(typed_in_co).detail["refused"])

    world.say(A1, f"handle {ref} remove", chat="CO")  # an admin of CF may, from anywhere
    assert "remove_member" in world.verbs()


# Drafts, joins and revisions -----------------------------------------------------------------------------


def test_an_author_cannot_approve_their_own_publishing_draft(world: World) -> None:
    world.forget()
    world.say(A1, "publish 周五下午三点全员会议", chat="CF")
    ref = world.ref_in(world.told(A1), "P")
    cards = [c for verb, c in world.messengers["slack"].calls if verb == "post_card"]
    assert A1 not in {c["target"].user for c in cards}  # the card goes to the other approvers

    world.forget()
    by_command = world.say(A1, f"publish approve {ref}", chat="CF")
    assert "another approver must approve it" in world.told(A1)
    assert "approved by its author" in str(world.audit(by_command).detail["refused"])
    world.press(A1, "pub.approve", ref, sealed_for="CF")
    assert not any("周五下午三点全员会议" in text for text in world.in_groups())

    world.press(A2, "pub.approve", ref, sealed_for="CF")
    assert any("周五下午三点全员会议" in text for text in world.in_groups())


def test_a_newcomer_who_is_an_approver_cannot_approve_their_own_join(world: World) -> None:
    world.org(
        admins=[slack(A1)],
        approvers=[slack("UNEW"), slack("UAPP2")],
        membership={"join": {"approval": "approvers", "review_all": True}},
    )
    world.join("UNEW", chat="CF")
    repo = MembershipRepo(world.store)
    request = repo.request(CF, slack("UNEW"))
    assert request is not None and request.status == "pending"

    world.forget()
    world.say("UNEW", "approve <@UNEW>", chat="CF")
    assert "your own" in world.told("UNEW")
    world.press("UNEW", "join.approve", f"{request.nonce}UNEW", sealed_for="CF")
    assert repo.request(CF, slack("UNEW")).status == "pending"  # type: ignore[union-attr]

    world.press("UAPP2", "join.approve", f"{request.nonce}UNEW", sealed_for="CF")
    assert repo.request(CF, slack("UNEW")).status == "approved"  # type: ignore[union-attr]


def test_an_admin_cannot_keep_their_own_reported_name(world: World) -> None:
    repo = MembershipRepo(world.store)
    record = NameRecord(CF, slack(A2), A2, "🐱", "", "nickname", T0, T0 + 86400, "nudged")
    repo.nudge_name(record)
    repo.report_name(record, at=T0)
    world.forget()
    world.press(A2, "name.keep", A2, sealed_for="CF")
    assert "This is about you" in world.told(A2)
    assert repo.name_record(CF, slack(A2)).state == "reported"  # type: ignore[union-attr]

    world.press(A1, "name.keep", A2, sealed_for="CF")
    assert repo.name_record(CF, slack(A2)) is None  # kept, and the check cleared


def test_a_proposer_cannot_approve_their_own_revision_where_other_owners_could(world: World) -> None:
    """`self_approval` is for an org run by one owner; with two named, the proposer's approval never
    counts, whatever the setting says."""
    world.org(
        admins=[slack(A1), slack(A2)],
        workflows={"revisions": {"owners": [slack(A1), slack(A2)], "self_approval": True}},
    )
    world.forget()
    world.say(A1, "revision propose rules.flood.max_messages=6", chat="CF")
    ref = world.ref_in(world.told(A1), "R")
    world.say(A1, f"revision approve {ref}", chat="CF")
    world.press(A1, "rev.approve", ref, sealed_for="CF")
    assert Revisions(world.store).get(ref).state == "proposed"  # type: ignore[union-attr]

    world.say(A2, f"revision approve {ref}", chat="CF")
    assert Revisions(world.store).get(ref).state == "approved"  # type: ignore[union-attr]
