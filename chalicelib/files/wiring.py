"""What the archive needs beside `Deps`: the bucket (`FileStore`) and each messenger's file fetcher, built
once per `Deps` on first use (never at import), or given by a test or the local stack with `attach`.

They hang off the `Deps` object they belong to (a weak reference), so the composition root needs no
field for them and a new `Deps` starts afresh.
"""

from __future__ import annotations

import importlib
import threading
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from chalicelib.core.ids import Platform
from chalicelib.files.storage import FileStore, file_store_for

if TYPE_CHECKING:
    from chalicelib.files.sources import FileFetcher
    from chalicelib.kernel.deps import Deps


@dataclass
class _Wiring:
    owner: weakref.ref[Deps]
    storage: FileStore | None = None
    storage_set: bool = False
    fetchers: dict[str, FileFetcher] = field(default_factory=dict)


_wirings: dict[int, _Wiring] = {}
_lock = threading.Lock()


def _wiring(deps: Deps) -> _Wiring:
    key = id(deps)
    with _lock:
        found = _wirings.get(key)
        if found is None or found.owner() is not deps:
            found = _Wiring(weakref.ref(deps))
            _wirings[key] = found
            weakref.finalize(deps, _wirings.pop, key, None)
        return found


def attach(
    deps: Deps, *, storage: FileStore | None = None, fetchers: dict[str, FileFetcher] | None = None
) -> None:
    """Use this bucket client and these fetchers with `deps` (tests, the local stack)."""
    wiring = _wiring(deps)
    if storage is not None:
        wiring.storage, wiring.storage_set = storage, True
    wiring.fetchers.update(fetchers or {})


def share(source: Deps, derived: Deps) -> None:
    """Let `derived`, a `Deps` made from `source` for one piece of work (a page of archived messages),
    use the same bucket client and fetchers."""
    found = _wiring(source)
    with _lock:
        fetchers = dict(found.fetchers)
    target = _wiring(derived)
    target.storage, target.storage_set = found.storage, found.storage_set
    target.fetchers.update(fetchers)


def storage(deps: Deps) -> FileStore | None:
    """The archive bucket, or None where `QG_ARCHIVE_BUCKET` is not set."""
    wiring = _wiring(deps)
    if not wiring.storage_set:
        wiring.storage, wiring.storage_set = file_store_for(deps.settings.qg_archive_bucket), True
    return wiring.storage


def fetcher(deps: Deps, platform: Platform) -> FileFetcher:
    wiring = _wiring(deps)
    with _lock:
        if platform not in wiring.fetchers:
            module = importlib.import_module(f"chalicelib.adapters.{platform}.files")
            wiring.fetchers[platform] = module.fetcher(deps.settings, deps.clock)
        return wiring.fetchers[platform]
