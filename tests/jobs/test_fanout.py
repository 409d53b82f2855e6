"""The schedule's fan-out and the worker's side of a job: one `JobRequested` per group and period, claimed
so that a second request does nothing; the report to the admins privately, with its charts; a dry run
that only stores; a delivery that failed is sent again on the queue's retry, and only then."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from chalicelib.adapters.base import Sent, Target
from chalicelib.bootstrap import Deps
from chalicelib.core.events import JobRequested
from chalicelib.errors import MessengerError
from chalicelib.jobs import catalog
from chalicelib.jobs.base import JobNotInstalled
from chalicelib.jobs.posts import BotPost, BotPosts
from chalicelib.jobs.scheduler import schedule
from chalicelib.kernel.executor import DeliveryFailed
from chalicelib.store import keys
from chalicelib.store.records import GroupRecord, MemberRecord
from chalicelib.worker.pipeline import process
from tests.jobs.support import ADMIN, GID, T0
from tests.support.messenger import RecordingMessenger

HOUR = 3600.0


def other_groups(deps: Deps) -> None:
    deps.store.put_group(GroupRecord(gid="wecom:W1:G2", platform="wecom", tenant="W1", chat="G2"))
    deps.store.put_group(
        GroupRecord(gid="slack:T1:C3", platform="slack", tenant="T1", chat="C3", enabled=False)
    )


def test_a_schedule_requests_the_job_once_per_enabled_group_and_period(
    deps: Deps, group: GroupRecord, dispatcher: Any
) -> None:
    other_groups(deps)
    first = schedule(deps, "cleanup", T0)
    assert (first.period, first.groups, first.dispatched) == ("2026-12-01", 2, 2)
    assert sorted(e.gid for e in dispatcher.events) == [GID, "wecom:W1:G2"]
    assert {(e.job, e.period, e.dry_run) for e in dispatcher.events} == {("cleanup", "2026-12-01", False)}
    again = schedule(deps, "cleanup", T0 + 6 * HOUR)  # a retried or manual schedule the same day
    assert again.dispatched == 0 and len(dispatcher.events) == 2
    tomorrow = schedule(deps, "cleanup", T0 + 24 * HOUR)
    assert tomorrow.dispatched == 2


def test_a_dry_run_is_requested_apart_from_the_real_run(
    deps: Deps, group: GroupRecord, dispatcher: Any
) -> None:
    assert schedule(deps, "assessment", T0, dry_run=True).dispatched == 1
    assert schedule(deps, "assessment", T0).dispatched == 1
    assert [e.dry_run for e in dispatcher.events] == [True, False]


def test_claims_are_released_when_the_queue_refuses(deps: Deps, group: GroupRecord) -> None:
    class Refusing:
        def dispatch(self, events: Any) -> None:
            raise RuntimeError("queue unavailable")

    deps.dispatcher = Refusing()
    with pytest.raises(RuntimeError):
        schedule(deps, "review", T0)
    deps.dispatcher = _Keep()
    assert schedule(deps, "review", T0).dispatched == 1


class _Keep:
    def dispatch(self, events: Any) -> None:
        pass


def test_a_job_whose_code_is_absent_is_not_installed_and_not_a_crash() -> None:
    with pytest.raises(JobNotInstalled):
        catalog._load("chalicelib.membership.no_such_module:InactivityJob", "inactivity")
    with pytest.raises(JobNotInstalled):
        catalog._load("chalicelib.jobs.cleanup:NoSuchJob", "cleanup")


def request(job: str = "cleanup", period: str = "2026-12-01", **fields: Any) -> JobRequested:
    event = JobRequested(
        platform="slack",
        tenant="T1",
        chat="C1",
        event_id=f"job:{job}:{period}:C1",
        occurred_at=T0,
        job=job,
        period=period,
    )
    return replace(event, **fields)


def due_notice(deps: Deps) -> None:
    BotPosts(deps.store).register(
        BotPost(gid=GID, message_id="m1", chat="C1", kind="notice", at=T0 - 2 * HOUR, due=T0 - HOUR)
    )


def test_the_worker_runs_the_job_and_tells_the_admins_privately(
    deps: Deps, group: GroupRecord, messenger: RecordingMessenger
) -> None:
    due_notice(deps)
    process(request(), deps)
    assert messenger.verbs() == ["recall_own", "send_direct"]
    report = messenger.calls[1][1]
    assert report["user"] == ADMIN and report["text"].startswith("[qunguan] Cleanup · 2026-12-01")
    run = deps.store.get_item(keys.group_pk(GID), keys.job_run_sk("cleanup", "2026-12-01"))
    assert run is not None and run.data["delivered"] is True


def test_a_redelivered_request_sends_nothing_again(
    deps: Deps, group: GroupRecord, messenger: RecordingMessenger
) -> None:
    due_notice(deps)
    process(request(), deps)
    process(request(), deps)
    assert messenger.verbs() == ["recall_own", "send_direct"]


def test_a_requested_dry_run_sends_nothing_and_stores_its_report(
    deps: Deps, group: GroupRecord, messenger: RecordingMessenger
) -> None:
    due_notice(deps)
    process(request(dry_run=True, event_id="job:cleanup:2026-12-01:C1:dry"), deps)
    assert messenger.calls == []
    run = deps.store.get_item(keys.group_pk(GID), keys.job_run_sk("cleanup", "2026-12-01", dry_run=True))
    assert run is not None and run.data["report"]["counts"] == {"recalled": 1}


def test_a_report_that_failed_to_arrive_is_sent_again_on_the_queues_retry(
    deps: Deps, group: GroupRecord, messenger: RecordingMessenger
) -> None:
    due_notice(deps)
    deps.store.put_member(MemberRecord(gid=GID, uid=f"slack:T1:{ADMIN}", user=ADMIN, role="admin"))
    messenger.fail_with = MessengerError(
        "slack", "chat.postMessage", "HTTP 503 after 4 attempts", retryable=True
    )
    with pytest.raises(DeliveryFailed):
        process(request(), deps)
    messenger.fail_with = None
    process(request(), deps, redelivered=True)  # SQS delivers the message again
    # What failed is done now, from the stored decision: the recall and the report, once each.
    assert messenger.verbs() == ["recall_own", "send_direct"]
    run = deps.store.get_item(keys.group_pk(GID), keys.job_run_sk("cleanup", "2026-12-01"))
    assert run is not None and run.data["delivered"] is True
    process(request(), deps, redelivered=True)
    assert messenger.verbs() == ["recall_own", "send_direct"]


def test_the_assessment_sends_its_charts_to_the_admins(
    deps: Deps, group: GroupRecord, messenger: RecordingMessenger
) -> None:
    deps.store.put_member(MemberRecord(gid=GID, uid="slack:T1:U1", user="U1"))
    process(request("assessment", "2026-11", event_id="job:assessment:2026-11:C1"), deps)
    images = [c for verb, c in messenger.calls if verb == "post_image"]
    assert [i["name"] for i in images] == [
        "dimensions-2026-11.png",
        "distribution-2026-11.png",
        "trend-2026-11.png",
        "daily-2026-11.png",
    ]
    assert {i["target"].user for i in images} == {ADMIN} and all(i["png"][:4] == b"\x89PNG" for i in images)
    cards = [c["user"] for verb, c in messenger.calls if verb == "send_direct"]
    assert sorted(cards) == sorted(["U1", ADMIN])  # U1's card; the admins' report


def test_the_charts_go_through_the_outbox_and_one_that_failed_is_sent_again_on_the_queues_retry(
    deps: Deps, group: GroupRecord, messenger: RecordingMessenger, monkeypatch: pytest.MonkeyPatch
) -> None:
    deps.store.put_member(MemberRecord(gid=GID, uid="slack:T1:U1", user="U1"))
    assessment = request("assessment", "2026-11", event_id="job:assessment:2026-11:C1")

    def upload_down(target: Target, png: bytes, name: str, caption: str = "") -> Sent:
        raise MessengerError("slack", "files.uploadV2", "HTTP 503 after 4 attempts", retryable=True)

    with monkeypatch.context() as down:
        down.setattr(messenger, "post_image", upload_down)
        with pytest.raises(DeliveryFailed):
            process(assessment, deps)
    assert sorted(messenger.verbs()) == ["send_direct", "send_direct"]  # U1's card and the admins' report
    run = deps.store.get_item(keys.group_pk(GID), keys.job_run_sk("assessment", "2026-11"))
    assert run is not None and not run.data.get("delivered")  # the charts are part of the delivery

    process(assessment, deps, redelivered=True)  # the stored decision: the charts only, nothing decided again
    assert messenger.verbs()[2:] == ["post_image"] * 4 and len(messenger.verbs()) == 6
    images = [c for verb, c in messenger.calls if verb == "post_image"]
    assert {i["target"].user for i in images} == {ADMIN} and all(i["png"][:4] == b"\x89PNG" for i in images)
    run = deps.store.get_item(keys.group_pk(GID), keys.job_run_sk("assessment", "2026-11"))
    assert run is not None and run.data["delivered"] is True
