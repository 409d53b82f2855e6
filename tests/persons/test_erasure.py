"""The erasure on both stores, read back through the store's own verbs: the member, pointer and ledger
gone; the case kept as a statistic with the person replaced by the tombstone; the audit record of their
own action kept with the tombstone as its actor; an open appeal's case kept whole; a Scan of the table
finds them nowhere else (the outbox's stored decisions, the group's admin list, export links); the
archive's reports that name them rewritten, without their earlier versions."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from chalicelib.core.actions import SendDirect, UpdateCard
from chalicelib.core.cards import Card
from chalicelib.jobs.archive import Archive, report_key
from chalicelib.jobs.posts import BotPost, BotPosts
from chalicelib.kernel.outbox import Claim, Entry, Outbox
from chalicelib.kernel.policies import PolicyRepo
from chalicelib.moderation.cases import CaseRepo
from chalicelib.moderation.followups import FollowUp, FollowUps
from chalicelib.persons.erasure import CLAIM_KEYED, erase, tombstone_of
from chalicelib.persons.holdings import Identity
from chalicelib.persons.repository import PersonRepo
from chalicelib.persons.scrubber import Scrubber
from chalicelib.store import keys
from chalicelib.store.base import Store
from chalicelib.store.memory import MemoryStore
from chalicelib.store.records import AuditRecord, GroupRecord, Item, MemberRecord
from chalicelib.workflows.incidents import Incident, Incidents
from chalicelib.workflows.revisions import Revision, Revisions
from tests.files.conftest import bucket, s3  # noqa: F401 - fixtures, found by name

NOW = 1_750_000_000.0
GID = "slack:T1:C1"
UID, USER = "slack:T1:U9", "U9"
OTHERS, OTHERS_CN = "slack:T1:C2", "slack:T1:C3"  # groups they are not in, named after their members
BY_THEM = "slack#T1#console:case:c1:ok:U9"  # an event's claim id (`Claim.id`) that names them


def lived(store: Store) -> str:
    store.put_group(
        GroupRecord(
            gid=GID, platform="slack", tenant="T1", chat="C1", name="Weekly sync", admins=("UA", USER)
        )
    )
    person = PersonRepo(store).create(UID, via="admin", by="x", at=NOW)
    store.put_member(MemberRecord(gid=GID, uid=UID, user=USER, display_name="Zhang San", joined_at=NOW))
    for ref, appealed in (("c1", False), ("c2", True)):
        CaseRepo(store).open(
            gid=GID,
            uid=UID,
            ref=ref,
            data={"user": USER, "rule": "pii", "reason": "id number", "actor": "qunguan", "points": 1.0},
            at=NOW,
            retention_days=365,
            points={"total": 1.0, "at": NOW},
        )
        if appealed:
            store.put_item(
                Item(keys.group_pk(GID), keys.case_appeal_sk(ref), {"state": "pending", "by": USER})
            )
    store.append_audit(
        AuditRecord(
            gid=GID, audit_id="a1", at=NOW, event_type="CommandIssued", actor=USER, actions=("Reply:help",)
        )
    )
    return person.pid


def test_an_erasure_removes_or_tombstones_everything_but_an_open_appeals_case(store: Store) -> None:
    pid = lived(store)
    person = PersonRepo(store).person(pid)
    assert person is not None

    erased = erase(store, person, by="operator:ops", reason="ticket 1", now=NOW + 10)

    tomb = tombstone_of(pid)
    assert store.get_member(GID, UID) is None
    assert PersonRepo(store).pointer(UID) is None
    assert list(store.query_items(keys.ledger_pk(UID))) == []
    statistic = CaseRepo(store).get(GID, "c1")
    assert statistic is not None and statistic.data["user"] == tomb and statistic.data["uid"] == tomb
    assert "reason" not in statistic.data and statistic.data["rule"] == "pii"
    still_indexed = [item.sk for item in store.query_items(keys.member_cases_pk(GID, UID), index="GSI1")]
    assert still_indexed == [keys.case_item_sk("c2")]  # the erased case left the member's case index
    appealed = CaseRepo(store).get(GID, "c2")
    assert appealed is not None and appealed.data["uid"] == UID  # kept whole while its appeal is open
    assert erased.kept == {"case": 1, "appeal": 1}
    (own,) = [record for record in store.list_audit(GID) if record.audit_id == "a1"]
    assert own.actor == tomb
    after = PersonRepo(store).person(pid)
    assert after is not None and after.erased_at == NOW + 10 and after.identities == ()


def test_a_scan_of_the_table_after_an_erasure_finds_them_only_in_what_an_open_appeal_keeps(
    store: Store,
) -> None:
    pid = lived(store)
    told = SendDirect(user=USER, text="Zhang San, <@U9>: your message was removed", reason="pii")
    entry = Entry(Claim("slack", "T1#Ev1"), NOW, "C1", (told,), {}, "MessagePosted", USER, "w1", NOW + 60)
    assert Outbox(store).open(entry)
    store.put_item(Item(keys.export_pk("tok1"), "EXPORT", {"uid": UID, "keys": ["mydata/x.json"]}))
    window = (keys.moderation_window_pk(GID), keys.moderation_window_sk(1))
    page_sums = {f"m_{UID}_{n}": 1 for n in range(20)} | {"f_group": 3}  # a page's, written at once
    store.bump_counters(*window, page_sums, {f"t_{UID}": NOW}, int(NOW) + 600, old=False)
    person = PersonRepo(store).person(pid)
    assert person is not None

    erased = erase(store, person, by="operator:ops", reason="ticket 2", now=NOW + 10)

    left = [
        item
        for item in store.scan_items("")
        if any(
            who in json.dumps([item.pk, item.sk, item.data]) for who in (UID, '"U9"', "<@U9>", "Zhang San")
        )
    ]
    assert all(item.sk.startswith(keys.case_item_sk("c2")) for item in left)  # the appealed case only
    group = store.get_group(GID)
    assert group is not None and group.admins == ("UA",)
    carried = Outbox(store).load(entry.claim)
    assert carried is not None and carried.recorded and carried.actions == ()
    assert erased.done["outbox"] == 1 and erased.done["group_admin"] == 1 and erased.done["export"] == 1
    counted = store.get_item(*window)
    assert counted is not None and erased.done["rate"] == 1
    assert counted.data["f_group"] == 3 and counted.data[f"m_{tombstone_of(pid)}_19"] == 1


def seeded_where_they_are_an_admin(store: Store) -> None:
    """What names them as an admin of someone else's case, and as the one an event came from: their copy
    of a case card (the follow-up's and a watched join's `cards` and `owners`) and who is told of it,
    the bot's post to them privately, an approval of a revision, an event's claim on a policy version,
    an incident's pointer, its close and the close's marker; a group named after its members."""
    copies = {"cards": ["C1:1.1", "D9:2.2", "DA:3.3"], "owners": ["", USER, "UA"]}
    FollowUps(store).open(
        FollowUp(
            gid=GID, chat="C1", ref="c3", kind="case", card="violation", opened_at=NOW, member="UB",
            rule="pii", recipients=(USER, "UA"), plan=(), cards=tuple(copies["cards"]),
            owners=tuple(copies["owners"]),
        )
    )  # fmt: skip
    store.put_item(Item(keys.group_pk(GID), keys.watched_join_sk("slack:T1:UB"), {"user": "UB", **copies}))
    posts = BotPosts(store)
    posts.register(BotPost(GID, "m1", "D9", "card", NOW, NOW + 3600, token="D9:2.2", user=USER))
    posts.register(BotPost(GID, "m2", "C1", "card", NOW, NOW + 3600, token="C1:1.1"))
    revision = Revision(ref="r1", by="UA", at=NOW, gid=GID, patch={"mode": "warn"})
    Revisions(store).create(revision)
    for uid, user in ((UID, USER), ("slack:T1:UB", "UB")):
        Revisions(store).approve(revision, uid, user, NOW)
    PolicyRepo(store).apply(GID, "mode: warn\n", author="UA", now=NOW, claim=BY_THEM)
    incidents = Incidents(store)
    closed = Incident(ref="i1", gid=GID, chat="C1", by="UA", at=NOW, severity="high", summary="spam wave")
    incidents.claim(GID, "i1", NOW, BY_THEM)
    incidents.save(closed)
    incidents.close(closed, by="UA", at=NOW + 1, summary="over", claim=BY_THEM)
    done = incidents.get(GID, "i1")
    assert done is not None
    incidents.release(done, NOW + 1)
    incidents.claim(GID, "i2", NOW + 2, BY_THEM)
    store.put_item(Item(keys.directory_names_pk(UID), keys.DIRECTORY_NAMES_SK, {"name": "张三", "at": NOW}))
    # The second group's name is theirs by the directory's name of them (they have no such member name).
    for gid, name in ((OTHERS, "Zhang San, Li Si"), (OTHERS_CN, "张三、李四")):
        chat = gid.rsplit(":", 1)[1]
        store.put_group(
            GroupRecord(gid=gid, platform="slack", tenant="T1", chat=chat, name=name, named_by_members=True)
        )


def test_a_scan_after_an_erasure_finds_them_in_no_card_copy_post_approval_claim_or_group_name(
    store: Store,
) -> None:
    pid = lived(store)
    seeded_where_they_are_an_admin(store)
    update = UpdateCard(card=Card("v1", "Case c3", "handled"), card_ref="D9:2.2", user=USER, reason="x")
    entry = Entry(Claim("slack", "T1#Ev2"), NOW, "C1", (update,), {}, "CardClicked", "UA", "w1", NOW + 60)
    assert Outbox(store).open(entry)
    theirs = Claim("slack", BY_THEM.split("#", 1)[1])  # their own event, whose decision names nobody
    hint = Entry(
        theirs, NOW, "C1", (SendDirect(user="UA", text="c1 handled"),), {}, "CardClicked", "", "w1", NOW
    )
    assert Outbox(store).open(hint) and store.claim_event(theirs.platform, theirs.key, NOW)
    person = PersonRepo(store).person(pid)
    assert person is not None

    erased = erase(store, person, by="operator:ops", reason="ticket 4", now=NOW + 10)

    them = re.compile(r"(?<![\w])(U9|D9:2\.2)(?![\w])|Zhang San|张三|slack:T1:U9")
    left = [item for item in store.scan_items("") if them.search(json.dumps([item.pk, item.sk, item.data]))]
    appealed = [item for item in left if item.sk.startswith(keys.case_item_sk("c2"))]
    claimed = [
        item for item in left if item.pk.startswith(CLAIM_KEYED) and not them.search(json.dumps(item.data))
    ]
    assert len(appealed) + len(claimed) == len(left)  # the appealed case; their event's keys, until TTL
    assert not store.claim_event(theirs.platform, theirs.key, NOW + 20)  # a redelivery is still known
    kept = Outbox(store).load(theirs)
    assert kept is not None and len(kept.actions) == 1
    followup = FollowUps(store).get(GID, "case", "c3")
    assert followup is not None and followup.recipients == ("UA",)
    assert (followup.cards, followup.owners) == (("C1:1.1", "DA:3.3"), ("", "UA"))
    assert [post.message_id for post in BotPosts(store).due(GID, NOW + 7200)] == ["m2"]
    assert len(Revisions(store).approvals(revision_of(store))) == 2  # their approval still counts
    assert PolicyRepo(store).claimed(GID, BY_THEM) is None
    assert Incidents(store).closed_by(GID, BY_THEM) is None
    pointer = Incidents(store).pointer(GID)
    assert pointer is not None and pointer.ref == "i2" and pointer.claim == tombstone_of(pid)
    assert [getattr(store.get_group(gid), "name", None) for gid in (OTHERS, OTHERS_CN)] == ["", ""]
    assert erased.done["group_name"] == 2 and erased.done["post"] == 1 and erased.done["outbox"] == 1


def revision_of(store: Store) -> Revision:
    revision = Revisions(store).get("r1")
    assert revision is not None
    return revision


def test_a_dingtalk_card_copy_whose_token_names_them_goes_with_its_owner_unknown() -> None:
    store = MemoryStore()
    gid = "dingtalk:corp1:cid9"
    store.put_group(GroupRecord(gid=gid, platform="dingtalk", tenant="corp1", chat="cid9", name="Ops"))
    person = PersonRepo(store).create("dingtalk:corp1:manager9", via="admin", by="x", at=NOW)
    copies = {"cards": ["fup-c3-manager9", "fup-c3-managerA"], "owners": ["", ""]}  # kept before owners
    store.put_item(
        Item(keys.group_pk(gid), keys.watched_join_sk("dingtalk:corp1:u7"), {"user": "u7", **copies})
    )

    erase(store, person, by="operator:ops", reason="ticket 5", now=NOW + 10)

    join = store.get_item(keys.group_pk(gid), keys.watched_join_sk("dingtalk:corp1:u7"))
    assert join is not None and (join.data["cards"], join.data["owners"]) == (["fup-c3-managerA"], [""])
    assert "manager9" not in json.dumps(join.data)


def test_the_reports_that_name_them_are_rewritten_and_their_earlier_versions_deleted(
    s3: Any,  # noqa: F811 - the fixture
    bucket: str,  # noqa: F811 - the fixture
) -> None:
    store = MemoryStore()
    pid = lived(store)
    archive = Archive(bucket, client=s3)
    naming, other = report_key(GID, "assessment", "2026-11"), report_key(GID, "assessment", "2026-10")
    archive.store_report(naming, '<li data-top="U9">Zhang San — 12</li><li data-top="UA">Li Si — 9</li>')
    archive.store_report(naming, '<li data-top="U9">Zhang San — 14</li><li data-top="UA">Li Si — 9</li>')
    archive.store_report(other, '<li data-top="UA">Li Si — 3</li>')
    person = PersonRepo(store).person(pid)
    assert person is not None

    erased = erase(store, person, by="operator:ops", reason="ticket 3", now=NOW + 10, reports=archive)

    tomb = tombstone_of(pid)
    assert erased.done["report"] == 1
    assert (
        archive.read_report(naming)
        == f'<li data-top="{tomb}">{tomb} — 14</li><li data-top="UA">Li Si — 9</li>'
    )
    versions = s3.list_object_versions(Bucket=bucket, Prefix=naming).get("Versions", [])
    assert len(versions) == 1  # no earlier version keeps their name
    assert archive.read_report(other) == '<li data-top="UA">Li Si — 3</li>'


@pytest.mark.parametrize(
    ("value", "found"),
    [
        ({"user": "admin"}, True),  # a native id as the value of a field that names people
        ({"role": "admin"}, False),  # the same word as something else
        ("@admin please look", True),
        ("the admin looked", False),
        ("<@U0MALLORY> hi", True),
        ("U0MALLORY wrote", True),  # a Slack-shaped id stands for itself
        ({"text": "Link to the Li Lei doc"}, True),
        ({"text": "Linked"}, False),  # a short Latin name is not found inside a word
        ("张三说", True),
        ({"x": f"wecom:ww1:admin#{GID}"}, True),
        ({"claim": "wecom#ww1#admin:1750000000:click:k1"}, True),  # an event's claim id, by its parts
        ({"claim": "wecom#ww1#administrator:1750000000:click"}, False),
        ({"claim": "wecom#ww2#admin:1750000000:click"}, False),  # another tenant's admin
    ],
)
def test_the_scrubber_finds_ids_where_they_name_people_and_names_as_words(value: Any, found: bool) -> None:
    identities = [Identity.of("wecom:ww1:admin"), Identity.of("slack:T1:U0MALLORY")]
    scrub = Scrubber(identities, {"Li Lei", "Li", "张三"}, "erased:x")
    assert scrub.finds(value) is found
