"""Typed settings, read from the environment (or a `.env` file; the environment wins) at first use.

A platform whose settings are absent is switched off: its routes answer 404 and the others work. In
production, `QG_SECRETS_ID` names a Secrets Manager secret (a JSON object keyed by the same names) that
overrides the environment; it is fetched once per Lambda container.

The ingress path reads the same fields without pydantic (`chalicelib.envsettings.EnvSettings`, checked
against this model by tests/test_settings_light.py): add or change a field in both.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Literal

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from chalicelib.envsettings import PlatformSwitches
from chalicelib.envsettings import fetch_secret as _fetch_secret

Dispatch = Literal["sqs", "inline"]


class Settings(BaseSettings, PlatformSwitches):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # Slack app
    slack_signing_secret: SecretStr | None = None
    slack_bot_token: SecretStr | None = None
    slack_admin_user_token: SecretStr | None = None
    slack_api_base: str = "https://slack.com/api"

    # WeCom self-built app
    wecom_corp_id: str | None = None
    wecom_agent_id: str | None = None
    wecom_secret: SecretStr | None = None
    wecom_token: SecretStr | None = None
    wecom_aes_key: SecretStr | None = None
    # WeCom AI bot (智能机器人)
    wecom_aibot_token: SecretStr | None = None
    wecom_aibot_aes_key: SecretStr | None = None
    wecom_api_base: str = "https://qyapi.weixin.qq.com/cgi-bin"
    # WeCom message archive (会话内容存档): its own secret, the RSA private keys by publickey_ver (JSON),
    # and the company's libWeWorkFinanceSdk_C.so (a Lambda layer under /opt). All three: every message.
    wecom_archive_secret: SecretStr | None = None
    wecom_archive_private_keys: SecretStr | None = None
    wecom_finance_sdk_path: str | None = None

    # DingTalk app
    dingtalk_app_key: str | None = None
    # The one corp (dingxxxx) this internal app belongs to: robot and card callbacks naming another are
    # refused. Required for the robot and card routes.
    dingtalk_corp_id: str | None = None
    dingtalk_app_secret: SecretStr | None = None
    dingtalk_robot_code: str | None = None
    dingtalk_token: SecretStr | None = None
    dingtalk_aes_key: SecretStr | None = None
    dingtalk_card_secret: SecretStr | None = None
    # The interactive-card template built in DingTalk's card platform, and the callback route key
    # registered with /v1.0/card/callbacks/register (callbackUrl = <stage URL>/dingtalk/cards).
    dingtalk_card_template_id: str | None = None
    dingtalk_card_route_key: str = "qunguan"
    # The scene-group template the bot creates groups from (`/qg create` on DingTalk).
    dingtalk_scene_template_id: str | None = None
    dingtalk_api_base: str = "https://api.dingtalk.com"
    dingtalk_oapi_base: str = "https://oapi.dingtalk.com"
    # "on": pull the 专属钉钉 edition's external-group audit (needs the app key, secret and corp id)
    dingtalk_audit: str | None = None

    # AWS resources and behaviour
    qg_table_name: str = "qunguan"
    qg_queue_url: str | None = None
    qg_dispatch: Dispatch = "sqs"
    qg_archive_bucket: str | None = None
    qg_secrets_id: str | None = None
    qg_default_locale: str = "zh-CN"
    # Signs the context carried on card buttons (group, case); derived from the platform secrets if unset.
    qg_card_signing_key: SecretStr | None = None
    # Keys the hashes of work e-mails and mobiles that link one person's identities across platforms
    # (chalicelib.persons.contacts); unset, identities are linked only by an admin's confirmed link.
    qg_person_key: SecretStr | None = None
    # Where members reach the API (the stage URL, or a custom domain): file links are `<this>/files/...`.
    qg_public_url: str | None = None
    qg_log_level: str = "INFO"


def secret(value: SecretStr | None) -> str:
    """The plain value of an optional secret ("" when unset). Call only where the value is used."""
    return value.get_secret_value() if value is not None else ""


def load_settings(overrides: dict[str, Any] | None = None) -> Settings:
    """Settings from the environment, then from the Secrets Manager secret if one is named."""
    settings = Settings(**(overrides or {}))
    if settings.qg_secrets_id:
        from_secret = _fetch_secret(settings.qg_secrets_id)
        settings = Settings(**{**{k.lower(): v for k, v in from_secret.items()}, **(overrides or {})})
    return settings


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
