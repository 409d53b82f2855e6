"""The inactivity job (issue #4): items read and time for one group of 1 000, 10 000 and 100 000 members
of whom 1 % have been silent for 40 days, against `DynamoStore` on the embedded DynamoDB (moto on
loopback, `local/dynamo.py`). The job runs in dry-run, as it does by default; a live run reads the same.

What it shows: the job reads the silent members through the activity index (a Query on GSI1, never a
Scan), so items read follow the number of silent members, not the size of the group. The time is the
job's outside DynamoDB: its wall time less the time moto spent answering (`bench.embedded_dynamo`),
because moto answers an index Query by sorting every item of the table, which DynamoDB does not; the
wall time on moto is printed beside it.

Members are put straight into moto's memory (`bench.embedded_dynamo.put_items`) in the shape
`DynamoStore` writes them (`_member_item`), so that setting up 100 000 takes seconds, and moto is sped up
for large tables (`faster_moto`, its answers unchanged).

    python -m bench.membership_inactivity          # prints the table, returns the rows
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from bench.embedded_dynamo import faster_moto, put_items
from chalicelib.bootstrap import Deps
from chalicelib.clock import FrozenClock
from chalicelib.membership.inactivity import InactivityJob
from chalicelib.settings import Settings
from chalicelib.store.dynamodb import DynamoStore, _Codec, _member_item
from chalicelib.store.records import GroupRecord, MemberRecord
from local.dynamo import start_dynamodb

NOW = 1_750_000_000.0  # 2025-06-15, UTC
DAY = 86400.0
TENANT = "TBENCH"
CHAT = "CBENCH"
GID = f"slack:{TENANT}:{CHAT}"
SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (200, 1_000)
SILENT_SHARE = 100  # one member in a hundred
BATCH = 25  # batch_write_item's maximum


def members(total: int, silent: int, now: float) -> Iterator[MemberRecord]:
    """`total` members of one group; the first `silent` last spoke 40 days ago, the rest within the
    last 3 days."""
    for n in range(total):
        quiet = n < silent
        last_active = now - (40 * DAY if quiet else (n % 3 + 1) * 3600.0)
        user = f"U{n:07d}"
        yield MemberRecord(
            gid=GID,
            uid=f"slack:{TENANT}:{user}",
            user=user,
            last_active=last_active,
            joined_at=now - 400 * DAY,
        )


def seed(client: Any, table: str, records: Iterator[MemberRecord]) -> int:
    """Write members 25 at a time with the low-level client, as `DynamoStore` writes them; the number
    written. Any DynamoDB (tests/membership uses it); the benchmark itself uses `seed_in_moto`."""
    codec = _Codec()
    written = 0
    batch: list[dict[str, Any]] = []
    for record in records:
        batch.append({"PutRequest": {"Item": codec.serialize_item(_member_item(record))}})
        if len(batch) == BATCH:
            written += _flush(client, table, batch)
            batch = []
    if batch:
        written += _flush(client, table, batch)
    return written


def _flush(client: Any, table: str, batch: list[dict[str, Any]]) -> int:
    pending = {table: batch}
    while pending:
        reply = client.batch_write_item(RequestItems=pending)
        pending = reply.get("UnprocessedItems") or {}
    return len(batch)


def seed_in_moto(table: str, records: Iterator[MemberRecord]) -> int:
    """Put members straight into the embedded moto's table of this process, as `DynamoStore` writes
    them, without HTTP (seconds for 100 000); the number written."""
    codec = _Codec()
    return put_items(table, (codec.serialize_item(_member_item(record)) for record in records))


def bench_deps(store: DynamoStore, clock: FrozenClock) -> Deps:
    """A worker's dependencies around `store`; the messenger is Slack's, which is only asked what it
    can do (no call goes out in a dry run)."""
    stand_ins: dict[str, Any] = {
        "slack_signing_secret": "bench",
        "slack_bot_token": "xoxb-bench",
    }  # not secrets: nothing is sent
    settings = Settings(_env_file=None, **stand_ins)
    return Deps(settings=settings, clock=clock, store=store)


def run_size(server: Any, total: int) -> tuple[int, int, float, float]:
    """(items read, DynamoDB requests, milliseconds outside DynamoDB, wall milliseconds on moto) for one
    group of `total` members."""
    client = server.client()
    table = f"bench-inactivity-{total}-{time.time_ns()}"
    server.create_table(table)
    try:
        silent = max(total // SILENT_SHARE, 1)
        seed_in_moto(table, members(total, silent, NOW))
        clock = FrozenClock(NOW)
        store = DynamoStore(table, client=client, clock=clock)
        store.put_group(GroupRecord(gid=GID, platform="slack", tenant=TENANT, chat=CHAT, name="bench"))
        deps = bench_deps(store, clock)
        job = InactivityJob()
        with faster_moto() as moto:
            job.run(deps, GID, NOW, dry_run=True)  # warm-up: the client, the policy cache
            store.usage.reset()
            moto.reset()
            started = time.perf_counter_ns()
            report = job.run(deps, GID, NOW, dry_run=True)
            wall_ms = (time.perf_counter_ns() - started) / 1e6
            in_moto_ms, requests = moto.seconds * 1000, moto.requests
        return report.items_read, requests, wall_ms - in_moto_ms, wall_ms
    finally:
        client.delete_table(TableName=table)


def main(*, quick: bool = False) -> list[dict[str, Any]]:
    server = start_dynamodb()
    rows: list[dict[str, Any]] = []
    try:
        for total in QUICK_SIZES if quick else SIZES:
            items, requests, own_ms, wall_ms = run_size(server, total)
            label = f"{total:,}".replace(",", " ")
            print(
                f"  jobs: inactivity, {label} members: {items} items read, {requests} requests, "
                f"{wall_ms / 1000:.2f} s on moto, {own_ms / 1000:.2f} s outside it",
                flush=True,
            )
            for name, unit, value in (
                ("items read", "items", items),
                ("DynamoDB requests", "requests", requests),
                ("time outside DynamoDB", "ms", round(own_ms, 1)),
            ):
                rows.append(
                    {
                        "name": f"jobs: inactivity, {label} members: {name}",
                        "unit": unit,
                        "qunguan": value,
                        "peer": None,
                        "ratio": None,
                    }
                )
    finally:
        server.stop()
    width = max(len(row["name"]) for row in rows)
    for row in rows:
        print(f"{row['name']:<{width}}  {row['qunguan']:>10} {row['unit']}")
    return rows


if __name__ == "__main__":
    main()
