"""A person's data rights (issue 20), through the real routes: `/qg mydata` answers privately with
expiring links to a JSON and a CSV export of exactly their records, other people's ids masked; the
operator's erasure leaves no personal field of theirs in any item of the table (scanned), except what a
legal hold keeps, and is audited without the erased data."""

from __future__ import annotations

import dataclasses
import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.files import wiring
from chalicelib.files.storage import FileStore
from chalicelib.kernel.outbox import Claim, Outbox
from chalicelib.persons import operations
from chalicelib.persons.erasure import AUDIT_GID
from chalicelib.persons.export import MASK, build
from chalicelib.persons.repository import PersonRepo
from chalicelib.store.memory import MemoryStore
from local.demo_settings import DEMO_SETTINGS as S
from local.fakes.server import FakeMessengers
from local.peers import SignedRequest
from local.peers import slack as slack_peer
from tests.files.conftest import bucket, s3, storage  # noqa: F401 - fixtures, found by name
from tests.functional.membership_talk import TALKS
from tests.functional.test_membership import CASTS, send, uid
from tests.functional.test_persons import OWNER, company, slack_says
from tests.support.stack import Stack

SLACK, WECOM = TALKS["slack"], TALKS["wecom"]
CHAT = CASTS["slack"].group
MALLORY, DAVE = "U0MALLORY", "U0DAVE"
ID_CARD = "11010519491231002X"


def slack_message(text: str, user: str) -> SignedRequest:
    event = {
        "type": "message",
        "user": user,
        "channel": CHAT,
        "text": text,
        "ts": f"{time.time():.6f}",
        "channel_type": "channel",
    }
    envelope = slack_peer.envelope(event, team=SLACK.tenant, event_id=f"Ev{uuid.uuid4().hex[:10].upper()}")
    return slack_peer.event_request(envelope, S["SLACK_SIGNING_SECRET"])


@pytest.fixture
def lived(fake: FakeMessengers) -> Iterator[Stack]:
    """Mallory's life in the company: joins on Slack and WeCom (one person by the directory's e-mail),
    posts an ID-card number (a case), is mentioned by Dave, and is watched org-wide by the owner; Dave
    has a case of his own."""
    with company(fake) as (stack, _):
        send(stack, SLACK.join(CHAT, MALLORY))
        send(stack, SLACK.join(CHAT, DAVE))
        send(stack, WECOM.join(CASTS["wecom"].joins, "mallory"))
        send(stack, slack_message(f"my id {ID_CARD}", MALLORY))
        send(stack, slack_message(f"<@{MALLORY}> please delete that, card {ID_CARD}", DAVE))
        slack_says(stack, OWNER, f"watch <@{MALLORY}> --scope org --for 30d posted an ID card")
        yield stack


def everything(store: MemoryStore) -> list[str]:
    """Every item of the in-memory table, as text, for the scans (its private maps: the test's view of
    what a Scan of the DynamoDB table would return)."""
    parts: list[Any] = [*store._items.values(), *store._members.values(), *store._groups.values()]
    parts += [record for by_key in store._audit.values() for record in by_key.values()]
    return [repr(part) for part in parts]


def mentions_mallory(text: str) -> bool:
    return MALLORY in text or "'mallory'" in text or "wecom:wwdemocorp0001:mallory" in text


# --- mydata -----------------------------------------------------------------------------------------


def test_the_export_holds_the_persons_records_and_masks_everyone_else(lived: Stack) -> None:
    person = PersonRepo(lived.store).person_of(uid(SLACK, MALLORY))
    assert person is not None

    document, table = build(lived.deps, person, lived.deps.clock.now())

    kinds = {row["kind"] for row in document["records"]}
    assert {"person", "member", "case", "sanction", "ledger", "message_mention"} <= kinds
    text = json.dumps(document, ensure_ascii=False)
    assert uid(WECOM, "mallory") in text and MALLORY in text  # both of their identities
    assert DAVE not in text and OWNER not in text and MASK in text  # who acted, who mentioned: masked
    cases = [row for row in document["records"] if row["kind"] == "case"]
    assert cases and all(row["data"]["uid"] == uid(SLACK, MALLORY) for row in cases)  # not Dave's case
    assert "please delete that" not in text  # Dave's message is his: when and where only
    assert table.splitlines()[0] == "kind,group,group_name,at,record" and len(table.splitlines()) >= len(
        document["records"]
    )
    named = {row["group"]: row["group_name"] for row in document["records"] if row["group"]}
    assert named and all(name for name in named.values())  # each group by its name too


def test_mydata_answers_privately_with_expiring_links(lived: Stack, storage: FileStore, s3: Any) -> None:  # noqa: F811
    wiring.attach(lived.deps, storage=storage)
    slack_says(lived, MALLORY, "mydata", hook="mydata")

    (call,) = lived.fake.sent("/hooks/mydata")
    assert call.body.get("response_type", "ephemeral") == "ephemeral"  # only Mallory sees it
    answer = str(call.body["text"])
    links = [word for word in answer.split() if word.startswith("http")]
    assert len(links) == 2 and all("X-Amz-Expires=3600" in link for link in links)
    listed = s3.list_objects_v2(Bucket=storage.bucket, Prefix="mydata/")["Contents"]
    assert {entry["Key"].rsplit("/", 1)[-1] for entry in listed} == {
        "qunguan-mydata.json",
        "qunguan-mydata.csv",
    }
    assert not any(MALLORY in entry["Key"] for entry in listed)
    body = s3.get_object(
        Bucket=storage.bucket, Key=next(e["Key"] for e in listed if e["Key"].endswith(".json"))
    )
    assert json.loads(body["Body"].read())["format"] == "qunguan.mydata.v1"


# --- erasure ----------------------------------------------------------------------------------------


def test_an_erasure_leaves_no_personal_field_in_any_item(lived: Stack) -> None:
    store = lived.store
    assert isinstance(store, MemoryStore)
    gid = f"slack:{SLACK.tenant}:{CHAT}"
    group = store.get_group(gid)
    assert group is not None  # the day-one admin discovery named her an admin of the channel she created
    store.put_group(dataclasses.replace(group, admins=(*group.admins, MALLORY)))
    shown = {m.display_name for m in store._members.values() if mentions_mallory(m.uid) and m.display_name}
    assert shown  # the names she was shown under go too
    outbox = [item for item in store._items.values() if item.pk.startswith("OUT#")]
    assert any(mentions_mallory(repr(item)) for item in outbox)  # what was said to and about her
    assert any(mentions_mallory(text) for text in everything(store))

    erased = operations.erase_person(
        store, uid(WECOM, "mallory"), by="operator:ops", reason="ticket 42", now=lived.deps.clock.now()
    )

    assert [text for text in everything(store) if mentions_mallory(text)] == []
    assert [text for text in everything(store) if any(name in text for name in shown if len(name) > 2)] == []
    group = store.get_group(gid)
    assert group is not None and MALLORY not in group.admins and group.admins  # the other admins stay
    tombstones = [item for item in store._items.values() if item.data.get("erased")]
    assert tombstones and all(item.pk.startswith("OUT#") for item in tombstones)
    for item in tombstones:  # a redelivery finds the decision carried out and sends nothing again
        entry = Outbox(store).load(Claim(*item.pk.removeprefix("OUT#").split("#", 1)))
        assert entry is not None and entry.recorded and entry.actions == ()
    assert erased.done.get("case") and erased.done.get("member") and erased.done.get("outbox")
    assert erased.done.get("group_admin") and not erased.kept
    (audit,) = store.list_audit(AUDIT_GID)
    assert audit.event_type == "PersonErased" and "ticket 42" in repr(audit.detail)
    assert not mentions_mallory(repr(audit))
    dave = lived.store.get_member(gid, uid(SLACK, DAVE))
    assert dave is not None  # everyone else's records stay


def test_a_legal_hold_keeps_the_cases_and_sanctions_through_an_erasure(lived: Stack) -> None:
    store = lived.store
    assert isinstance(store, MemoryStore)
    now = lived.deps.clock.now()
    operations.hold(store, uid(SLACK, MALLORY), by="operator:ops", reason="litigation 7", now=now)

    erased = operations.erase_person(
        store, uid(SLACK, MALLORY), by="operator:ops", reason="ticket 43", now=now
    )

    assert erased.kept.get("case") and erased.kept.get("sanction") and erased.kept.get("person")
    left = [text for text in everything(store) if mentions_mallory(text)]
    assert left and all(("CASE#" in text or "PERSON#" in text or "SANCT#" in text) for text in left)
    assert not any("MEM#" in text or "LEDGER#" in text or "IDN#" in text for text in left)
