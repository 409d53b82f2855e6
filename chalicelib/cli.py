"""`python -m chalicelib.cli`: the operator's command line.

    python -m chalicelib.cli job list | job run NAME [...]        chalicelib/jobs/cli.py
    python -m chalicelib.cli policy validate|apply|show|diff|...  chalicelib/policy_cli.py
    python -m chalicelib.cli person show|erase|hold|release UID    chalicelib/persons/cli.py

Settings come from the environment, as in Lambda (QG_TABLE_NAME, QG_ARCHIVE_BUCKET, the platforms'
credentials, and AWS credentials for a real table). With `QG_LOCAL=1` it brings its own world, as
`make run` does: an embedded DynamoDB (moto, which also serves S3) with the table created (unless
AWS_ENDPOINT_URL_DYNAMODB already names one, such as a running `make run`), the archive bucket if one is
named, the recording fake of the messenger APIs with demo credentials for every platform that has none,
and inline dispatch. It lives as long as the command: a place to try things, not to keep them.

Each subcommand is a module with `add_parser(subparsers)` and a function that runs it; adding one is a line
in `SUBCOMMANDS` and a line in `_dispatch`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any, TextIO

SUBCOMMANDS = ("chalicelib.jobs.cli", "chalicelib.policy_cli", "chalicelib.persons.cli")


def parser() -> argparse.ArgumentParser:
    import importlib

    top = argparse.ArgumentParser(prog="python -m chalicelib.cli", description="qunguan's operator commands")
    subparsers = top.add_subparsers(dest="command", required=True)
    for name in SUBCOMMANDS:
        with suppress(ModuleNotFoundError):
            importlib.import_module(name).add_parser(subparsers)
    return top


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> int:
    args = parser().parse_args(argv)
    if args.command == "policy" and getattr(args, "verb", "") in ("validate", "schema"):
        return _dispatch(args, _no_deps, out)  # no table needed
    with _environment() as overrides:
        from chalicelib.bootstrap import build_deps
        from chalicelib.settings import load_settings

        deps = build_deps(load_settings(overrides))
        return _dispatch(args, lambda: deps, out)


def _no_deps() -> Any:
    raise RuntimeError("this command needs no table")


def _dispatch(args: argparse.Namespace, deps: Callable[[], Any], out: TextIO) -> int:
    if args.command == "job":
        from chalicelib.jobs import cli as jobs_cli

        return jobs_cli.run_command(args, deps(), out)
    if args.command == "policy":
        from chalicelib import policy_cli

        if args.verb in ("validate", "schema"):
            return policy_cli.run(args, _no_deps, 0.0, out)
        current = deps()
        return policy_cli.run(args, lambda: current.store, current.clock.now(), out)
    if args.command == "person":
        from chalicelib.persons import cli as persons_cli

        return persons_cli.run(args, deps(), out)
    raise SystemExit(f"unknown command {args.command}")  # pragma: no cover - argparse refuses it first


@contextmanager
def _environment() -> Iterator[dict[str, Any]]:
    """Settings overrides for this run: none in a real deployment; the local world with QG_LOCAL=1."""
    if os.environ.get("QG_LOCAL", "").lower() not in ("1", "true", "yes"):
        yield {}
        return
    with local_world() as overrides:
        yield overrides


@contextmanager
def local_world() -> Iterator[dict[str, Any]]:
    from local.demo_settings import DEMO_SETTINGS
    from local.dynamo import REGION, dynamo_env, start_dynamodb
    from local.fakes.server import FakeMessengers

    overrides: dict[str, Any] = {"qg_dispatch": "inline"}
    server = None
    if not os.environ.get("AWS_ENDPOINT_URL_DYNAMODB"):
        server = start_dynamodb()
        os.environ.update(dynamo_env(server.endpoint_url))
        os.environ.setdefault("AWS_ENDPOINT_URL_S3", server.endpoint_url)
    os.environ.setdefault("AWS_DEFAULT_REGION", REGION)
    fake = FakeMessengers().start()
    for name, value in fake.settings().items():
        overrides.setdefault(name, os.environ.get(name.upper()) or value)
    for name, value in DEMO_SETTINGS.items():
        if not os.environ.get(name):
            overrides.setdefault(name.lower(), value)
    try:
        _create_table_and_bucket()
        yield overrides
    finally:
        fake.stop()
        if server is not None:
            server.stop()


def _create_table_and_bucket() -> None:
    import boto3  # type: ignore[import-untyped, unused-ignore]

    from chalicelib.settings import load_settings
    from chalicelib.store.table import create_table

    settings = load_settings()
    session = boto3.session.Session()
    create_table(session.client("dynamodb"), settings.qg_table_name)
    if settings.qg_archive_bucket:
        s3 = session.client("s3")
        with suppress(s3.exceptions.BucketAlreadyOwnedByYou):
            s3.create_bucket(Bucket=settings.qg_archive_bucket)


if __name__ == "__main__":
    sys.exit(main())
