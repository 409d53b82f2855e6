"""What every scheduled job is: `run(deps, gid, now, dry_run=...)` for one group, idempotent for a period,
returning a short `JobReport` that is stored and sent to the group's admins.

A table-wide job (backup, restore drill) has no group: it is a `TableJob`, run once per period by its own
scheduled function, with its report stored under `keys.OPS_PK`.

`JobReport` carries, besides what is stored (`counts`, `lines`, `details`, `links`), what the worker does
with the run and never stores: `actions` for the executor (report cards to members, unmutes, closed
cards) and `images` (charts, PNG) for the admins. `status` is `done`, `partial` (the run stopped at its
checkpoint and a follow-up part continues it), `already` (the period was done before: nothing happened),
`not_installed` or `failed`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    from chalicelib.core.actions import Action
    from chalicelib.kernel.deps import Deps

Status = Literal["done", "partial", "already", "not_installed", "failed"]  # as `core.facts.JobRan`


@dataclass(frozen=True)
class Image:
    """A chart for the messenger: PNG bytes, a file name and a caption in the group's language."""

    name: str
    png: bytes
    caption: str = ""


@dataclass(frozen=True)
class JobReport:
    job: str
    gid: str
    period: str
    dry_run: bool
    counts: dict[str, int] = field(default_factory=dict)
    lines: tuple[str, ...] = ()
    items_read: int = 0
    status: Status = "done"
    details: dict[str, Any] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)
    actions: tuple[Action, ...] = field(default=(), compare=False)
    images: tuple[Image, ...] = field(default=(), compare=False)

    @property
    def more(self) -> bool:
        """A follow-up part must continue this run."""
        return self.status == "partial"

    def to_data(self) -> dict[str, Any]:
        """What is stored of a report (JSON-like; actions and images are not kept)."""
        return {
            "job": self.job,
            "gid": self.gid,
            "period": self.period,
            "dry_run": self.dry_run,
            "counts": dict(self.counts),
            "lines": list(self.lines),
            "items_read": self.items_read,
            "status": self.status,
            "details": dict(self.details),
            "links": dict(self.links),
        }

    @staticmethod
    def from_data(data: Mapping[str, Any]) -> JobReport:
        return JobReport(
            job=str(data.get("job", "")),
            gid=str(data.get("gid", "")),
            period=str(data.get("period", "")),
            dry_run=bool(data.get("dry_run", False)),
            counts={str(k): int(v) for k, v in dict(data.get("counts", {})).items()},
            lines=tuple(str(line) for line in data.get("lines", ())),
            items_read=int(data.get("items_read", 0)),
            status=data.get("status", "done"),
            details=dict(data.get("details", {})),
            links={str(k): str(v) for k, v in dict(data.get("links", {})).items()},
        )


class Job(Protocol):
    name: str

    def period(self, now: float) -> str:
        """The period a run at `now` covers: its idempotency key."""
        ...

    def run(self, deps: Deps, gid: str, now: float, *, dry_run: bool = False) -> JobReport: ...


class TableJob(Protocol):
    """A job on the whole table, not per group (backups). `run_table` is for the CLI; each scheduled
    function calls its job's own method, so that each function's IAM policy holds only its own calls."""

    name: str

    def period(self, now: float) -> str: ...

    def run_table(self, deps: Deps, now: float, *, dry_run: bool = False) -> JobReport: ...


class JobNotInstalled(Exception):
    """The named job's code is not part of this deployment (its module did not import)."""


class JobFailed(Exception):
    """A table-wide job that did not do what it must (a backup not made, a drill that did not match):
    raised from its scheduled function so that the Lambda's error metric and its alarm see it."""
