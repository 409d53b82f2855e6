"""`import app` stays light: no boto3, no pydantic, no requests, no lexicon, no network at import."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("boto3", "botocore", "pydantic", "requests", "ahocorasick", "yaml", "cryptography", "re2", "jinja2")


def test_importing_the_app_loads_no_heavy_module() -> None:
    code = f"import sys, app; print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})))"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == ""


def test_the_app_declares_every_route_of_the_contract() -> None:
    import app

    paths = set(app.app.routes)
    assert paths == {
        "/healthz",
        "/slack/events",
        "/slack/interactions",
        "/slack/commands",
        "/wecom/callback",
        "/wecom/aibot",
        "/dingtalk/robot",
        "/dingtalk/events",
        "/dingtalk/cards",
        "/files/{token}",
        "/console",
        "/console/login",
        "/console/login/{platform}",
        "/console/callback/{platform}",
        "/console/logout",
        "/console/dev-login",
        "/console/static/{name}",
        "/console/groups",
        "/console/groups/{gid}",
        "/console/groups/{gid}/announcements",
        "/console/groups/{gid}/files",
        "/console/cases",
        "/console/pick",
        "/console/policy",
        "/console/policy/check",
        "/console/policy/test",
        "/console/assessments",
        "/console/audit",
        "/console/audit/export",
        "/console/files",
        "/console/jobs",
        "/console/jobs/dry-run",
        "/console/people/{uid}",
        "/console/me",
    }
    assert set(app.app.routes["/wecom/callback"]) == {"GET", "POST"}
    assert set(app.app.routes["/files/{token}"]) == {"GET", "POST"}
