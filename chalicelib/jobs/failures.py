"""Failing jobs at a glance: how many job runs failed since their job's last successful run, kept as a
rollup so that the console's overview reads one item (`failed_runs`), whatever the number of groups.

Each (job, scope) whose runs fail has a marker (`OPS#table` / `FAILING#{job}#{scope}`, the scope a gid,
or `table` for a table-wide job) counting its failures; the rollup (`OPS#table` / `FAILING`) sums them.
A failure adds one to the marker, only if its period is later than the last one counted (a conditional
UpdateItem: a period counts once), then one to the rollup; a success deletes the marker (DynamoDB returns
the deleted item in the delete itself, so only one success takes its count away) and takes its count off
the rollup. A worker stopped between the two writes leaves the rollup one off until the next success.
Dry runs count for nothing. `note_run` is called where a run's outcome is known: a per-group job's in
`chalicelib.jobs.handlers`, a table-wide job's in `chalicelib.jobs.tables`.
"""

from __future__ import annotations

from chalicelib.store import keys
from chalicelib.store.base import Store

ROLLUP_SK = "FAILING"
MARKER_PREFIX = "FAILING#"
TABLE_SCOPE = "table"


def marker_sk(job: str, scope: str) -> str:
    return f"{MARKER_PREFIX}{job}#{scope}"


def note_run(
    store: Store, job: str, scope: str, period: str, *, status: str, now: float, dry_run: bool = False
) -> None:
    """Count a real run's outcome: `failed` counts its period once (a redelivered request, or the period
    tried again and failing again, counts no more), `done` clears the job's failures in that scope; any
    other status (`partial`, `already`, `not_installed`) changes nothing."""
    if dry_run or status not in ("failed", "done"):
        return
    if status == "failed":
        marker = {"job": job, "scope": scope, "period": period, "at": now}
        if store.add_to_item(keys.OPS_PK, marker_sk(job, scope), {"runs": 1}, marker, newer="period"):
            store.add_to_item(keys.OPS_PK, ROLLUP_SK, {"runs": 1}, {"at": now})
        return
    cleared = store.pop_item(keys.OPS_PK, marker_sk(job, scope))
    runs = int(cleared.data.get("runs", 0)) if cleared is not None else 0
    if runs:
        store.add_to_item(keys.OPS_PK, ROLLUP_SK, {"runs": -runs}, {})


def failed_runs(store: Store) -> int:
    """Job runs failed since their job's last success, in every scope: one GetItem."""
    item = store.get_item(keys.OPS_PK, ROLLUP_SK)
    return max(0, int(item.data.get("runs", 0))) if item is not None else 0
