"""Requests that wait for someone's decision, across every group: join requests (membership) and
publishing drafts (workflows), so that the web console's case queue lists them beside the open admin
cards with one Query per shard, whatever the number of groups.

Each pending request has a marker in its group's partition (`OPENREQ#{kind}#{key}`) on the sparse GSI2
`OPENREQ#{shard}`, written by the repository that opens the request and deleted by the one transition
that decides it (approved, rejected, expired, withdrawn, lapsed). The marker is only an index: whoever
reads it checks the request itself before showing it, and drops a marker whose request is gone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib.store import keys
from chalicelib.store.base import Store
from chalicelib.store.records import Item

JOIN, DRAFT = "join", "draft"
KEEP_SECONDS = 30 * 86400  # a marker outlives any request's deadline; TTL sweeps one left behind


@dataclass(frozen=True)
class OpenRequest:
    gid: str
    kind: str  # join | draft
    key: str  # the member's uid (a join request), the draft's ref
    ref: str  # what the request's card buttons name
    user: str  # who asks: the newcomer, the draft's author (native id)
    at: float

    def data(self) -> dict[str, Any]:
        return {
            "gid": self.gid,
            "kind": self.kind,
            "key": self.key,
            "ref": self.ref,
            "user": self.user,
            "at": self.at,
        }

    @staticmethod
    def of(data: Mapping[str, Any]) -> OpenRequest:
        return OpenRequest(
            gid=str(data["gid"]),
            kind=str(data["kind"]),
            key=str(data["key"]),
            ref=str(data["ref"]),
            user=str(data.get("user", "")),
            at=float(data.get("at", 0.0)),
        )


class OpenRequests:
    def __init__(self, store: Store) -> None:
        self.store = store

    def open(self, request: OpenRequest) -> None:
        item = Item(
            keys.group_pk(request.gid),
            keys.open_request_sk(request.kind, request.key),
            request.data(),
            gsi2=(
                keys.open_requests_pk(keys.group_shard(request.gid)),
                keys.open_card_sk(request.at, request.gid, request.kind, request.key),
            ),
            expires_at=int(request.at + KEEP_SECONDS),
        )
        self.store.put_item(item)

    def close(self, gid: str, kind: str, key: str) -> None:
        self.store.delete_item(keys.group_pk(gid), keys.open_request_sk(kind, key))

    def all_open(self) -> list[OpenRequest]:
        """Every group's pending requests, oldest first: one Query per shard of the sparse index (side by
        side, `Store.query_partitions`)."""
        shards = [keys.open_requests_pk(shard) for shard in range(keys.GROUP_SHARDS)]
        found = [OpenRequest.of(item.data) for item in self.store.query_partitions(shards, index="GSI2")]
        return sorted(found, key=lambda request: (request.at, request.key))
