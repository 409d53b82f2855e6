"""The benchmark harness works: `python -m bench --quick` runs every section on tiny sizes (the other
teams' job scripts aside: their rows come through the child-process runner tested below) and writes
results in the documented shape. No figure is asserted: timings on tiny sizes mean nothing."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from bench import ROW_KEYS, Row, row_from
from bench.__main__ import SECTIONS, main, table
from bench.jobs_rows import (
    SOURCES,
    NoQuickMode,
    Runner,
    ScriptFailed,
    ScriptMissing,
    Source,
    collect,
    run_script,
    runs,
)

pytestmark = pytest.mark.dynamodb  # the cost section runs moto's DynamoDB server on loopback


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("bench") / "results.json"
    # The job scripts belong to their authors and take tens of seconds even small; the child-process
    # machinery that runs them is tested below on bench.ingress.
    assert main(["--quick", "--skip-job-scripts", "--out", str(out)]) == 0
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


def test_results_hold_the_machine_and_rows_only(results: dict[str, Any]) -> None:
    assert set(results) == {"machine", "rows"}
    machine = results["machine"]
    assert {"cpu", "cores", "python", "platform"} <= set(machine)
    assert machine["quick"] is True


def test_every_row_has_the_documented_keys_and_a_ratio_of_peer_over_qunguan(results: dict[str, Any]) -> None:
    for row in results["rows"]:
        assert tuple(row) == ROW_KEYS
        assert isinstance(row["name"], str) and row["name"]
        assert isinstance(row["unit"], str)
        for key in ("qunguan", "peer", "ratio"):
            assert row[key] is None or isinstance(row[key], int | float)
        if row["qunguan"] is not None and row["peer"] is not None and row["qunguan"] > 0:
            assert row["ratio"] == pytest.approx(row["peer"] / row["qunguan"], rel=0.01, abs=0.01)
        else:
            assert row["ratio"] is None


def test_every_row_of_the_issue_is_there(results: dict[str, Any]) -> None:
    names = [row["name"] for row in results["rows"]]

    def having(*words: str) -> list[str]:
        return [name for name in names if all(word in name for word in words)]

    assert having("Slack ingress", "slack_bolt")
    assert having("WeCom ingress", "wechatpy")
    assert len(having("moderation,", "terms", "regex")) >= 6  # two sizes in quick mode, three variants
    assert having("moderation slope", "regex")
    assert having("cold start", "import app", "import boto3")
    assert having("check", "ingress path")
    assert having("cost", "reads") and having("cost", "writes")
    assert having("WeCom archive", "DynamoDB requests") and having("WeCom archive", "CPU")
    assert having("jobs: inactivity") and having("jobs: assessment")
    assert not having("failed")


def test_the_ingress_path_check_holds(results: dict[str, Any]) -> None:
    check = next(row for row in results["rows"] if row["name"].startswith("check:"))

    assert check["qunguan"] == 0


def test_the_cost_rows_count_whole_calls(results: dict[str, Any]) -> None:
    # Budgets are tests/store/test_dynamodb_cost.py's business; here: counted, and sane.
    costs = [row for row in results["rows"] if row["name"].startswith("cost:")]

    assert len(costs) == 4
    assert all(row["qunguan"] is None or row["qunguan"] >= 0 for row in costs)
    assert all(row["peer"] is None for row in costs)


def test_the_table_prints_one_line_per_row_with_a_dash_for_missing_figures() -> None:
    rows = [Row("fast", "µs", 2.0, 5.0), Row("alone", "reads", 1.0), Row("absent", "ms", None)]

    lines = table(rows).splitlines()

    assert len(lines) == 2 + len(rows)
    assert "2.50×" in lines[2]
    assert lines[3].endswith("| 1 | — | — |")
    assert lines[4].endswith("| — | — | — |")


def test_a_row_from_another_script_gets_its_ratio_recomputed() -> None:
    row = row_from({"name": "x", "unit": "ms", "qunguan": 4, "peer": 2, "ratio": 99})

    assert row.to_data() == {"name": "x", "unit": "ms", "qunguan": 4.0, "peer": 2.0, "ratio": 0.5}


SOURCE = Source("bench.some_job", "inactivity", (1_000, 100_000))


def _runner(outcome: Callable[[], Sequence[Any]]) -> Runner:
    return lambda module, quick, timeout, env: outcome()


def _raise(exc: Exception) -> Callable[[], Sequence[Any]]:
    def fail() -> Sequence[Any]:
        raise exc

    return fail


def test_a_job_script_not_yet_written_gives_null_rows_that_say_so() -> None:
    rows = collect(SOURCE, run=_runner(_raise(ScriptMissing("bench.some_job"))))

    assert len(rows) == 6  # items read, requests and time, at each of two sizes
    assert all(row.qunguan is None and "not yet available" in row.name for row in rows)


def test_a_job_scripts_rows_are_taken_as_they_come() -> None:
    produced = [{"name": "jobs: inactivity, 1 000 members: items read", "unit": "items", "qunguan": 12}]

    rows = collect(SOURCE, quick=True, run=_runner(lambda: produced))

    assert rows == [Row("jobs: inactivity, 1 000 members: items read", "items", 12.0)]


def test_a_failing_or_slow_job_script_gives_null_rows_and_not_an_exception() -> None:
    rows = collect(SOURCE, run=_runner(_raise(ScriptFailed("timed out after 30 s"))))

    assert all(row.qunguan is None and "script failed: timed out" in row.name for row in rows)


def test_quick_mode_skips_a_job_script_that_cannot_run_small() -> None:
    rows = collect(SOURCE, quick=True, run=_runner(_raise(NoQuickMode("bench.some_job"))))

    assert all("skipped in quick mode" in row.name for row in rows)


def test_a_script_that_runs_one_size_at_a_time_is_told_the_size_and_fails_alone() -> None:
    source = Source("bench.some_job", "assessment", (1_000, 100_000), sizes_env="SIZES")
    seen: list[Mapping[str, str]] = []

    def slow(module: str, quick: bool, timeout: float, env: Mapping[str, str]) -> Sequence[Any]:
        seen.append(env)
        raise ScriptFailed("timed out after 300 s")

    rows = collect(source, size=100_000, run=slow)

    assert seen == [{"SIZES": "100000"}]
    assert [row.name.split(":")[1] for row in rows] == [" assessment, 100 000 members"] * 3


def test_each_size_of_such_a_script_is_a_run_of_its_own_but_in_quick_mode() -> None:
    assert [(source.module, size) for source, size in runs(quick=False)] == [
        ("bench.membership_inactivity", None),
        ("bench.jobs", 1_000),
        ("bench.jobs", 100_000),
        ("bench.jobs_backups", None),
    ]
    assert [size for _, size in runs(quick=True)] == [None, None, None]


def test_a_script_runs_in_a_child_process_and_its_rows_come_back() -> None:
    # bench.ingress has a main(quick=...) returning Rows: the child machinery, end to end.
    rows = run_script("bench.ingress", True, 60.0)

    assert [row.unit for row in rows] == ["µs/event", "µs/event"]
    assert all(row.qunguan is not None and row.peer is not None for row in rows)


def test_a_missing_script_is_told_apart_from_a_failing_one() -> None:
    with pytest.raises(ScriptMissing):
        run_script("bench.no_such_script", True, 60.0)


def test_the_sections_and_job_sources_are_the_issues() -> None:
    assert SECTIONS == (
        "ingress",
        "moderation",
        "cold_start",
        "cost",
        "outbox",
        "archive",
        "join_gate",
        "jobs_rows",
    )
    assert [source.module for source in SOURCES] == [
        "bench.membership_inactivity",
        "bench.jobs",
        "bench.jobs_backups",
    ]
    assert all(
        Path(__file__).resolve().parents[2].joinpath("bench", f"{name}.py").exists() for name in SECTIONS
    )


def test_the_outbox_rows_hold_its_budget(results: dict[str, Any]) -> None:
    rows = {row["name"]: row["qunguan"] for row in results["rows"] if row["name"].startswith("outbox:")}
    assert len(rows) == 4
    quiet = next(value for name, value in rows.items() if "by the outbox" in name and "no action" in name)
    acting = next(
        (name, value) for name, value in rows.items() if "by the outbox" in name and "aim ≤" in name
    )
    assert quiet == 0  # an ordinary message stores nothing
    budget = float(acting[0].split("aim ≤ ")[1].split(":")[0])
    assert 0 < acting[1] <= budget  # 2 per decision (stored, recorded) + 1 per step, at most
