"""Policies are versioned in the table: every version kept, the live one read in one request, a group
override resolved onto the org default, a bad document refused with every problem named, rollback as a
new version, and the published JSON schema kept current."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from chalicelib.core.policy import PolicyError, policy_json_schema
from chalicelib.kernel.policies import PolicyRepo
from chalicelib.store import keys
from chalicelib.store.base import Store
from chalicelib.store.dynamodb import DynamoStore
from chalicelib.store.memory import MemoryStore
from chalicelib.store.records import Item
from local.dynamo import EmbeddedDynamo

GID = "slack:T1:C1"
GROUP = keys.group_policy_scope(GID)


def test_a_group_without_any_policy_is_governed_by_the_shipped_default() -> None:
    policy = PolicyRepo(MemoryStore()).for_group(GID, now=0)
    assert policy.mode == "enforce" and policy.rules.flood.max_messages == 8


def test_applying_keeps_every_version_and_makes_the_newest_live() -> None:
    repo = PolicyRepo(MemoryStore())
    repo.apply(GROUP, "rules:\n  flood:\n    max_messages: 5\n", author="ops", now=1)
    repo.apply(GROUP, "rules:\n  flood:\n    max_messages: 6\n", author="ops", now=2)
    assert [v.version for v in repo.versions(GROUP)] == [1, 2]
    assert repo.current(GROUP).version == 2  # type: ignore[union-attr]
    assert repo.for_group(GID, now=3).rules.flood.max_messages == 6


def test_a_group_override_sits_on_the_org_policy() -> None:
    repo = PolicyRepo(MemoryStore())
    repo.apply(keys.ORG_SCOPE, "locale: en\nadmins: ['slack:T1:UBOSS']\n", author="ops", now=1)
    repo.apply(GROUP, "mode: shadow\n", author="ops", now=2)
    policy = repo.for_group(GID, now=3)
    assert (policy.locale, policy.admins, policy.mode) == ("en", ("slack:T1:UBOSS",), "shadow")
    assert policy.revision == "1.1"


def test_a_page_of_groups_reads_its_policies_in_one_batch_and_resolves_them_as_one_by_one() -> None:
    store = MemoryStore()
    writer = PolicyRepo(store)
    writer.apply(keys.ORG_SCOPE, "locale: en\n", author="ops", now=1)
    writer.apply(GROUP, "mode: shadow\nadmins: ['slack:T1:UA']\n", author="ops", now=2)
    gids = [GID, "slack:T1:C2", "slack:T1:C3"]
    store.usage.reset()

    batch = PolicyRepo(store).for_groups(gids, now=3)

    assert store.usage.calls["GetItem"] == 4  # the org's and each group's live version: one batch on DynamoDB
    one_by_one = PolicyRepo(store)  # a repository of its own: its cache is empty
    assert batch == {gid: one_by_one.for_group(gid, now=3) for gid in gids}
    assert (batch[GID].mode, batch[GID].admins, batch["slack:T1:C2"].mode) == (
        "shadow",
        ("slack:T1:UA",),
        "enforce",
    )


def test_a_bad_document_is_refused_with_its_problems_and_nothing_is_stored() -> None:
    repo = PolicyRepo(MemoryStore())
    with pytest.raises(PolicyError, match="max_messages"):
        repo.apply(GROUP, "rules:\n  flood:\n    max_messages: -1\n", author="ops", now=1)
    with pytest.raises(PolicyError, match="flod"):
        repo.apply(GROUP, "rules:\n  flod: {}\n", author="ops", now=1)
    assert repo.versions(GROUP) == []


def test_rollback_applies_the_previous_version_again_as_a_new_one() -> None:
    repo = PolicyRepo(MemoryStore())
    repo.apply(GROUP, "mode: warn\n", author="ops", now=1)
    repo.apply(GROUP, "mode: shadow\n", author="ops", now=2)
    back = repo.rollback(GROUP, author="ops", now=3)
    assert (back.version, back.text) == (3, "mode: warn\n")
    assert repo.for_group(GID, now=4).mode == "warn"


def test_the_published_schema_is_current() -> None:
    published = json.loads((Path(__file__).parents[2] / "docs" / "policy.schema.json").read_text())
    assert published == policy_json_schema()


def test_a_version_stored_before_qualified_ids_is_read_and_rolled_back_to_but_never_written_anew() -> None:
    store = MemoryStore()
    text = "locale: en\nadmins: [UBOSS]\n"
    legacy = {"text": text, "author": "ops", "at": 0, "version": 1}
    store.put_item(Item(keys.policy_pk(keys.ORG_SCOPE), keys.policy_sk(1), legacy))
    store.put_item(Item(keys.policy_pk(keys.ORG_SCOPE), keys.POLICY_CURRENT_SK, legacy))
    repo = PolicyRepo(store)
    assert repo.for_group(GID, now=1).admins == ("UBOSS",)  # read as written; the bare id names nobody
    assert not repo.for_group(GID, now=1).is_admin("slack:T1:UBOSS")
    with pytest.raises(PolicyError, match="'UBOSS' is not a qualified id"):
        repo.apply(keys.ORG_SCOPE, text, author="ops", now=2)
    repo.apply(keys.ORG_SCOPE, "locale: en\nadmins: ['slack:T1:UBOSS']\n", author="ops", now=3)
    assert repo.rollback(keys.ORG_SCOPE, author="ops", now=4).text == text


def _store_as_before_re2(store: MemoryStore, scope: str, text: str) -> None:
    legacy = {"text": text, "author": "ops", "at": 0, "version": 1}
    store.put_item(Item(keys.policy_pk(scope), keys.policy_sk(1), legacy))
    store.put_item(Item(keys.policy_pk(scope), keys.POLICY_CURRENT_SK, legacy))


def test_a_stored_pattern_re2_refuses_switches_off_that_check_not_the_groups_policy() -> None:
    store = MemoryStore()
    lookahead = "^(?=.*-).+$"
    _store_as_before_re2(
        store,
        keys.ORG_SCOPE,
        f"locale: en\nmembership:\n  real_names:\n    pattern: '{lookahead}'\n"
        "rules:\n  flood:\n    max_messages: 5\n",
    )
    _store_as_before_re2(store, GROUP, f"rules:\n  files:\n    name_pattern: '{lookahead}'\n")
    policy = PolicyRepo(store).for_group(GID, now=1)
    assert policy.membership.real_names.pattern is None and policy.rules.files.name_pattern is None
    assert (policy.locale, policy.rules.flood.max_messages) == ("en", 5)  # the rest still holds


def test_a_new_pattern_re2_refuses_is_still_refused_with_the_reason() -> None:
    repo = PolicyRepo(MemoryStore())
    with pytest.raises(PolicyError, match="lookahead"):
        repo.apply(GROUP, "rules:\n  files:\n    name_pattern: '^(?=.*-).+$'\n", author="ops", now=1)


_tables = itertools.count()


@pytest.fixture(params=["memory", "dynamodb"])
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    """The claim's contract holds on both stores: the conditional put and the newest-first Query."""
    if request.param == "memory":
        yield MemoryStore()
        return
    dynamodb: EmbeddedDynamo = request.getfixturevalue("dynamodb")
    client = request.getfixturevalue("dynamodb_client")
    name = f"qunguan-policies-{next(_tables)}"
    dynamodb.create_table(name)
    yield DynamoStore(name, client=client)
    client.delete_table(TableName=name)


def test_a_version_applied_under_a_claim_is_found_again_by_it_and_never_written_twice(store: Store) -> None:
    repo = PolicyRepo(store)
    first = repo.apply(GROUP, "mode: warn\n", author="UADMIN", now=1, claim="slack#T1#e1")
    again = repo.apply(GROUP, "mode: warn\n", author="UADMIN", now=2, claim="slack#T1#e1")
    assert (again.version, again.at, again.claim) == (first.version, 1, "slack#T1#e1")
    assert [v.version for v in repo.versions(GROUP)] == [1]
    assert repo.apply(GROUP, "mode: warn\n", author="UADMIN", now=3, claim="slack#T1#e2").version == 2


def test_a_claims_version_stays_its_own_after_others_applied_on_top_of_it(store: Store) -> None:
    repo = PolicyRepo(store)
    repo.apply(GROUP, "mode: warn\n", author="UADMIN", now=1, claim="slack#T1#e1")
    repo.apply(GROUP, "mode: shadow\n", author="UOTHER", now=2, claim="slack#T1#e2")
    mine = repo.claimed(GROUP, "slack#T1#e1")
    assert mine is not None and mine.version == 1
    assert repo.current(GROUP).version == 2  # type: ignore[union-attr]  # nothing moved back, nothing new
    assert repo.claimed(GROUP, "slack#T1#e3") is None


def test_a_version_written_before_its_pointer_moved_is_made_live_by_its_claim(store: Store) -> None:
    """The worker that wrote version 1 died before CURRENT moved: without the claim, the retry would be
    refused (version 1 taken) and version 1 would never be live."""
    data = {"text": "mode: warn\n", "author": "UADMIN", "at": 1.0, "version": 1, "claim": "slack#T1#e1"}
    store.put_item(Item(keys.policy_pk(GROUP), keys.policy_sk(1), data))
    repo = PolicyRepo(store)
    found = repo.apply(GROUP, "mode: warn\n", author="UADMIN", now=2, claim="slack#T1#e1")
    assert found.version == 1 and repo.current(GROUP).version == 1  # type: ignore[union-attr]
    assert repo.for_group(GID, now=3).mode == "warn"


def test_an_apply_that_read_the_live_version_before_anothers_landed_is_refused_never_lost(
    store: Store,
) -> None:
    repo = PolicyRepo(store)
    repo.apply(GROUP, "mode: warn\n", author="UADMIN", now=1)
    # Another admin's version 2 is written; CURRENT has not moved yet when this apply reads it.
    other = {"text": "mode: shadow\n", "author": "UOTHER", "at": 2.0, "version": 2, "claim": "slack#T1#e2"}
    store.put_item(Item(keys.policy_pk(GROUP), keys.policy_sk(2), other))
    with pytest.raises(PolicyError, match="version 2 of group:slack:T1:C1 was applied by someone else"):
        repo.apply(GROUP, "mode: enforce\n", author="ops", now=3, claim="slack#T1#e3")
    assert [v.text for v in repo.versions(GROUP)] == ["mode: warn\n", "mode: shadow\n"]
