"""The overview and the groups page read the summaries the store keeps: their figures agree with a
recount of the items after cases are handled in the console and members come and go; the list of groups
pages by name with a cursor; an owner sees the dead-letter queue's depth."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from chalicelib.core.events import MessagePosted
from chalicelib.i18n import t
from chalicelib.membership.repository import MembershipRepo
from chalicelib.store import summaries
from chalicelib.store.records import GroupRecord
from tests.console.world import ADA, BOSS, CA, CB, MIA, TEAM, ConsoleWorld, console_world, gid, uid
from tests.reliability.conftest import queues, sqs  # noqa: F401 - fixtures: moto's SQS and a queue pair
from tests.reliability.support import Queues
from tests.reliability.test_replay import dead_letters


def tile(page: str, name: str) -> str:
    """The figure of the overview's tile `console.overview.<name>` (the pages are in zh-CN here)."""
    label = t("zh-CN", f"console.overview.{name}")
    found = re.search(rf"{label}</(?:span|a)>(?:</span>)?<span class=\"value\">([^<]*)<", page)
    assert found, f"no {name} tile"
    return found.group(1)


def agrees_with_a_recount(world: ConsoleWorld) -> None:
    kept = world.store.org_summary()
    assert summaries.recount(world.store) == kept
    for chat in (CA, CB):
        group = world.store.get_group(gid(chat))
        assert group is not None
        before, now = summaries.recount_group(world.store, group)
        assert before == now


def test_the_overview_follows_cases_handled_in_the_console(world: ConsoleWorld) -> None:
    page = world.get("/console", BOSS).body.decode()
    assert (tile(page, "groups"), tile(page, "open_cases")) == ("2", "2")

    form = {"gid": gid(CA), "ref": "c-alpha-1", "kind": "case", "choice": "warn", "csrf": world.csrf(ADA)}
    assert world.post("/console/cases", ADA, form).status_code == 302

    page = world.get("/console", BOSS).body.decode()
    assert tile(page, "open_cases") == "1"
    assert world.store.group_summaries([gid(CA)])[gid(CA)].open_cases == 0
    agrees_with_a_recount(world)


def test_members_who_join_and_leave_are_counted_on_the_groups_page(world: ConsoleWorld) -> None:
    repo = MembershipRepo(world.store)
    repo.admit(gid(CA), uid("UNEW"), "UNEW", now=world.clock.now())
    leaving = world.store.get_member(gid(CA), uid(MIA))
    assert leaving is not None
    repo.forget_member(leaving)

    page = world.get("/console/groups", BOSS).body.decode()

    alpha = page.split("Alpha", 1)[1].split("</tr>", 1)[0]
    assert re.findall(r'<td class="num">(\d+)</td>', alpha)[0] == "2"  # ADA and UNEW
    agrees_with_a_recount(world)


def test_the_groups_page_pages_by_name_with_a_cursor_both_ways(world: ConsoleWorld) -> None:
    for n in range(30):
        world.store.put_group(
            GroupRecord(
                gid=gid(f"CX{n:02d}"), platform="slack", tenant=TEAM, chat=f"CX{n:02d}", name=f"Zeta {n:02d}"
            )
        )
    first = world.get("/console/groups", BOSS).body.decode()
    assert "Alpha" in first and "Zeta 22" in first and "Zeta 23" not in first and "1 / 2" in first
    forward = re.search(r'href="\?([^"]+)">→', first)
    assert forward

    second = world.get("/console/groups?" + forward.group(1).replace("&amp;", "&"), BOSS).body.decode()
    assert "Zeta 23" in second and "Zeta 29" in second and "Alpha" not in second and "2 / 2" in second
    back = re.search(r'href="\?([^"]+)">←', second)
    assert back and "→" not in second.split("pager", 1)[1]

    again = world.get("/console/groups?" + back.group(1).replace("&amp;", "&"), BOSS).body.decode()
    assert "Alpha" in again and "Zeta 22" in again and "1 / 2" in again


def test_a_bad_cursor_gives_a_page_not_an_error(world: ConsoleWorld) -> None:
    assert world.get("/console/groups?after=%00%FF&page=x", BOSS).status_code == 200
    assert world.get("/console?before=" + "z" * 5000, BOSS).status_code == 200


@pytest.fixture
def dlq_world(queues: Queues) -> Iterator[tuple[ConsoleWorld, Queues]]:  # noqa: F811
    with console_world(qg_dlq_url=queues.dlq) as world:
        world.console.sqs_client = queues.sqs
        yield world, queues


def test_an_owner_sees_how_many_dead_letters_wait(dlq_world: tuple[ConsoleWorld, Queues]) -> None:
    world, pair = dlq_world
    dead_letters(
        pair,
        [
            MessagePosted(
                platform="slack",
                tenant="T1",
                event_id=f"ev{n}",
                occurred_at=1.0,
                chat=CB,
                user="U1",
                message_id=f"{n}.0",
                text="lost",
            )
            for n in range(2)
        ],
    )

    assert tile(world.get("/console", BOSS).body.decode(), "dead_letters") == "2"
    assert t("zh-CN", "console.overview.dead_letters") not in world.get("/console", ADA).body.decode()
