"""`Deps` as the domains see it: the store, the clock, the settings, the messengers, the hand-off to the
queue and the container's caches. `chalicelib.bootstrap.Deps` is the production wiring (and what tests
build); a handler types its `deps` with this protocol, so no domain imports the composition root."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from chalicelib.adapters.base import DirectoryUser, Messenger
    from chalicelib.cache import TtlCache
    from chalicelib.clock import Clock
    from chalicelib.core.events import Event
    from chalicelib.core.ids import Platform
    from chalicelib.core.policy import GroupPolicy
    from chalicelib.envsettings import IngressSettings
    from chalicelib.queue import Dispatcher
    from chalicelib.settings import Settings
    from chalicelib.store.base import Store
    from chalicelib.store.records import GroupRecord


class Deps(Protocol):
    clock: Clock
    store: Store
    dispatcher: Dispatcher | None
    groups: TtlCache[GroupRecord]
    policies: TtlCache[GroupPolicy]
    directory: TtlCache[DirectoryUser | None]
    setups: TtlCache[bool]  # groups whose setup card is claimed already (`chalicelib.membership.arrival`)

    @property
    def settings(self) -> Settings: ...

    @property
    def ingress_settings(self) -> IngressSettings: ...

    def derive(self, *, store: Store, clock: Clock) -> Deps:
        """The same wiring (settings, caches, messengers, dispatcher) over another store and clock: the
        archive's batch path moderates a page through a page store, at each message's own time."""

    def messenger(self, platform: Platform) -> Messenger: ...

    def dispatch(self, events: Sequence[Event]) -> None:
        """Hand events to the worker: through the queue, or (no queue: a unit test) one after the other."""
