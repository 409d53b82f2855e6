"""The messengers' side of the wire: build requests exactly as Slack, WeCom and DingTalk would send
them, signed and encrypted with independent implementations (slack_sdk, wechatpy, dingtalk-sdk) or the
standard library. Used by the conformance and functional tests, `make demo` and the benchmarks."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from chalicelib.http import InboundRequest


@dataclass(frozen=True)
class SignedRequest:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def url_path(self) -> str:
        """The path with its query string, as an HTTP client sends it."""
        return f"{self.path}?{urlencode(self.query)}" if self.query else self.path

    def to_inbound(self) -> InboundRequest:
        return InboundRequest.build(self.method, self.path, self.headers, self.query, self.body)
