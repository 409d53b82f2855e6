"""Helpers for the jobs' tests: the time and group they use, a recording dispatcher, policy overrides
and a dump of the table (what "nothing changed" is checked against)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from chalicelib.bootstrap import Deps
from chalicelib.core.events import Event
from chalicelib.kernel.policies import PolicyRepo
from chalicelib.worker.pipeline import process

# Tuesday 2026-12-01 12:00 UTC: the monthly assessment's time for November.
T0 = datetime(2026, 12, 1, 12, tzinfo=UTC).timestamp()
GID = "slack:T1:C1"
ADMIN = "UADMIN"


@dataclass
class RecordingDispatcher:
    """Keeps what was dispatched; `drain` runs it through the worker, as SQS would deliver it."""

    deps: Deps | None = None
    events: list[Event] = field(default_factory=list)

    def dispatch(self, events: Any) -> None:
        self.events.extend(events)

    def drain(self) -> int:
        count = 0
        while self.events:
            event = self.events.pop(0)
            assert self.deps is not None
            process(event, self.deps)
            count += 1
        return count


def set_policy(deps: Deps, gid: str, text: str) -> None:
    """A group's policy override, as `policy apply` stores it."""
    PolicyRepo(deps.store, deps.policies).apply(f"group:{gid}", text, author="test", now=deps.clock.now())
    deps.policies.drop(gid)


def dump(client: Any, table: str) -> list[dict[str, Any]]:
    """Every item of the table, in key order: what "nothing changed" is checked against."""
    items: list[dict[str, Any]] = []
    request: dict[str, Any] = {"TableName": table}
    while True:
        page = client.scan(**request)
        items.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            break
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return sorted(items, key=lambda item: (item["PK"]["S"], item["SK"]["S"]))
