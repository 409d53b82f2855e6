"""A host-neutral view of an HTTP request and reply, so adapters never see Chalice objects.

`InboundRequest.body` is the raw bytes: every signature is computed over them, before any parsing.
Header names are lower-cased; query values are single strings (the first, where a name repeats).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class InboundRequest:
    method: str
    path: str
    headers: Mapping[str, str]
    query: Mapping[str, str]
    body: bytes

    @staticmethod
    def build(
        method: str,
        path: str,
        headers: Mapping[str, str] | None,
        query: Mapping[str, str] | None,
        body: bytes | None,
    ) -> InboundRequest:
        return InboundRequest(
            method=method.upper(),
            path=path,
            headers={k.lower(): v for k, v in (headers or {}).items()},
            query=dict(query or {}),
            body=body or b"",
        )

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    @property
    def media_type(self) -> str:
        """The content type without parameters, lower-cased ("" when absent)."""
        return (self.header("content-type") or "").split(";", 1)[0].strip().lower()


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)

    @staticmethod
    def text(body: str, status: int = 200) -> Reply:
        return Reply(status, body, {"Content-Type": "text/plain; charset=utf-8"})

    @staticmethod
    def json(data: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Reply:
        return Reply(
            status,
            json.dumps(data, ensure_ascii=False, separators=(",", ":")),
            {"Content-Type": "application/json; charset=utf-8", **(headers or {})},
        )

    @staticmethod
    def empty(status: int = 200) -> Reply:
        return Reply(status, "", {"Content-Type": "text/plain; charset=utf-8"})

    @staticmethod
    def error(status: int, reason: str) -> Reply:
        return Reply.json({"error": reason}, status)
