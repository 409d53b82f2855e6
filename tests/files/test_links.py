"""The link a member gets: an opaque random token whose meaning is in the store (by its hash only),
expiring, bound to one browser session and spent once."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.files.links import (
    Link,
    LinkRefused,
    bind_session,
    consume,
    csrf_ok,
    csrf_token,
    digest_of,
    find,
    holds,
    issue,
    link_url,
    new_claim,
)
from chalicelib.settings import Settings
from chalicelib.store import keys
from chalicelib.store.memory import MemoryStore

SETTINGS = Settings(_env_file=None, slack_signing_secret="signing-secret", qg_card_signing_key="k" * 32)
OTHER = Settings(_env_file=None, slack_signing_secret="signing-secret", qg_card_signing_key="x" * 32)
NOW = float(int(time.time()))  # the memory store hides items past their expiry by the real clock


def issued(store: MemoryStore, **overrides: object) -> str:
    fields: dict[str, object] = {
        "gid": "slack:T1:C1",
        "file_id": "f0a1b2c3d",
        "user": "U0ALICE",
        "ground": "m",
        "expires_at": NOW + 900,
    }
    fields.update(overrides)
    return issue(store, new_claim(**fields))  # type: ignore[arg-type]


def test_a_token_reads_as_nothing_and_the_store_keeps_only_its_hash() -> None:
    store = MemoryStore()
    token = issued(store)
    assert len(token) == 43 and "U0ALICE" not in token and "f0a1b2c3d" not in token
    item = store.get_item(keys.file_link_pk(digest_of(token)), keys.FILE_LINK_SK)
    assert item is not None and token not in json.dumps(item.data)


def test_a_link_names_the_file_the_member_and_the_ground_until_it_expires() -> None:
    store = MemoryStore()
    token = issued(store)
    claim = find(store, token, NOW + 899).claim
    expected = ("slack:T1:C1", "f0a1b2c3d", "U0ALICE", "m")
    assert (claim.gid, claim.file_id, claim.user, claim.ground) == expected
    with pytest.raises(LinkRefused) as refused:
        find(store, token, NOW + 900)
    assert refused.value.status == 410


def test_two_links_to_the_same_file_differ_so_each_download_names_its_link() -> None:
    store = MemoryStore()
    first, second = issued(store), issued(store)
    assert first != second and find(store, first, NOW).claim.nonce != find(store, second, NOW).claim.nonce


def test_a_token_the_store_does_not_know_is_refused() -> None:
    store = MemoryStore()
    token = issued(store)
    with pytest.raises(LinkRefused) as refused:
        find(store, token[:-1] + ("A" if token[-1] != "A" else "B"), NOW)
    assert refused.value.status == 403


def test_a_link_binds_to_the_first_session_only() -> None:
    store = MemoryStore()
    token = issued(store)
    assert bind_session(store, find(store, token, NOW), "session-one")
    assert not bind_session(store, find(store, token, NOW), "session-two")
    link = find(store, token, NOW)
    assert holds(link, "session-one") and not holds(link, "session-two") and not holds(link, None)


def test_a_link_is_consumed_once() -> None:
    store = MemoryStore()
    token = issued(store)
    bind_session(store, find(store, token, NOW), "s")
    link = find(store, token, NOW)
    assert consume(store, link, NOW) and not consume(store, link, NOW + 1)
    assert find(store, token, NOW).used_at == NOW


def test_the_csrf_token_belongs_to_one_link_one_session_and_one_key() -> None:
    store = MemoryStore()
    link = find(store, issued(store), NOW)
    other: Link = find(store, issued(store), NOW)
    token = csrf_token(SETTINGS, link, "s")
    assert csrf_ok(SETTINGS, link, "s", token)
    assert not csrf_ok(SETTINGS, link, "t", token)
    assert not csrf_ok(SETTINGS, other, "s", token)
    assert not csrf_ok(OTHER, link, "s", token)
    assert not csrf_ok(SETTINGS, link, "s", None)


def test_the_link_is_our_route_under_the_public_url() -> None:
    assert link_url("https://x.example/api/", "abc") == "https://x.example/api/files/abc"


@given(st.text(max_size=700))
def test_any_string_is_refused_with_a_4xx_and_nothing_else(value: str) -> None:
    with pytest.raises(LinkRefused) as refused:
        find(MemoryStore(), value, NOW)
    assert refused.value.status == 403
