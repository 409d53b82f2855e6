"""`claim_signature` binds a header-only signature to the bodies it came with, in numbered slots: one
conditional put for the first body, one Query more for anything else, one put a slot at most."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chalicelib.adapters.base import SingleUse
from chalicelib.bootstrap import Deps
from chalicelib.clock import FrozenClock
from chalicelib.errors import VerificationFailed
from chalicelib.ingress import claim_signature
from chalicelib.settings import Settings
from chalicelib.store import keys
from chalicelib.store.base import Index
from chalicelib.store.memory import MemoryStore
from chalicelib.store.records import Item

ROUTE = "dingtalk.robot"
PK = keys.signature_use_pk(ROUTE, "pair")


def once(body: str, bodies: int = 3) -> SingleUse:
    return SingleUse(key="pair", body_digest=body, expires_at=5000, bodies=bodies)


STORE_CLOCK = FrozenClock(1000.0)


def deps_with(store: MemoryStore) -> Deps:
    return Deps(settings=Settings(_env_file=None), clock=STORE_CLOCK, store=store)


def bound(store: MemoryStore) -> dict[str, object]:
    return {item.sk: item.data["body"] for item in store.query_items(PK)}


class LateStore(MemoryStore):
    """A store whose Query misses the slots in `unseen`: they were taken between the Query and the put."""

    def __init__(self, unseen: set[str]) -> None:
        super().__init__(clock=STORE_CLOCK)
        self.unseen = unseen

    def query_items(
        self,
        pk: str,
        *,
        prefix: str = "",
        below: str | None = None,
        index: Index | None = None,
        newest_first: bool = False,
        limit: int | None = None,
    ) -> Iterator[Item]:
        found = super().query_items(
            pk, prefix=prefix, below=below, index=index, newest_first=newest_first, limit=limit
        )
        return (item for item in found if item.sk not in self.unseen)

    def truly_bound(self) -> dict[str, object]:
        return {item.sk: item.data["body"] for item in super().query_items(PK)}


def test_the_first_body_costs_one_conditional_put_and_nothing_else() -> None:
    store = MemoryStore(clock=STORE_CLOCK)
    claim_signature(ROUTE, once("a"), deps_with(store))
    assert store.usage.calls == {"PutItem": 1}
    assert bound(store) == {keys.SIGNATURE_USE_SK: "a"}


def test_distinct_bodies_take_the_next_slots_until_none_is_left() -> None:
    store = MemoryStore(clock=STORE_CLOCK)
    for body in "abc":
        claim_signature(ROUTE, once(body), deps_with(store))
    assert bound(store) == {"SIG": "a", "SIG#1": "b", "SIG#2": "c"}
    with pytest.raises(VerificationFailed, match="already used with another body"):
        claim_signature(ROUTE, once("d"), deps_with(store))
    assert len(bound(store)) == 3


def test_a_bound_body_is_let_through_again_without_a_write_even_where_it_could_not_take_a_slot() -> None:
    store = MemoryStore(clock=STORE_CLOCK)
    for body in "ab":
        claim_signature(ROUTE, once(body), deps_with(store))
    store.usage.calls.clear()
    claim_signature(ROUTE, once("b", bodies=1), deps_with(store))
    assert store.usage.calls == {"PutItem": 1, "Query": 1}  # the put that found slot 0 taken, the Query


def test_a_body_that_may_not_have_twins_is_refused_under_a_taken_signature() -> None:
    store = MemoryStore(clock=STORE_CLOCK)
    claim_signature(ROUTE, once("a"), deps_with(store))
    with pytest.raises(VerificationFailed):
        claim_signature(ROUTE, once("b", bodies=1), deps_with(store))
    assert bound(store) == {"SIG": "a"}


def test_a_slot_taken_after_the_query_sends_a_new_body_to_the_next_one() -> None:
    store = LateStore({"SIG#1"})
    for body in "ab":
        claim_signature(ROUTE, once(body), deps_with(store))
    claim_signature(ROUTE, once("c"), deps_with(store))
    assert store.truly_bound() == {"SIG": "a", "SIG#1": "b", "SIG#2": "c"}


def test_a_slot_taken_after_the_query_by_the_same_body_is_its_redelivery() -> None:
    store = LateStore({"SIG#1"})
    for body in "abb":
        claim_signature(ROUTE, once(body), deps_with(store))
    assert store.truly_bound() == {"SIG": "a", "SIG#1": "b"}
