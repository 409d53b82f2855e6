"""R5.2 on moto's DynamoDB: Slack messages through the real route (each one's claim is its log entry), the
hourly fan-out of the `mentions` job through the queue, and the reminder of the one mention nobody
answered. The job reads the log with one Query per UTC day and never scans; each reminder is recorded
once, so a second run sends nothing."""

from __future__ import annotations

from collections import Counter

from chalicelib.bootstrap import Deps
from chalicelib.jobs.scheduler import request, schedule
from chalicelib.store.dynamodb import DynamoStore
from chalicelib.worker.pipeline import process
from chalicelib.workflows.mention_records import MentionRecords
from chalicelib.workflows.mentions import MentionReminders
from tests.jobs.support import GID, T0, RecordingDispatcher
from tests.jobs.test_activity import post, slack, ts
from tests.support.messenger import RecordingMessenger

__all__ = ["slack"]  # the fixture: the jobs' deps with Slack's route on
H = 3600


def test_the_hourly_job_reminds_the_one_unanswered_mention_once_reading_by_query(
    slack: Deps, store: DynamoStore, messenger: RecordingMessenger, dispatcher: RecordingDispatcher
) -> None:
    earlier = T0 - 5 * H  # 15:00 in UTC+8; the job runs at 20:00, before the quiet hours
    post(slack, "<@U2> could you check the budget?", ts(0, earlier), user="U1")
    post(slack, "<!here> standup in 5", ts(60, earlier), user="U1")  # a mass mention: nobody
    post(slack, "<@U3> and the slides?", ts(120, earlier), user="U1")
    post(slack, "on it", ts(600, earlier), user="U3", thread_ts=ts(120, earlier))
    post(slack, "<@U1> noted myself", ts(700, earlier), user="U1")  # oneself: nobody
    messenger.calls.clear()

    store.usage.reset()
    fanned = schedule(slack, "mentions", T0, gids=[GID])
    assert fanned.dispatched == 1
    job_calls = Counter(store.usage.calls)
    dispatcher.drain()
    direct = [call for verb, call in messenger.calls if verb == "send_direct"]
    assert [call["user"] for call in direct] == ["U2"]
    assert "2026-12-01 15:00 (UTC+8)" in direct[0]["text"] and "budget" not in direct[0]["text"]

    calls = Counter(store.usage.calls) - job_calls
    assert "Scan" not in calls
    # The log's two UTC days (24 h back from 12:00 UTC), the group's reminders, who is on leave.
    assert calls["Query"] == 4, dict(calls)
    assert MentionRecords(store).sent(GID, T0, 8.0).reminded == {(ts(0, earlier), "U2")}

    messenger.calls.clear()
    schedule(slack, "mentions", T0 + H, gids=[GID])
    dispatcher.drain()
    first_hour = MentionReminders().period(T0)
    redelivered = request(
        "mentions", first_hour, platform="slack", tenant="T1", chat="C1", at=T0, dry_run=False
    )
    process(redelivered, slack)  # the queue delivers the first hour's job again
    assert [verb for verb, _ in messenger.calls if verb == "send_direct"] == []


def test_the_log_is_read_one_query_per_utc_day(slack: Deps, store: DynamoStore) -> None:
    post(slack, "<@U2> ?", ts(0, T0 - 5 * H), user="U1")
    store.usage.reset()
    report = MentionReminders().run(slack, GID, T0, dry_run=True)
    assert report.counts == {"due": 1}
    # 24 h back from 12:00 UTC: two UTC days; then the group's reminders and who is on leave (for U2 only).
    queries = store.usage.calls["Query"]
    assert queries == 2 + 1 + 1, dict(store.usage.calls)
    assert "Scan" not in store.usage.calls


def test_a_reminder_is_recorded_once_whoever_claims_it(store: DynamoStore) -> None:
    records = MentionRecords(store)
    first = records.claim(GID, "slack:T1:U2", "U2", message_id="m1", at=T0, now=T0 + 5 * H, within_hours=24)
    again = records.claim(GID, "slack:T1:U2", "U2", message_id="m1", at=T0, now=T0 + 6 * H, within_hours=24)
    assert (first, again) == (True, False)
    sent = records.sent(GID, T0 + 6 * H, 8.0)
    assert sent.reminded == {("m1", "U2")} and sent.today == {"U2": 1}
