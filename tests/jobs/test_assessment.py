"""The monthly assessment (S9) against DynamoDB: a small month whose figures are worked out by hand here,
what the job stores and sends, its HTML report in S3 behind a presigned link, and that running it twice
for the same month changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import requests

from chalicelib.bootstrap import Deps
from chalicelib.core.actions import SendDirect
from chalicelib.core.events import JobRequested
from chalicelib.core.policy import DEFAULT_ORG_POLICY
from chalicelib.jobs.activity import Entry, MessageLog
from chalicelib.jobs.archive import Archive, report_key
from chalicelib.jobs.assessment import CARDS_PER_PART, AssessmentJob
from chalicelib.jobs.charts import png
from chalicelib.jobs.posts import BotPost, BotPosts
from chalicelib.moderation.cases import CaseRepo
from chalicelib.store import keys
from chalicelib.store.dynamodb import DynamoStore
from chalicelib.store.records import GroupRecord, Item, MemberRecord
from chalicelib.worker.pipeline import process
from tests.jobs.support import GID, T0, dump
from tests.support.messenger import RecordingMessenger


def local(day: int, hour: int, minute: int = 0) -> float:
    """November 2026, at the group's local time (UTC+8, the default)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC).timestamp() - 8 * 3600


def seed_month(deps: Deps) -> None:
    """Five members; what each did in November is in the comments, and the expected figures below."""
    store = deps.store
    for user, role in (
        ("UADMIN", "admin"),
        ("U1", "member"),
        ("U2", "member"),
        ("U3", "member"),
        ("U4", "member"),
    ):
        store.put_member(
            MemberRecord(gid=GID, uid=f"slack:T1:{user}", user=user, display_name=user.lower(), role=role)
        )
    messages = MessageLog(store)

    def say(user: str, at: float, mid: str, **fields: Any) -> None:
        messages.record(
            GID, Entry(kind="msg", user=user, at=at, message_id=mid, **fields), DEFAULT_ORG_POLICY
        )

    say("U1", local(2, 9), "q", question=True, mentions=("U2",))  # asks, and @-mentions U2
    say("U2", local(2, 9, 30), "a", reply_to="q")  # answers both in 30 minutes
    say("U1", local(3, 10), "t")
    say("U1", local(5, 10), "f", files=2, bad_files=1)  # one of two file names breaks the convention
    say("U3", local(10, 11), "r", mentions=("U1",))  # @-mentions U1...
    say("U1", local(11, 11), "d")  # ...who answers a day later: no credit
    say("U2", local(20, 15), "late")
    # outside the month: the last minute of October and the first of December (local time)
    say("U4", local(1, 0) - 60, "before")
    say("U4", datetime(2026, 12, 1, tzinfo=UTC).timestamp() - 8 * 3600, "after")
    # an announcement to acknowledge, acknowledged by U1 and U2 (U2 twice)
    BotPosts(store).settle(
        BotPost(
            gid=GID,
            message_id="ann-1",
            chat="C1",
            kind="announcement",
            at=local(8, 9),
            due=local(8, 9),
            ack=True,
            ref="sealed-1",
        ),
        "posted",
    )
    for n, user in enumerate(("U1", "U2", "U2")):
        ack = Entry(kind="ack", user=user, at=local(8, 10 + n), message_id=f"k{n}", ref="sealed-1")
        messages.record(GID, ack, DEFAULT_ORG_POLICY)
    # U3 broke a rule worth two points
    CaseRepo(store).open(
        gid=GID,
        uid="slack:T1:U3",
        ref="case1",
        data={"user": "U3", "rule": "ads", "points": 2.0},
        at=local(15, 12),
        retention_days=365,
    )
    # last month's summary, for the trend
    store.put_item(
        Item(
            keys.group_pk(GID),
            keys.assessment_sk("2026-10"),
            {"period": "2026-10", "score": 60.0, "dimensions": {"compliance": 90.0}},
        )
    )


# Worked out by hand from seed_month (weights 30/30/20/10/10; targets 8 days and 20 messages a month):
EXPECTED_TOTALS = {
    # compliance 100; participation .5*4/8 + .5*4/20 = 35; responsiveness 0 (a day late); acks 1/1; files 1/2
    "U1": round((30 * 100 + 30 * 35 + 20 * 0 + 10 * 100 + 10 * 50) / 100, 1),
    # compliance 100; participation .5*2/8 + .5*(2+1)/20 = 20; responsiveness 100; acks 1/1
    "U2": round((30 * 100 + 30 * 20 + 20 * 100 + 10 * 100) / 90, 1),
    # compliance 100 * (1 - 2/5) = 60; participation .5*1/8 + .5*1/20 = 8.75; acks 0/1
    "U3": round((30 * 60 + 30 * 8.75 + 10 * 0) / 70, 1),
    # silent in November; acks 0/1
    "U4": round((30 * 100 + 30 * 0 + 10 * 0) / 70, 1),
    "UADMIN": round((30 * 100 + 30 * 0 + 10 * 0) / 70, 1),
}


@pytest.fixture
def archive(s3: Any, bucket: str) -> Archive:
    return Archive(bucket, client=s3)


def test_the_month_is_scored_as_worked_out_by_hand(deps: Deps, group: GroupRecord) -> None:
    seed_month(deps)
    assessed = AssessmentJob().assess(deps, _scope(deps), "2026-11")
    totals = {m.user: m.total for m in assessed.members}
    assert totals == EXPECTED_TOTALS
    result = assessed.result
    assert result.score == round(sum(EXPECTED_TOTALS.values()) / 5, 1)
    assert result.figures["messages"] == 7  # the two outside November do not count
    assert (result.figures["questions"], result.figures["questions_answered"]) == (1, 1)
    assert (result.figures["mentions"], result.figures["mentions_answered"]) == (2, 2)
    assert (result.figures["cases"], result.figures["points"]) == (1, 2.0)
    assert (result.figures["files"], result.figures["tidy_files"]) == (2, 1)
    assert len(result.figures["daily"]) == 30 and result.figures["daily"]["2026-11-02"] == 2
    assert [m.user for m in result.top] == []  # nobody posted the 5 messages recognition needs


def test_a_run_stores_the_summary_reports_to_admins_and_sends_every_member_a_card(
    deps: Deps, group: GroupRecord, archive: Archive, s3: Any, bucket: str
) -> None:
    seed_month(deps)
    report = AssessmentJob(archive=archive).run(deps, GID, T0)
    assert (report.period, report.status) == ("2026-11", "done")
    summary = deps.store.get_item(keys.group_pk(GID), keys.assessment_sk("2026-11"))
    assert summary is not None and summary.data["score"] == round(sum(EXPECTED_TOTALS.values()) / 5, 1)
    cards = {a.user: a.text for a in report.actions if isinstance(a, SendDirect)}
    assert set(cards) == set(EXPECTED_TOTALS)
    assert f"Total {EXPECTED_TOTALS['U1']:.1f}" in cards["U1"] and "Responsiveness 0.0" in cards["U1"]
    assert "last period 60.0" in report.lines[0]
    html = s3.get_object(Bucket=bucket, Key=report_key(GID, "assessment", "2026-11"))["Body"].read().decode()
    assert f'data-member="U1" data-dimension="total">{EXPECTED_TOTALS["U1"]:.1f}<' in html
    assert requests.get(report.links["html"], timeout=5).text == html  # the presigned link serves it


def test_the_charts_are_png_images_the_messengers_take(deps: Deps, group: GroupRecord) -> None:
    seed_month(deps)
    report = AssessmentJob().run(deps, GID, T0)
    assert [image.name for image in report.images] == [
        "dimensions-2026-11.png",
        "distribution-2026-11.png",
        "trend-2026-11.png",
        "daily-2026-11.png",
    ]
    for image in report.images:
        width, height, _ = png.decode(image.png)
        assert (width, height) == (720, 400) and image.caption


def test_running_it_again_for_the_same_month_changes_nothing(
    deps: Deps, group: GroupRecord, store: DynamoStore, dynamodb_client: Any
) -> None:
    seed_month(deps)
    first = AssessmentJob().run(deps, GID, T0)
    before = dump(dynamodb_client, store.table_name)
    again = AssessmentJob().run(deps, GID, T0 + 3600)
    assert again.status == "already" and again.actions == () and again.images == ()
    assert again.lines == first.lines
    assert dump(dynamodb_client, store.table_name) == before


@pytest.mark.usefixtures("group")
def test_a_dry_run_stores_its_report_and_nothing_else(
    deps: Deps, dynamodb_client: Any, archive: Archive, s3: Any
) -> None:
    seed_month(deps)
    table = deps.settings.qg_table_name
    before = dump(dynamodb_client, table)
    report = AssessmentJob(archive=archive).run(deps, GID, T0, dry_run=True)
    assert report.actions == () and report.links == {}
    after = dump(dynamodb_client, table)
    added = [item for item in after if item not in before]
    assert [item["SK"]["S"] for item in added] == [keys.job_run_sk("assessment", "2026-11", dry_run=True)]
    assert s3.list_objects_v2(Bucket=archive.bucket).get("KeyCount", 0) == 0


def test_a_large_groups_cards_continue_in_parts(
    deps: Deps, group: GroupRecord, messenger: RecordingMessenger, dispatcher: Any
) -> None:
    for n in range(CARDS_PER_PART + 30):
        deps.store.put_member(MemberRecord(gid=GID, uid=f"slack:T1:M{n:03d}", user=f"M{n:03d}"))
    event = JobRequested(
        platform="slack",
        tenant="T1",
        chat="C1",
        event_id="job:assessment:2026-11:C1",
        occurred_at=T0,
        job="assessment",
        period="2026-11",
    )
    process(event, deps)
    first = [c for verb, c in messenger.calls if verb == "send_direct"]
    assert len(first) == CARDS_PER_PART + 1  # the cards of the first part, and the admin's report
    assert len(dispatcher.events) == 1  # the next part, queued
    dispatcher.drain()
    cards = [c["user"] for verb, c in messenger.calls if verb == "send_direct" and c["user"] != "UADMIN"]
    assert sorted(cards) == [f"M{n:03d}" for n in range(CARDS_PER_PART + 30)]
    record = deps.store.get_item(keys.group_pk(GID), keys.job_run_sk("assessment", "2026-11"))
    assert record is not None and record.data["state"] == "done" and record.data["delivered"] is True


def _scope(deps: Deps) -> Any:
    from chalicelib.kernel.where import job_where

    return job_where(deps, GID, job="assessment", key="test", now=T0)
