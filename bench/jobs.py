"""The scheduled jobs at 1 000 and 100 000 members: items read, DynamoDB requests and time of each job's
run for one group, against `DynamoStore` on the embedded DynamoDB (moto on loopback, sped up for large
tables by `bench.embedded_dynamo`, its answers unchanged).

Each size gets one table, shared by every job: one group with its members, a message for every five
members in the month before (the assessment's period), the last week's with text (the review's input;
the policy keeps messages 14 days), a case for every hundred members, and notices falling due (the
cleanup's). The items are put straight into moto's memory (`bench.embedded_dynamo.put_items`): seeding
is not what is measured, and through the API it took longer than the jobs. Then each job runs once for
the group, as the worker runs it: the cleanup, the review, the assessment (computing the cards, not
sending them), the backup (with its manifest scan) and the restore drill.

- "items read" is what DynamoDB reports having examined (`ScannedCount`, summed over Queries, GetItems
  and the backup jobs' Scans);
- "DynamoDB requests" counts every call the job made to the table, reads and writes;
- "time outside DynamoDB" is the job's wall time less the time moto spent answering it (measured inside
  moto, `bench.embedded_dynamo.Stopwatch`): qunguan's own work, boto3's, and the loopback. What DynamoDB
  adds to it is its latency per request, a few milliseconds each (tens for a 1 MB page), where moto
  takes up to seconds. The wall time on moto and moto's share are printed beside it.

`python -m bench.jobs` runs every job at 1 000 members and, at 100 000, the cleanup, the review and the
assessment (`LARGE_JOBS`); `make bench` runs the backup and the restore drill at 100 000 in a child of
their own (`bench.jobs_backups`), last, because they take the longest on moto (each copies and scans the
whole table there, nearly all of it moto's time) and the required rows must not wait on them;
`python -m bench.jobs --full` runs every job at both sizes. `main(quick=True)` runs tiny sizes for the
smoke test; QG_BENCH_JOB_SIZES=1000,10000 and QG_BENCH_JOB_NAMES=cleanup,review choose sizes and jobs.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

SIZES = (1_000, 100_000)
JOBS = ("cleanup", "review", "assessment", "backup", "restore-drill")
LARGE = 100_000  # at this size and above, `make bench` runs only LARGE_JOBS
LARGE_JOBS = ("cleanup", "review", "assessment")
QUICK_SIZES = (50, 200)
NOW = datetime(2026, 12, 1, 12, tzinfo=UTC).timestamp()
DAY = 86400.0
GID = "slack:TB:CBENCH"
OFFSET = 8.0


def _label(size: int) -> str:
    return f"{size:,}".replace(",", " ")


def _write(table: str, items: Iterator[dict[str, Any]]) -> None:
    """The items straight into moto's table, in DynamoDB's wire format (as BatchWriteItem would send them)."""
    from boto3.dynamodb.types import TypeSerializer  # type: ignore[import-untyped, unused-ignore]

    from bench.embedded_dynamo import put_items

    serializer = TypeSerializer()
    put_items(table, ({k: serializer.serialize(v) for k, v in item.items()} for item in items))


def _seed(table: str, members: int) -> None:
    from decimal import Decimal

    from chalicelib.jobs.periods import local_day
    from chalicelib.store import keys

    def number(value: float) -> Decimal:
        return Decimal(repr(value))

    group = keys.group_pk(GID)

    def member_items() -> Iterator[dict[str, Any]]:
        yield {
            "PK": group, "SK": keys.META, "gid": GID, "platform": "slack", "tenant": "TB", "chat": "CBENCH",
            "GSI2PK": keys.groups_index_pk(keys.group_shard(GID)), "GSI2SK": GID, "admins": ["UADMIN"],
        }  # fmt: skip
        for n in range(members):
            uid, active = f"slack:TB:U{n:06d}", NOW - (n % 60) * DAY
            yield {
                "PK": group, "SK": keys.member_sk(uid), "gid": GID, "uid": uid, "user": f"U{n:06d}",
                "role": "member", "last_active": number(active),
                "GSI1PK": keys.activity_index_pk(GID), "GSI1SK": keys.activity_index_sk(active, uid),
            }  # fmt: skip

    def message_items() -> Iterator[dict[str, Any]]:
        start = datetime(2026, 11, 1, tzinfo=UTC).timestamp() - OFFSET * 3600
        count = members // 5
        for n in range(count):
            at = start + (n / count) * 30 * DAY
            item = {
                "PK": keys.message_log_pk(GID, local_day(at, OFFSET)), "SK": keys.message_log_sk(at, f"m{n}"),
                "k": "msg", "u": f"U{(n * 7919) % members:06d}", "at": number(at), "id": f"m{n}",
                "expires_at": int(at + 62 * DAY),
            }  # fmt: skip
            if n % 9 == 0:
                item["m"] = [f"U{(n * 31) % members:06d}"]
            if n % 7 == 0:
                item["q"] = 1
            if at > NOW - 8 * DAY:
                item["x"] = "the agenda for Thursday is in the shared folder" if n % 50 else "you idiot"
            yield item

    def other_items() -> Iterator[dict[str, Any]]:
        for n in range(max(1, members // 100)):
            yield {
                "PK": group, "SK": keys.case_item_sk(f"c{n}"), "user": f"U{n:06d}", "ref": f"c{n}",
                "at": number(NOW - (n % 300) * DAY), "points": number(1.0), "rule": "ads",
            }  # fmt: skip
        due = NOW - 3600
        for n in range(20):
            yield {
                "PK": group, "SK": keys.bot_post_sk(f"p{n}"), "gid": GID, "message_id": f"p{n}",
                "chat": "CBENCH", "kind": "notice", "at": number(NOW - DAY), "due": number(due),
                "GSI2PK": keys.bot_posts_due_pk(GID), "GSI2SK": keys.due_index_sk(due, f"p{n}"),
            }  # fmt: skip
        yield {
            "PK": keys.policy_pk(keys.group_policy_scope(GID)), "SK": keys.POLICY_CURRENT_SK,
            "text": "retention: {messages: 14}\n", "author": "bench", "at": number(NOW), "version": 1,
        }  # fmt: skip

    for items in (member_items(), message_items(), other_items()):
        _write(table, items)


class _Messenger:
    """Accepts whatever a job sends directly (the cleanup's recalls), and names whoever a job names (the
    review's samples), as a directory would."""

    platform = "slack"

    def __init__(self) -> None:
        from chalicelib.adapters.base import Capabilities, Capability

        self.capabilities = Capabilities(always=frozenset(Capability))

    def permalink(self, tenant: str, chat: str, message_id: str) -> str | None:
        return None

    def recall_own(self, tenant: str, chat: str, message_id: str, *, token: str | None = None) -> None:
        return None

    def get_user(self, tenant: str, user: str) -> Any:
        from chalicelib.adapters.base import DirectoryUser

        return DirectoryUser(user=user, name=f"Member {user}")


def _measure(size: int, server: Any, jobs: Sequence[str]) -> list[dict[str, Any]]:
    from bench.embedded_dynamo import faster_moto
    from chalicelib.bootstrap import Deps
    from chalicelib.clock import FrozenClock
    from chalicelib.jobs.assessment import AssessmentJob
    from chalicelib.jobs.backup import BackupJob
    from chalicelib.jobs.cleanup import CleanupJob
    from chalicelib.jobs.drill import RestoreDrill
    from chalicelib.jobs.review import ReviewJob
    from chalicelib.settings import Settings
    from chalicelib.store import keys
    from chalicelib.store.dynamodb import DynamoStore

    table = f"qunguan-bench-jobs-{size}"
    client = server.client()
    server.create_table(table)
    try:
        seeded = time.perf_counter()
        _seed(table, size)
        print(
            f"  jobs, {_label(size)} members: table seeded in {time.perf_counter() - seeded:.1f} s",
            flush=True,
        )
        clock = FrozenClock(NOW)
        store = DynamoStore(table, client=client, clock=clock)
        settings = Settings(_env_file=None, qg_table_name=table, qg_dispatch="inline")
        messenger = _Messenger()
        deps = Deps(settings=settings, clock=clock, store=store, messenger_factory=lambda p: messenger)  # type: ignore[arg-type, return-value]
        store.get_item(keys.group_pk(GID), keys.META)  # warm-up: boto3 loads the service model on first use
        runs: dict[str, Callable[[], Any]] = {
            "cleanup": lambda: CleanupJob().run(deps, GID, NOW),
            "review": lambda: ReviewJob().run(deps, GID, NOW),
            "assessment": lambda: AssessmentJob().run(deps, GID, NOW),
            "backup": lambda: BackupJob(client=client).back_up(deps, NOW),
            "restore-drill": lambda: RestoreDrill(client=client, sleep=lambda s: None).drill(deps, NOW + DAY),
        }
        rows = []
        members = _label(size)
        with faster_moto() as moto:
            for job in JOBS:
                if job not in jobs:
                    continue
                store.usage.reset()
                moto.reset()
                started = time.perf_counter()
                report = runs[job]()
                wall = time.perf_counter() - started
                in_moto, requests = moto.seconds, moto.requests
                if report.status not in ("done", "partial"):
                    raise RuntimeError(f"{job} at {size}: {report.status}: {report.lines}")
                items = store.usage.items_read + _scanned(job, report)
                own_ms = (wall - in_moto) * 1000
                print(
                    f"  jobs: {job}, {members} members: {items} items read, {requests} requests, "
                    f"{wall:.2f} s on moto, {in_moto:.2f} s of it inside moto, {own_ms / 1000:.2f} s outside",
                    flush=True,
                )
                rows.append(_row(f"jobs: {job}, {members} members: items read", "items", items))
                rows.append(_row(f"jobs: {job}, {members} members: DynamoDB requests", "requests", requests))
                rows.append(
                    _row(f"jobs: {job}, {members} members: time outside DynamoDB", "ms", round(own_ms, 1))
                )
        return rows
    finally:
        client.delete_table(TableName=table)
        for name in client.list_tables()["TableNames"]:
            if name.startswith(f"{table}-drill-"):
                client.delete_table(TableName=name)


def _scanned(job: str, report: Any) -> int:
    """The backup jobs scan with the raw client, outside `DynamoStore.usage`: their own count."""
    if job == "backup":
        return int(report.details.get("manifest", {}).get("scanned", 0))
    if job == "restore-drill":
        return int(report.items_read)
    return 0


def _row(name: str, unit: str, value: float | None) -> dict[str, Any]:
    return {"name": name, "unit": unit, "qunguan": value, "peer": None, "ratio": None}


def chosen_jobs(size: int, *, full: bool) -> tuple[str, ...]:
    """The jobs to run at `size`: those QG_BENCH_JOB_NAMES names if set; else every job, but only
    LARGE_JOBS from LARGE members on unless `full` (`bench.jobs_backups` runs the others there)."""
    only = os.environ.get("QG_BENCH_JOB_NAMES")  # e.g. "cleanup,review"
    if only:
        return tuple(job for job in JOBS if job in only.split(","))
    return JOBS if full or size < LARGE else LARGE_JOBS


def main(
    quick: bool = False,
    *,
    full: bool = False,
    jobs: Sequence[str] | None = None,
    sizes: Sequence[int] | None = None,
) -> list[dict[str, Any]]:
    """The rows of `jobs` (default: `chosen_jobs`) at `sizes` (default: QG_BENCH_JOB_SIZES, or SIZES, or
    QUICK_SIZES when `quick`), each size on a table of its own."""
    from local.dynamo import start_dynamodb

    chosen = os.environ.get("QG_BENCH_JOB_SIZES")  # e.g. "1000,10000"
    if sizes is None:
        sizes = tuple(int(n) for n in chosen.split(",")) if chosen else (QUICK_SIZES if quick else SIZES)
    server = start_dynamodb()
    try:
        return [row for size in sizes for row in _measure(size, server, jobs or chosen_jobs(size, full=full))]
    finally:
        server.stop()


if __name__ == "__main__":
    found = main(full="--full" in sys.argv[1:])
    width = max(len(row["name"]) for row in found)
    for row in found:
        print(f"{row['name']:<{width}}  {row['qunguan']:>10} {row['unit']}")
