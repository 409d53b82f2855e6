"""A person's page: their linked identities, every group's cases, points and sanctions, to owners and
auditors, to the person themself, and to a group admin for their own groups' rows only; linked from
the case queue and the member lists."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.console.work import group_ban, linked_person
from tests.console.world import ADA, AUDREY, BEN, BOSS, CA, CB, MIA, ConsoleWorld, path_of, uid

MIA_PAGE = f"/console/people/{quote(uid(MIA), safe='')}"


@pytest.fixture
def history(world: ConsoleWorld) -> ConsoleWorld:
    """Mia: a case in Alpha (the world's) and one in Beta, a group ban in Beta, a WeCom identity."""
    world.member(CA, MIA, points=2.0, name="Mia Member")
    world.member(CB, MIA, points=3.5, name="Mia Member")
    world.open_case(CB, MIA, "c-beta-2")
    person = linked_person(world, MIA, other="mia.wecom")
    group_ban(world, person, CB, MIA, "leaked the roadmap")
    return world


@pytest.mark.parametrize(
    ("user", "status"), [(BOSS, 200), (AUDREY, 200), (MIA, 200), (ADA, 200), (BEN, 200), (None, 302)]
)
def test_who_may_open_a_persons_page(history: ConsoleWorld, user: str | None, status: int) -> None:
    assert history.get(MIA_PAGE, user).status_code == status


def test_owners_see_every_groups_rows_identities_points_and_sanctions(history: ConsoleWorld) -> None:
    body = history.get(MIA_PAGE, BOSS).body.decode()
    assert "Mia Member" in body
    assert "c-alpha-1" in body and "c-beta-2" in body
    assert "Alpha" in body and "Beta" in body
    assert "wecom" in body and "2.0" in body and "3.5" in body
    assert "leaked the roadmap" in body
    assert "(UTC+8)" in body


def test_a_member_sees_their_own_history_whole(history: ConsoleWorld) -> None:
    body = history.get(MIA_PAGE, MIA).body.decode()
    assert "c-alpha-1" in body and "c-beta-2" in body and "leaked the roadmap" in body


def test_a_group_admin_sees_only_their_groups_rows(history: ConsoleWorld) -> None:
    body = history.get(MIA_PAGE, ADA).body.decode()
    assert "c-alpha-1" in body and "c-beta-2" not in body
    assert "leaked the roadmap" not in body and "3.5" not in body
    assert "wecom" not in body  # identities elsewhere are not the admin's to see


def test_an_admin_with_nothing_of_the_person_in_their_groups_is_refused(world: ConsoleWorld) -> None:
    assert world.get(MIA_PAGE, BEN).status_code == 403


def test_a_member_may_not_look_up_someone_else(world: ConsoleWorld) -> None:
    other = f"/console/people/{quote(uid(ADA), safe='')}"
    assert world.get(other, MIA).status_code == 403


def test_admins_see_no_history_where_the_org_keeps_it_for_owners(history: ConsoleWorld) -> None:
    history.org(
        workflows={"revisions": {"owners": [uid(BOSS)]}}, auditors=[uid(AUDREY)], people={"history": "owners"}
    )
    history.clock.advance(61)
    assert history.get(MIA_PAGE, ADA).status_code == 403
    assert history.get(MIA_PAGE, BOSS).status_code == 200


def test_a_malformed_person_is_not_found(world: ConsoleWorld) -> None:
    assert world.get("/console/people/nobody", BOSS).status_code == 404


def test_case_rows_and_member_lists_link_to_the_person(history: ConsoleWorld) -> None:
    assert MIA_PAGE in history.get("/console/cases", ADA).body.decode()
    assert MIA_PAGE in history.get(path_of(CA), ADA).body.decode()


def test_a_member_reaches_their_history_from_their_own_page(world: ConsoleWorld) -> None:
    assert MIA_PAGE in world.get("/console/me", MIA).body.decode()
