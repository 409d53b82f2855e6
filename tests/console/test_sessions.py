"""Sessions: a signed, HttpOnly, Secure, SameSite cookie naming a session kept on the server, revoked on
sign-out; CSRF tokens on every form; the dev login only where the local stack switches it on."""

from __future__ import annotations

from urllib.parse import quote

from tests.console.world import ADA, BOSS, T0, ConsoleWorld, console_world, uid


def test_the_session_cookie_is_http_only_secure_same_site_and_short_lived(world: ConsoleWorld) -> None:
    response = world.client.http.get(f"/console/dev-login?user={quote(uid(BOSS))}&next=/console")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie
    assert "Max-Age=3600" in cookie
    assert response.headers["Location"] == "/console"


def test_a_forged_cookie_is_no_session(world: ConsoleWorld) -> None:
    forged = "qg_console=" + "a" * 43 + "." + "0" * 32
    response = world.client.http.get("/console", headers={"Cookie": forged})
    assert response.status_code == 302 and response.headers["Location"].startswith("/console/login")


def test_a_session_ends_after_its_lifetime(world: ConsoleWorld) -> None:
    assert world.get("/console", BOSS).status_code == 200
    world.clock.advance(3601)
    assert world.get("/console", BOSS).status_code == 302


def test_sign_out_revokes_the_session_on_the_server(world: ConsoleWorld) -> None:
    cookie = world.sign_in(BOSS)
    response = world.post("/console/logout", BOSS, {"csrf": world.csrf(BOSS)})
    assert response.status_code == 302 and "Max-Age=0" in response.headers["Set-Cookie"]
    replayed = world.client.http.get("/console", headers={"Cookie": cookie})
    assert replayed.status_code == 302 and replayed.headers["Location"].startswith("/console/login")


def test_a_form_without_its_csrf_token_changes_nothing(world: ConsoleWorld) -> None:
    form = {"gid": "slack:T0CON:CA", "ref": "c-alpha-1", "kind": "case", "choice": "warn", "csrf": "0" * 32}
    assert world.post("/console/cases", ADA, form).status_code == 400
    assert world.store.get_item("GRP#slack:T0CON:CA", "CASE#c-alpha-1").data["state"] == "open"  # type: ignore[union-attr]


def test_next_never_leads_off_the_console(world: ConsoleWorld) -> None:
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = world.client.http.get(f"/console/dev-login?user={quote(uid(BOSS))}&next={quote(target)}")
        assert response.headers["Location"] == "/console"


def test_the_dev_login_is_not_found_unless_the_local_stack_opens_it() -> None:
    with console_world(qg_console_dev_login=False) as world:
        response = world.client.http.get(f"/console/dev-login?user={quote(uid(BOSS))}")
        assert response.status_code == 404
        assert "Set-Cookie" not in response.headers


def test_the_dev_login_takes_qualified_ids_only(world: ConsoleWorld) -> None:
    assert world.client.http.get("/console/dev-login?user=UBOSS").status_code == 400
    assert T0 > 0
