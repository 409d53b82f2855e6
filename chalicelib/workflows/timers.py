"""Timers: when a workflow item next falls due (a reminder, a report, an expiry, a closing).

Each item that waits on time has one timer item in its group's partition (`WFT#{kind}#{ref}`), which sits
in the sparse GSI2 partition `DUE#workflow#{gid}` by its due time. The reminders job finds everything due
in a group with one Query, handles it, and moves the timer on to the item's next stage (one PutItem) or
deletes it. The items themselves change only through conditional updates, so a timer that fires for an
item someone already closed finds it closed and just goes away.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib.store import keys
from chalicelib.store.base import Store
from chalicelib.store.records import Item

KEEP_AFTER = 30 * 86400  # a timer nobody ran (the job was off) lapses this long after it was due

Plan = tuple[tuple[str, float], ...]  # an item's steps, each with when it falls due, in order


def plan_data(plan: Plan) -> list[list[Any]]:
    """A plan as the item holds it."""
    return [[step, at] for step, at in plan]


def plan_of(data: Mapping[str, Any]) -> Plan:
    """The plan an item holds (none: no steps)."""
    return tuple((str(step), float(at)) for step, at in data.get("plan", ()))


@dataclass(frozen=True)
class Timer:
    gid: str
    kind: str  # ann | pub | poll | revnote
    ref: str
    at: float
    stage: int = 0


class Timers:
    def __init__(self, store: Store) -> None:
        self.store = store

    def set(self, timer: Timer) -> None:
        self.store.put_item(
            Item(
                keys.group_pk(timer.gid),
                keys.workflow_timer_sk(timer.kind, timer.ref),
                {
                    "gid": timer.gid,
                    "kind": timer.kind,
                    "ref": timer.ref,
                    "at": timer.at,
                    "stage": timer.stage,
                },
                gsi2=(keys.workflow_due_pk(timer.gid), keys.workflow_due_sk(timer.at, timer.kind, timer.ref)),
                expires_at=int(timer.at) + KEEP_AFTER,
            )
        )

    def clear(self, gid: str, kind: str, ref: str) -> None:
        self.store.delete_item(keys.group_pk(gid), keys.workflow_timer_sk(kind, ref))

    def due(self, gid: str, now: float) -> Iterator[Timer]:
        """The group's timers due by `now`, the earliest first: one Query of the sparse index."""
        bound = keys.due_index_sk(now, "~")
        for item in self.store.query_items(keys.workflow_due_pk(gid), index="GSI2", below=bound):
            data = item.data
            yield Timer(
                gid=str(data["gid"]),
                kind=str(data["kind"]),
                ref=str(data["ref"]),
                at=float(data["at"]),
                stage=int(data.get("stage", 0)),
            )
