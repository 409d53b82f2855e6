"""The group picker of the pages that show one group: its list offers the first 50 groups by name, its
search finds any other the viewer may read by the start of its name, a page at a time, with or without
JavaScript; nobody finds a group they may not read."""

from __future__ import annotations

import re
from html import unescape

import pytest

from chalicelib.i18n import t
from tests.console.world import ADA, AUDREY, BEN, BOSS, CA, CB, MIA, ConsoleWorld, gid

PAGES = ("/console/assessments", "/console/audit", "/console/files", "/console/jobs")


def teams(world: ConsoleWorld, count: int = 60) -> None:
    """`count` groups named before the others ("Team 00"…), and "Zeta ops" after them all."""
    for n in range(count):
        world.group(f"CT{n:02d}", f"Team {n:02d}", admins=(BOSS,))
    world.group("CZ", "Zeta ops", admins=(BOSS,))


def found(body: str) -> list[str]:
    """The names the search lists, in order."""
    region = body.split('id="picker-found"', 1)[1].split("</div>", 1)[0]
    return [unescape(name) for name in re.findall(r'<a href="\?group=[^"]*">([^<]*)</a>', region)]


def offered(body: str) -> list[str]:
    """The names the picker's list offers."""
    return [unescape(name) for name in re.findall(r"<option value=\"[^\"]*\"[^>]*>([^<]*)</option>", body)]


@pytest.mark.parametrize("page", PAGES)
def test_a_group_beyond_the_first_50_is_found_by_name_and_opened(world: ConsoleWorld, page: str) -> None:
    teams(world)
    assert "Zeta ops" not in offered(world.get(page, BOSS).body.decode())

    body = world.get(f"{page}?find=zeta", BOSS).body.decode()

    assert found(body) == ["Zeta ops"]
    link = re.search(r'<a href="(\?group=[^"]*)">Zeta ops</a>', body)
    assert link is not None and unescape(link.group(1)) == "?group=slack%3AT0CON%3ACZ"
    opened = world.get(page + unescape(link.group(1)), BOSS)
    assert opened.status_code == 200
    assert '<option value="slack:T0CON:CZ" selected>Zeta ops</option>' in opened.body.decode()


def test_the_search_as_you_type_answers_the_matches_alone(world: ConsoleWorld) -> None:
    teams(world)
    body = world.get("/console/pick?find=ZET", AUDREY).body.decode()
    assert body.lstrip().startswith('<div id="picker-found"') and "<html" not in body  # for htmx to swap in
    assert found(body) == ["Zeta ops"]


def test_many_matches_come_a_page_at_a_time_in_name_order(world: ConsoleWorld) -> None:
    teams(world)
    first = world.get(f"/console/audit?group={gid(CA)}&find=team", BOSS).body.decode()
    more = re.search(r'class="more" href="\?([^"]*)"', first)
    assert more is not None and "group=slack%3AT0CON%3ACA" in unescape(more.group(1))  # the group stays
    second = world.get("/console/pick?" + unescape(more.group(1)), BOSS).body.decode()
    rest = re.search(r'class="more" href="\?([^"]*)"', second)
    assert rest is not None
    third = world.get("/console/audit?" + unescape(rest.group(1)), BOSS).body.decode()

    listed = found(first) + found(second) + found(third)
    assert listed == [f"Team {n:02d}" for n in range(60)]
    assert 'class="more"' not in third


def test_a_group_admin_finds_only_their_own_groups(world: ConsoleWorld) -> None:
    teams(world)  # groups BOSS's platform admins name, not BEN's
    assert found(world.get("/console/pick?find=beta", BEN).body.decode()) == ["Beta"]
    for text in ("alpha", "team", "zeta", "a"):
        assert found(world.get(f"/console/pick?find={text}", BEN).body.decode()) == []
        assert found(world.get(f"/console/files?find={text}", BEN).body.decode()) == []
    assert found(world.get("/console/pick?find=a", ADA).body.decode()) == ["Alpha"]
    # a cursor does not open the index to them either
    cursor = "team%2000%23slack%3AT0CON%3ACT00"
    assert found(world.get(f"/console/pick?find=team&after={cursor}", BEN).body.decode()) == []


def test_owners_and_auditors_find_every_group(world: ConsoleWorld) -> None:
    for person in (BOSS, AUDREY):
        assert found(world.get("/console/pick?find=%20B", person).body.decode()) == ["Beta"]


def test_an_empty_result_says_so_in_the_viewers_language(world: ConsoleWorld) -> None:
    body = world.get(f"/console/jobs?group={gid(CB)}&find=nobody", BOSS).body.decode()
    assert found(body) == []
    assert t("zh-CN", "console.picker.none", text="nobody") in unescape(body)


def test_a_member_may_not_search(world: ConsoleWorld) -> None:
    assert world.get("/console/pick?find=a", MIA).status_code == 403


def test_without_a_search_the_picker_lists_nothing_more(world: ConsoleWorld) -> None:
    body = world.get(f"/console/assessments?group={gid(CA)}", ADA).body.decode()
    assert 'name="find"' in body and found(body) == []
    assert t("zh-CN", "console.picker.none", text="") not in unescape(body)
