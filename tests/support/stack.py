"""A qunguan stack for functional tests: signed requests go through `chalice.test.Client` into the real
routes; the worker runs inline; what the bot sent is read from the recording fake of the messenger APIs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from chalice.test import Client, HTTPResponse

from chalicelib.bootstrap import Deps, build_dispatcher, use_deps
from chalicelib.clock import Clock, SystemClock
from chalicelib.settings import Settings
from chalicelib.store.base import Store
from chalicelib.store.memory import MemoryStore
from local.demo_settings import DEMO_SETTINGS
from local.fakes.server import FakeMessengers
from local.peers import SignedRequest


def demo_settings(fake: FakeMessengers, **overrides: Any) -> Settings:
    values: dict[str, Any] = {key.lower(): value for key, value in DEMO_SETTINGS.items()}
    values.update(fake.settings())
    values.update(qg_dispatch="inline", qg_table_name="qunguan-test")
    values.update(overrides)
    return Settings(_env_file=None, **values)


@dataclass
class Stack:
    fake: FakeMessengers
    deps: Deps
    client: Client

    @property
    def settings(self) -> Settings:
        return self.deps.settings

    @property
    def store(self) -> Store:
        return self.deps.store

    def send(self, request: SignedRequest) -> HTTPResponse:
        return self.client.http.request(
            request.method, request.url_path, headers=dict(request.headers), body=request.body
        )


@contextmanager
def running_stack(
    fake: FakeMessengers,
    *,
    store: Store | None = None,
    clock: Clock | None = None,
    **setting_overrides: Any,
) -> Iterator[Stack]:
    import app as application

    clock = clock or SystemClock()
    deps = Deps(
        settings=demo_settings(fake, **setting_overrides),
        clock=clock,
        store=store or MemoryStore(clock=clock),
    )
    deps.dispatcher = build_dispatcher(deps)
    use_deps(deps)
    try:
        with Client(application.app) as client:
            yield Stack(fake=fake, deps=deps, client=client)
    finally:
        use_deps(None)
