"""The group summaries and the org's rollup (`chalicelib.store.summaries`), on both stores: each figure
moves where the data changes, exactly once, and always agrees with a recount of the items themselves;
a recount heals a summary that drifted. Also the reads the console's pages make in batches."""

from __future__ import annotations

from dataclasses import replace

from chalicelib.membership.repository import MembershipRepo
from chalicelib.moderation.followups import FollowUp, FollowUps
from chalicelib.store import keys, summaries
from chalicelib.store.base import Store
from chalicelib.store.dynamodb import DynamoStore
from chalicelib.store.memory import MemoryStore
from chalicelib.store.records import GroupRecord, GroupSummary, Item, MemberRecord
from tests.store.conftest import T0

GID, OTHER = "slack:T1:C1", "slack:T1:C2"
HOUR = 3600


def group(gid: str = GID, name: str = "Alpha", admins: tuple[str, ...] = ()) -> GroupRecord:
    return GroupRecord(
        gid=gid, platform="slack", tenant="T1", chat=gid.rsplit(":", 1)[-1], name=name, admins=admins
    )


def uid(user: str) -> str:
    return f"slack:T1:{user}"


def agrees_with_a_recount(store: Store, *gids: str) -> None:
    for gid in gids:
        record = store.get_group(gid)
        assert record is not None
        kept, counted = summaries.recount_group(store, record)
        assert kept == counted


def card(gid: str, ref: str) -> FollowUp:
    return FollowUp(
        gid=gid,
        chat=gid.rsplit(":", 1)[-1],
        ref=ref,
        kind="case",
        card="violation",
        opened_at=T0,
        member="U9",
        rule="flood",
        recipients=("UA",),
        plan=(),
    )


def test_members_count_joins_and_leaves_once_each(store: Store) -> None:
    store.put_group(group())
    repo = MembershipRepo(store)
    repo.admit(GID, uid("U1"), "U1", now=T0)
    repo.admit(GID, uid("U1"), "U1", now=T0 + 5)  # a redelivery: still one member
    repo.admit(GID, uid("U2"), "U2", now=T0 + 10)
    store.record_activity(GID, uid("U3"), "U3", T0 + 20)  # someone not seen joining speaks
    assert store.group_summaries([GID])[GID].members == 3

    member = store.get_member(GID, uid("U2"))
    assert member is not None
    repo.forget_member(member)
    repo.forget_member(replace(member, role="former"))  # told twice that they left
    assert store.group_summaries([GID])[GID].members == 2
    repo.admit(GID, uid("U2"), "U2", now=T0 + 30)  # back again
    store.delete_member(GID, uid("U3"))  # erased
    store.delete_member(GID, uid("U3"))

    assert store.group_summaries([GID])[GID].members == 2
    agrees_with_a_recount(store, GID)


def test_a_member_renamed_by_the_directory_is_counted_once(store: Store) -> None:
    store.put_group(group())
    repo = MembershipRepo(store)
    repo.admit(GID, uid("U1"), "U1", now=T0)
    member = store.get_member(GID, uid("U1"))
    assert member is not None

    repo.move_member(member, uid("U1new"), "U1new")

    assert store.group_summaries([GID])[GID].members == 1
    agrees_with_a_recount(store, GID)


def test_last_activity_follows_the_activity_writes_and_never_goes_back(store: Store) -> None:
    store.put_group(group())
    store.record_activity(GID, uid("U1"), "U1", T0 + 2 * HOUR)
    store.record_activity(GID, uid("U2"), "U2", T0)  # written late, but older

    assert store.group_summaries([GID])[GID].last_active == T0 + 2 * HOUR
    assert store.group_summaries([GID])[GID].members == 2
    agrees_with_a_recount(store, GID)


def test_open_cases_count_cards_followed_and_closed_once_each(store: Store) -> None:
    store.put_group(group())
    store.put_group(group(OTHER, "Beta", admins=("UB",)))
    cards = FollowUps(store)
    assert cards.open(card(GID, "c1"))
    assert not cards.open(card(GID, "c1"))  # the same card again
    assert cards.open(card(GID, "c2"))
    assert cards.open(card(OTHER, "c3"))
    cards.close(GID, "case", "c1")
    cards.close(GID, "case", "c1")  # handled twice

    found = store.group_summaries([GID, OTHER])
    assert (found[GID].open_cases, found[OTHER].open_cases) == (1, 1)
    assert store.org_summary().open_cases == 2
    agrees_with_a_recount(store, GID, OTHER)


def test_the_latest_assessment_is_kept_and_an_older_one_does_not_replace_it(store: Store) -> None:
    store.put_group(group())
    store.note_assessment(GID, "2026-02", 71.5, 40)
    store.note_assessment(GID, "2026-01", 50.0, 10)  # a late re-run of an earlier month

    kept = store.group_summaries([GID])[GID]
    assert (kept.period, kept.score, kept.active_members) == ("2026-02", 71.5, 40)


def test_the_org_counts_groups_and_those_without_a_known_admin(store: Store) -> None:
    store.put_group(group(GID, "Alpha"))
    store.put_group(group(OTHER, "Beta", admins=("UB",)))
    store.put_group(group(OTHER, "Beta again", admins=("UB",)))  # described again: still two groups
    assert (store.org_summary().groups, store.org_summary().no_admin) == (2, 1)

    store.put_group(group(GID, "Alpha", admins=("UA",)))  # Alpha's admin is known now
    store.put_group(replace(group(OTHER, "Beta", admins=("UB",)), removed_admins=("UB",)))

    assert (store.org_summary().groups, store.org_summary().no_admin) == (2, 1)
    assert store.group_summaries([GID, OTHER])[GID].admins == 1
    assert store.groups_administered_by(uid("UA")) == [GID]


def test_a_recount_heals_a_summary_that_drifted(store: Store) -> None:
    store.put_group(group())
    store.record_activity(GID, uid("U1"), "U1", T0)
    FollowUps(store).open(card(GID, "c1"))
    drifted = GroupSummary(GID, members=7, open_cases=5, admins=3)
    store.put_item(Item(keys.group_pk(GID), keys.GROUP_SUMMARY_SK, summaries.summary_data(drifted)))

    org = summaries.recount(store)

    kept = store.group_summaries([GID])[GID]
    assert (kept.members, kept.open_cases, kept.admins, kept.last_active) == (1, 1, 0, T0)
    assert (org.groups, org.open_cases, org.no_admin) == (1, 1, 1)
    assert store.org_summary() == org


def test_the_daily_recount_of_a_group_moves_the_org_by_what_was_off(store: Store) -> None:
    store.put_group(group())
    cards = FollowUps(store)
    cards.open(card(GID, "c1"))
    store.delete_item(keys.group_pk(GID), "FUP#C#c1")  # a card gone without a close (TTL)
    assert store.org_summary().open_cases == 1

    summaries.recount_group(store, group())

    assert store.group_summaries([GID])[GID].open_cases == 0
    assert store.org_summary().open_cases == 0


def test_groups_by_name_pages_forwards_and_back(store: Store) -> None:
    names = ["delta", "Alpha", "charlie", "bravo", "echo"]
    for n, name in enumerate(names):
        store.put_group(group(f"slack:T1:C{n}", name))

    first = store.groups_by_name(limit=2)
    after = keys.group_name_sk(first[-1].name, first[-1].gid)
    second = store.groups_by_name(after=after, limit=2)
    before = keys.group_name_sk(second[0].name, second[0].gid)

    assert [g.name for g in first] == ["Alpha", "bravo"]
    assert [g.name for g in second] == ["charlie", "delta"]
    assert [g.name for g in store.groups_by_name(before=before, limit=2)] == ["Alpha", "bravo"]
    assert [g.name for g in store.groups_by_name(before=before, limit=1)] == ["bravo"]


def test_batch_reads_give_what_exists(store: Store) -> None:
    store.put_group(group())
    store.put_member(MemberRecord(gid=GID, uid=uid("U1"), user="U1", points=2.0))
    store.put_item(Item("P#1", "S#1", {"a": 1}))

    assert set(store.get_groups([GID, OTHER, GID])) == {GID}
    assert store.get_memberships(uid("U1"), [GID, OTHER])[GID].points == 2.0
    assert [item.data for item in store.get_items([("P#1", "S#1"), ("P#1", "S#2")])] == [{"a": 1}]
    popped = store.pop_item("P#1", "S#1")
    assert popped is not None and popped.data == {"a": 1}
    assert store.pop_item("P#1", "S#1") is None


def test_add_to_item_adds_sets_and_keeps_the_newer_value(store: Store) -> None:
    assert store.add_to_item("P#1", "S#1", {"n": 2}, {"at": 5.0}, newer="at")
    assert not store.add_to_item("P#1", "S#1", {"n": 1}, {"at": 4.0}, newer="at")
    assert store.add_to_item("P#1", "S#1", {"n": -1}, {})

    item = store.get_item("P#1", "S#1")
    assert item is not None and item.data == {"n": 1, "at": 5.0} and item.expires_at is None


def test_several_partitions_are_read_whole_and_in_the_order_asked(store: Store) -> None:
    for shard in range(3):
        for n in range(9):  # more than a Query page here
            store.put_item(Item(f"P#{n}", f"S#{shard}", {"n": n}, gsi2=(f"SHARD#{shard}", f"{n:02d}")))

    found = store.query_partitions([f"SHARD#{shard}" for shard in (2, 0, 1)], index="GSI2")

    assert [(item.sk, item.data["n"]) for item in found] == [
        (f"S#{shard}", n) for shard in (2, 0, 1) for n in range(9)
    ]


def test_groups_named_finds_the_names_starting_with_a_text_a_page_at_a_time(store: Store) -> None:
    names = ["Sales Beijing", "sales Shanghai", "Support", "Salesforce admins", "East sales"]
    for n, name in enumerate(names):
        store.put_group(group(f"slack:T1:C{n}", name))

    first = store.groups_named(" SALES ", limit=2)
    after = keys.group_name_sk(first[-1].name, first[-1].gid)

    assert [g.name for g in first] == ["Sales Beijing", "sales Shanghai"]
    assert [g.name for g in store.groups_named("sales", after=after, limit=2)] == ["Salesforce admins"]
    assert store.groups_named("nobody", limit=5) == [] and store.groups_named("  ", limit=5) == []
    # a cursor of another search starts from the first match, not from the middle of the index
    assert [g.name for g in store.groups_named("sup", after=after, limit=5)] == ["Support"]


def test_a_search_by_name_reads_the_matches_only_not_every_group(store: Store) -> None:
    for n in range(30):
        store.put_group(group(f"slack:T1:C{n}", f"Team {n:02d}"))
    store.put_group(group("slack:T1:CZ", "Zeta ops"))
    assert isinstance(store, MemoryStore | DynamoStore)
    store.usage.reset()

    assert [g.name for g in store.groups_named("zeta", limit=5)] == ["Zeta ops"]

    assert store.usage.calls["Query"] == 1 and store.usage.items_read == 1
