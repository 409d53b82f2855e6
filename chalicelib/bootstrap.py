"""The one composition root: `build_deps()` wires settings, clock, store, dispatcher, endpoints and
messengers; `get_deps()` builds them once per Lambda container, on first use (never at import).

Tests build their own `Deps` (a MemoryStore, a FrozenClock, messengers pointed at a local fake) and
install them with `use_deps`; nothing is patched.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from chalicelib.cache import TtlCache
from chalicelib.clock import Clock, SystemClock
from chalicelib.core.ids import PLATFORMS, Platform
from chalicelib.errors import PlatformDisabled
from chalicelib.routes import ROUTES

if TYPE_CHECKING:
    from chalicelib.adapters.base import DirectoryUser, Endpoint, Messenger
    from chalicelib.core.events import Event
    from chalicelib.core.policy import GroupPolicy
    from chalicelib.envsettings import EnvSettings, IngressSettings
    from chalicelib.queue import Dispatcher
    from chalicelib.settings import Settings
    from chalicelib.store.base import Store
    from chalicelib.store.records import GroupRecord

GROUP_CACHE_SECONDS = 300.0
POLICY_CACHE_SECONDS = 60.0
DIRECTORY_CACHE_SECONDS = 600.0
# A group whose setup card is known to be claimed (`chalicelib.membership.arrival`): asked by every message
# of the minutes after the bot arrives, answered from memory after the first.
SETUP_CACHE_SECONDS = 300.0
_SETTING_HINTS: dict[str, str] = {
    "slack": "SLACK_SIGNING_SECRET",
    "wecom.callback": "WECOM_CORP_ID, WECOM_TOKEN and WECOM_AES_KEY",
    "wecom.aibot": "WECOM_AIBOT_TOKEN and WECOM_AIBOT_AES_KEY",
    "dingtalk.robot": "DINGTALK_APP_SECRET and DINGTALK_CORP_ID",
    "dingtalk.events": "DINGTALK_APP_KEY, DINGTALK_TOKEN and DINGTALK_AES_KEY",
    "dingtalk.cards": "DINGTALK_CARD_SECRET and DINGTALK_CORP_ID",
}


class Deps:
    """What every handler needs. Settings come one of two ways: `settings=` (the pydantic model: tests,
    the CLI), or `env=` (the light reader `get_deps()` uses, so that the ingress path never builds the
    pydantic model; `deps.settings` builds it from the same values the first time the worker asks)."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        clock: Clock,
        store: Store,
        dispatcher: Dispatcher | None = None,
        messenger_factory: Callable[[Platform], Messenger] | None = None,
        env: EnvSettings | None = None,
    ) -> None:
        if settings is None and env is None:
            raise TypeError("Deps needs settings or env")
        self._settings = settings
        self._env = env if settings is None else None
        self.clock = clock
        self.store = store
        self.dispatcher = dispatcher
        self.messenger_factory = messenger_factory
        self.groups: TtlCache[GroupRecord] = TtlCache(ttl=GROUP_CACHE_SECONDS)
        self.policies: TtlCache[GroupPolicy] = TtlCache(ttl=POLICY_CACHE_SECONDS)
        self.directory: TtlCache[DirectoryUser | None] = TtlCache(ttl=DIRECTORY_CACHE_SECONDS)
        self.setups: TtlCache[bool] = TtlCache(ttl=SETUP_CACHE_SECONDS)
        self._endpoints: dict[Platform, dict[str, Endpoint]] = {}
        self._messengers: dict[str, Messenger] = {}
        self._lock = threading.Lock()
        self._build_lock = threading.Lock()

    @property
    def settings(self) -> Settings:
        """The pydantic settings (the worker's), built on first use when only `env` was given."""
        if self._settings is None:
            with self._build_lock:
                if self._settings is None and self._env is not None:  # __init__ requires one of the two
                    self._settings = self._env.to_settings()
        if self._settings is None:  # pragma: no cover - unreachable
            raise RuntimeError("Deps has no settings")
        return self._settings

    @settings.setter
    def settings(self, value: Settings) -> None:
        self._settings = value
        self._env = None

    def derive(self, *, store: Store, clock: Clock) -> Deps:
        """This wiring over another store and clock (`chalicelib.kernel.deps.Deps.derive`)."""
        derived = Deps(self._settings, env=self._env, clock=clock, store=store, dispatcher=self.dispatcher)
        derived.messenger_factory = self.messenger
        derived.groups, derived.policies, derived.directory = self.groups, self.policies, self.directory
        derived.setups = self.setups
        return derived

    @property
    def ingress_settings(self) -> IngressSettings:
        """What the ingress path reads: the light reader when there is one, without building `settings`."""
        return self._env if self._env is not None else self.settings

    def endpoint(self, route: str) -> Endpoint:
        platform = ROUTES[route].platform
        found = self._endpoints.get(platform)
        if found is None:  # only this platform's adapter is imported (WeCom and DingTalk load cryptography)
            with self._build_lock:
                found = self._endpoints.get(platform)
                if found is None:
                    found = build_platform_endpoints(platform, self.ingress_settings, self.clock)
                    self._endpoints[platform] = found
        endpoint = found.get(route)
        if endpoint is None:
            hint = _SETTING_HINTS.get(route) or _SETTING_HINTS.get(route.split(".", 1)[0], "its settings")
            raise PlatformDisabled(f"{platform} is not configured here: set {hint}")
        return endpoint

    def dispatch(self, events: Sequence[Event]) -> None:
        """Hand events to the worker: through the dispatcher, or (none: a unit test) one after the other."""
        if not events:
            return
        if self.dispatcher is not None:
            self.dispatcher.dispatch(events)
            return
        from chalicelib.worker.pipeline import process

        for event in events:
            process(event, self)

    def messenger(self, platform: Platform) -> Messenger:
        built = self._messengers.get(platform)  # built once, then only read: no lock (twice a message)
        if built is not None:
            return built
        with self._lock:
            if platform not in self._messengers:
                factory = self.messenger_factory or (lambda p: build_messenger(p, self.settings, self.clock))
                self._messengers[platform] = factory(platform)
            return self._messengers[platform]


def build_platform_endpoints(
    platform: Platform, settings: IngressSettings, clock: Clock
) -> dict[str, Endpoint]:
    """One platform's switched-on routes; importing its adapter is the cost, so nothing else is imported."""
    module = importlib.import_module(f"chalicelib.adapters.{platform}.endpoints")
    built: dict[str, Endpoint] = module.endpoints(settings, clock)
    return built


def build_endpoints(settings: IngressSettings, clock: Clock) -> dict[str, Endpoint]:
    endpoints: dict[str, Endpoint] = {}
    for platform in PLATFORMS:
        endpoints.update(build_platform_endpoints(platform, settings, clock))
    return endpoints


def build_messenger(platform: Platform, settings: Settings, clock: Clock) -> Messenger:
    module = importlib.import_module(f"chalicelib.adapters.{platform}.client")
    messenger: Messenger = module.messenger(settings, clock)
    return messenger


def build_deps(settings: Settings | None = None, clock: Clock | None = None) -> Deps:
    """Production wiring. Without `settings`, the light reader (`chalicelib.envsettings`) supplies them:
    the same names, defaults, `.env` and `QG_SECRETS_ID` overlay, without pydantic on the ingress path."""
    from chalicelib.logs import configure
    from chalicelib.store.dynamodb import DynamoStore

    clock = clock or SystemClock()
    if settings is None:
        from chalicelib.envsettings import get_env_settings

        env = get_env_settings()
        deps = Deps(clock=clock, store=DynamoStore(env.qg_table_name, clock=clock), env=env)
    else:
        deps = Deps(settings, clock=clock, store=DynamoStore(settings.qg_table_name, clock=clock))
    configure(deps.ingress_settings.qg_log_level)  # QG_LOG_LEVEL, and JSON lines (chalicelib.logs)
    deps.dispatcher = build_dispatcher(deps)
    return deps


def build_dispatcher(deps: Deps) -> Dispatcher:
    from chalicelib.queue import InlineDispatcher, SqsDispatcher

    settings = deps.ingress_settings
    if settings.qg_dispatch == "inline":
        from chalicelib.worker.pipeline import process

        return InlineDispatcher(lambda event: process(event, deps))
    if not settings.qg_queue_url:
        raise RuntimeError("QG_QUEUE_URL is required when QG_DISPATCH=sqs")
    return SqsDispatcher(settings.qg_queue_url)


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
