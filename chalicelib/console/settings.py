"""The console's own settings, read from the environment (or `.env`) beside `chalicelib.settings`.

Sign-in needs, per platform, an OAuth client: Slack's app client id and secret (Sign in with Slack), the
WeCom self-built app's corp id and agent id (its secret is the app's, `WECOM_SECRET`), DingTalk's app key
and secret (`DINGTALK_APP_KEY` / `DINGTALK_APP_SECRET`). The vendors' base URLs are settings so that tests
and the local stack point them at fakes (`local/fakes/oauth.py`). `QG_CONSOLE_DEV_LOGIN` is set by the
local stack only: it opens `/console/dev-login`, which answers 404 everywhere else. In production the
secret of `QG_SECRETS_ID` overrides the environment, as for the bot's own settings.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class ConsoleSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # Signs session cookies; derived from the card signing key (or the platform secrets) when unset.
    qg_console_session_key: SecretStr | None = None
    qg_console_session_minutes: int = Field(default=60, ge=5, le=12 * 60)
    qg_console_dev_login: bool = False
    # The worker's dead-letter queue: its depth on the jobs page, and its replay for owners.
    qg_dlq_url: str | None = None
    # Where the console is reached (the stage URL or a custom domain): the OAuth redirect URLs start here.
    qg_public_url: str | None = None
    qg_secrets_id: str | None = None

    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    slack_oauth_base: str = "https://slack.com"  # /openid/connect/authorize, /api/openid.connect.token
    slack_team_id: str | None = None  # sign in to this workspace only

    wecom_corp_id: str | None = None
    wecom_agent_id: str | None = None
    wecom_secret: SecretStr | None = None
    wecom_login_base: str = "https://login.work.weixin.qq.com"  # /wwlogin/sso/login
    wecom_api_base: str = "https://qyapi.weixin.qq.com/cgi-bin"  # /gettoken, /auth/getuserinfo

    dingtalk_app_key: str | None = None
    dingtalk_app_secret: SecretStr | None = None
    dingtalk_corp_id: str | None = None  # the tenant of people who sign in with DingTalk
    dingtalk_login_base: str = "https://login.dingtalk.com"  # /oauth2/auth
    dingtalk_api_base: str = "https://api.dingtalk.com"  # /v1.0/oauth2/userAccessToken, /v1.0/contact/...
    dingtalk_oapi_base: str = "https://oapi.dingtalk.com"  # /gettoken, /topapi/user/getbyunionid

    @property
    def platforms(self) -> tuple[str, ...]:
        """The platforms people can sign in with here, in the order the login page lists them."""
        found = []
        if self.slack_client_id and self.slack_client_secret:
            found.append("slack")
        if self.wecom_corp_id and self.wecom_agent_id and self.wecom_secret:
            found.append("wecom")
        if self.dingtalk_app_key and self.dingtalk_app_secret and self.dingtalk_corp_id:
            found.append("dingtalk")
        return tuple(found)


@lru_cache(maxsize=1)
def load_console_settings() -> ConsoleSettings:
    """From the environment, then from the Secrets Manager secret of `QG_SECRETS_ID` (which wins), as
    `chalicelib.settings.load_settings` reads the bot's."""
    settings = ConsoleSettings()
    if settings.qg_secrets_id:
        from chalicelib.envsettings import fetch_secret

        from_secret = {key.lower(): value for key, value in fetch_secret(settings.qg_secrets_id).items()}
        settings = ConsoleSettings(**from_secret)
    return settings
