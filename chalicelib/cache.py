"""A small in-memory cache with a time to live, per Lambda container (groups, policies)."""

from __future__ import annotations

import threading
from typing import Generic, TypeVar

V = TypeVar("V")


class TtlCache(Generic[V]):
    def __init__(self, ttl: float, max_items: int = 10_000) -> None:
        self.ttl = ttl
        self.max_items = max_items
        self._items: dict[str, tuple[float, V]] = {}
        self._lock = threading.Lock()

    def get(self, key: str, now: float) -> V | None:
        # No lock to read: one dict lookup is atomic, and an entry is replaced whole (a tuple), never
        # changed in place. Writers lock so that the size check and the clearing stay together.
        hit = self._items.get(key)
        return hit[1] if hit is not None and now - hit[0] < self.ttl else None

    def put(self, key: str, value: V, now: float) -> None:
        with self._lock:
            if len(self._items) >= self.max_items:
                self._items.clear()
            self._items[key] = (now, value)

    def drop(self, key: str) -> None:
        with self._lock:
            self._items.pop(key, None)
