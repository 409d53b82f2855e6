"""A real browser on the console: headless Chromium from the Debian packages, driven by Playwright with
the system browser (never a browser of Playwright's own). It signs in through each platform's fake OAuth
flow, opens every page, acts on a case, and finds no error in the browser's console (a CSP violation is
one); the main pages are saved as screenshots in docs/.

Skipped, with the reason, only where no Chromium can be had (`apt-get install chromium`; CI installs it).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from chalicelib.membership.repository import MembershipRepo
from chalicelib.moderation.cases import CaseRepo
from local.fakes import oauth
from local.fakes.server import FakeMessengers
from tests.console.showcase import populate
from tests.console.world import BOSS, CA, TEAM, ConsoleWorld, console_world, gid, path_of, uid

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# `make screenshots` saves them into docs/ (QG_CONSOLE_SCREENSHOTS=docs); otherwise a temporary folder.
SCREENSHOTS = os.environ.get("QG_CONSOLE_SCREENSHOTS", "")
PAGES = (
    "/console",
    "/console/groups",
    path_of(CA),
    "/console/cases",
    "/console/policy",
    "/console/assessments",
    "/console/audit",
    "/console/files",
    "/console/jobs",
    "/console/me",
    "/console/people/slack%3AT0CON%3AUMIA",
)
SHOTS = {"/console": "overview", path_of(CA): "group", "/console/cases": "cases", "/console/policy": "policy"}

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (requirements-dev.txt)"
)
if CHROMIUM is None:
    pytest.skip(
        "no Chromium on this machine: apt-get install -y chromium chromium-driver", allow_module_level=True
    )


@dataclass
class Served:
    url: str
    world: ConsoleWorld
    oauth: oauth.OAuthFake


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """`chalice local`'s server around the real app, in this process (it reads the deps the test sets)."""
    from chalice.config import Config
    from chalice.local import create_local_server

    import app as application

    local = create_local_server(application.app, Config.create(app_name="qunguan"), "127.0.0.1", 0)
    thread = threading.Thread(target=local.server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{local.server.server_address[1]}"
    local.shutdown()


@pytest.fixture
def served(fake: FakeMessengers, server: str) -> Iterator[Served]:
    fake_oauth = oauth.register(fake)
    fake_oauth.slack_team = TEAM
    url = server
    settings = {
        "qg_public_url": url,
        "slack_client_id": "123.456",
        "slack_client_secret": "slack-client-secret",
        "wecom_corp_id": "wwdemocorp0001",
        "wecom_agent_id": "1000002",
        "wecom_secret": "wecom-app-secret",
        "dingtalk_app_key": "dingdemoappkey",
        "dingtalk_app_secret": "demo-dingtalk-app-secret",
        "dingtalk_corp_id": fake_oauth.dingtalk_corp,
        **fake_oauth.settings(),
    }
    try:
        with console_world(**settings) as world:
            populate(world)
            yield Served(url, world, fake_oauth)
    finally:
        fake_oauth.slack_team = oauth.SLACK_TEAM


@dataclass
class Browser:
    page: Any
    errors: list[str] = field(default_factory=list)


@pytest.fixture
def browser() -> Iterator[Browser]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = chromium.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
        page = context.new_page()
        opened = Browser(page)
        page.on(
            "console", lambda message: opened.errors.append(message.text) if message.type == "error" else None
        )
        page.on("pageerror", lambda error: opened.errors.append(str(error)))
        page.on(
            "response",
            lambda response: (
                opened.errors.append(f"{response.status} {response.url}") if response.status >= 400 else None
            ),
        )
        try:
            yield opened
        finally:
            chromium.close()


def sign_in(browser: Browser, served: Served, platform: str, user: str) -> None:
    page = browser.page
    page.context.clear_cookies()
    page.goto(f"{served.url}/console/login")
    page.click(f"a.platform-{platform}")
    page.fill("#user", user)
    page.click("#approve")
    page.wait_for_load_state()


def test_an_owner_signs_in_with_slack_sees_every_page_and_acts_on_a_case(
    served: Served, browser: Browser, tmp_path: Path
) -> None:
    shots = Path(SCREENSHOTS) if SCREENSHOTS else tmp_path
    sign_in(browser, served, "slack", BOSS)
    page = browser.page
    assert page.url.startswith(f"{served.url}/console")
    for path in PAGES:
        response = page.goto(served.url + path)
        assert response is not None and response.status == 200, path
        assert page.locator("main h1").count() == 1, path
        if path in SHOTS:
            if path == "/console/policy":
                page.fill("textarea[name=patch]", "rules.flood.max_messages=6\nappeal_days=14")
                page.wait_for_selector("#check .diffs li")
            page.screenshot(path=str(shots / f"console-{SHOTS[path]}.png"), full_page=True)
    assert browser.errors == []


def test_an_admin_handles_a_case_from_the_queue_once(served: Served, browser: Browser) -> None:
    sign_in(browser, served, "slack", "UADA")
    page = browser.page
    page.goto(f"{served.url}/console/cases")
    page.click("#case-c-alpha-1 button[value=warn]")
    page.wait_for_selector("p.notice[role=status]")
    case = CaseRepo(served.world.store).get(gid(CA), "c-alpha-1")
    assert case is not None and case.state == "warned"
    assert page.locator("#case-c-alpha-1").count() == 0  # handled: out of the queue
    assert browser.errors == []


@pytest.mark.parametrize(("platform", "user"), [("wecom", "zhangsan"), ("dingtalk", "lisi")])
def test_a_member_signs_in_with_wecom_or_dingtalk_and_reaches_their_page(
    served: Served, browser: Browser, platform: str, user: str
) -> None:
    sign_in(browser, served, platform, user)
    assert browser.page.url == f"{served.url}/console/me"
    assert browser.page.locator("main h1").inner_text() == "我的"
    assert browser.errors == []


def test_an_admin_previews_a_draft_reads_a_group_and_approves_a_join_request(
    served: Served, browser: Browser, tmp_path: Path
) -> None:
    shots = Path(SCREENSHOTS) if SCREENSHOTS else tmp_path
    sign_in(browser, served, "slack", "UADA")
    page = browser.page
    page.goto(served.url + path_of(CA))
    page.wait_for_selector("article.announcement")
    page.wait_for_selector("#group-files tbody tr >> nth=19")
    page.click("#group-files a.older")
    page.wait_for_selector("#group-files a.newest")
    page.goto(f"{served.url}/console/policy")
    page.fill("#patch", "rules.ads.mode=shadow")
    page.fill("textarea[name=samples]", "限时优惠，加微信 abc123 领取")
    page.click("form[action='/console/policy/test'] button")
    page.wait_for_selector("#trial table.trial-results")
    page.screenshot(path=str(shots / "console-policy-test.png"), full_page=True)
    page.goto(f"{served.url}/console/cases")
    page.click("tr[id^=request-join] button[value=approve]")
    page.wait_for_selector("p.notice[role=status]")
    request = MembershipRepo(served.world.store).request(gid(CA), uid("UNEW"))
    assert request is not None and request.status == "approved"
    assert page.locator("tr[id^=request-join]").count() == 0
    assert browser.errors == []


def test_an_owner_finds_a_group_beyond_the_picker_by_typing_its_name_and_opens_it_by_keyboard(
    served: Served, browser: Browser
) -> None:
    for n in range(60):
        served.world.group(f"CT{n:02d}", f"Team {n:02d}", admins=(BOSS,))
    served.world.group("CZ", "Zeta ops", admins=(BOSS,))
    sign_in(browser, served, "slack", BOSS)
    page = browser.page
    page.goto(f"{served.url}/console/files")
    assert page.locator("select[name=group] option", has_text="Zeta ops").count() == 0

    page.locator("input[name=find]").press_sequentially("zet")  # as typed: htmx asks /console/pick
    page.wait_for_selector("#picker-found a:text('Zeta ops')")
    assert page.url == f"{served.url}/console/files"  # the list came in place, the page did not reload
    page.keyboard.press("Tab")  # the search button
    page.keyboard.press("Tab")  # the first match
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.url == f"{served.url}/console/files?group=slack%3AT0CON%3ACZ"
    assert page.locator("select[name=group] option:checked").inner_text() == "Zeta ops"
    assert browser.errors == []
