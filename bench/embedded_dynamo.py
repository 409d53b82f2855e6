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
from typing import Any

# Operations whose answers `_fast_execute_result` writes itself: plain maps of attribute values, counts,
# keys and consumed capacity, where moto's serialiser changes nothing but bytes (to base64).
FAST_OPERATIONS = frozenset({"Query", "Scan", "GetItem", "BatchGetItem"})
CONTENT_TYPE = "application/x-amz-json-1.0"

_partition: contextvars.ContextVar[Any] = contextvars.ContextVar("qg_bench_partition", default=None)
_CACHE = "_qg_bench_sorted"  # the attribute on a moto Table that holds its sorted items until a write


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
        }
        # What each class itself defined (None: it inherited the attribute), to put back afterwards.
        self.own = {(cls, name): cls.__dict__.get(name) for cls, name in self.targets}
        self.slow_execute = DynamoResult.execute_result
        self.slow_query = Table.query
        self.slow_put = Table.put_item
        self.slow_delete = Table.delete_item
        self.slow_comes_before = Table._item_comes_before_dct
        self.slow_dispatch = BaseResponse._dispatch
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
        own_key = arguments.get("index_name") is None and isinstance(hash_key, self.dynamo_type)
        token = _partition.set(hash_key if own_key else None)
        try:
            return self.slow_query(table, *args, **kwargs)
        finally:
            _partition.reset(token)

    def put_item(self, table: Any, *args: Any, **kwargs: Any) -> Any:
        table.__dict__.pop(_CACHE, None)
        return self.slow_put(table, *args, **kwargs)

    def delete_item(self, table: Any, *args: Any, **kwargs: Any) -> Any:
        table.__dict__.pop(_CACHE, None)
        return self.slow_delete(table, *args, **kwargs)

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
