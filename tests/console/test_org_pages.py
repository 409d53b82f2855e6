"""The policy, assessments, audit, files and jobs pages: who may read them, the editor's checks and its
proposal into the four-eyes process, the audit search and its CSV, the dead-letter replay for owners."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.core.events import MessagePosted
from chalicelib.store import keys
from chalicelib.store.records import AuditRecord, Item
from chalicelib.workflows.revisions import Revisions
from tests.console.world import ADA, AUDREY, BEN, BOSS, CA, CB, MIA, ConsoleWorld, console_world, gid
from tests.reliability.conftest import queues, sqs  # noqa: F401 - fixtures: moto's SQS and a queue pair
from tests.reliability.support import Queues
from tests.reliability.test_replay import dead_letters

OWNER, ADMIN_HERE, ADMIN_ELSEWHERE, AUDITOR, MEMBER = BOSS, ADA, BEN, AUDREY, MIA
PAGES = ("/console/policy", "/console/assessments", "/console/audit", "/console/files", "/console/jobs")
ALPHA = f"?group=slack%3AT0CON%3A{CA}"


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    ("role", "status"), [(OWNER, 200), (ADMIN_HERE, 200), (AUDITOR, 200), (MEMBER, 403), (None, 302)]
)
def test_each_org_page_answers_each_role(
    world: ConsoleWorld, page: str, role: str | None, status: int
) -> None:
    assert world.get(page, role).status_code == status


@pytest.mark.parametrize("page", [*PAGES[1:], "/console/audit/export"])
def test_a_group_admin_asking_for_another_group_gets_403(world: ConsoleWorld, page: str) -> None:
    assert world.get(page + ALPHA, ADMIN_ELSEWHERE).status_code == 403
    assert world.get(page + ALPHA, ADMIN_HERE).status_code == 200


def check(world: ConsoleWorld, patch: str) -> str:
    form = {"csrf": world.csrf(ADA), "patch": patch}
    response = world.post("/console/policy/check", ADA, form)
    assert response.status_code == 200
    return response.body.decode()


def test_the_editor_shows_each_value_that_would_change(world: ConsoleWorld) -> None:
    body = check(world, "rules.flood.max_messages=6\nappeal_days=14")
    assert 'id="check"' in body and "<html" not in body  # a partial, for htmx to swap in
    assert "rules.flood.max_messages" in body and "6" in body
    assert "appeal_days" in body and "14" in body


def test_the_editor_names_what_is_wrong_as_you_type(world: ConsoleWorld) -> None:
    assert "appeal_days" in check(world, "appeal_days=0")
    assert "path=value" in check(world, "nonsense")
    assert "qualified id" in check(world, "admins=[zhangsan]")


def test_a_proposal_goes_into_the_four_eyes_process(world: ConsoleWorld) -> None:
    form = {
        "csrf": world.csrf(ADA),
        "patch": "rules.flood.max_messages=6",
        "reason": "calmer",
        "group": gid(CA),
    }
    response = world.post("/console/policy", ADA, form)
    assert response.status_code == 302 and response.headers["Location"] == "/console/policy?notice=proposed"
    ref = Revisions(world.store).latest()
    assert ref is not None
    revision = Revisions(world.store).get(ref)
    assert revision is not None and revision.state == "proposed" and revision.by == ADA
    assert revision.patch == {"rules": {"flood": {"max_messages": 6}}} and revision.reason == "calmer"
    page = world.get("/console/policy", BOSS).body.decode()
    assert ref in page


def test_only_an_admin_of_the_group_proposes_from_it(world: ConsoleWorld) -> None:
    for user in (BEN, AUDREY):
        form = {"csrf": world.csrf(user), "patch": "appeal_days=14", "group": gid(CA)}
        assert world.post("/console/policy", user, form).status_code == 403
    assert Revisions(world.store).latest() is None


def test_an_invalid_proposal_is_not_sent(world: ConsoleWorld) -> None:
    form = {"csrf": world.csrf(ADA), "patch": "appeal_days=0", "group": gid(CA)}
    assert world.post("/console/policy", ADA, form).status_code == 400
    assert Revisions(world.store).latest() is None


def audit(world: ConsoleWorld, n: int, actor: str, actions: tuple[str, ...], detail: dict[str, Any]) -> None:
    world.store.append_audit(
        AuditRecord(
            gid=gid(CA),
            audit_id=f"a{n}",
            at=world.clock.now() + n,
            event_type="CommandIssued",
            actor=actor,
            actions=actions,
            detail=detail,
        )
    )


def test_the_audit_log_is_searched_and_exported_as_the_page_shows_it(world: ConsoleWorld) -> None:
    audit(world, 1, ADA, ("Mute:admin.mute",), {})
    audit(world, 2, "=HYPERLINK(1)", ("Reply:admin.refused",), {"refused": "not an admin of CA"})
    page = world.get(f"/console/audit{ALPHA}&q=refused", AUDITOR).body.decode()
    assert "not an admin of CA" in page and "admin.mute" not in page
    export = world.get(f"/console/audit/export{ALPHA}&q=refused", AUDITOR)
    assert export.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.body.decode().lstrip("\ufeff"))))
    assert rows[0][:3] == ["at", "gid", "event"] and len(rows) == 2
    assert rows[1][3] == "'=HYPERLINK(1)"  # a spreadsheet does not run it


def test_assessments_show_each_period_of_a_group(world: ConsoleWorld) -> None:
    for period, score in (("2025-11", 71.5), ("2025-12", 80.0)):
        summary = {"period": period, "score": score, "members": 12, "active_members": 9}
        world.store.put_item(Item(keys.group_pk(gid(CA)), keys.assessment_sk(period), summary))
    world.store.put_item(Item(keys.group_pk(gid(CA)), keys.assessment_part_sk("2025-12", 0), {"members": []}))
    page = world.get(f"/console/assessments{ALPHA}", ADA).body.decode()
    assert "2025-11" in page and "2025-12" in page and "80.0" in page and "<svg" in page


def test_the_file_access_log_lists_links_and_downloads(world: ConsoleWorld) -> None:
    pk = keys.group_pk(gid(CA))
    world.store.put_item(Item(pk, keys.file_sk("F1"), {"file_id": "F1", "name": "plan.pdf"}))
    world.store.put_item(
        Item(
            pk,
            keys.file_log_sk("F1", world.clock.now(), "r1"),
            {"file_id": "F1", "kind": "download", "user": MIA, "at": world.clock.now()},
        )
    )
    page = world.get(f"/console/files{ALPHA}", AUDITOR).body.decode()
    assert "plan.pdf" in page and "download" in page and MIA in page


@pytest.fixture
def dlq_world(queues: Queues) -> Iterator[tuple[ConsoleWorld, Queues]]:  # noqa: F811
    with console_world(qg_dlq_url=queues.dlq) as world:
        world.console.sqs_client = queues.sqs
        world.deps.settings = world.deps.settings.model_copy(update={"qg_queue_url": queues.main})
        yield world, queues


def test_owners_replay_the_dead_letters_and_nobody_else_may(dlq_world: tuple[ConsoleWorld, Queues]) -> None:
    world, pair = dlq_world
    dead = [
        MessagePosted(
            platform="slack",
            tenant="T1",
            event_id=f"ev{n}",
            occurred_at=1.0,
            chat=CB,
            user="U1",
            message_id=f"{n}.0",
            text=f"message {n}",
        )
        for n in range(3)
    ]
    dead_letters(pair, dead)
    page = world.get("/console/jobs", AUDITOR).body.decode()
    assert (
        "3" in page and "/console/jobs" in page and world.csrf(AUDITOR) not in page.split("Replay")[0][-200:]
    )
    assert world.post("/console/jobs", AUDITOR, {"csrf": world.csrf(AUDITOR)}).status_code == 403
    assert world.post("/console/jobs", ADA, {"csrf": world.csrf(ADA)}).status_code == 403
    response = world.post("/console/jobs", BOSS, {"csrf": world.csrf(BOSS)})
    assert response.status_code == 302 and "moved+3" in response.headers["Location"]
    assert pair.bodies(pair.dlq) == [] and len(pair.bodies(pair.main)) == 3
