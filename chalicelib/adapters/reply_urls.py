"""Which URLs a request may hand the bot to POST to: the guard against server-side request forgery.

Three platforms give the bot a reply URL inside an inbound request, and the bot POSTs to it later:
Slack's `response_url` (slash commands and Block Kit clicks, on `hooks.slack.com`: docs.slack.dev
interactivity/handling-user-interaction), WeCom's AI-bot `response_url` (`https://qyapi.weixin.qq.com/
cgi-bin/aibot/response?response_code=...`: developer.work.weixin.qq.com path/101138) and DingTalk's robot
`sessionWebhook` (`https://oapi.dingtalk.com/robot/sendBySession?session=...`: open.dingtalk.com
document/orgapp/receive-message). Whoever can put a URL into a request must not be able to aim the bot at
anything else (the instance metadata service, the VPC, the loopback interface), so a reply URL is used
only when it is `https` on the vendor's own host, with no user info and the default port.

The one other origin allowed is one the operator configured explicitly: an API base setting
(`SLACK_API_BASE`, `WECOM_API_BASE`, `DINGTALK_API_BASE`, `DINGTALK_OAPI_BASE`) that differs from the
vendor's default, as the local stack's recording fake is. That origin is trusted with every API call
already; a default base adds nothing (Slack's `slack.com` is not a reply host).

Light on purpose: DingTalk's robot endpoint checks `sessionWebhook` at ingress with it, and `ApiClient`
checks every absolute URL it is asked to call.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

REPLY_HOSTS: Mapping[str, frozenset[str]] = {
    "slack": frozenset({"hooks.slack.com"}),
    "wecom": frozenset({"qyapi.weixin.qq.com"}),
    "dingtalk": frozenset({"oapi.dingtalk.com"}),
}
# The settings' defaults: a base equal to one of these is the vendor, not an explicit choice.
VENDOR_BASES: Mapping[str, frozenset[str]] = {
    "slack": frozenset({"https://slack.com/api"}),
    "wecom": frozenset({"https://qyapi.weixin.qq.com/cgi-bin"}),
    "dingtalk": frozenset({"https://api.dingtalk.com", "https://oapi.dingtalk.com"}),
}
MAX_URL_CHARS = 2048
# Characters a genuine reply URL never holds, and which parsers disagree about (`\\` is a path separator to
# some and not to others; whitespace and controls are stripped by some before parsing).
_UNSAFE = frozenset("\\ \t\r\n\x00")

Origin = tuple[str, str, int]


@dataclass(frozen=True)
class ReplyUrls:
    """The reply URLs one platform's requests may name."""

    platform: str
    hosts: frozenset[str]
    extra_origins: frozenset[Origin] = frozenset()

    @staticmethod
    def of(platform: str, configured_bases: Iterable[str | None] = ()) -> ReplyUrls:
        """The vendor's reply hosts, and the origin of each configured base that is not the vendor's."""
        vendor = VENDOR_BASES.get(platform, frozenset())
        extra = {
            origin
            for base in configured_bases
            if base and base.rstrip("/") not in vendor
            for origin in [_origin(base)]
            if origin is not None
        }
        return ReplyUrls(platform, REPLY_HOSTS.get(platform, frozenset()), frozenset(extra))

    def allows(self, url: str) -> bool:
        parts = _split(url)
        if parts is None:
            return False
        origin = _origin_of(parts)
        if origin is None:
            return False
        scheme, host, port = origin
        if scheme == "https" and host in self.hosts and port == 443:
            return True
        return origin in self.extra_origins


def configured_bases(platform: str, settings: object) -> list[str | None]:
    """The API base settings of `platform` on a settings object (pydantic `Settings` or `EnvSettings`)."""
    names = {
        "slack": ("slack_api_base",),
        "wecom": ("wecom_api_base",),
        "dingtalk": ("dingtalk_api_base", "dingtalk_oapi_base"),
    }.get(platform, ())
    found = (getattr(settings, name, None) for name in names)
    return [value if isinstance(value, str) else None for value in found]


def reply_urls(platform: str, settings: object) -> ReplyUrls:
    return ReplyUrls.of(platform, configured_bases(platform, settings))


def _split(url: str) -> SplitResult | None:
    if not isinstance(url, str) or not url or len(url) > MAX_URL_CHARS or not url.isascii():
        return None
    if any(char in _UNSAFE or ord(char) < 0x20 or ord(char) == 0x7F for char in url):
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    except ValueError:
        return None
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return None
    return parts


def _origin(url: str) -> Origin | None:
    parts = _split(url)
    return _origin_of(parts) if parts is not None else None


def _origin_of(parts: SplitResult) -> Origin | None:
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if scheme not in ("https", "http") or not host:
        return None
    return scheme, host, parts.port or (443 if scheme == "https" else 80)


def refuse_unless_allowed(allowed: ReplyUrls, url: str, *, method: str) -> None:
    """Raise a `MessengerError` (not retryable) for a reply URL off the platform's hosts; the URL is not
    named, as its path or query is often a bearer secret."""
    if not allowed.allows(url):
        from chalicelib.errors import MessengerError

        raise MessengerError(
            allowed.platform, method, f"reply URL refused: not https on {allowed.platform}'s own hosts"
        )
