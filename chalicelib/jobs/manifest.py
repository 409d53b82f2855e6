"""A table's manifest: how many items of each type it holds, and an order-free checksum of each type.

The item type is the leading capitals of the partition key and of the sort key (`GRP/MEM`, `GRP/CASE`,
`MSG/-`): the families of `chalicelib.store.keys`. The checksum of a type is the sum, modulo 2^128, of a
SHA-256 of each item's canonical DynamoDB JSON, so it does not depend on the order a parallel Scan
returns items in, and any changed, missing or extra item changes it. Items past `expires_at` at `as_of`
are left out on both sides (TTL may or may not have deleted them yet).

This is the one place that scans the table: a restore drill must compare everything, and it runs monthly.
Types whose items live minutes (event claims, rate counters, fingerprints) are `VOLATILE`: written between
a backup and its manifest, they may differ, and their differences are reported but do not fail a drill.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from chalicelib.store.table import TTL_ATTRIBUTE

MODULUS = 1 << 128
SEGMENTS = 4
VOLATILE = frozenset({"EVT/EVT", "RATE/W", "FP/-"})
_LEADING = re.compile(r"[A-Z]+")


def item_type(item: Mapping[str, Any]) -> str:
    """The family of a raw (DynamoDB JSON) item, from the leading capitals of its keys."""
    parts = []
    for key in ("PK", "SK"):
        value = str(item.get(key, {}).get("S", ""))
        match = _LEADING.match(value)
        parts.append(match.group(0) if match else "-")
    return "/".join(parts)


def item_digest(item: Mapping[str, Any]) -> int:
    canonical = json.dumps(item, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return int.from_bytes(hashlib.sha256(canonical.encode()).digest()[:16], "big")


def _expired(item: Mapping[str, Any], as_of: float) -> bool:
    value = item.get(TTL_ATTRIBUTE, {}).get("N")
    return value is not None and float(value) < as_of


@dataclass
class Manifest:
    as_of: float
    counts: dict[str, int] = field(default_factory=dict)
    sums: dict[str, int] = field(default_factory=dict)
    scanned: int = 0

    def add(self, item: Mapping[str, Any]) -> None:
        self.scanned += 1
        if _expired(item, self.as_of):
            return
        kind = item_type(item)
        self.counts[kind] = self.counts.get(kind, 0) + 1
        self.sums[kind] = (self.sums.get(kind, 0) + item_digest(item)) % MODULUS

    def merge(self, other: Manifest) -> None:
        self.scanned += other.scanned
        for kind, count in other.counts.items():
            self.counts[kind] = self.counts.get(kind, 0) + count
            self.sums[kind] = (self.sums.get(kind, 0) + other.sums[kind]) % MODULUS

    @property
    def items(self) -> int:
        return sum(self.counts.values())

    def to_data(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of,
            "counts": dict(sorted(self.counts.items())),
            "checksums": {kind: f"{value:032x}" for kind, value in sorted(self.sums.items())},
            "scanned": self.scanned,
        }

    @staticmethod
    def from_data(data: Mapping[str, Any]) -> Manifest:
        return Manifest(
            as_of=float(data.get("as_of", 0.0)),
            counts={str(k): int(v) for k, v in dict(data.get("counts", {})).items()},
            sums={str(k): int(str(v), 16) for k, v in dict(data.get("checksums", {})).items()},
            scanned=int(data.get("scanned", 0)),
        )


def scan_manifest(
    client: Any | None, table: str, *, as_of: float, segments: int = SEGMENTS, consistent: bool = False
) -> Manifest:
    """The manifest of `table` through a parallel Scan (`segments` threads sharing one boto3 client, a new
    one if none is given). `consistent` reads what was written just before (the source, right after its
    backup)."""
    if client is None:
        import boto3  # type: ignore[import-untyped, unused-ignore]

        client = boto3.session.Session().client("dynamodb")

    def one(segment: int) -> Manifest:
        part = Manifest(as_of)
        request: dict[str, Any] = {
            "TableName": table,
            "Segment": segment,
            "TotalSegments": segments,
            "ConsistentRead": consistent,
        }
        while True:
            page = client.scan(**request)
            for item in page.get("Items", []):
                part.add(item)
            last = page.get("LastEvaluatedKey")
            if not last:
                return part
            request["ExclusiveStartKey"] = last

    total = Manifest(as_of)
    with ThreadPoolExecutor(max_workers=segments) as pool:
        for part in pool.map(one, range(segments)):
            total.merge(part)
    return total


@dataclass(frozen=True)
class Comparison:
    kind: str
    expected: int
    found: int
    same: bool
    volatile: bool

    def to_data(self) -> dict[str, Any]:
        return {"type": self.kind, "expected": self.expected, "found": self.found, "same": self.same}


def compare(expected: Manifest, found: Manifest) -> list[Comparison]:
    kinds = sorted(set(expected.counts) | set(found.counts))
    return [
        Comparison(
            kind,
            expected.counts.get(kind, 0),
            found.counts.get(kind, 0),
            expected.counts.get(kind, 0) == found.counts.get(kind, 0)
            and expected.sums.get(kind, 0) == found.sums.get(kind, 0),
            kind in VOLATILE,
        )
        for kind in kinds
    ]
