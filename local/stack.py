"""`make run`: the whole product on this machine, on its embedded defaults.

- an embedded DynamoDB (moto's server on 127.0.0.1) with the table created, unless
  AWS_ENDPOINT_URL_DYNAMODB already names one; moto's S3 on it with a versioned archive bucket, unless
  QG_ARCHIVE_BUCKET names one; file links (`QG_PUBLIC_URL`) lead to this stack;
- a recording fake of the messenger APIs on 127.0.0.1, for every platform whose API base is not set;
- demo credentials for every platform whose settings are absent (said on start-up);
- WeCom's message archive, unless WECOM_ARCHIVE_* are set: the fake Finance SDK built from its C source
  into .local/finance-sdk/, serving a fake archive in .local/wecom-archive/ (`make demo` posts into it);
- production's queue path, when the DynamoDB is the embedded one: moto's SQS on the same server with a
  FIFO event queue and its dead-letter queue (redrive after 3 receives, a 5 s visibility timeout:
  local/queues.py), `chalice local` sending each event there (QG_DISPATCH=sqs), and a worker process
  polling it as Lambda's event source mapping does (local/poller.py: partial batch failures come back
  after the visibility timeout, then go to the dead-letter queue); `python -m chalicelib.replay` with the
  URLs in `.local/stack.json` moves dead letters back. QG_DISPATCH=inline in the environment keeps the
  worker inside `chalice local`, as before;
- `chalice local` on 127.0.0.1:$PORT.

Settings come from the environment or `.env` (the environment wins). What the stack started is written
to `.local/stack.json`, which `make demo` and `qunguan --local` read (chalicelib/ops/targets.py): the
process id, the DynamoDB endpoint and table, the bucket, the API bases, which platforms run on the demo
credentials, and where `.env` is; never a secret. It is removed when the stack stops.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import FrameType

from dotenv import dotenv_values

from local.demo_settings import DEMO_SETTINGS
from local.dynamo import dynamo_env, start_dynamodb
from local.fakes.server import FakeMessengers
from local.queues import create_queues, sqs_client

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / ".local" / "stack.json"
PLATFORM_KEYS = {
    "slack": ("SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN"),
    "wecom": ("WECOM_CORP_ID", "WECOM_AGENT_ID", "WECOM_SECRET", "WECOM_TOKEN", "WECOM_AES_KEY"),
    "wecom-aibot": ("WECOM_AIBOT_TOKEN", "WECOM_AIBOT_AES_KEY"),
    "dingtalk": (
        "DINGTALK_APP_KEY",
        "DINGTALK_CORP_ID",
        "DINGTALK_APP_SECRET",
        "DINGTALK_ROBOT_CODE",
        "DINGTALK_TOKEN",
        "DINGTALK_AES_KEY",
        "DINGTALK_CARD_SECRET",
    ),
}
ARCHIVE_KEYS = ("WECOM_ARCHIVE_SECRET", "WECOM_ARCHIVE_PRIVATE_KEYS", "WECOM_FINANCE_SDK_PATH")
ARCHIVE_DIR = ROOT / ".local" / "wecom-archive"
API_BASES = ("SLACK_API_BASE", "WECOM_API_BASE", "DINGTALK_API_BASE", "DINGTALK_OAPI_BASE")


def configured() -> dict[str, str]:
    """The settings as the app will see them: `.env`, overridden by the environment."""
    values = {k: v for k, v in dotenv_values(ROOT / ".env").items() if v is not None}
    values.update(os.environ)
    return values


def _demo_credentials(env: dict[str, str]) -> list[str]:
    """Demo credentials for every platform whose settings are absent, said on start-up; their names."""
    demo: list[str] = []
    for platform, keys in PLATFORM_KEYS.items():
        if not any(env.get(key) for key in keys):
            env.update({key: DEMO_SETTINGS[key] for key in keys})
            demo += keys
            print(f"  {platform}: no settings found, using the demo credentials")
    return demo


def _fake_messengers(env: dict[str, str], started: dict[str, object]) -> FakeMessengers | None:
    """The recording fake of the messenger APIs, unless an API base is set."""
    if any(env.get(key) for key in API_BASES):
        return None
    fake = FakeMessengers().start()
    env.update({key.upper(): value for key, value in fake.settings().items()})
    started["fake_messengers"] = fake.url
    print(f"  messenger APIs: recording fake at {fake.url} (GET {fake.url}/_recorded)")
    return fake


def main() -> int:
    port = int(os.environ.get("PORT", "8000"))
    env = configured()
    started: dict[str, object] = {"port": port, "url": f"http://127.0.0.1:{port}", "pid": os.getpid()}

    demo = _demo_credentials(env)
    fake = _fake_messengers(env, started)

    dynamo = None
    if not env.get("AWS_ENDPOINT_URL_DYNAMODB"):
        dynamo = start_dynamodb()
        env.update(dynamo_env(dynamo.endpoint_url))
        print(f"  DynamoDB: embedded (moto) at {dynamo.endpoint_url}")
    table = env.setdefault("QG_TABLE_NAME", "qunguan-local")
    _create_table(env, table)
    started.update(dynamodb=env["AWS_ENDPOINT_URL_DYNAMODB"], table=table)
    if dynamo is not None and not env.get("QG_ARCHIVE_BUCKET"):
        # moto serves S3 at the same endpoint: the file archive and the reports have a bucket too.
        env.update(_local_bucket(env, "qunguan-local-archive"))
        print(f"  S3: embedded (moto), bucket {env['QG_ARCHIVE_BUCKET']}")
    env.setdefault("QG_PUBLIC_URL", str(started["url"]))  # file links lead to this stack's /files/...
    if fake is not None and not any(env.get(key) for key in ARCHIVE_KEYS):
        archive = _local_archive(env)
        if archive:
            started["wecom_archive"] = archive

    poller = _start_queue(env, started, dynamo.endpoint_url) if dynamo is not None else None
    if poller is None:
        env["QG_DISPATCH"] = "inline"
    started.update(
        region=env.get("AWS_DEFAULT_REGION", "us-east-1"),
        s3=env.get("AWS_ENDPOINT_URL_S3", ""),
        sqs=env.get("AWS_ENDPOINT_URL_SQS", ""),
        bucket=env.get("QG_ARCHIVE_BUCKET", ""),
        settings={key: env[key] for key in (*API_BASES, "QG_PUBLIC_URL") if env.get(key)},
        demo_settings=demo,
        env_file=str(ROOT / ".env"),
    )
    STATE.parent.mkdir(exist_ok=True)
    STATE.write_text(json.dumps(started, indent=2))

    command = [
        str(Path(sys.executable).with_name("chalice")),
        "local",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    command += ["--no-autoreload", "--stage", "dev"]
    server = subprocess.Popen(command, cwd=ROOT, env=env)

    def stop(signum: int, frame: FrameType | None) -> None:
        server.terminate()
        if poller is not None:
            poller.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if _wait_healthy(started["url"], server):
        print(
            f"qunguan is up at {started['url']} (GET /healthz). Try `make demo` in another terminal; "
            "Ctrl-C stops."
        )
    code = server.wait()
    if poller is not None:
        poller.terminate()
        poller.wait(timeout=10)
    STATE.unlink(missing_ok=True)
    if fake:
        fake.stop()
    if dynamo:
        dynamo.stop()
    return code


def _start_queue(
    env: dict[str, str], started: dict[str, object], endpoint: str
) -> subprocess.Popen[bytes] | None:
    """The queue pair on the embedded moto server and the worker polling it; None with QG_DISPATCH=inline."""
    if env.get("QG_DISPATCH", "sqs") == "inline":
        return None
    queues = create_queues(sqs_client(endpoint), "qunguan-local")
    env.update(QG_DISPATCH="sqs", QG_QUEUE_URL=queues.main, AWS_ENDPOINT_URL_SQS=endpoint)
    started.update(queue=queues.main, dead_letter_queue=queues.dlq)
    print(
        f"  SQS: embedded (moto) FIFO queue {queues.main.rsplit('/', 1)[-1]}, dead letters after "
        f"{queues.max_receives} receives, visibility {queues.visibility_timeout} s"
    )
    return subprocess.Popen([sys.executable, "-m", "local.poller"], cwd=ROOT, env=env)


def _create_table(env: dict[str, str], table: str) -> None:
    import boto3

    from chalicelib.store.table import create_table

    client = boto3.client(
        "dynamodb",
        endpoint_url=env["AWS_ENDPOINT_URL_DYNAMODB"],
        region_name=env.get("AWS_DEFAULT_REGION", "us-east-1"),
        aws_access_key_id=env.get("AWS_ACCESS_KEY_ID", "testing"),
        aws_secret_access_key=env.get("AWS_SECRET_ACCESS_KEY", "testing"),
    )
    create_table(client, table)


def _local_bucket(env: dict[str, str], bucket: str) -> dict[str, str]:
    import boto3

    endpoint = env["AWS_ENDPOINT_URL_DYNAMODB"]
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=env.get("AWS_DEFAULT_REGION", "us-east-1"),
        aws_access_key_id=env.get("AWS_ACCESS_KEY_ID", "testing"),
        aws_secret_access_key=env.get("AWS_SECRET_ACCESS_KEY", "testing"),
    )
    client.create_bucket(Bucket=bucket)
    client.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    return {"AWS_ENDPOINT_URL_S3": endpoint, "QG_ARCHIVE_BUCKET": bucket}


def _local_archive(env: dict[str, str]) -> str | None:
    """WeCom's message archive on this machine: the fake Finance SDK built from its C source into
    .local/, serving a fresh fake archive whose RSA keys the stack is given. None (and a note) when there
    is no C compiler: the rest of the stack works without it."""
    import shutil

    from local.fakes.finance_sdk.build import BuildFailed, build
    from local.fakes.wecom_archive import FakeArchive

    try:
        library = build()
    except BuildFailed as err:
        print(f"  wecom archive: off ({err})")
        return None
    shutil.rmtree(ARCHIVE_DIR, ignore_errors=True)
    archive = FakeArchive(ARCHIVE_DIR)
    env.update(
        WECOM_ARCHIVE_SECRET="demo-wecom-archive-secret",
        WECOM_ARCHIVE_PRIVATE_KEYS=archive.private_keys_json(),
        WECOM_FINANCE_SDK_PATH=str(library),
        QG_FAKE_FINANCE_DIR=str(ARCHIVE_DIR),
    )
    print(f"  wecom archive: the fake Finance SDK ({library}) serving {ARCHIVE_DIR}")
    return str(ARCHIVE_DIR)


def _wait_healthy(url: object, server: subprocess.Popen[bytes], timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:  # noqa: S310 - loopback
                return bool(response.status == 200)
        except OSError:
            time.sleep(0.3)
    return False


if __name__ == "__main__":
    sys.exit(main())
