"""A group's page shows its open announcements with who acknowledged and who not, by name, and the
group's archived files a page at a time; both for whoever may read the group."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.console.work import announcement, archived_file
from tests.console.world import ADA, AUDREY, BEN, BOSS, CA, MIA, ConsoleWorld, path_of

NORA = "UNORA"
ANNOUNCEMENTS = path_of(CA) + "/announcements"
FILES = path_of(CA) + "/files"


def names(world: ConsoleWorld) -> None:
    world.member(CA, MIA, name="Mia Member")
    world.member(CA, ADA, name="Ada Admin")
    world.member(CA, NORA, name="Nora Newcomer")


@pytest.mark.parametrize("page", [ANNOUNCEMENTS, FILES])
@pytest.mark.parametrize(
    ("user", "status"), [(BOSS, 200), (ADA, 200), (AUDREY, 200), (BEN, 403), (MIA, 403), (None, 302)]
)
def test_the_group_parts_answer_as_the_group_page_does(
    world: ConsoleWorld, page: str, user: str | None, status: int
) -> None:
    assert world.get(page, user).status_code == status


def test_the_group_page_loads_its_announcements_and_files(world: ConsoleWorld) -> None:
    body = world.get(path_of(CA), ADA).body.decode()
    assert f'hx-get="{ANNOUNCEMENTS}"' in body and f'hx-get="{FILES}"' in body


def test_open_announcements_name_who_acknowledged_and_who_not(world: ConsoleWorld) -> None:
    names(world)
    announcement(world, CA, "A1B2C3", audience=(MIA, NORA, ADA), acked=(MIA,))
    announcement(world, CA, "A9Z9Z9", audience=(MIA,), acked=(), state="expired")
    body = world.get(ANNOUNCEMENTS, AUDREY).body.decode()
    assert "Fire drill on Friday (A1B2C3)" in body and "A9Z9Z9" not in body
    acknowledged, _, waiting = body.partition("<summary>未确认")
    assert "Mia Member" in acknowledged and "Nora Newcomer" in waiting
    assert "Ada Admin" in body  # the poster, by name; the poster is not asked to acknowledge
    assert "Nora Newcomer" not in acknowledged
    assert NORA not in body and MIA not in body
    assert "1 人已确认，1 人未确认" in body
    assert "(UTC+8)" in body


def test_a_group_without_open_announcements_says_so(world: ConsoleWorld) -> None:
    assert "没有未结束的公告" in world.get(ANNOUNCEMENTS, ADA).body.decode()


def test_files_are_listed_newest_first_a_page_at_a_time(world: ConsoleWorld) -> None:
    names(world)
    for number in range(25):
        archived_file(world, CA, number, uploader=MIA)
    first = world.get(FILES, ADA).body.decode()
    assert "plan-24.pdf" in first and "plan-05.pdf" in first and "plan-04.pdf" not in first
    assert "Mia Member" in first and MIA not in first
    older = first.split('hx-get="')[-1].split('"')[0].replace("&amp;", "&")
    assert "before=" in older
    second = world.get(older, ADA).body.decode()
    assert "plan-04.pdf" in second and "plan-00.pdf" in second and "plan-05.pdf" not in second
    assert "before=" not in second


def test_a_forged_files_cursor_is_a_bad_request(world: ConsoleWorld) -> None:
    assert world.get(FILES + "?before=" + quote("FILE#x' OR 1"), ADA).status_code == 400
