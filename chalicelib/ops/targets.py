"""Where an operator's command acts, and the settings that reach it. One of:

- `--local`: the stack `make run` started, from the file it writes when it starts (`local/stack.py`:
  `.local/stack.json` in the repository, or `QG_LOCAL_STACK_FILE`): its DynamoDB endpoint, table,
  bucket, queue and messenger fake. A file left by a stack that has stopped is refused, not trusted.
- `--stack NAME [--region R]`: a deployed stack, from its CloudFormation outputs (`TableName`,
  `QueueUrl`, `ArchiveBucketName`, `SecretArn`, infra/template.json): no other setting needed.
- explicit settings: `--table`, `--queue-url`, `--bucket`, `--endpoint-url`, `--region`, or the
  environment as in Lambda (`QG_TABLE_NAME`, ...).

Whatever the target, the table must already exist: `ensure_table` asks DynamoDB (DescribeTable) and
refuses with the name and the place looked at. No command creates a table it was not asked to create.
Without a queue the commands run inline (`QG_DISPATCH=inline`), as the worker would.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chalicelib.ops import TargetError

STACK_FILE_ENV = "QG_LOCAL_STACK_FILE"
LOCAL_CREDENTIAL = "testing"  # moto's DynamoDB accepts any credentials; boto3 still wants some
# The stack's outputs the commands read (infra/template.json), and the settings they become.
STACK_OUTPUTS = {
    "TableName": "qg_table_name",
    "QueueUrl": "qg_queue_url",
    "ArchiveBucketName": "qg_archive_bucket",
    "SecretArn": "qg_secrets_id",
}


@dataclass(frozen=True)
class Target:
    """Settings overrides (lower-case setting names) and the process environment boto3 reads."""

    label: str
    overrides: Mapping[str, Any] = field(default_factory=dict)
    environ: Mapping[str, str] = field(default_factory=dict)
    named: bool = True  # False: nothing was named, the environment as it is

    @contextmanager
    def applied(self) -> Iterator[None]:
        """The environment set for boto3 while the command runs, then restored."""
        saved = {name: os.environ.get(name) for name in self.environ}
        os.environ.update(self.environ)
        try:
            yield
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def repository_root() -> Path:
    import chalicelib

    return Path(chalicelib.__file__).resolve().parent.parent


def stack_file() -> Path:
    """Where `make run` says what it started: QG_LOCAL_STACK_FILE, else `.local/stack.json` of the
    repository this package is installed from (an editable install), else of the current directory."""
    named = os.environ.get(STACK_FILE_ENV)
    if named:
        return Path(named)
    for root in (repository_root(), Path.cwd()):
        candidate = root / ".local" / "stack.json"
        if candidate.exists():
            return candidate
    return repository_root() / ".local" / "stack.json"


def local_target(path: Path | None = None) -> Target:
    path = path or stack_file()
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TargetError(
            f"no local stack is running: {path} is absent (start one with `make run` in the repository)"
        ) from None
    except (OSError, ValueError) as exc:
        raise TargetError(f"cannot read {path}: {exc}") from exc
    pid = state.get("pid")
    if isinstance(pid, int) and not _alive(pid):
        raise TargetError(f"the local stack that wrote {path} (process {pid}) has stopped: run `make run`")
    if not state.get("dynamodb") or not state.get("table"):
        raise TargetError(f"{path} does not name the local stack's DynamoDB and table")
    environ = {
        "AWS_ENDPOINT_URL_DYNAMODB": str(state["dynamodb"]),
        "AWS_ACCESS_KEY_ID": LOCAL_CREDENTIAL,
        "AWS_SECRET_ACCESS_KEY": LOCAL_CREDENTIAL,
        "AWS_DEFAULT_REGION": str(state.get("region") or "us-east-1"),
    }
    if state.get("s3"):
        environ["AWS_ENDPOINT_URL_S3"] = str(state["s3"])
    if state.get("sqs"):
        environ["AWS_ENDPOINT_URL_SQS"] = str(state["sqs"])
    overrides: dict[str, Any] = _platform_settings(state)
    settings = state.get("settings")
    if isinstance(settings, Mapping):  # what the stack ran with that is not a secret (API bases)
        overrides.update({str(name).lower(): value for name, value in settings.items()})
    overrides.update(qg_table_name=state["table"], qg_dispatch="inline")  # what the stack says wins
    if state.get("queue") and state.get("sqs"):  # the stack's own queue, its poller the worker
        overrides.update(qg_queue_url=state["queue"], qg_dispatch="sqs")
    if state.get("bucket"):
        overrides["qg_archive_bucket"] = state["bucket"]
    return Target(f"the local stack at {state.get('url', path)}", overrides, environ)


def _platform_settings(state: Mapping[str, Any]) -> dict[str, str]:
    """The platforms' credentials as the local stack has them: the demo ones it said it fell back to,
    the others from the repository's `.env` (never copied into the state file)."""
    found: dict[str, str] = {}
    env_file = state.get("env_file")
    if isinstance(env_file, str) and Path(env_file).exists():
        from dotenv import dotenv_values

        found.update({k.lower(): v for k, v in dotenv_values(env_file).items() if v is not None})
    demo = state.get("demo_settings")
    if isinstance(demo, list) and demo:
        from local.demo_settings import DEMO_SETTINGS

        found.update({name.lower(): DEMO_SETTINGS[name] for name in demo if name in DEMO_SETTINGS})
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stack_target(name: str, region: str | None = None, client: Any = None) -> Target:
    """A deployed stack, from its outputs. `client` is a CloudFormation client (tests pass moto's)."""
    import boto3  # type: ignore[import-untyped, unused-ignore]
    from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped, unused-ignore]

    try:
        cfn = client or boto3.session.Session(region_name=region).client("cloudformation")
        stacks = cfn.describe_stacks(StackName=name)["Stacks"]
    except ClientError as exc:
        raise TargetError(f"stack {name}: {exc.response.get('Error', {}).get('Message', exc)}") from exc
    except BotoCoreError as exc:
        raise TargetError(f"cannot reach CloudFormation for stack {name}: {exc}") from exc
    outputs = {o["OutputKey"]: o["OutputValue"] for o in (stacks[0].get("Outputs") or []) if "OutputKey" in o}
    if "TableName" not in outputs:
        raise TargetError(
            f"stack {name} has no TableName output: is it a qunguan stack (infra/template.json)?"
        )
    overrides: dict[str, Any] = {STACK_OUTPUTS[k]: v for k, v in outputs.items() if k in STACK_OUTPUTS}
    overrides["qg_dispatch"] = "sqs" if "qg_queue_url" in overrides else "inline"
    environ = {"AWS_DEFAULT_REGION": region} if region else {}
    where = f" ({region})" if region else ""
    return Target(f"stack {name}{where}", overrides, environ)


def explicit_target(
    *,
    table: str | None = None,
    queue_url: str | None = None,
    bucket: str | None = None,
    endpoint_url: str | None = None,
    region: str | None = None,
) -> Target:
    overrides: dict[str, Any] = {}
    if table:
        overrides["qg_table_name"] = table
    if queue_url:
        overrides["qg_queue_url"] = queue_url
        overrides["qg_dispatch"] = "sqs"
    if bucket:
        overrides["qg_archive_bucket"] = bucket
    environ: dict[str, str] = {}
    if endpoint_url:
        environ.update(AWS_ENDPOINT_URL_DYNAMODB=endpoint_url, AWS_ENDPOINT_URL_S3=endpoint_url)
    if region:
        environ["AWS_DEFAULT_REGION"] = region
    named = bool(overrides or environ or os.environ.get("QG_TABLE_NAME"))
    name = table or os.environ.get("QG_TABLE_NAME") or "qunguan"
    return Target(f"table {name}", overrides, environ, named=named)


def ensure_table(name: str, where: str, client: Any = None) -> None:
    """Refuse, with a clear reason, when the table is not there: never create one."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        (client or boto3.session.Session().client("dynamodb")).describe_table(TableName=name)
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code == "ResourceNotFoundException":
            raise TargetError(
                f"there is no table {name} at {where}; qunguan never creates one here. Name the target: "
                "--local (the running `make run`), --stack NAME, or --table NAME"
            ) from exc
        raise TargetError(f"table {name} at {where}: {exc}") from exc
    except BotoCoreError as exc:
        raise TargetError(f"cannot reach DynamoDB for {where}: {exc}") from exc
