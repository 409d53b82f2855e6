"""The one composition root: `build_deps()` wires settings, clock, store, dispatcher, endpoints and
messengers; `get_deps()` builds them once per Lambda container, on first use (never at import).

Tests build their own `Deps` (a MemoryStore, a FrozenClock, messengers pointed at a local fake) and
install them with `use_deps`; nothing is patched.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from chalicelib.cache import TtlCache
from chalicelib.clock import Clock, SystemClock
from chalicelib.core.ids import Platform
from chalicelib.errors import PlatformDisabled
from chalicelib.routes import ROUTES

if TYPE_CHECKING:
    from chalicelib.adapters.base import DirectoryUser, Endpoint, Messenger
    from chalicelib.core.policy import GroupPolicy
    from chalicelib.queue import Dispatcher
    from chalicelib.settings import Settings
    from chalicelib.store.base import Store
    from chalicelib.store.records import GroupRecord

GROUP_CACHE_SECONDS = 300.0
POLICY_CACHE_SECONDS = 60.0
DIRECTORY_CACHE_SECONDS = 600.0
_SETTING_HINTS: dict[str, str] = {
    "slack": "SLACK_SIGNING_SECRET",
    "wecom.callback": "WECOM_CORP_ID, WECOM_TOKEN and WECOM_AES_KEY",
    "wecom.aibot": "WECOM_AIBOT_TOKEN and WECOM_AIBOT_AES_KEY",
    "dingtalk.robot": "DINGTALK_APP_SECRET",
    "dingtalk.events": "DINGTALK_APP_KEY, DINGTALK_TOKEN and DINGTALK_AES_KEY",
    "dingtalk.cards": "DINGTALK_CARD_SECRET",
}


@dataclass
class Deps:
    settings: Settings
    clock: Clock
    store: Store
    dispatcher: Dispatcher | None = None
    messenger_factory: Callable[[Platform], Messenger] | None = None
    groups: TtlCache[GroupRecord] = field(default_factory=lambda: TtlCache(ttl=GROUP_CACHE_SECONDS))
    policies: TtlCache[GroupPolicy] = field(default_factory=lambda: TtlCache(ttl=POLICY_CACHE_SECONDS))
    directory: TtlCache[DirectoryUser | None] = field(
        default_factory=lambda: TtlCache(ttl=DIRECTORY_CACHE_SECONDS)
    )
    _endpoints: dict[str, Endpoint] | None = None
    _messengers: dict[str, Messenger] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def endpoint(self, route: str) -> Endpoint:
        if self._endpoints is None:
            self._endpoints = build_endpoints(self.settings, self.clock)
        found = self._endpoints.get(route)
        if found is None:
            hint = _SETTING_HINTS.get(route) or _SETTING_HINTS.get(route.split(".", 1)[0], "its settings")
            raise PlatformDisabled(f"{ROUTES[route].platform} is not configured here: set {hint}")
        return found

    def messenger(self, platform: Platform) -> Messenger:
        with self._lock:
            if platform not in self._messengers:
                factory = self.messenger_factory or (lambda p: build_messenger(p, self.settings, self.clock))
                self._messengers[platform] = factory(platform)
            return self._messengers[platform]


def build_endpoints(settings: Settings, clock: Clock) -> dict[str, Endpoint]:
    endpoints: dict[str, Endpoint] = {}
    for platform in ("slack", "wecom", "dingtalk"):
        module = importlib.import_module(f"chalicelib.adapters.{platform}.endpoints")
        endpoints.update(module.endpoints(settings, clock))
    return endpoints


def build_messenger(platform: Platform, settings: Settings, clock: Clock) -> Messenger:
    module = importlib.import_module(f"chalicelib.adapters.{platform}.client")
    messenger: Messenger = module.messenger(settings, clock)
    return messenger


def build_deps(settings: Settings | None = None, clock: Clock | None = None) -> Deps:
    from chalicelib.settings import get_settings
    from chalicelib.store.dynamodb import DynamoStore

    settings = settings or get_settings()
    clock = clock or SystemClock()
    deps = Deps(settings=settings, clock=clock, store=DynamoStore(settings.qg_table_name, clock=clock))
    deps.dispatcher = build_dispatcher(deps)
    return deps


def build_dispatcher(deps: Deps) -> Dispatcher:
    from chalicelib.queue import InlineDispatcher, SqsDispatcher

    if deps.settings.qg_dispatch == "inline":
        from chalicelib.worker.pipeline import process

        return InlineDispatcher(lambda event: process(event, deps))
    if not deps.settings.qg_queue_url:
        raise RuntimeError("QG_QUEUE_URL is required when QG_DISPATCH=sqs")
    return SqsDispatcher(deps.settings.qg_queue_url)


_deps: Deps | None = None
_deps_lock = threading.Lock()


def get_deps() -> Deps:
    global _deps
    with _deps_lock:
        if _deps is None:
            _deps = build_deps()
        return _deps


def peek_deps() -> Deps | None:
    """The container's Deps if a request already built them, without building anything."""
    with _deps_lock:
        return _deps


def use_deps(deps: Deps | None) -> None:
    """Install `deps` for this process (tests, the local stack); None forgets them."""
    global _deps
    with _deps_lock:
        _deps = deps
