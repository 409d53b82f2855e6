"""The console's queue markers of requests that were waiting before the markers existed: a join request
or a publishing draft opened by an older release has no `OPENREQ#` marker (`chalicelib.kernel.
open_requests`), so the case queue does not list it until it is decided. `qunguan groups recount` writes
the missing ones, a group at a time:

- the group's pending join requests are its due index's `JOIN#` entries (`keys.membership_due_pk`, one
  GSI2 Query: a pending request always has a deadline there, a decided one is off the index);
- its drafts are the `PUB#` items of its partition (one Query; they live `KEEP_DAYS`), the pending ones
  kept;
- its markers are the `OPENREQ#` items of its partition (one Query); a marker is written for each pending
  request without one, as the repository that opens a request writes it.

A request decided between the reads and the write leaves a marker behind, which the queue drops when it
finds the request decided (`chalicelib.console.requests.checked`), as it drops any stale marker.
"""

from __future__ import annotations

from collections.abc import Iterator

from chalicelib.kernel.open_requests import DRAFT, JOIN, OpenRequest, OpenRequests
from chalicelib.membership.repository import request_of
from chalicelib.store import keys
from chalicelib.store.base import Store
from chalicelib.workflows.publishing import Submission

PENDING = "pending"


def waiting(store: Store, gid: str) -> Iterator[OpenRequest]:
    """The group's pending join requests and drafts, as their markers would name them."""
    joins = keys.join_request_sk("")
    for item in store.query_items(keys.membership_due_pk(gid), index="GSI2"):
        if item.sk.startswith(joins):
            join = request_of(gid, item.sk.removeprefix(joins), item)
            if join.status == PENDING:
                yield OpenRequest(gid, JOIN, join.uid, join.ref, join.user, join.requested_at)
    for item in store.query_items(keys.group_pk(gid), prefix=keys.submission_sk("")):
        draft = Submission.of(item.data)
        if draft.state == PENDING:
            yield OpenRequest(gid, DRAFT, draft.ref, draft.ref, draft.by, draft.at)


def mark_waiting(store: Store, gid: str) -> int:
    """Write the marker of each pending request of the group that has none; how many were written."""
    marked = {item.sk for item in store.query_items(keys.group_pk(gid), prefix=keys.OPEN_REQUEST_SK_PREFIX)}
    missing = [r for r in waiting(store, gid) if keys.open_request_sk(r.kind, r.key) not in marked]
    markers = OpenRequests(store)
    for request in missing:
        markers.open(request)
    return len(missing)
