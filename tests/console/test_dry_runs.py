"""Dry runs from the jobs page: owners only, through the worker as the schedule's own request, once a
job, group and period; the report shows what the job would do, and nothing is done."""

from __future__ import annotations

import pytest

from chalicelib.jobs.runs import Runs
from chalicelib.store import keys
from tests.console.world import ADA, AUDREY, BEN, BOSS, CA, MIA, ConsoleWorld, gid


def dry_run(world: ConsoleWorld, user: str, job: str = "cleanup", chat: str = CA) -> tuple[int, str]:
    form = {"job": job, "group": gid(chat), "csrf": world.csrf(user)}
    response = world.post("/console/jobs/dry-run", user, form)
    return response.status_code, response.headers.get("Location", "")


def test_an_owner_dry_runs_a_job_and_reads_what_it_would_do(world: ConsoleWorld) -> None:
    status, location = dry_run(world, BOSS, "inactivity")
    assert status == 302 and "notice=dry_sent" in location
    period_runs = list(world.store.query_items(keys.group_pk(gid(CA)), prefix=keys.JOB_RUN_SK_PREFIX))
    assert period_runs and all(item.data["dry_run"] for item in period_runs)
    page = world.get(location, BOSS).body.decode()
    assert "不活跃成员" in page and "试运行" in page
    assert "(UTC+8)" in page
    assert world.messengers["slack"].calls == []


def test_a_second_dry_run_in_the_same_period_answers_the_first_report(world: ConsoleWorld) -> None:
    assert "dry_sent" in dry_run(world, BOSS)[1]
    assert "dry_already" in dry_run(world, BOSS)[1]
    job_runs = Runs(world.store, keys.group_pk(gid(CA)))
    stored = [
        item
        for item in world.store.query_items(keys.group_pk(gid(CA)), prefix=keys.job_run_sk("cleanup", ""))
    ]
    assert len(stored) == 1 and job_runs.get("cleanup", str(stored[0].data["period"]), False) is None


@pytest.mark.parametrize("user", [ADA, AUDREY, BEN, MIA])
def test_only_owners_dry_run(world: ConsoleWorld, user: str) -> None:
    assert dry_run(world, user)[0] == 403
    assert not list(world.store.query_items(keys.group_pk(gid(CA)), prefix=keys.JOB_RUN_SK_PREFIX))


def test_an_unknown_job_is_a_bad_request(world: ConsoleWorld) -> None:
    assert dry_run(world, BOSS, "backup")[0] == 400
    assert dry_run(world, BOSS, "explode")[0] == 400


def test_the_jobs_page_offers_dry_runs_to_owners_only(world: ConsoleWorld) -> None:
    owner = world.get(f"/console/jobs?group={gid(CA)}", BOSS).body.decode()
    assert 'action="/console/jobs/dry-run"' in owner and 'value="assessment"' in owner
    for user in (ADA, AUDREY):
        assert (
            'action="/console/jobs/dry-run"'
            not in world.get(f"/console/jobs?group={gid(CA)}", user).body.decode()
        )
