"""The scheduled jobs at 1 000 and 100 000 members: items read and time of each job's run for one group,
against `DynamoStore` on the embedded DynamoDB (moto on loopback; real DynamoDB is faster per request).

Each size gets a fresh table: one group with its members, a message for every five members in the month
before (the assessment's period), the last week's with text (the review's input; the policy keeps messages 14
days), a case for every hundred members, and notices falling due (the cleanup's). The table is
written with BatchWriteItem straight to the client: seeding is not what is measured. Then each job runs
once for the group, as the worker runs it: the cleanup, the review, the assessment (computing the cards,
not sending them), the backup (with its manifest scan) and the restore drill.

"items read" is what DynamoDB reports having examined (`ScannedCount`, summed over Queries, GetItems and
the backup jobs' Scans). Rows: `jobs: {job}, {n} members: items read` and `...: time` (ms); no peer.
`python -m bench.jobs` prints them; `main(quick=True)` runs tiny sizes for the smoke test;
QG_BENCH_JOB_SIZES=1000,10000 and QG_BENCH_JOB_NAMES=cleanup,review choose sizes and jobs.

On moto, the time is mostly moto's: it serialises each item it returns in about 5 ms (its generic response
serialiser), so at 100 000 members each of the three jobs that read the whole group takes about ten
minutes and the whole script about half an hour; DynamoDB returns a 1 MB page in tens of milliseconds.
The items read are DynamoDB's own count either way.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

SIZES = (1_000, 100_000)
QUICK_SIZES = (50, 200)
NOW = datetime(2026, 12, 1, 12, tzinfo=UTC).timestamp()
DAY = 86400.0
GID = "slack:TB:CBENCH"
OFFSET = 8.0


def _label(size: int) -> str:
    return f"{size:,}".replace(",", " ")


def _batches(items: Iterator[dict[str, Any]], size: int = 25) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _write(client: Any, table: str, items: Iterator[dict[str, Any]]) -> None:
    from boto3.dynamodb.types import TypeSerializer  # type: ignore[import-untyped, unused-ignore]

    serializer = TypeSerializer()
    for batch in _batches(items):
        requests = [
            {"PutRequest": {"Item": {k: serializer.serialize(v) for k, v in item.items()}}} for item in batch
        ]
        pending: dict[str, Any] = {table: requests}
        while pending:
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}


def _seed(client: Any, table: str, members: int) -> None:
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
        _write(client, table, items)


class _Messenger:
    """Accepts whatever a job sends directly (the cleanup's recalls)."""

    platform = "slack"

    def __init__(self) -> None:
        from chalicelib.adapters.base import Capabilities, Capability

        self.capabilities = Capabilities(always=frozenset(Capability))

    def recall_own(self, tenant: str, chat: str, message_id: str, *, token: str | None = None) -> None:
        return None


def _measure(size: int, server: Any) -> list[dict[str, Any]]:
    import os

    from chalicelib.bootstrap import Deps
    from chalicelib.clock import FrozenClock
    from chalicelib.jobs.assessment import AssessmentJob
    from chalicelib.jobs.backup import BackupJob
    from chalicelib.jobs.cleanup import CleanupJob
    from chalicelib.jobs.drill import RestoreDrill
    from chalicelib.jobs.review import ReviewJob
    from chalicelib.settings import Settings
    from chalicelib.store.dynamodb import DynamoStore

    table = f"qunguan-bench-jobs-{size}"
    client = server.client()
    server.create_table(table)
    try:
        _seed(client, table, size)
        clock = FrozenClock(NOW)
        store = DynamoStore(table, client=client, clock=clock)
        settings = Settings(_env_file=None, qg_table_name=table, qg_dispatch="inline")
        messenger = _Messenger()
        deps = Deps(settings=settings, clock=clock, store=store, messenger_factory=lambda p: messenger)  # type: ignore[arg-type, return-value]
        runs: list[tuple[str, Callable[[], Any]]] = [
            ("cleanup", lambda: CleanupJob().run(deps, GID, NOW)),
            ("review", lambda: ReviewJob().run(deps, GID, NOW)),
            ("assessment", lambda: AssessmentJob().run(deps, GID, NOW)),
            ("backup", lambda: BackupJob(client=client).back_up(deps, NOW)),
            (
                "restore-drill",
                lambda: RestoreDrill(client=client, sleep=lambda s: None).drill(deps, NOW + DAY),
            ),
        ]
        only = os.environ.get("QG_BENCH_JOB_NAMES")  # e.g. "cleanup,review"
        rows = []
        for job, run in runs:
            if only and job not in only.split(","):
                continue
            store.usage.reset()
            started = time.perf_counter()
            report = run()
            elapsed = (time.perf_counter() - started) * 1000
            if report.status not in ("done", "partial"):
                raise RuntimeError(f"{job} at {size}: {report.status}: {report.lines}")
            scanned = _scanned(job, report)
            members = _label(size)
            rows.append(
                _row(f"jobs: {job}, {members} members: items read", "items", store.usage.items_read + scanned)
            )
            rows.append(_row(f"jobs: {job}, {members} members: time", "ms", round(elapsed, 1)))
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


def _row(name: str, unit: str, value: float) -> dict[str, Any]:
    return {"name": name, "unit": unit, "qunguan": value, "peer": None, "ratio": None}


def main(quick: bool = False) -> list[dict[str, Any]]:
    import os

    from local.dynamo import start_dynamodb

    chosen = os.environ.get("QG_BENCH_JOB_SIZES")  # e.g. "1000,10000"
    sizes = tuple(int(n) for n in chosen.split(",")) if chosen else (QUICK_SIZES if quick else SIZES)
    server = start_dynamodb()
    try:
        return [row for size in sizes for row in _measure(size, server)]
    finally:
        server.stop()


if __name__ == "__main__":
    for found in main():
        print(f"{found['name']:60} {found['qunguan']:>12} {found['unit']}")
