"""The overview's failed-jobs tile: owners and auditors see how many job runs failed since their job's last
success, linked to the jobs page; a group admin does not see it; a successful run clears its job's count.
Runs are recorded through the jobs' own recording (`chalicelib.jobs.tables.run_recorded` for a table-wide
job, `chalicelib.jobs.failures.note_run` as the per-group handler calls it)."""

from __future__ import annotations

from chalicelib.jobs.base import JobReport
from chalicelib.jobs.failures import failed_runs, note_run
from chalicelib.jobs.runs import RunState
from chalicelib.jobs.tables import run_recorded
from chalicelib.kernel.deps import Deps
from tests.console.test_overview import tile
from tests.console.world import ADA, AUDREY, BOSS, CA, CB, ConsoleWorld, gid

DAY = 86400.0


class Nightly:
    """A table-wide job whose runs fail or succeed as the test says."""

    name = "nightly"

    def period(self, now: float) -> str:
        return str(int(now // DAY))

    def run_table(self, deps: Deps, now: float, *, dry_run: bool = False) -> JobReport:
        raise NotImplementedError  # the tests run it through `run_recorded`

    def run(self, deps: Deps, now: float, status: str, *, dry_run: bool = False) -> JobReport:
        def work(period: str, state: RunState) -> JobReport:
            return JobReport(
                self.name, "", period, state.dry_run, status="failed" if status == "failed" else "done"
            )

        return run_recorded(self, deps, now, dry_run=dry_run, work=work)


def test_a_failed_run_shows_on_the_overview_of_owners_and_auditors(world: ConsoleWorld) -> None:
    Nightly().run(world.deps, world.clock.now(), "failed")
    note_run(world.store, "assessment", gid(CA), "2026-01", status="failed", now=world.clock.now())

    for reader in (BOSS, AUDREY):
        page = world.get("/console", reader).body.decode()
        assert tile(page, "failed_jobs") == "2"
        assert 'id="failed-jobs"' in page and 'href="/console/jobs"' in page


def test_a_group_admin_does_not_see_failed_jobs(world: ConsoleWorld) -> None:
    Nightly().run(world.deps, world.clock.now(), "failed")

    page = world.get("/console", ADA).body.decode()

    assert 'id="failed-jobs"' not in page


def test_a_successful_run_clears_its_jobs_failures_only(world: ConsoleWorld) -> None:
    nightly, now = Nightly(), world.clock.now()
    nightly.run(world.deps, now, "failed")
    nightly.run(world.deps, now, "failed")  # the failed period is tried again, fails again: counted once
    nightly.run(world.deps, now + DAY, "failed")
    note_run(world.store, "assessment", gid(CA), "2026-01", status="failed", now=now)
    note_run(world.store, "assessment", gid(CB), "2026-01", status="failed", now=now)
    assert failed_runs(world.store) == 4

    nightly.run(world.deps, now + 2 * DAY, "done")
    note_run(world.store, "assessment", gid(CA), "2026-02", status="done", now=now)
    note_run(
        world.store, "assessment", gid(CA), "2026-02", status="done", now=now
    )  # a second success takes nothing

    assert tile(world.get("/console", BOSS).body.decode(), "failed_jobs") == "1"  # CB's still fails


def test_dry_runs_and_unfinished_runs_count_for_nothing(world: ConsoleWorld) -> None:
    Nightly().run(world.deps, world.clock.now(), "failed", dry_run=True)
    note_run(world.store, "assessment", gid(CA), "2026-01", status="partial", now=world.clock.now())
    note_run(world.store, "assessment", gid(CA), "2026-01", status="not_installed", now=world.clock.now())

    assert tile(world.get("/console", BOSS).body.decode(), "failed_jobs") == "0"
