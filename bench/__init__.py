"""qunguan's benchmarks against what people would otherwise use (issue #8), run with `make bench`.

Each module gives rows through `main(quick=False) -> list[Row]`; `python -m bench` runs them all, prints
the table and writes `bench/results.json`. A row compares qunguan with its peer on the same inputs in the
same process run: `ratio` = peer / qunguan, so above 1 qunguan is faster (or cheaper); rows without a peer
have `peer` and `ratio` null. `quick=True` runs tiny sizes for the smoke test: its figures mean nothing.

Timing: `time.perf_counter_ns`, a warm-up first, the garbage collector off inside each sample (as
`timeit` does), qunguan's and the peer's samples interleaved so that drift hits both alike, and the
median of the samples reported.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

ROW_KEYS = ("name", "unit", "qunguan", "peer", "ratio")
STARTED = time.monotonic()  # when the run began: bench.jobs_rows shares what is left of the budget


@dataclass(frozen=True)
class Row:
    name: str
    unit: str
    qunguan: float | None
    peer: float | None = None

    @property
    def ratio(self) -> float | None:
        if self.qunguan is None or self.peer is None or self.qunguan <= 0:
            return None
        return self.peer / self.qunguan

    def to_data(self) -> dict[str, Any]:
        ratio = self.ratio
        return {
            "name": self.name,
            "unit": self.unit,
            "qunguan": _round(self.qunguan),
            "peer": _round(self.peer),
            "ratio": None if ratio is None else round(ratio, 2),
        }


def row_from(data: Any) -> Row:
    """A row from another script: a `Row`, a mapping with the documented keys, or an object with those
    attributes. The ratio is always recomputed here, so every row means the same thing."""
    if isinstance(data, Row):
        return data

    def get(key: str) -> Any:
        return data.get(key) if isinstance(data, dict) else getattr(data, key, None)

    return Row(str(get("name")), str(get("unit") or ""), _number(get("qunguan")), _number(get("peer")))


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    return float(value)


def _round(value: float | None) -> float | None:
    if value is None:
        return None
    if value == int(value):
        return float(int(value))
    return float(f"{value:.4g}") if abs(value) < 1000 else round(value, 1)


def sample_ns(fn: Callable[[], object], number: int) -> float:
    """Nanoseconds per call of `fn`, over `number` calls, with the garbage collector off."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter_ns()
        for _ in range(number):
            fn()
        elapsed = time.perf_counter_ns() - start
    finally:
        if enabled:
            gc.enable()
    return elapsed / number


def calibrate(fn: Callable[[], object], target_ns: float) -> int:
    """How many calls of `fn` make a sample of about `target_ns` (at least one), found as
    `timeit.Timer.autorange` does. The first call, which pays for whatever is set up lazily (an import,
    an automaton), is made first and not counted; the calls made to find out are part of the warm-up."""
    fn()
    number = 1
    while True:
        elapsed = sample_ns(fn, number) * number
        if elapsed >= target_ns / 5:
            return max(1, round(number * target_ns / elapsed))
        number *= 5


def medians_ns(fns: Sequence[Callable[[], object]], *, repeat: int, target_ns: float = 50e6) -> list[float]:
    """The median nanoseconds per call of each of `fns`: each calibrated to samples of about
    `target_ns` and warmed up, then `repeat` rounds in which every function takes one sample, in an
    order that rotates from round to round, so that drift and cache effects hit all of them alike."""
    numbers = [calibrate(fn, target_ns) for fn in fns]
    for fn, number in zip(fns, numbers, strict=True):
        sample_ns(fn, number)  # warm-up at full length
    samples: list[list[float]] = [[] for _ in fns]
    for round_index in range(repeat):
        order = list(range(len(fns)))
        shift = round_index % len(order)
        for index in order[shift:] + order[:shift]:
            samples[index].append(sample_ns(fns[index], numbers[index]))
    return [statistics.median(values) for values in samples]


def compare_ns(
    ours: Callable[[], object], peer: Callable[[], object], *, repeat: int, target_ns: float = 50e6
) -> tuple[float, float]:
    """Median nanoseconds per call of `ours` and of `peer`, measured as `medians_ns` does."""
    ours_ns, peer_ns = medians_ns([ours, peer], repeat=repeat, target_ns=target_ns)
    return ours_ns, peer_ns
