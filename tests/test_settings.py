"""Settings come from the environment or `.env`, the environment winning; a platform without its
settings is switched off."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib.settings import Settings, secret


def test_the_environment_wins_over_the_dotenv_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("QG_TABLE_NAME=from-file\nSLACK_SIGNING_SECRET=file-secret\n")
    monkeypatch.setenv("QG_TABLE_NAME", "from-env")
    settings = Settings(_env_file=env_file)
    assert settings.qg_table_name == "from-env"
    assert secret(settings.slack_signing_secret) == "file-secret"


def test_platforms_without_settings_are_off(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SLACK_SIGNING_SECRET", "WECOM_CORP_ID", "DINGTALK_APP_SECRET"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=None)
    assert not (settings.slack_enabled or settings.wecom_enabled or settings.dingtalk_robot_enabled)


def test_secrets_never_show_in_the_settings_repr() -> None:
    settings = Settings(_env_file=None, slack_signing_secret="s3cr3t-value")
    assert "s3cr3t-value" not in repr(settings)
