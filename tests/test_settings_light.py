"""The ingress path's light settings reader (`chalicelib.envsettings`) is the pydantic `Settings` without
pydantic: the same fields, defaults, sources and precedence, secrets as redacted as ever, a malformed
EncodingAESKey refused, and no pydantic or cryptography loaded by a first Slack event."""

from __future__ import annotations

import json
import subprocess
import sys
import types
import typing
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from chalicelib.bootstrap import Deps
from chalicelib.clock import FrozenClock
from chalicelib.envsettings import FIELDS, EnvSettings, Secret, load_env_settings
from chalicelib.settings import Settings, load_settings
from chalicelib.store.memory import MemoryStore
from local.demo_settings import DEMO_SETTINGS

ROOT = Path(__file__).resolve().parent.parent
DEMO: dict[str, Any] = {key.lower(): value for key, value in DEMO_SETTINGS.items()}


def _members(annotation: Any) -> tuple[Any, ...]:
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return typing.get_args(annotation)
    return (annotation,)


def test_the_light_reader_declares_exactly_the_fields_of_settings() -> None:
    model = Settings.model_fields
    assert [spec.name for spec in FIELDS] == list(model)
    for spec in FIELDS:
        field = model[spec.name]
        members = _members(field.annotation)
        assert spec.default == field.default, spec.name
        assert spec.secret == (SecretStr in members), spec.name
        assert spec.optional == (type(None) in members), spec.name
    assert typing.get_args(typing.get_type_hints(EnvSettings)["qg_dispatch"]) == typing.get_args(
        model["qg_dispatch"].annotation
    )


def test_the_light_reader_and_settings_agree_on_every_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for spec in FIELDS:
        monkeypatch.delenv(spec.name.upper(), raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text(
        "QG_TABLE_NAME=from-file\nSLACK_BOT_TOKEN=file-token\nWECOM_CORP_ID=file-corp\nQG_LOG_LEVEL=DEBUG\n"
    )
    monkeypatch.setenv("QG_TABLE_NAME", "from-env")
    monkeypatch.setenv("slack_signing_secret", "env-secret")  # names are case-insensitive
    monkeypatch.setenv("WECOM_CORP_ID", "env-corp")
    monkeypatch.setenv("QG_SECRETS_ID", "arn:demo")
    secret = {"WECOM_CORP_ID": "secret-corp", "qg_dispatch": "inline", "unknown_key": "ignored"}
    fetched: list[str] = []

    def fetch(secret_id: str) -> dict[str, Any]:
        fetched.append(secret_id)
        return secret

    monkeypatch.setattr("chalicelib.envsettings.fetch_secret", fetch)
    monkeypatch.setattr("chalicelib.settings._fetch_secret", fetch)
    overrides = {"qg_log_level": "WARNING"}
    light = load_env_settings(overrides)
    assert light.to_settings() == load_settings(overrides)
    assert (light.qg_table_name, light.wecom_corp_id, light.qg_dispatch, light.qg_log_level) == (
        "from-env",
        "secret-corp",
        "inline",
        "WARNING",
    )
    assert light.slack_bot_token == Secret("file-token")
    assert fetched == ["arn:demo", "arn:demo"]


def test_defaults_match_when_nothing_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    for spec in FIELDS:
        monkeypatch.delenv(spec.name.upper(), raising=False)
    assert load_env_settings(env_file=None).to_settings() == Settings(_env_file=None)
    assert load_env_settings(env_file=None) == EnvSettings()


def test_secrets_never_show_in_the_reader_repr_or_str() -> None:
    light = load_env_settings(DEMO, environ={}, env_file=None)
    shown = repr(light) + str(light) + str(light.slack_signing_secret) + repr(light.wecom_aes_key)
    for name, value in DEMO.items():
        if next(spec for spec in FIELDS if spec.name == name).secret:
            assert value not in shown, name


@pytest.mark.parametrize("name", ["wecom_aes_key", "wecom_aibot_aes_key", "dingtalk_aes_key"])
@pytest.mark.parametrize("bad", ["too-short", "*" * 43, "A" * 44])
def test_a_malformed_aes_key_of_a_switched_on_route_is_refused(name: str, bad: str) -> None:
    with pytest.raises(ValueError, match=f"{name.upper()}: EncodingAESKey") as refused:
        load_env_settings({**DEMO, name: bad}, environ={}, env_file=None)
    assert bad not in str(refused.value)


def test_a_malformed_aes_key_of_a_switched_off_route_is_not_read() -> None:
    settings = {key: value for key, value in DEMO.items() if key != "wecom_corp_id"}
    light = load_env_settings({**settings, "wecom_aes_key": "bad"}, environ={}, env_file=None)
    assert not light.wecom_enabled


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"qg_dispatch": "carrier-pigeon"}, "QG_DISPATCH must be one of"),
        ({"wecom_agent_id": 1000002}, "WECOM_AGENT_ID must be a string"),
        ({"qg_table_name": None}, "QG_TABLE_NAME must be a string"),
    ],
)
def test_values_settings_would_refuse_are_refused(values: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_env_settings(values, environ={}, env_file=None)
    with pytest.raises(ValueError):
        Settings(_env_file=None, **values)


def test_deps_from_the_reader_builds_settings_only_when_the_worker_asks() -> None:
    clock = FrozenClock(1000.0)
    light = load_env_settings(DEMO, environ={}, env_file=None)
    deps = Deps(clock=clock, store=MemoryStore(clock=clock), env=light)
    assert deps.ingress_settings is light
    assert deps.endpoint("slack.events").platform == "slack"
    assert set(deps._endpoints) == {"slack"}  # the other platforms' adapters are not built
    assert deps._settings is None
    assert deps.settings == Settings(_env_file=None, **DEMO)
    replaced = Settings(_env_file=None)
    deps.settings = replaced
    assert id(deps.ingress_settings) == id(replaced)  # the reader is forgotten with the settings


CHILD = """
import json, sys
spec = json.loads(sys.stdin.read())
import app
from chalicelib.bootstrap import Deps
from chalicelib.clock import SystemClock
from chalicelib.envsettings import load_env_settings
from chalicelib.http import InboundRequest
from chalicelib.ingress import handle
from chalicelib.store.memory import MemoryStore
clock = SystemClock()
settings = load_env_settings(spec["settings"], env_file=None)
deps = Deps(clock=clock, store=MemoryStore(clock=clock), env=settings)
request = spec["slack"]
inbound = InboundRequest.build(request["method"], request["path"], request["headers"], request["query"],
                               request["body"].encode())
assert handle("slack.events", inbound, deps).status == 200
heavy = ("pydantic", "pydantic_settings", "cryptography", "boto3", "dotenv", "re2")
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] in heavy)))
"""


def test_a_first_slack_event_loads_neither_pydantic_nor_cryptography() -> None:
    from bench.cold_start import _env, first_event_spec

    done = subprocess.run(  # this interpreter, on code written here
        [sys.executable, "-c", CHILD],
        cwd=ROOT,
        env=_env(),
        input=json.dumps(first_event_spec()),
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
