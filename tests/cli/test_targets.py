"""`qunguan` as a whole: help on every verb, exit codes that mean something, and its targets: the running
`make run` (`--local`, through the file the stack writes), a deployed stack by its CloudFormation outputs
(`--stack`, on moto), or an explicit table; never a table it was not asked to create."""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chalicelib.cli import main, parser
from local.dynamo import EmbeddedDynamo
from tests.cli.support import write

ROOT = Path(__file__).resolve().parents[2]
BAD = 'admins: ["@张三"]\nrules:\n  flod: {}\n  lexicon:\n    extra_terms: {abuse: ["", a, 的]}\n'


def qunguan(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def verb_paths(command: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield prefix
    for action in command._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from verb_paths(sub, (*prefix, name))


def test_every_verb_and_sub_verb_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    paths = list(verb_paths(parser()))
    for expected in [("policy", verb) for verb in ("validate", "apply", "show", "history", "diff")] + [
        ("policy", "rollback"),
        ("policy", "delete"),
        ("policy", "test"),
        ("policy", "schema"),
        ("groups", "list"),
        ("cases", "export"),
        ("audit", "export"),
        ("job", "run"),
        ("job", "list"),
    ]:
        assert expected in paths
    for path in paths:
        with pytest.raises(SystemExit) as done:
            main([*path, "--help"])
        assert done.value.code == 0
        assert capsys.readouterr().out.startswith(f"usage: qunguan {' '.join(path)}".rstrip())


def test_a_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["policy", "frobnicate"], ["policy", "rollback", "--scope", "org"], ["cases", "export"]):
        with pytest.raises(SystemExit) as done:
            main(argv)
        assert done.value.code == 2
    capsys.readouterr()


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("AWS_", "QG_")):
            monkeypatch.delenv(name)


@pytest.fixture
def local_stack(
    tmp_path: Path,
    table_name: str,
    dynamodb: EmbeddedDynamo,
    monkeypatch: pytest.MonkeyPatch,
    clean_env: None,
) -> Path:
    """What `make run` writes when it starts (local/stack.py), pointing at the session's DynamoDB."""
    state = tmp_path / "stack.json"
    state.write_text(
        json.dumps(
            {
                "pid": os.getpid(),
                "url": "http://127.0.0.1:8000",
                "dynamodb": dynamodb.endpoint_url,
                "table": table_name,
                "region": "us-east-1",
                "demo_settings": ["WECOM_CORP_ID"],
            }
        )
    )
    monkeypatch.setenv("QG_LOCAL_STACK_FILE", str(state))
    return state


@pytest.mark.dynamodb
def test_local_finds_the_running_stack_through_its_file(local_stack: Path, tmp_path: Path) -> None:
    org = write(tmp_path, "admins: [slack:T0QG:U0ADMIN]\nrules:\n  flood: {max_messages: 12}\n", "org.yaml")
    code, out, err = qunguan("--local", "policy", "apply", org, "--scope", "org")
    assert (code, err) == (0, "") and "applied org version 1" in out
    code, shown, _ = qunguan("--local", "policy", "show")
    assert code == 0 and "max_messages: 12" in shown and "AWS_ENDPOINT_URL_DYNAMODB" not in os.environ


@pytest.mark.dynamodb
def test_local_validation_refuses_the_broken_examples(local_stack: Path, tmp_path: Path) -> None:
    code, out, _ = qunguan("--local", "--lang", "en", "policy", "validate", write(tmp_path, BAD))
    assert code == 1
    assert out.startswith("The policy was refused: 5 problem(s).")
    assert (
        "did you mean “flood”" in out
        and "“的” is too short" in out
        and "“@张三” must be a qualified id" in out
    )


def test_local_without_a_running_stack_exits_3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QG_LOCAL_STACK_FILE", str(tmp_path / "absent.json"))
    code, _, err = qunguan("--local", "groups", "list")
    assert code == 3 and "no local stack is running" in err and "make run" in err


def test_a_file_left_by_a_stopped_stack_is_not_trusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    state = tmp_path / "stack.json"
    state.write_text(
        json.dumps({"pid": gone.pid, "dynamodb": "http://127.0.0.1:9", "table": "qunguan-local"})
    )
    monkeypatch.setenv("QG_LOCAL_STACK_FILE", str(state))
    code, _, err = qunguan("--local", "groups", "list")
    assert code == 3 and "has stopped" in err


@pytest.mark.dynamodb
def test_a_missing_table_is_refused_never_created(
    dynamodb: EmbeddedDynamo, dynamodb_client: Any, clean_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    args = ("--endpoint-url", dynamodb.endpoint_url, "--region", "us-east-1", "--table", "qunguan-typo")
    code, _, err = qunguan(*args, "policy", "show")
    assert code == 3 and "there is no table qunguan-typo" in err and "never creates" in err
    assert "qunguan-typo" not in dynamodb_client.list_tables()["TableNames"]


@pytest.fixture
def aws(clean_env: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from moto import mock_aws

    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-west-1",
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        yield


def deploy(table: str = "qunguan-prod-Table") -> None:
    """A stack with the outputs infra/template.json declares, and the table and secret they name."""
    import boto3

    from chalicelib.store.table import create_table

    create_table(boto3.client("dynamodb", region_name="eu-west-1"), table)
    queue = boto3.client("sqs", region_name="eu-west-1").create_queue(
        QueueName="qunguan.fifo", Attributes={"FifoQueue": "true"}
    )
    secret = boto3.client("secretsmanager", region_name="eu-west-1").create_secret(
        Name="qunguan-prod", SecretString=json.dumps({"WECOM_CORP_ID": "ww0123456789abcdef"})
    )
    outputs = {"TableName": table, "QueueUrl": queue["QueueUrl"], "SecretArn": secret["ARN"]}
    template = {
        "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
        "Outputs": {name: {"Value": value} for name, value in outputs.items()},
    }
    boto3.client("cloudformation", region_name="eu-west-1").create_stack(
        StackName="qunguan-prod", TemplateBody=json.dumps(template)
    )


def test_stack_reads_the_table_queue_and_secret_from_the_stacks_outputs(aws: None, tmp_path: Path) -> None:
    deploy()
    org = write(tmp_path, "admins: [wecom:ww0123456789abcdef:zhangsan]\n", "org.yaml")
    code, out, err = qunguan(
        "--stack", "qunguan-prod", "--region", "eu-west-1", "policy", "apply", org, "--scope", "org"
    )
    assert (code, err) == (0, "") and out.startswith("applied org version 1")
    stranger = write(tmp_path, "admins: [wecom:wwffffffffffffffff:zhangsan]\n", "stranger.yaml")
    code, out, _ = qunguan(
        "--stack", "qunguan-prod", "--region", "eu-west-1", "--lang", "en", "policy", "validate", stranger
    )
    assert code == 1 and "not a wecom tenant of this deployment (known: ww0123456789abcdef)" in out


def test_an_unknown_stack_exits_3(aws: None) -> None:
    code, _, err = qunguan("--stack", "nope", "--region", "eu-west-1", "groups", "list")
    assert code == 3 and "stack nope" in err


def test_python_m_chalicelib_cli_is_an_alias_that_works_from_any_directory(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "QG_"))}
    env["PYTHONPATH"] = str(ROOT)
    bad = write(tmp_path, BAD)
    done = subprocess.run(
        [sys.executable, "-m", "chalicelib.cli", "--lang", "zh-CN", "policy", "validate", bad],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "策略未通过检查，共 5 处问题" in done.stdout


def test_the_console_script_is_declared_and_runs_main() -> None:
    import importlib
    import tomllib

    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    module, _, name = scripts["qunguan"].partition(":")
    assert getattr(importlib.import_module(module), name) is __import__("chalicelib.cli").cli.entry


def test_job_list_needs_no_target(clean_env: None) -> None:
    code, out, err = qunguan("job", "list")
    assert (code, err) == (0, "") and "restore-drill   table" in out


@pytest.mark.dynamodb
def test_qg_local_with_a_named_dynamodb_creates_nothing_there(
    dynamodb: EmbeddedDynamo, dynamodb_client: Any, clean_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in {
        "QG_LOCAL": "1",
        "AWS_ENDPOINT_URL_DYNAMODB": dynamodb.endpoint_url,
        "AWS_ENDPOINT_URL_S3": dynamodb.endpoint_url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "QG_TABLE_NAME": "qunguan-not-there",
    }.items():
        monkeypatch.setenv(name, value)
    code, _, err = qunguan("policy", "show")
    assert code == 3 and "there is no table qunguan-not-there" in err
    assert "qunguan-not-there" not in dynamodb_client.list_tables()["TableNames"]
