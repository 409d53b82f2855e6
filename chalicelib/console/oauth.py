"""Signing in to the console with the company's messenger: an OAuth 2 authorization-code flow per
platform, bound to the browser that started it.

`/console/login/<platform>` keeps a one-time `state` and `nonce` (`keys.console_login_pk`, ten minutes)
and puts the state in a cookie, then sends the browser to the vendor; `/console/callback/<platform>`
takes the code only with that same state, in that same browser, once, and asks the vendor who it is:

- Slack, Sign in with Slack (OpenID Connect): `openid.connect.token` answers an id_token whose `aud`,
  `iss`, `exp`, `nonce` and team are checked; it comes straight from Slack's token endpoint over TLS, which
  validates its issuer in place of its signature (OpenID Connect Core 1.0, 3.1.3.7 (6)).
  https://api.slack.com/authentication/sign-in-with-slack
- WeCom, web login of the self-built app (`wwlogin/sso/login`, login_type=CorpApp), then
  `auth/getuserinfo` with the app's access token and the code: the member's `userid`.
  https://developer.work.weixin.qq.com/document/path/98151 and /98176
- DingTalk, OAuth 2 (`login.dingtalk.com/oauth2/auth`, scope `openid corpid`): `oauth2/userAccessToken`
  gives the person's token and corp, `contact/users/me` their unionId, and `topapi/user/getbyunionid`
  (the app's token) their userid in the corp.
  https://open.dingtalk.com/document/orgapp/tutorial-obtaining-user-personal-information

Anything unexpected (a wrong state, a used code, another team or corp, a vendor error) sends the person
back to the sign-in page with a short reason, never a 500.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import requests

from chalicelib.console.auth import locale_of, sign_in
from chalicelib.console.roles import NotFound
from chalicelib.console.sessions import LOGIN_COOKIE, LOGIN_SECONDS, cookie_header, read_cookie
from chalicelib.console.settings import ConsoleSettings
from chalicelib.console.web import redirect, safe_next
from chalicelib.core.ids import user_id
from chalicelib.http import InboundRequest, Reply
from chalicelib.settings import secret
from chalicelib.store import keys
from chalicelib.store.records import Item

if TYPE_CHECKING:
    from chalicelib.console.entry import Console

TIMEOUT = 10


class SignInFailed(Exception):
    """The flow cannot finish; `reason` is shown on the sign-in page."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Person:
    uid: str
    name: str
    locale: str | None = None


def public_url(settings: ConsoleSettings, request: InboundRequest) -> str:
    """Where the console is reached: `QG_PUBLIC_URL` (set it in production), else this request's host."""
    if settings.qg_public_url:
        return settings.qg_public_url.rstrip("/")
    scheme = request.header("x-forwarded-proto") or "http"
    return f"{scheme}://{request.header('host') or '127.0.0.1'}"


def redirect_uri(settings: ConsoleSettings, request: InboundRequest, platform: str) -> str:
    return f"{public_url(settings, request)}/console/callback/{platform}"


def authorize_url(settings: ConsoleSettings, platform: str, *, redirect: str, state: str, nonce: str) -> str:
    if platform == "slack":
        query = {
            "response_type": "code",
            "scope": "openid profile",
            "client_id": settings.slack_client_id or "",
            "redirect_uri": redirect,
            "state": state,
            "nonce": nonce,
            **({"team": settings.slack_team_id} if settings.slack_team_id else {}),
        }
        return f"{settings.slack_oauth_base}/openid/connect/authorize?{urlencode(query)}"
    if platform == "wecom":
        query = {
            "login_type": "CorpApp",
            "appid": settings.wecom_corp_id or "",
            "agentid": settings.wecom_agent_id or "",
            "redirect_uri": redirect,
            "state": state,
        }
        return f"{settings.wecom_login_base}/wwlogin/sso/login?{urlencode(query)}"
    query = {
        "client_id": settings.dingtalk_app_key or "",
        "redirect_uri": redirect,
        "response_type": "code",
        "scope": "openid corpid",
        "state": state,
        "prompt": "consent",
    }
    return f"{settings.dingtalk_login_base}/oauth2/auth?{urlencode(query)}"


def start(console: Console, request: InboundRequest, params: Mapping[str, str]) -> Reply:
    """`/console/login/<platform>`: off to the vendor, with a fresh state and nonce."""
    platform = params.get("platform", "")
    settings = console.settings
    if platform not in settings.platforms:
        raise NotFound(platform)
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    now = console.deps.clock.now()
    data = {"platform": platform, "nonce": nonce, "next": safe_next(request.query.get("next"))}
    console.deps.store.put_item(
        Item(keys.console_login_pk(state), keys.CONSOLE_LOGIN_SK, data, expires_at=int(now) + LOGIN_SECONDS)
    )
    target = authorize_url(
        settings, platform, redirect=redirect_uri(settings, request, platform), state=state, nonce=nonce
    )
    return redirect(target, cookie=cookie_header(LOGIN_COOKIE, state, LOGIN_SECONDS))


def callback(console: Console, request: InboundRequest, params: Mapping[str, str]) -> Reply:
    """`/console/callback/<platform>`: the vendor's code, for this browser's state, into a session."""
    platform = params.get("platform", "")
    if platform not in console.settings.platforms:
        raise NotFound(platform)
    try:
        flow = _claim(console, request, platform)
        code = request.query.get("code") or request.query.get("authCode") or ""
        if not code:
            raise SignInFailed("no code")
        now = console.deps.clock.now()
        person = _identify(console.settings, request, platform, code, nonce=str(flow["nonce"]), now=now)
    except SignInFailed as failed:
        return redirect(f"/console/login?{urlencode({'failed': failed.reason})}")
    except (requests.RequestException, ValueError, KeyError, TypeError):
        return redirect(f"/console/login?{urlencode({'failed': platform + ' unreachable'})}")
    locale = locale_of(request, person.locale)
    return sign_in(
        console, uid=person.uid, name=person.name, locale=locale, via=platform, next_path=str(flow["next"])
    )


def _claim(console: Console, request: InboundRequest, platform: str) -> dict[str, Any]:
    """The flow this callback finishes: its state in the query and in this browser's cookie, used once."""
    state = request.query.get("state", "")
    if not state or not hmac.compare_digest(state, read_cookie(request.header("cookie"), LOGIN_COOKIE)):
        raise SignInFailed("state mismatch")
    store = console.deps.store
    pk = keys.console_login_pk(state)
    item = store.get_item(pk, keys.CONSOLE_LOGIN_SK)
    if item is None or item.data.get("platform") != platform:
        raise SignInFailed("expired")
    if not store.update_item(pk, keys.CONSOLE_LOGIN_SK, {"used": True}, expect={"used": None}):
        raise SignInFailed("used")
    return dict(item.data)


def _identify(
    settings: ConsoleSettings, request: InboundRequest, platform: str, code: str, *, nonce: str, now: float
) -> Person:
    if platform == "slack":
        return _slack(settings, request, code, nonce, now)
    if platform == "wecom":
        return _wecom(settings, code)
    return _dingtalk(settings, code)


def _slack(settings: ConsoleSettings, request: InboundRequest, code: str, nonce: str, now: float) -> Person:
    answer = requests.post(
        f"{settings.slack_oauth_base}/api/openid.connect.token",
        data={
            "client_id": settings.slack_client_id,
            "client_secret": secret(settings.slack_client_secret),
            "code": code,
            "redirect_uri": redirect_uri(settings, request, "slack"),
        },
        timeout=TIMEOUT,
    ).json()
    if not answer.get("ok"):
        raise SignInFailed(f"slack: {str(answer.get('error', 'refused'))[:40]}")
    claims = _claims(str(answer.get("id_token", "")))
    if claims.get("iss") != "https://slack.com" or claims.get("aud") != settings.slack_client_id:
        raise SignInFailed("slack: token not for this app")
    if not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
        raise SignInFailed("nonce mismatch")
    if float(claims.get("exp", 0)) < now:
        raise SignInFailed("slack: token expired")
    team = str(claims.get("https://slack.com/team_id", ""))
    user = str(claims.get("https://slack.com/user_id") or claims.get("sub") or "")
    if not team or not user or (settings.slack_team_id and team != settings.slack_team_id):
        raise SignInFailed("slack: another workspace")
    locale = claims.get("locale")
    return Person(
        user_id("slack", team, user), str(claims.get("name") or user), str(locale) if locale else None
    )


def _wecom(settings: ConsoleSettings, code: str) -> Person:
    base = settings.wecom_api_base
    corp = settings.wecom_corp_id or ""
    token = requests.get(
        f"{base}/gettoken",
        params={"corpid": corp, "corpsecret": secret(settings.wecom_secret)},
        timeout=TIMEOUT,
    ).json()
    if token.get("errcode", 0) != 0:
        raise SignInFailed(f"wecom: {token.get('errcode')}")
    info = requests.get(
        f"{base}/auth/getuserinfo",
        params={"access_token": token["access_token"], "code": code},
        timeout=TIMEOUT,
    ).json()
    if info.get("errcode", 0) != 0:
        raise SignInFailed(f"wecom: {info.get('errcode')}")
    user = str(info.get("userid") or "")
    if not user:  # an outsider gets an openid only: not a member of this corp
        raise SignInFailed("wecom: not a member")
    return Person(user_id("wecom", corp, user), user)


def _dingtalk(settings: ConsoleSettings, code: str) -> Person:
    corp = settings.dingtalk_corp_id or ""
    answer = requests.post(
        f"{settings.dingtalk_api_base}/v1.0/oauth2/userAccessToken",
        json={
            "clientId": settings.dingtalk_app_key,
            "clientSecret": secret(settings.dingtalk_app_secret),
            "code": code,
            "grantType": "authorization_code",
        },
        timeout=TIMEOUT,
    )
    grant = answer.json()
    if answer.status_code != 200 or not grant.get("accessToken"):
        raise SignInFailed(f"dingtalk: {str(grant.get('code', 'refused'))[:40]}")
    if grant.get("corpId") != corp:
        raise SignInFailed("dingtalk: another organisation")
    me = requests.get(
        f"{settings.dingtalk_api_base}/v1.0/contact/users/me",
        headers={"x-acs-dingtalk-access-token": str(grant["accessToken"])},
        timeout=TIMEOUT,
    ).json()
    union = str(me.get("unionId") or "")
    if not union:
        raise SignInFailed("dingtalk: no user")
    oapi = settings.dingtalk_oapi_base
    app = requests.get(
        f"{oapi}/gettoken",
        params={"appkey": settings.dingtalk_app_key, "appsecret": secret(settings.dingtalk_app_secret)},
        timeout=TIMEOUT,
    ).json()
    if app.get("errcode", 0) != 0:
        raise SignInFailed(f"dingtalk: {app.get('errcode')}")
    found = requests.post(
        f"{oapi}/topapi/user/getbyunionid",
        params={"access_token": app["access_token"]},
        json={"unionid": union},
        timeout=TIMEOUT,
    ).json()
    user = str((found.get("result") or {}).get("userid") or "")
    if found.get("errcode", 0) != 0 or not user:
        raise SignInFailed("dingtalk: not a member")
    return Person(user_id("dingtalk", corp, user), str(me.get("nick") or user))


def _claims(token: str) -> dict[str, Any]:
    parts = token.split(".")
    if len(parts) != 3:
        raise SignInFailed("slack: no id_token")
    try:
        payload = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4))
        claims = json.loads(payload)
    except (binascii.Error, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SignInFailed("slack: unreadable id_token") from exc
    if not isinstance(claims, dict):
        raise SignInFailed("slack: unreadable id_token")
    return claims
