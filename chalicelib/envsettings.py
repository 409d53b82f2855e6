"""The ingress path's settings: a small frozen reader with the names, defaults and precedence of
`chalicelib.settings.Settings`, without pydantic (building the pydantic model costs a cold Lambda about
120 ms before its first acknowledgement).

Same sources, same order as `load_settings()`: explicit overrides, then the `QG_SECRETS_ID` Secrets Manager
JSON object (keys case-insensitive), then the environment (names case-insensitive), then `.env`, then the
defaults. Secrets are `Secret` values, redacted in every repr and str. A value of the wrong type, an
unknown dispatch mode or a malformed EncodingAESKey of a switched-on route is refused with a ValueError
that names the setting, never its value.

`EnvSettings` declares each field once; `tests/test_settings_light.py` checks the declarations against
`Settings.model_fields` (names, defaults, which are secrets, which may be unset), so the two cannot drift.
The worker keeps the pydantic `Settings`, built from the values read here (`to_settings`).
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    from chalicelib.settings import Settings

Dispatch = Literal["sqs", "inline"]
DISPATCH_MODES: tuple[str, ...] = ("sqs", "inline")
ENV_FILE = ".env"


class Secret:
    """A secret string that never shows itself (pydantic's SecretStr, without pydantic)."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get_secret_value(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')" if self._value else "Secret('')"

    def __str__(self) -> str:
        return "**********" if self._value else ""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


class SecretValue(Protocol):
    def get_secret_value(self) -> str: ...


class IngressSettings(Protocol):
    """What the endpoints, the dispatcher and the health check read: `EnvSettings` and `Settings` both."""

    @property
    def slack_signing_secret(self) -> SecretValue | None: ...
    @property
    def wecom_corp_id(self) -> str | None: ...
    @property
    def wecom_token(self) -> SecretValue | None: ...
    @property
    def wecom_aes_key(self) -> SecretValue | None: ...
    @property
    def wecom_aibot_token(self) -> SecretValue | None: ...
    @property
    def wecom_aibot_aes_key(self) -> SecretValue | None: ...
    @property
    def dingtalk_app_key(self) -> str | None: ...
    @property
    def dingtalk_corp_id(self) -> str | None: ...
    @property
    def dingtalk_app_secret(self) -> SecretValue | None: ...
    @property
    def dingtalk_token(self) -> SecretValue | None: ...
    @property
    def dingtalk_aes_key(self) -> SecretValue | None: ...
    @property
    def dingtalk_card_secret(self) -> SecretValue | None: ...
    @property
    def dingtalk_api_base(self) -> str: ...
    @property
    def dingtalk_oapi_base(self) -> str: ...
    @property
    def qg_table_name(self) -> str: ...
    @property
    def qg_queue_url(self) -> str | None: ...
    @property
    def qg_dispatch(self) -> Dispatch: ...
    @property
    def qg_log_level(self) -> str: ...
    @property
    def slack_enabled(self) -> bool: ...
    @property
    def wecom_enabled(self) -> bool: ...
    @property
    def wecom_aibot_enabled(self) -> bool: ...
    @property
    def wecom_archive_enabled(self) -> bool: ...
    @property
    def dingtalk_audit_enabled(self) -> bool: ...
    @property
    def dingtalk_robot_enabled(self) -> bool: ...
    @property
    def dingtalk_events_enabled(self) -> bool: ...
    @property
    def dingtalk_cards_enabled(self) -> bool: ...


class PlatformSwitches:
    """Which routes are switched on, from which settings are present: shared by `EnvSettings` and the
    pydantic `Settings`, so the two cannot disagree about it."""

    if TYPE_CHECKING:  # the fields, declared by each settings class
        slack_signing_secret: object
        wecom_corp_id: object
        wecom_token: object
        wecom_aes_key: object
        wecom_aibot_token: object
        wecom_aibot_aes_key: object
        wecom_archive_secret: object
        wecom_archive_private_keys: object
        wecom_finance_sdk_path: object
        dingtalk_app_key: object
        dingtalk_corp_id: object
        dingtalk_audit: object
        dingtalk_app_secret: object
        dingtalk_token: object
        dingtalk_aes_key: object
        dingtalk_card_secret: object

    @property
    def slack_enabled(self) -> bool:
        return self.slack_signing_secret is not None

    @property
    def wecom_enabled(self) -> bool:
        return all((self.wecom_corp_id, self.wecom_token, self.wecom_aes_key))

    @property
    def wecom_aibot_enabled(self) -> bool:
        return all((self.wecom_aibot_token, self.wecom_aibot_aes_key))

    @property
    def wecom_archive_enabled(self) -> bool:
        """The message archive: every message of the members in scope, pulled (needs the corp id too)."""
        return all(
            (
                self.wecom_corp_id,
                self.wecom_archive_secret,
                self.wecom_archive_private_keys,
                self.wecom_finance_sdk_path,
            )
        )

    @property
    def dingtalk_audit_enabled(self) -> bool:
        """The 专属钉钉 external-group audit, pulled as a second archive source (DINGTALK_AUDIT=on)."""
        return self.dingtalk_audit == "on" and all(
            (self.dingtalk_app_key, self.dingtalk_app_secret, self.dingtalk_corp_id)
        )

    @property
    def dingtalk_robot_enabled(self) -> bool:
        # The corp id pins the tenant: a robot callback naming another corp is refused, never registered.
        return self.dingtalk_app_secret is not None and bool(self.dingtalk_corp_id)

    @property
    def dingtalk_events_enabled(self) -> bool:
        return all((self.dingtalk_app_key, self.dingtalk_token, self.dingtalk_aes_key))

    @property
    def dingtalk_cards_enabled(self) -> bool:
        return self.dingtalk_card_secret is not None and bool(self.dingtalk_corp_id)


@dataclass(frozen=True)
class EnvSettings(PlatformSwitches):
    """Every field of `Settings`, in its order, with its default (see the module docstring)."""

    # Slack app
    slack_signing_secret: Secret | None = None
    slack_bot_token: Secret | None = None
    slack_admin_user_token: Secret | None = None
    slack_api_base: str = "https://slack.com/api"
    # WeCom self-built app
    wecom_corp_id: str | None = None
    wecom_agent_id: str | None = None
    wecom_secret: Secret | None = None
    wecom_token: Secret | None = None
    wecom_aes_key: Secret | None = None
    # WeCom AI bot
    wecom_aibot_token: Secret | None = None
    wecom_aibot_aes_key: Secret | None = None
    wecom_api_base: str = "https://qyapi.weixin.qq.com/cgi-bin"
    # WeCom message archive
    wecom_archive_secret: Secret | None = None
    wecom_archive_private_keys: Secret | None = None
    wecom_finance_sdk_path: str | None = None
    # DingTalk app
    dingtalk_app_key: str | None = None
    dingtalk_corp_id: str | None = None
    dingtalk_app_secret: Secret | None = None
    dingtalk_robot_code: str | None = None
    dingtalk_token: Secret | None = None
    dingtalk_aes_key: Secret | None = None
    dingtalk_card_secret: Secret | None = None
    dingtalk_card_template_id: str | None = None
    dingtalk_card_route_key: str = "qunguan"
    dingtalk_scene_template_id: str | None = None
    dingtalk_api_base: str = "https://api.dingtalk.com"
    dingtalk_oapi_base: str = "https://oapi.dingtalk.com"
    dingtalk_audit: str | None = None
    # AWS resources and behaviour
    qg_table_name: str = "qunguan"
    qg_queue_url: str | None = None
    qg_dispatch: Dispatch = "sqs"
    qg_archive_bucket: str | None = None
    qg_secrets_id: str | None = None
    qg_default_locale: str = "zh-CN"
    qg_card_signing_key: Secret | None = None
    qg_person_key: Secret | None = None
    qg_public_url: str | None = None
    qg_log_level: str = "INFO"

    def plain_values(self) -> dict[str, str | None]:
        """Every field as a plain value (secrets revealed): for building `Settings`, never for logs."""
        return {
            name: value.get_secret_value() if isinstance(value, Secret) else value
            for name, value in ((field.name, getattr(self, field.name)) for field in fields(self))
        }

    def to_settings(self) -> Settings:
        """The pydantic `Settings` holding exactly these values (the worker's view of them)."""
        from chalicelib.settings import Settings

        return Settings.model_validate(self.plain_values())  # validation only: no source is read again


@dataclass(frozen=True)
class FieldSpec:
    name: str
    default: str | None
    secret: bool
    optional: bool


def _field_specs() -> tuple[FieldSpec, ...]:
    specs = []
    for field in fields(EnvSettings):
        annotation = str(field.type)
        default = field.default if isinstance(field.default, str) else None
        specs.append(FieldSpec(field.name, default, annotation.startswith("Secret"), "None" in annotation))
    return tuple(specs)


FIELDS: tuple[FieldSpec, ...] = _field_specs()
# The EncodingAESKey each encrypted route needs, checked when the route is switched on (as MsgCrypt does).
AES_KEYS: tuple[tuple[str, str], ...] = (
    ("wecom_enabled", "wecom_aes_key"),
    ("wecom_aibot_enabled", "wecom_aibot_aes_key"),
    ("dingtalk_events_enabled", "dingtalk_aes_key"),
)


def load_env_settings(
    overrides: Mapping[str, Any] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    env_file: str | Path | None = ENV_FILE,
) -> EnvSettings:
    """Settings from the environment (and `.env`), then from the Secrets Manager secret if one is named;
    `overrides` win over both, as in `load_settings`."""
    given = {key.lower(): value for key, value in (overrides or {}).items()}
    found = _from_environment(os.environ if environ is None else environ, env_file)
    settings = _build({**found, **given})
    if settings.qg_secrets_id:
        from_secret = {key.lower(): value for key, value in fetch_secret(settings.qg_secrets_id).items()}
        settings = _build({**found, **from_secret, **given})
    _check_aes_keys(settings)
    return settings


@lru_cache(maxsize=1)
def get_env_settings() -> EnvSettings:
    return load_env_settings()


def _from_environment(environ: Mapping[str, str], env_file: str | Path | None) -> dict[str, Any]:
    names = {spec.name for spec in FIELDS}
    values: dict[str, Any] = {}
    if env_file is not None and Path(env_file).is_file():
        from dotenv import dotenv_values  # lazily: deployed stages have no .env

        for key, value in dotenv_values(env_file, encoding="utf-8").items():
            if key.lower() in names:
                values[key.lower()] = value
    for key, value in environ.items():  # the environment wins over the file
        if key.lower() in names:
            values[key.lower()] = value
    return values


def _build(raw: Mapping[str, Any]) -> EnvSettings:
    values: dict[str, Any] = {}
    for spec in FIELDS:
        if spec.name not in raw:
            continue
        value = raw[spec.name]
        if isinstance(value, Secret):
            value = value.get_secret_value()
        if value is None:
            if not spec.optional:
                raise ValueError(f"{spec.name.upper()} must be a string, not null")
            values[spec.name] = None
            continue
        if not isinstance(value, str):
            raise ValueError(f"{spec.name.upper()} must be a string, not {type(value).__name__}")
        if spec.name == "qg_dispatch" and value not in DISPATCH_MODES:
            raise ValueError(f"QG_DISPATCH must be one of {', '.join(DISPATCH_MODES)}")
        values[spec.name] = Secret(value) if spec.secret else value
    return EnvSettings(**values)


def _check_aes_keys(settings: EnvSettings) -> None:
    for enabled, name in AES_KEYS:
        key = getattr(settings, name)
        if getattr(settings, enabled) and key is not None:
            check_aes_key(name.upper(), key.get_secret_value())


def check_aes_key(name: str, encoding_aes_key: str) -> None:
    """Refuse an EncodingAESKey that is not 43 base64 characters decoding to 32 bytes (as MsgCrypt does)."""
    try:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
    except binascii.Error as exc:
        raise ValueError(f"{name}: EncodingAESKey is not base64") from exc
    if len(key) != 32:
        raise ValueError(f"{name}: EncodingAESKey must decode to 32 bytes (43 characters)")


def fetch_secret(secret_id: str) -> dict[str, Any]:
    import boto3  # lazily: only deployed stages name a secret

    response = boto3.client("secretsmanager").get_secret_value(SecretId=secret_id)
    data = json.loads(response["SecretString"])
    if not isinstance(data, dict):
        raise ValueError("the QG_SECRETS_ID secret must be a JSON object")
    return data
