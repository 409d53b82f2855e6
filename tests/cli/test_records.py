"""`qunguan groups list`, `cases export --csv`, `audit export --csv`: what auditors get is CSV that Excel
reads (UTF-8 with BOM), with people pseudonymised unless `--unmasked`, which is itself audited."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from chalicelib.clock import FrozenClock
from chalicelib.kernel.open_requests import DRAFT, JOIN, OpenRequests
from chalicelib.membership.repository import MembershipRepo
from chalicelib.moderation.cases import CaseRepo
from chalicelib.ops.exports import pseudonym
from chalicelib.store import keys
from chalicelib.store.memory import MemoryStore
from chalicelib.store.records import AuditRecord, Item
from chalicelib.workflows.publishing import Submission, Submissions
from tests.cli.support import GID, NOW, operator, policy, records, with_group, write

DAY = 86400.0


def world() -> MemoryStore:
    store = with_group(MemoryStore(clock=FrozenClock(NOW)))
    cases = CaseRepo(store)
    for ref, at, user in (("c0ld", NOW - 40 * DAY, "U0OLD"), ("c1new", NOW - DAY, "U0BOB")):
        data: dict[str, object] = {
            "user": user,
            "rule": "lexicon",
            "rules": ["lexicon"],
            "severity": "medium",
            "state": "closed",
        }
        data |= {"actor": "qunguan", "outcome": "delete:done", "policy_revision": "2", "points": 1.0}
        cases.open(
            gid=GID, uid=f"{GID.rsplit(':', 1)[0]}:{user}", ref=ref, data=data, at=at, retention_days=365
        )
    store.append_audit(
        AuditRecord(
            gid=GID,
            audit_id="a1",
            at=NOW - DAY,
            event_type="CommandIssued",
            actor="U0ADMIN",
            actions=("Mute",),
            detail={"user": "U0BOB", "note": "电话 13812345678"},
        )
    )
    return store


def rows(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_groups_list_shows_each_group_and_its_override(tmp_path: Path) -> None:
    store = world()
    op = operator(store)
    policy(op, "apply", write(tmp_path, "mode: shadow\n"), "--scope", GID)
    code, text = records(op, "groups", "list")
    assert code == 0
    assert text.splitlines()[1].split() == [GID, "Project", "Alpha", "governed", "-", "v1"]
    assert records(operator(MemoryStore()), "groups", "list")[1].startswith("no group yet")


def test_groups_recount_rebuilds_the_summaries_from_the_items() -> None:
    store = world()
    store.record_activity(GID, f"{GID.rsplit(':', 1)[0]}:U0BOB", "U0BOB", NOW)
    store.put_item(Item(keys.group_pk(GID), keys.GROUP_SUMMARY_SK, {"members": 40, "open_cases": 9}))
    store.put_item(Item(keys.ORG_SUMMARY_PK, keys.ORG_SUMMARY_SK, {"groups": 0}))

    code, text = records(operator(store), "groups", "recount")

    assert code == 0
    assert text == "recounted 1 groups: 0 open cases, 1 with no known admin\n"
    summary = store.group_summaries([GID])[GID]
    assert (summary.members, summary.open_cases, summary.last_active) == (1, 0, NOW)
    assert store.org_summary().groups == 1


def test_the_first_recount_after_an_upgrade_marks_the_requests_waiting_without_a_marker() -> None:
    store = world()
    joins, drafts, markers = MembershipRepo(store), Submissions(store), OpenRequests(store)
    person = f"{GID.rsplit(':', 1)[0]}:U0NEW"
    joins.open_request(GID, person, "U0NEW", standing="outsider", now=NOW - DAY, due_at=NOW + DAY)
    for ref, at in (("d0ld", NOW - 2 * DAY), ("d1done", NOW - DAY)):
        drafts.create(Submission(ref=ref, gid=GID, chat="C0PROJ", by="U0BOB", at=at, text="hello"))
    done = drafts.get(GID, "d1done")
    assert done is not None and drafts.decide(done, "approved", by="U0ADMIN", at=NOW)
    for kind, key in ((JOIN, person), (DRAFT, "d0ld")):  # as an older release left them: no marker
        markers.close(GID, kind, key)

    code, text = records(operator(store), "groups", "recount")

    assert code == 0
    assert text.splitlines()[1] == "marked 2 waiting join requests and drafts for the console's case queue"
    assert [(r.kind, r.key) for r in markers.all_open()] == [(DRAFT, "d0ld"), (JOIN, person)]
    again = records(operator(store), "groups", "recount")[1]
    assert len(again.splitlines()) == 1  # nothing left to mark


def test_cases_export_is_excel_csv_with_members_pseudonymised() -> None:
    code, text = records(operator(world()), "cases", "export", "--csv")
    assert code == 0
    exported = rows(text)
    assert [r["case"] for r in exported] == ["c0ld", "c1new"]
    bob = exported[1]
    assert bob["member"] == pseudonym("slack:T0QG:U0BOB") and "U0BOB" not in text
    assert (bob["rule"], bob["outcome"], bob["actor"], bob["group_name"]) == (
        "lexicon",
        "delete:done",
        "qunguan",
        "Project Alpha",
    )


def test_since_keeps_the_records_from_that_date() -> None:
    code, text = records(operator(world()), "cases", "export", "--csv", "--since", "2025-12-01")
    assert code == 0 and [r["case"] for r in rows(text)] == ["c1new"]


def test_audit_export_masks_people_and_personal_data() -> None:
    code, text = records(operator(world()), "audit", "export", "--csv")
    assert code == 0
    (record,) = rows(text)
    assert record["actor"] == pseudonym("U0ADMIN") and "U0ADMIN" not in text and "U0BOB" not in text
    assert "13812345678" not in record["detail"] and "138****5678" in record["detail"]


def test_an_unmasked_export_is_itself_audited_first(tmp_path: Path) -> None:
    store = world()
    out = tmp_path / "cases.csv"
    code, _ = records(operator(store), "cases", "export", "--csv", "--unmasked", "--out", str(out))
    assert code == 0
    assert "U0BOB" in out.read_text(encoding="utf-8-sig")
    (audited,) = [r for r in store.list_audit(GID) if r.event_type == "export.unmasked"]
    assert (audited.actor, audited.actions) == ("cli:ops", ("export:cases",))


def test_an_unknown_group_is_refused_with_exit_4() -> None:
    code, text = records(operator(world()), "audit", "export", "--csv", "--group", "slack:T0QG:C0NONE")
    assert code == 4 and "no such group" in text
