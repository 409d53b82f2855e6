"""What every scheduled job is: `run(deps, gid, now, dry_run=...)` for one group, idempotent for a period,
returning a short `JobReport` that is stored and sent to the group's admins."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from chalicelib.bootstrap import Deps


@dataclass(frozen=True)
class JobReport:
    job: str
    gid: str
    period: str
    dry_run: bool
    counts: dict[str, int] = field(default_factory=dict)
    lines: tuple[str, ...] = ()
    items_read: int = 0


class Job(Protocol):
    name: str

    def period(self, now: float) -> str:
        """The period a run at `now` covers: its idempotency key."""
        ...

    def run(self, deps: Deps, gid: str, now: float, *, dry_run: bool = False) -> JobReport: ...
