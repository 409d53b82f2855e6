"""Every page for every role: owner, group admin of this group, of another group, auditor, member, nobody.

A page a role may not see answers 403 (a member's overview sends them to their own page); without a
session every page sends to the sign-in page. Rights are decided on the server: the same `authz` as cards.
"""

from __future__ import annotations

import pytest

from tests.console.world import ADA, AUDREY, BEN, BOSS, CA, MIA, ConsoleWorld, path_of

OWNER, ADMIN_HERE, ADMIN_ELSEWHERE, AUDITOR, MEMBER, NOBODY = BOSS, ADA, BEN, AUDREY, MIA, None
ALPHA = path_of(CA)

# page -> {role: status}; 302 for nobody everywhere (to the sign-in page).
RIGHTS: dict[str, dict[str | None, int]] = {
    "/console": {OWNER: 200, ADMIN_HERE: 200, ADMIN_ELSEWHERE: 200, AUDITOR: 200, MEMBER: 302},
    "/console/groups": {OWNER: 200, ADMIN_HERE: 200, ADMIN_ELSEWHERE: 200, AUDITOR: 200, MEMBER: 403},
    ALPHA: {OWNER: 200, ADMIN_HERE: 200, ADMIN_ELSEWHERE: 403, AUDITOR: 200, MEMBER: 403},
    "/console/cases": {OWNER: 200, ADMIN_HERE: 200, ADMIN_ELSEWHERE: 200, AUDITOR: 200, MEMBER: 403},
    f"/console/cases?group=slack%3AT0CON%3A{CA}": {
        OWNER: 200,
        ADMIN_HERE: 200,
        ADMIN_ELSEWHERE: 403,
        AUDITOR: 200,
        MEMBER: 403,
    },
    "/console/pick?find=a": {OWNER: 200, ADMIN_HERE: 200, ADMIN_ELSEWHERE: 200, AUDITOR: 200, MEMBER: 403},
    "/console/me": {OWNER: 200, ADMIN_HERE: 200, ADMIN_ELSEWHERE: 200, AUDITOR: 200, MEMBER: 200},
}
CASES = [(page, role, status) for page, table in RIGHTS.items() for role, status in table.items()]


@pytest.mark.parametrize(("page", "role", "status"), CASES)
def test_each_page_answers_each_role_as_its_rights_say(
    world: ConsoleWorld, page: str, role: str | None, status: int
) -> None:
    assert world.get(page, role).status_code == status


@pytest.mark.parametrize("page", list(RIGHTS))
def test_nobody_is_sent_to_sign_in_and_comes_back_after(world: ConsoleWorld, page: str) -> None:
    response = world.get(page, NOBODY)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/console/login?next=%2Fconsole")


def test_a_group_admin_sees_only_their_groups(world: ConsoleWorld) -> None:
    body = world.get("/console/groups", ADMIN_HERE).body.decode()
    assert "Alpha" in body and "Beta" not in body
    queue = world.get("/console/cases", ADMIN_HERE).body.decode()
    assert "c-alpha-1" in queue and "c-beta-1" not in queue


def test_owners_and_auditors_see_every_group(world: ConsoleWorld) -> None:
    for role in (OWNER, AUDITOR):
        body = world.get("/console/groups", role).body.decode()
        assert "Alpha" in body and "Beta" in body


def test_an_auditor_reads_the_queue_without_a_single_button(world: ConsoleWorld) -> None:
    body = world.get("/console/cases", AUDITOR).body.decode()
    assert "c-alpha-1" in body and "c-beta-1" in body
    assert 'name="choice"' not in body


def test_a_member_sees_their_own_cases_and_points_only(world: ConsoleWorld) -> None:
    body = world.get("/console/me", MEMBER).body.decode()
    assert "c-alpha-1" in body and "c-beta-1" not in body
    assert "2.0" in body


def test_every_page_is_sent_with_a_strict_content_security_policy(world: ConsoleWorld) -> None:
    response = world.get("/console", OWNER)
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    assert 'style="' not in response.body.decode() and "<script>" not in response.body.decode()


def test_pages_speak_the_persons_language(world: ConsoleWorld) -> None:
    response = world.client.http.get("/console/login", headers={"Accept-Language": "zh-TW,zh;q=0.9"})
    assert "登入" in response.body.decode()
    response = world.client.http.get("/console/login", headers={"Accept-Language": "en-GB"})
    assert "Sign in" in response.body.decode()
