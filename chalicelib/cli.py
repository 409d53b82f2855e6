"""`qunguan` (also `python -m chalicelib.cli`): the operator's command line.

    qunguan [TARGET] policy validate|apply|show|history|diff|rollback|delete|test|schema   policy_cli.py
    qunguan [TARGET] groups list|recount | cases export --csv | audit export --csv    ops/records_cli.py
    qunguan [TARGET] job list | job run NAME [...]                                   jobs/cli.py
    qunguan [TARGET] person show|erase|hold|release UID                               persons/cli.py

TARGET (chalicelib/ops/targets.py) is `--local` (the running `make run`), `--stack NAME [--region R]`
(a deployed stack's CloudFormation outputs), or explicit settings (`--table`, `--queue-url`, `--bucket`,
`--endpoint-url`, `--region`, or the environment as in Lambda). The table must exist: no command creates
one. `QG_LOCAL=1` with no target brings a throwaway world of its own instead (an embedded DynamoDB with
its table, the recording fake of the messenger APIs, demo credentials): a place to try things, gone when
the command ends.

Exit codes: 0 done; 1 refused (a policy that does not pass its checks, a job that failed); 2 usage (an
unknown verb or option, a missing argument, a command that needs a target given none); 3 the target
cannot be reached or is not there; 4 what the command names does not exist (a scope's version, a group,
a file).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from chalicelib.bootstrap import Deps
    from chalicelib.ops.targets import Target
    from chalicelib.policy_cli import Operator

SUBCOMMANDS = (
    "chalicelib.policy_cli",
    "chalicelib.ops.records_cli",
    "chalicelib.jobs.cli",
    "chalicelib.persons.cli",
)
EXIT_REFUSED, EXIT_USAGE = 1, 2
LOCALES = ("zh-CN", "zh-TW", "en")


def parser() -> argparse.ArgumentParser:
    import importlib

    top = argparse.ArgumentParser(
        prog="qunguan",
        description="qunguan's operator commands: policies, groups, exports and jobs, against a stack.",
        epilog=(__doc__ or "").split("\n\n", 3)[-1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    where = top.add_argument_group("target (default: the environment's settings)")
    where.add_argument("--local", action="store_true", help="the stack `make run` is running on this machine")
    where.add_argument("--stack", metavar="NAME", help="a deployed CloudFormation stack, by its outputs")
    where.add_argument("--region", help="the AWS region of --stack or --table")
    where.add_argument("--table", metavar="NAME", help="the DynamoDB table (QG_TABLE_NAME)")
    where.add_argument("--queue-url", metavar="URL", help="the SQS queue (QG_QUEUE_URL); without one, inline")
    where.add_argument("--bucket", metavar="NAME", help="the archive bucket (QG_ARCHIVE_BUCKET)")
    where.add_argument("--endpoint-url", metavar="URL", help="a DynamoDB/S3 endpoint (a local DynamoDB)")
    top.add_argument(
        "--lang",
        choices=LOCALES,
        help="the language of validation messages (default: $QG_LANG, $LANG, zh-CN)",
    )
    subparsers = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in SUBCOMMANDS:
        with suppress(ModuleNotFoundError):
            importlib.import_module(name).add_parser(subparsers)
    return top


def operator_locale(chosen: str | None) -> str:
    from chalicelib.i18n import normalise_locale

    if chosen:
        return chosen
    for name in ("QG_LANG", "LC_ALL", "LANG"):
        value = os.environ.get(name, "")
        if value.lower().startswith(("zh", "en")):
            return normalise_locale(value.split(".")[0])
    return "zh-CN"


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    from chalicelib.core.policy import PolicyError
    from chalicelib.core.policy_checks import PolicyProblems
    from chalicelib.ops import OperatorError

    args = parser().parse_args(argv)
    locale = operator_locale(args.lang)
    try:
        with ExitStack() as stack:
            session = Session(args, stack, locale)
            return _dispatch(args, session, out)
    except PolicyProblems as exc:
        out.write(exc.render(locale) + "\n")
        return EXIT_REFUSED
    except PolicyError as exc:
        out.write(f"invalid: {exc}\n")
        return EXIT_REFUSED
    except OperatorError as exc:
        err.write(f"qunguan: {exc}\n")
        return exc.exit_code


def entry() -> None:
    """The `qunguan` console script. Output piped into `head` that stops reading ends the command
    quietly, as other command-line tools do (Python's documentation, "Note on SIGPIPE")."""
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = 0
    sys.exit(code)


class Session:
    """The target, reached on first use: offline verbs (`policy schema`, an untargeted `validate`)
    never touch it."""

    def __init__(self, args: argparse.Namespace, stack: ExitStack, locale: str) -> None:
        self.args, self.stack, self.locale = args, stack, locale
        self._deps: Deps | None = None

    @property
    def named(self) -> bool:
        a = self.args
        return bool(
            a.local or a.stack or a.table or a.endpoint_url or os.environ.get("QG_TABLE_NAME") or _qg_local()
        )

    def deps(self) -> Deps:
        if self._deps is None:
            self._deps = self._build()
        return self._deps

    def _build(self) -> Deps:
        from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped, unused-ignore]
        from pydantic import ValidationError

        from chalicelib.bootstrap import build_deps
        from chalicelib.ops import TargetError
        from chalicelib.ops.targets import ensure_table
        from chalicelib.settings import load_settings

        target = self._target()
        overrides = dict(target.overrides)
        if _qg_local() and not self._flags():
            overrides.update(self.stack.enter_context(local_world()))
        self.stack.enter_context(target.applied())
        try:
            settings = load_settings(overrides)
            if settings.qg_dispatch == "sqs" and not settings.qg_queue_url:
                settings = load_settings({**overrides, "qg_dispatch": "inline"})  # no queue: run here
        except (ValidationError, ValueError, BotoCoreError, ClientError) as exc:  # the secret, too
            raise TargetError(f"the settings of {target.label} do not load: {exc}") from exc
        ensure_table(settings.qg_table_name, target.label)
        return build_deps(settings)

    def _flags(self) -> bool:
        a = self.args
        return bool(a.local or a.stack or a.table or a.endpoint_url or a.queue_url or a.bucket)

    def _target(self) -> Target:
        from chalicelib.ops import targets

        a = self.args
        if a.local and a.stack:
            from chalicelib.ops import UsageError

            raise UsageError("name one target: --local or --stack NAME")
        if a.local:
            return targets.local_target()
        if a.stack:
            found = targets.stack_target(a.stack, a.region)
            if a.table or a.queue_url or a.bucket:
                explicit = targets.explicit_target(table=a.table, queue_url=a.queue_url, bucket=a.bucket)
                return targets.Target(found.label, {**found.overrides, **explicit.overrides}, found.environ)
            return found
        return targets.explicit_target(
            table=a.table,
            queue_url=a.queue_url,
            bucket=a.bucket,
            endpoint_url=a.endpoint_url,
            region=a.region,
        )

    def operator(self, *, needs_store: bool) -> Operator:
        from chalicelib.policy_cli import Operator

        author = f"cli:{_login()}"
        if not needs_store and not self.named:
            import time

            return Operator(store=None, now=time.time(), locale=self.locale, author=author)
        deps = self.deps()
        settings = deps.settings
        configured = (("wecom", settings.wecom_corp_id or ""), ("dingtalk", settings.dingtalk_corp_id or ""))
        return Operator(deps.store, deps.clock.now(), self.locale, configured, author)


def _dispatch(args: argparse.Namespace, session: Session, out: TextIO) -> int:
    if args.command == "job":
        from chalicelib.jobs import cli as jobs_cli

        if args.verb == "list":
            return jobs_cli.list_jobs(out)
        return jobs_cli.run_command(args, session.deps(), out)
    if args.command == "person":
        from chalicelib.persons import cli as persons_cli

        return persons_cli.run(args, session.deps(), out)
    if args.command == "policy":
        from chalicelib import policy_cli

        offline = args.verb == "schema" or (args.verb in ("validate", "diff", "test") and not session.named)
        return policy_cli.run(args, session.operator(needs_store=not offline), out)
    from chalicelib.ops import records_cli

    return records_cli.run(args, session.operator(needs_store=True), out)


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "operator"


def _qg_local() -> bool:
    return os.environ.get("QG_LOCAL", "").lower() in ("1", "true", "yes")


@contextmanager
def local_world() -> Iterator[dict[str, Any]]:
    """QG_LOCAL=1: an embedded DynamoDB (moto, which also serves S3) with the table and the bucket
    created in it, unless AWS_ENDPOINT_URL_DYNAMODB already names a DynamoDB (then nothing is created
    there); the recording fake of the messenger APIs with demo credentials; inline dispatch."""
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
        if server is not None:
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
    entry()
