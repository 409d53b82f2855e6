"""The sign-in side of the messengers, for the web console: each platform's authorize page and the calls
that turn its code into a person, on the recording fake (`local.fakes.server`).

    Slack (Sign in with Slack, OpenID Connect)
        GET  /slack/openid/connect/authorize    client_id, redirect_uri, state, nonce, scope=openid ...
        POST /slack/api/openid.connect.token    client_id, client_secret, code, redirect_uri -> id_token
    WeCom (web login of a self-built app)
        GET  /wecom-login/wwlogin/sso/login     login_type=CorpApp, appid, agentid, redirect_uri, state
        GET  /wecom/cgi-bin/auth/getuserinfo    access_token, code -> userid
    DingTalk (OAuth 2)
        GET  /dingtalk-login/oauth2/auth        client_id, redirect_uri, state, scope, response_type=code
        POST /dingtalk/v1.0/oauth2/userAccessToken       {clientId, clientSecret, code, grantType}
        GET  /dingtalk/v1.0/contact/users/me             x-acs-dingtalk-access-token -> unionId, nick
        POST /dingtalk-oapi/topapi/user/getbyunionid     access_token, {unionid} -> result.userid

An authorize page is a small form ("sign in as"): submitting it (`.../approve?user=...`) redirects back
with a one-time code, as the vendor does after the person consents. A code works once, for the client it
was issued to; the Slack id_token carries the nonce it was asked with (unsigned: the console takes it
from the token endpoint over TLS, OpenID Connect Core 3.1.3.7 (6)).
"""

from __future__ import annotations

import base64
import html
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from local.fakes.server import Answer, Call, FakeMessengers

SLACK_TEAM = "T0QGDEMO"
DINGTALK_CORP = "dingdemocorp"


@dataclass
class Grant:
    platform: str
    client: str
    user: str
    nonce: str = ""
    redirect_uri: str = ""


@dataclass
class OAuthFake:
    fake: FakeMessengers
    slack_team: str = SLACK_TEAM
    dingtalk_corp: str = DINGTALK_CORP
    names: dict[str, str] = field(default_factory=dict)  # user -> display name
    _codes: dict[str, Grant] = field(default_factory=dict)
    _tokens: dict[str, Grant] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def settings(self) -> dict[str, str]:
        """The console settings that point its sign-in at this fake."""
        url = self.fake.url
        return {
            "slack_oauth_base": f"{url}/slack",
            "wecom_login_base": f"{url}/wecom-login",
            "wecom_api_base": f"{url}/wecom/cgi-bin",
            "dingtalk_login_base": f"{url}/dingtalk-login",
            "dingtalk_api_base": f"{url}/dingtalk",
            "dingtalk_oapi_base": f"{url}/dingtalk-oapi",
        }

    # Authorize pages ---------------------------------------------------------------------------------
    def _page(self, call: Call, platform: str, client: str) -> Answer:
        query = call.query
        if not client or not query.get("redirect_uri") or not query.get("state"):
            return Answer(400, {"error": "client_id, redirect_uri and state are required"})
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in query.items()
        )
        page = (
            "<!doctype html><html><head><meta charset='utf-8'><link rel='icon' href='data:,'>"
            f"<title>{platform} sign-in (fake)</title></head><body>"
            f"<form method='get' action='{call.path}/approve'>{hidden}"
            f"<label>User <input name='user' id='user' required></label>"
            f"<button id='approve'>Sign in</button></form></body></html>"
        )
        return Answer(200, page.encode(), {"Content-Type": "text/html; charset=utf-8"})

    def _approve(self, call: Call, platform: str, client: str, code_name: str) -> Answer:
        query = call.query
        user = query.get("user", "")
        if not user or not client:
            return Answer(400, {"error": "user and client are required"})
        code = secrets.token_urlsafe(16)
        with self._lock:
            self._codes[code] = Grant(platform, client, user, query.get("nonce", ""), query["redirect_uri"])
        target = f"{query['redirect_uri']}?{urlencode({code_name: code, 'state': query['state']})}"
        return Answer(302, b"", {"Location": target, "Content-Type": "text/plain"})

    def _take(self, code: str, platform: str, client: str) -> Grant | None:
        with self._lock:
            grant = self._codes.pop(code, None)
        return grant if grant is not None and (grant.platform, grant.client) == (platform, client) else None

    def _token_for(self, grant: Grant) -> str:
        token = f"fake-user-token-{secrets.token_hex(8)}"
        with self._lock:
            self._tokens[token] = grant
        return token

    # Slack -------------------------------------------------------------------------------------------
    def slack_authorize(self, call: Call) -> Answer:
        client = call.query.get("client_id", "")
        if call.path.endswith("/approve"):
            return self._approve(call, "slack", client, "code")
        return self._page(call, "slack", client)

    def slack_token(self, call: Call) -> Answer:
        body: dict[str, Any] = call.body if isinstance(call.body, dict) else {}
        grant = self._take(str(body.get("code", "")), "slack", str(body.get("client_id", "")))
        if grant is None or not body.get("client_secret") or body.get("redirect_uri") != grant.redirect_uri:
            return Answer(200, {"ok": False, "error": "invalid_code"})
        now = int(time.time())
        claims = {
            "iss": "https://slack.com",
            "sub": grant.user,
            "aud": grant.client,
            "exp": now + 3600,
            "iat": now,
            "auth_time": now,
            "nonce": grant.nonce,
            "https://slack.com/user_id": grant.user,
            "https://slack.com/team_id": self.slack_team,
            "name": self.names.get(grant.user, grant.user),
            "locale": "en-US",
        }
        return Answer(
            200,
            {
                "ok": True,
                "access_token": self._token_for(grant),
                "token_type": "Bearer",
                "id_token": _jwt(claims),
            },
        )

    # WeCom -------------------------------------------------------------------------------------------
    def wecom_login(self, call: Call) -> Answer:
        client = call.query.get("appid", "") if call.query.get("login_type") == "CorpApp" else ""
        if call.path.endswith("/approve"):
            return self._approve(call, "wecom", client, "code")
        return self._page(call, "wecom", client)

    def wecom_userinfo(self, call: Call) -> Answer:
        if not call.query.get("access_token"):
            return Answer(200, {"errcode": 41001, "errmsg": "access_token missing"})
        with self._lock:
            grant = self._codes.pop(call.query.get("code", ""), None)
        if grant is None or grant.platform != "wecom":
            return Answer(200, {"errcode": 40029, "errmsg": "invalid code"})
        return Answer(200, {"errcode": 0, "errmsg": "ok", "userid": grant.user})

    # DingTalk ----------------------------------------------------------------------------------------
    def dingtalk_auth(self, call: Call) -> Answer:
        client = call.query.get("client_id", "") if call.query.get("response_type") == "code" else ""
        if call.path.endswith("/approve"):
            return self._approve(call, "dingtalk", client, "authCode")
        return self._page(call, "dingtalk", client)

    def dingtalk_user_token(self, call: Call) -> Answer:
        body: dict[str, Any] = call.body if isinstance(call.body, dict) else {}
        grant = self._take(str(body.get("code", "")), "dingtalk", str(body.get("clientId", "")))
        if grant is None or not body.get("clientSecret") or body.get("grantType") != "authorization_code":
            return Answer(400, {"code": "invalidAuthCode", "message": "无效的授权码"})
        return Answer(
            200,
            {
                "accessToken": self._token_for(grant),
                "refreshToken": secrets.token_hex(8),
                "expireIn": 7200,
                "corpId": self.dingtalk_corp,
            },
        )

    def dingtalk_me(self, call: Call) -> Answer:
        with self._lock:
            grant = self._tokens.get(call.headers.get("x-acs-dingtalk-access-token", ""))
        if grant is None:
            return Answer(401, {"code": "InvalidAuthentication", "message": "不合法的access_token"})
        return Answer(
            200,
            {
                "nick": self.names.get(grant.user, grant.user),
                "unionId": f"union-{grant.user}",
                "openId": f"open-{grant.user}",
                "stateCode": "86",
            },
        )

    def dingtalk_by_union(self, call: Call) -> Answer:
        body: dict[str, Any] = call.body if isinstance(call.body, dict) else {}
        union = str(body.get("unionid", ""))
        if not call.query.get("access_token") or not union.startswith("union-"):
            return Answer(200, {"errcode": 60121, "errmsg": "找不到该用户"})
        return Answer(200, {"errcode": 0, "errmsg": "ok", "result": {"contact_type": 0, "userid": union[6:]}})


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _jwt(claims: dict[str, Any]) -> str:
    header = {"alg": "RS256", "typ": "JWT", "kid": "fake"}
    parts = [_b64(json.dumps(part).encode()) for part in (header, claims)]
    return ".".join([*parts, _b64(b"fake-signature")])


_REGISTERED: dict[int, OAuthFake] = {}


def register(fake: FakeMessengers) -> OAuthFake:
    """Add the sign-in routes to a fake (once per fake); the object that says how to point the console at
    them."""
    if id(fake) in _REGISTERED:
        return _REGISTERED[id(fake)]
    oauth = _REGISTERED[id(fake)] = OAuthFake(fake)
    fake.route("/slack/openid/connect/authorize", oauth.slack_authorize)
    fake.route("/slack/api/openid.connect.token", oauth.slack_token)
    fake.route("/wecom-login/wwlogin/sso/login", oauth.wecom_login)
    fake.route("/wecom/cgi-bin/auth/getuserinfo", oauth.wecom_userinfo)
    fake.route("/dingtalk-login/oauth2/auth", oauth.dingtalk_auth)
    fake.route("/dingtalk/v1.0/oauth2/userAccessToken", oauth.dingtalk_user_token)
    fake.route("/dingtalk/v1.0/contact/users/me", oauth.dingtalk_me)
    fake.route("/dingtalk-oapi/topapi/user/getbyunionid", oauth.dingtalk_by_union)
    return oauth
