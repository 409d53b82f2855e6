"""The operator's policy commands: validate, apply, show, diff, rollback and the schema."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

from chalicelib.policy_cli import add_parser, run
from chalicelib.store.memory import MemoryStore


def cli(store: MemoryStore, *argv: str) -> tuple[int, str]:
    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers(dest="command"))
    out = io.StringIO()
    code = run(parser.parse_args(["policy", *argv]), lambda: store, now=1_700_000_000.0, out=out)
    return code, out.getvalue()


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_validate_names_every_problem_and_fails(tmp_path: Path) -> None:
    code, out = cli(MemoryStore(), "validate", write(tmp_path, "rules:\n  flood:\n    max_messages: 0\n"))
    assert code == 1 and "max_messages" in out


def test_apply_show_diff_and_rollback_of_a_group_override(tmp_path: Path) -> None:
    store = MemoryStore()
    gid = "slack:T1:C1"
    assert cli(store, "apply", write(tmp_path, "mode: shadow\n"), "--scope", gid)[0] == 0
    assert cli(store, "apply", write(tmp_path, "mode: warn\n"), "--scope", gid)[0] == 0
    code, shown = cli(store, "show", "--scope", gid)
    assert code == 0 and "version 2" in shown and "mode: warn" in shown
    assert cli(store, "diff", write(tmp_path, "mode: enforce\n"), "--scope", gid)[1].strip() == "mode"
    assert "version 3" in cli(store, "rollback", "--scope", gid)[1]
    resolved = json.loads(cli(store, "show", "--scope", gid, "--resolved")[1])
    assert resolved["mode"] == "shadow"


def test_the_schema_is_printed_as_json() -> None:
    code, out = cli(MemoryStore(), "schema")
    assert code == 0 and "properties" in json.loads(out)
