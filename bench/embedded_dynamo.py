"""The embedded DynamoDB (moto, `local/dynamo.py`) as the job benchmarks use it at 100 000 members:
seeded straight into its memory, made to answer a large table in reasonable time, and with the time it
spends answering measured, so that a job's own time can be told apart from the stand-in's.

Why: moto answers every Query page by sorting the whole table (every partition) with Python-level
comparisons, and turns every response into JSON through a generic, shape-walking serialiser at about a
millisecond an item; seeding through the API cost about as much again. The 100 000-member jobs did not
fit in `make bench`'s 10 minutes that way (the script ran out of its 375 s), and the time measured was
nearly all moto's: at 30 000 members, 48 of the assessment's 57 s were spent inside moto. DynamoDB
itself returns a 1 MB page in tens of milliseconds.

`faster_moto()` patches moto's classes in this process only (the benchmark children; never the tests'
servers, but for the test that checks these patches against moto itself). Each patch keeps moto's answer
as it was, item for item and page for page; only the time changes:

- read responses (Query, Scan, GetItem, BatchGetItem) are written with `json.dumps`, binary values in
  base64, as moto's serialiser writes them (tests/bench/test_embedded_dynamo.py compares the two, and
  the answers with and without the patches, on every kind of read the store and the jobs make);
- the table's items in key order (`Table.all_items`, which every Query and Scan starts from) are sorted
  on the values' native Python keys instead of moto's `DynamoType` comparisons (the same order: a key
  attribute has one type), kept until the next write to that table, and, for a Query on the table's own
  key, taken from the one partition the Query names instead of every partition;
- likewise for a Query on an index: moto walks every item of the table to find the index partition's
  (about 100 ms at 100 000 members, where DynamoDB reads the partition alone), so the items whose index
  hash key is the one queried are kept, in the table's key order, until the next write to the table or
  an update (which may move an item between index partitions);
- an index's items are sorted on native keys too (`Table.sorted_items`);
- skipping to a page's `ExclusiveStartKey` compares native values, the start key converted once.

`Stopwatch` adds up the time moto spends inside each request (from parsing it to its serialised answer);
a job's time outside DynamoDB is its wall time less that: qunguan's work and boto3's, and the loopback.
`put_items` writes items (in DynamoDB's wire format) straight into a table's memory, through moto's own
`put_item`, so that its checks apply, without HTTP, JSON or a serialiser.
"""

from __future__ import annotations

import base64
import contextvars
import inspect
import json
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

# Operations whose answers `_fast_execute_result` writes itself: plain maps of attribute values, counts,
# keys and consumed capacity, where moto's serialiser changes nothing but bytes (to base64).
FAST_OPERATIONS = frozenset({"Query", "Scan", "GetItem", "BatchGetItem"})
CONTENT_TYPE = "application/x-amz-json-1.0"

_partition: contextvars.ContextVar[Any] = contextvars.ContextVar("qg_bench_partition", default=None)
_CACHE = "_qg_bench_sorted"  # the attribute on a moto Table that holds its sorted items until a write
_INDEX_CACHE = "_qg_bench_index"  # its index partitions' items, until a write or an update


class Stopwatch:
    """Time spent inside moto's DynamoDB handler, and requests handled, since the last `reset()`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.seconds = 0.0
        self.requests = 0

    def add(self, seconds: float) -> None:
        with self._lock:
            self.seconds += seconds
            self.requests += 1

    def reset(self) -> None:
        with self._lock:
            self.seconds = 0.0
            self.requests = 0


STOPWATCH = Stopwatch()


def _blob(value: Any) -> str:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _table_key(item: Any) -> tuple[Any, ...]:
    # moto sorts on (hash, range) DynamoTypes, or the hash alone; the same order on their values.
    return (
        (item.hash_key.cast_value, item.range_key.cast_value)
        if item.range_key
        else (item.hash_key.cast_value,)
    )


def _sorted_cache(table: Any) -> dict[Any, list[Any]]:
    """The table's items in key order, whole (key None) or by partition, until its next write."""
    cache: dict[Any, list[Any]] | None = table.__dict__.get(_CACHE)
    if cache is None:
        cache = table.__dict__[_CACHE] = {}
    return cache


class _Patches:
    """The replacements `faster_moto` installs, around moto's originals (kept here to call and restore)."""

    def __init__(self, *, check: bool) -> None:
        from moto.core.responses import BaseResponse
        from moto.dynamodb.models import DynamoDBBackend
        from moto.dynamodb.models.dynamo_type import DynamoType
        from moto.dynamodb.models.table import Table
        from moto.dynamodb.responses import DynamoHandler, DynamoResult

        self.check = check
        self.dynamo_type = DynamoType
        self.targets: dict[tuple[type, str], Callable[..., Any]] = {
            (DynamoResult, "execute_result"): self.execute_result,
            (Table, "all_items"): self.all_items,
            (Table, "query"): self.query,
            (Table, "put_item"): self.put_item,
            (Table, "delete_item"): self.delete_item,
            (Table, "sorted_items"): self.sorted_items,
            (Table, "_item_comes_before_dct"): self.comes_before,
            (DynamoHandler, "_dispatch"): self.dispatch,
            (DynamoDBBackend, "update_item"): self.update_item,
        }
        # What each class itself defined (None: it inherited the attribute), to put back afterwards.
        self.own = {(cls, name): cls.__dict__.get(name) for cls, name in self.targets}
        self.slow_execute = DynamoResult.execute_result
        self.slow_query = Table.query
        self.slow_put = Table.put_item
        self.slow_delete = Table.delete_item
        self.slow_comes_before = Table._item_comes_before_dct
        self.slow_dispatch = BaseResponse._dispatch
        self.slow_update = DynamoDBBackend.update_item
        self.query_signature = inspect.signature(Table.query)
        # The last ExclusiveStartKey seen (held, so that its identity stays its own), the sort attributes
        # it was read with, and its values as (attribute, type, native value), None where it lacks one.
        self.start: tuple[Any, Any, list[tuple[str, Any, Any]]] = (None, None, [])

    def install(self) -> None:
        for (cls, name), patch in self.targets.items():
            setattr(cls, name, _method(patch))

    def remove(self) -> None:
        for (cls, name), original in self.own.items():
            if original is None:
                delattr(cls, name)
            else:
                setattr(cls, name, original)

    def execute_result(self, result: Any, context: Any) -> Any:
        if context.operation_model.name not in FAST_OPERATIONS:
            return self.slow_execute(result, context)
        body = json.dumps(result.result, default=_blob)
        if self.check:
            status, headers, slow_body = self.slow_execute(result, context)
            fast = (200, CONTENT_TYPE, json.loads(body))
            if (status, headers.get("Content-Type"), json.loads(slow_body)) != fast:
                raise AssertionError(f"the fast {context.operation_model.name} answer differs from moto's")
        return 200, {"Content-Type": CONTENT_TYPE}, body

    def all_items(self, table: Any) -> list[Any]:
        cache = _sorted_cache(table)
        partition = _partition.get()
        if isinstance(partition, _IndexPartition):
            index_cache: dict[Any, list[Any]] = table.__dict__.setdefault(_INDEX_CACHE, {})
            key = (partition.index, partition.attribute, partition.value.type, partition.value.cast_value)
            found = index_cache.get(key)
            if found is None:
                token = _partition.set(None)
                try:
                    everything = self.all_items(table)
                finally:
                    _partition.reset(token)
                found = index_cache[key] = [
                    item
                    for item in everything
                    if (value := item.attrs.get(partition.attribute)) is not None and value == partition.value
                ]
            return list(found)
        if partition is not None and table.range_key_attr:
            found = cache.get(partition)
            if found is None:
                found = cache[partition] = sorted(table.items.get(partition, {}).values(), key=_table_key)
            return list(found)
        found = cache.get(None)
        if found is None:
            found = []
            for hash_set in table.items.values():  # as moto's all_items gathers them
                if table.range_key_attr:
                    found.extend(hash_set.values())
                else:
                    found.append(hash_set)
            found.sort(key=_table_key)
            cache[None] = found
        return list(found)

    def query(self, table: Any, *args: Any, **kwargs: Any) -> Any:
        arguments = self.query_signature.bind(table, *args, **kwargs).arguments
        hash_key = arguments.get("hash_key")
        index_name = arguments.get("index_name")
        partition: Any = None
        if isinstance(hash_key, self.dynamo_type):
            partition = hash_key if index_name is None else _index_partition(table, index_name, hash_key)
        token = _partition.set(partition)
        try:
            return self.slow_query(table, *args, **kwargs)
        finally:
            _partition.reset(token)

    def put_item(self, table: Any, *args: Any, **kwargs: Any) -> Any:
        table.__dict__.pop(_CACHE, None)
        table.__dict__.pop(_INDEX_CACHE, None)
        return self.slow_put(table, *args, **kwargs)

    def delete_item(self, table: Any, *args: Any, **kwargs: Any) -> Any:
        table.__dict__.pop(_CACHE, None)
        table.__dict__.pop(_INDEX_CACHE, None)
        return self.slow_delete(table, *args, **kwargs)

    def update_item(self, backend: Any, table_name: str, *args: Any, **kwargs: Any) -> Any:
        """moto updates an item in place: the table's order holds, an index partition may not."""
        table = backend.tables.get(table_name)  # none: moto answers that itself
        if table is not None:
            table.__dict__.pop(_INDEX_CACHE, None)
        return self.slow_update(backend, table_name, *args, **kwargs)

    @staticmethod
    def sorted_items(
        table: Any, hash_attrs: list[str], range_attrs: list[Any], items: list[Any]
    ) -> list[Any]:
        attrs = table._generate_attr_to_sort_by(hash_attrs, range_attrs)
        items.sort(key=lambda x: tuple([x.attrs[key].cast_value for key in attrs]))
        return items

    def comes_before(  # noqa: PLR0917 - moto's signature
        self,
        table: Any,
        item: Any,
        dct: dict[str, Any],
        hash_attrs: list[str],
        range_attrs: list[Any],
        forward: bool,
    ) -> bool:
        """moto's own test, with the start key's attributes converted once per page, not per item."""
        sort_attrs = (tuple(hash_attrs), tuple(range_attrs))
        if self.start[0] is not dct or self.start[1] != sort_attrs:
            converted: list[tuple[str, Any, Any]] = []
            for attr in table._generate_attr_to_sort_by(hash_attrs, range_attrs):
                raw = dct.get(attr)
                value = self.dynamo_type(raw) if raw is not None else None
                if value is None:
                    converted.append((attr, None, None))
                else:
                    converted.append((attr, value.type, value.cast_value))
            self.start = (dct, sort_attrs, converted)
        for attr, kind, value in self.start[2]:
            mine = item.attrs.get(attr)
            if mine is None:
                continue
            if kind is None:  # a start key without a sort attribute: moto fails on it, so let it
                return bool(self.slow_comes_before(table, item, dct, hash_attrs, range_attrs, forward))
            native = mine.cast_value
            if mine.type != kind or native != value:
                return bool((native < value) == forward)
        return True

    def dispatch(self, handler: Any, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return self.slow_dispatch(handler, *args, **kwargs)
        finally:
            STOPWATCH.add(time.perf_counter() - started)


@dataclass(frozen=True)
class _IndexPartition:
    """A Query's index partition: the index, its hash attribute and the value queried."""

    index: str
    attribute: str
    value: Any


def _index_partition(table: Any, index_name: str, hash_key: Any) -> _IndexPartition | None:
    """The partition a Query on `index_name` reads, for an index with one hash attribute (else None:
    moto's own walk)."""
    for index in table.all_indexes():
        if index.name == index_name:
            hashes = [key["AttributeName"] for key in index.schema if key["KeyType"] == "HASH"]
            return _IndexPartition(index_name, hashes[0], hash_key) if len(hashes) == 1 else None
    return None


def _method(function: Callable[..., Any]) -> Callable[..., Any]:
    """A plain function that calls the bound `function`: set on a class, it receives the instance."""

    def method(*args: Any, **kwargs: Any) -> Any:
        return function(*args, **kwargs)

    return method


@contextmanager
def faster_moto(*, check: bool = False) -> Iterator[Stopwatch]:
    """moto's DynamoDB patched as the module docstring says, with the `Stopwatch` (reset) counting its
    time, until the block ends. `check=True` also serialises every fast answer the slow way and fails
    if the two differ (for the test)."""
    patches = _Patches(check=check)
    patches.install()
    STOPWATCH.reset()
    try:
        yield STOPWATCH
    finally:
        patches.remove()


def moto_table(name: str) -> Any:
    """The moto `Table` object named `name`, in whichever account and region holds it."""
    from moto.dynamodb.models import dynamodb_backends

    for regions in list(dynamodb_backends.values()):
        for backend in list(regions.values()):
            if name in backend.tables:
                return backend.tables[name]
    raise LookupError(f"no moto table named {name}")


def put_items(table: str, items: Iterable[dict[str, Any]]) -> int:
    """Write `items` (DynamoDB's wire format, `{"PK": {"S": ...}, ...}`) straight into the moto table
    `table` of this process; the number written."""
    target = moto_table(table)
    target.__dict__.pop(_CACHE, None)
    written = 0
    for item in items:
        target.put_item(item, overwrite=True)
        written += 1
    target.__dict__.pop(_CACHE, None)
    return written
