"""Running `qunguan` verbs in-process: against a MemoryStore through the verbs' own `run`, or whole
through `chalicelib.cli.main` with a real target."""

from __future__ import annotations

import io
from pathlib import Path

from chalicelib.cli import parser
from chalicelib.ops import OperatorError, records_cli
from chalicelib.policy_cli import Operator, run
from chalicelib.store.memory import MemoryStore
from chalicelib.store.records import GroupRecord

NOW = 1_765_000_000.0
GID = "slack:T0QG:C0PROJ"


def operator(store: MemoryStore | None, locale: str = "en") -> Operator:
    return Operator(
        store=store, now=NOW, locale=locale, configured=(("wecom", "ww0123456789abcdef"),), author="cli:ops"
    )


def policy(op: Operator, *argv: str) -> tuple[int, str]:
    """A `policy` verb as the command line runs it; refusals as (exit code, text) like `main` reports."""
    from chalicelib.core.policy import PolicyError
    from chalicelib.core.policy_checks import PolicyProblems

    out = io.StringIO()
    try:
        code = run(parser().parse_args(["policy", *argv]), op, out)
    except PolicyProblems as exc:
        return 1, exc.render(op.locale)
    except PolicyError as exc:
        return 1, f"invalid: {exc}"
    except OperatorError as exc:
        return exc.exit_code, str(exc)
    return code, out.getvalue()


def records(op: Operator, *argv: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        code = records_cli.run(parser().parse_args(list(argv)), op, out)
    except OperatorError as exc:
        return exc.exit_code, str(exc)
    return code, out.getvalue()


def with_group(store: MemoryStore, gid: str = GID, name: str = "Project Alpha") -> MemoryStore:
    platform, tenant, chat = gid.split(":", 2)
    store.put_group(GroupRecord(gid=gid, platform=platform, tenant=tenant, chat=chat, name=name))
    return store


def write(tmp_path: Path, text: str, name: str = "policy.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)
