"""`python -m chalicelib.cli job ...`: every job on demand, here or through the queue; on a fresh machine
with QG_LOCAL=1 it brings its own DynamoDB."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from chalicelib.bootstrap import Deps
from chalicelib.cli import parser
from chalicelib.jobs import cli as jobs_cli
from chalicelib.store.records import GroupRecord, MemberRecord
from tests.jobs.support import GID
from tests.support.messenger import RecordingMessenger

ROOT = Path(__file__).resolve().parents[2]


def run(deps: Deps, *argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = jobs_cli.run_command(parser().parse_args(["job", *argv]), deps, out)
    return code, out.getvalue()


def test_job_list_names_every_job_and_where_it_runs(deps: Deps) -> None:
    code, text = run(deps, "list")
    assert code == 0
    for name in ("cleanup", "review", "assessment", "inactivity", "backup", "restore-drill"):
        assert name in text
    assert "restore-drill   table" in text


def test_job_run_runs_for_each_group_here_and_sends_what_the_worker_would(
    deps: Deps, group: GroupRecord, messenger: RecordingMessenger, tmp_path: Path
) -> None:
    deps.store.put_member(MemberRecord(gid=GID, uid="slack:T1:U1", user="U1"))
    code, text = run(deps, "run", "assessment", "--period", "2026-11", "--out", str(tmp_path))
    assert code == 0
    assert f"== {GID} (Project Alpha)" in text and "assessment 2026-11: done" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "slack_T1_C1-2026-11-daily.png",
        "slack_T1_C1-2026-11-dimensions.png",
        "slack_T1_C1-2026-11-distribution.png",
        "slack_T1_C1-2026-11-trend.png",
        "slack_T1_C1-2026-11.html",
    ]
    assert "send_direct" in messenger.verbs()
    again_code, again = run(deps, "run", "assessment", "--period", "2026-11")
    assert again_code == 0 and "assessment 2026-11: already" in again


def test_a_dry_run_on_demand_sends_nothing(
    deps: Deps, group: GroupRecord, messenger: RecordingMessenger
) -> None:
    code, text = run(deps, "run", "cleanup", "--dry-run", "--group", GID)
    assert code == 0 and "(dry run)" in text and messenger.calls == []


def test_queue_fans_out_as_the_schedule_does(deps: Deps, group: GroupRecord, dispatcher: Any) -> None:
    code, text = run(deps, "run", "review", "--queue")
    assert code == 0 and "1 of 1 group(s) queued" in text and len(dispatcher.events) == 1


def test_on_a_fresh_machine_qg_local_brings_its_own_table() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "QG_"))}
    env.update(QG_LOCAL="1", QG_ARCHIVE_BUCKET="qg-local-archive", PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-m", "chalicelib.cli", "job", "run", "backup"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert ": done" in done.stdout and "s3://qg-local-archive/exports/" in done.stdout
