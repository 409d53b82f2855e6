"""Sign-in through each platform's OAuth flow, against the vendors' fakes (`local/fakes/oauth.py`):
the state is this browser's and used once, Slack's nonce and audience are checked, a person of another
workspace or corp is turned away, and every failure lands on the sign-in page with a reason."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from local.fakes import oauth
from local.fakes.server import FakeMessengers
from tests.console.world import ConsoleWorld, console_world

PUBLIC = "https://console.example"


@pytest.fixture
def fake_oauth(fake: FakeMessengers) -> oauth.OAuthFake:
    return oauth.register(fake)


def credentials(fake_oauth: oauth.OAuthFake, **overrides: str) -> dict[str, str]:
    return {
        "qg_public_url": PUBLIC,
        "slack_client_id": "123.456",
        "slack_client_secret": "slack-client-secret",
        "wecom_corp_id": "wwdemocorp0001",
        "wecom_agent_id": "1000002",
        "wecom_secret": "wecom-app-secret",
        "dingtalk_app_key": "dingdemoappkey",
        "dingtalk_app_secret": "demo-dingtalk-app-secret",
        "dingtalk_corp_id": fake_oauth.dingtalk_corp,
        **fake_oauth.settings(),
        **overrides,
    }


@pytest.fixture
def signing(fake_oauth: oauth.OAuthFake) -> Iterator[ConsoleWorld]:
    with console_world(**credentials(fake_oauth)) as world:
        yield world


def fetch(url: str) -> tuple[int, dict[str, str], str]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.netloc, timeout=5)
    connection.request("GET", f"{parts.path}?{parts.query}")
    response = connection.getresponse()
    return response.status, dict(response.getheaders()), response.read().decode()


def consent(authorize: str, user: str, **tamper: str) -> str:
    """What the person does at the vendor: the sign-in page, then "sign in as `user`"; the callback URL."""
    status, _, page = fetch(authorize)
    assert status == 200 and "<form" in page
    parts = urlsplit(authorize)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()} | {"user": user} | tamper
    status, headers, _ = fetch(f"{parts.scheme}://{parts.netloc}{parts.path}/approve?{urlencode(query)}")
    assert status == 302
    return headers["Location"]


def begin(world: ConsoleWorld, platform: str, next_path: str = "/console/me") -> tuple[str, str]:
    """The console's sign-in link followed: (where the vendor is, the login cookie)."""
    response = world.client.http.get(f"/console/login/{platform}?next={next_path}")
    assert response.status_code == 302
    return response.headers["Location"], response.headers["Set-Cookie"].split(";", 1)[0]


def finish(world: ConsoleWorld, callback: str, cookie: str) -> tuple[str, str]:
    assert callback.startswith(PUBLIC)
    response = world.client.http.get(callback.removeprefix(PUBLIC), headers={"Cookie": cookie})
    assert response.status_code == 302
    return response.headers["Location"], response.headers.get("Set-Cookie", "")


def signed_in_as(world: ConsoleWorld, session_cookie: str) -> str:
    session = world.console.sessions.find(session_cookie.split(";", 1)[0], world.clock.now())
    return session.uid if session else ""


@pytest.mark.parametrize(
    ("platform", "user", "uid"),
    [
        ("slack", "UADA", f"slack:{oauth.SLACK_TEAM}:UADA"),
        ("wecom", "zhangsan", "wecom:wwdemocorp0001:zhangsan"),
        ("dingtalk", "lisi", f"dingtalk:{oauth.DINGTALK_CORP}:lisi"),
    ],
)
def test_each_platform_signs_a_person_in_through_its_oauth_flow(
    signing: ConsoleWorld, platform: str, user: str, uid: str
) -> None:
    authorize, cookie = begin(signing, platform, "/console/cases")
    where, session = finish(signing, consent(authorize, user), cookie)
    assert where == "/console/cases"
    assert signed_in_as(signing, session) == uid


def test_the_login_page_offers_each_platform_switched_on(signing: ConsoleWorld) -> None:
    body = signing.client.http.get("/console/login", headers={"Accept-Language": "en"}).body.decode()
    for platform in ("slack", "wecom", "dingtalk"):
        assert f"/console/login/{platform}?next=" in body


def test_a_callback_in_another_browser_is_refused(signing: ConsoleWorld) -> None:
    authorize, _ = begin(signing, "slack")
    where, session = finish(signing, consent(authorize, "UADA"), "qg_console_login=someone-elses")
    assert where.startswith("/console/login?failed=state") and not session


def test_a_callback_is_used_once(signing: ConsoleWorld) -> None:
    authorize, cookie = begin(signing, "wecom")
    callback = consent(authorize, "zhangsan")
    assert finish(signing, callback, cookie)[0] == "/console/me"
    where, session = finish(signing, callback, cookie)
    assert where.startswith("/console/login?failed=used") and not session


def test_a_slack_id_token_with_another_nonce_is_refused(signing: ConsoleWorld) -> None:
    authorize, cookie = begin(signing, "slack")
    where, session = finish(signing, consent(authorize, "UADA", nonce="replayed-nonce"), cookie)
    assert where.startswith("/console/login?failed=nonce") and not session


def test_a_person_of_another_slack_workspace_is_turned_away(fake_oauth: oauth.OAuthFake) -> None:
    with console_world(**credentials(fake_oauth, slack_team_id="T0THEIRS")) as world:
        authorize, cookie = begin(world, "slack")
        where, session = finish(world, consent(authorize, "UADA"), cookie)
        assert where.startswith("/console/login?failed=slack") and not session


def test_a_person_of_another_dingtalk_corp_is_turned_away(fake_oauth: oauth.OAuthFake) -> None:
    with console_world(**credentials(fake_oauth, dingtalk_corp_id="dingothercorp")) as world:
        authorize, cookie = begin(world, "dingtalk")
        where, session = finish(world, consent(authorize, "lisi"), cookie)
        assert where.startswith("/console/login?failed=dingtalk") and not session


def test_a_platform_not_switched_on_has_no_sign_in(fake_oauth: oauth.OAuthFake) -> None:
    with console_world(**credentials(fake_oauth, slack_client_id="")) as world:
        assert world.client.http.get("/console/login/slack").status_code == 404
        assert world.client.http.get("/console/callback/slack?code=x&state=y").status_code == 404


def test_the_redirect_url_to_register_is_the_public_url_and_the_platform(signing: ConsoleWorld) -> None:
    for platform in ("slack", "wecom", "dingtalk"):
        authorize, _ = begin(signing, platform)
        query = parse_qs(urlsplit(authorize).query)
        assert query["redirect_uri"] == [f"{PUBLIC}/console/callback/{platform}"]
