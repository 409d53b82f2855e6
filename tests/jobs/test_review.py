"""The weekly content review (R8.5): last week's kept messages re-checked with the current policy, in
shadow, and reported as what it would have flagged, including the flood and duplicates a replay finds;
sensitive findings are counted but never quoted."""

from __future__ import annotations

from typing import Any

from chalicelib.bootstrap import Deps
from chalicelib.core.policy import GroupPolicy
from chalicelib.jobs.activity import Entry, MessageLog
from chalicelib.jobs.review import ReviewJob
from chalicelib.kernel.where import job_where
from chalicelib.moderation.cases import CaseRepo
from chalicelib.store.records import GroupRecord
from tests.jobs.support import GID, T0, dump, set_policy
from tests.support.messenger import RecordingMessenger

DAY = 86400.0


def kept(deps: Deps) -> GroupPolicy:
    set_policy(deps, GID, "retention: {messages: 14}")
    return job_where(deps, GID, job="review", key="test", now=T0).policy


def say(deps: Deps, policy: GroupPolicy, user: str, at: float, line: tuple[str, str]) -> None:
    mid, text = line
    MessageLog(deps.store).record(GID, Entry(kind="msg", user=user, at=at, message_id=mid, text=text), policy)


def test_the_review_reports_what_the_current_policy_would_have_flagged(
    deps: Deps, group: GroupRecord
) -> None:
    policy = kept(deps)
    start = T0 - 3 * DAY
    say(deps, policy, "U1", start, ("m1", "the minutes are in the shared folder"))
    say(deps, policy, "U2", start + 60, ("m2", "you idiot, read them"))
    say(deps, policy, "U3", start + 120, ("m3", "cheap watches at http://spam.example.com/deal"))
    say(deps, policy, "U4", start + 180, ("m4", "my id is 11010519491231002X"))
    for n in range(9):  # nine messages in nine seconds: a flood by the current rule (8 in 10 s)
        say(deps, policy, "U5", start + 300 + n, (f"f{n}", f"point {n}"))
    say(deps, policy, "U1", T0 - 9 * DAY, ("old", "an idiot from before the week"))  # outside the 7 days
    CaseRepo(deps.store).open(
        gid=GID,
        uid="slack:T1:U2",
        ref="c1",
        data={"user": "U2", "message_id": "m2"},
        at=start + 61,
        retention_days=365,
    )
    report = ReviewJob().run(deps, GID, T0)
    assert report.counts == {"messages": 13, "scanned": 13, "flagged": 4, "not_flagged_then": 3}
    assert report.details["by_rule"] == {"lexicon": 1, "ads": 1, "pii": 1, "flood": 1}
    assert report.details["new_by_rule"] == {"ads": 1, "pii": 1, "flood": 1}  # m2 was flagged at the time
    text = "\n".join(report.lines)
    assert "you idiot" in text and "cheap watches" in text
    assert "11010519491231002X" not in text and "sensitive content, not shown" in text


def test_without_kept_messages_there_is_nothing_to_review_and_the_admins_are_not_bothered(
    deps: Deps, group: GroupRecord, messenger: RecordingMessenger, dispatcher: Any
) -> None:
    from chalicelib.jobs.scheduler import schedule

    schedule(deps, "review", T0)
    dispatcher.drain()
    assert messenger.calls == []
    report = ReviewJob().run(deps, GID, T0)
    assert report.status == "already" and "retention.messages" in report.lines[0]


def test_the_review_changes_nothing_but_its_own_report(
    deps: Deps, group: GroupRecord, dynamodb_client: Any
) -> None:
    policy = kept(deps)
    say(deps, policy, "U2", T0 - DAY, ("m2", "you idiot"))
    before = dump(dynamodb_client, deps.settings.qg_table_name)
    ReviewJob().run(deps, GID, T0)
    ReviewJob().run(deps, GID, T0 + 60)
    added = [i["SK"]["S"] for i in dump(dynamodb_client, deps.settings.qg_table_name) if i not in before]
    assert added == ["JOB#review#2026-W49"]


def test_an_admins_message_is_judged_with_the_admins_exemptions(deps: Deps, group: GroupRecord) -> None:
    from chalicelib.store.records import MemberRecord

    policy = kept(deps)
    deps.store.put_member(MemberRecord(gid=GID, uid="slack:T1:UBOSS", user="UBOSS", role="admin"))
    say(deps, policy, "UBOSS", T0 - DAY, ("b1", "you idiot"))  # admins are exempt from the lexicon rule
    say(deps, policy, "U2", T0 - DAY + 60, ("b2", "you idiot"))
    report = ReviewJob().run(deps, GID, T0)
    assert report.details["by_rule"] == {"lexicon": 1}


def test_each_sample_names_its_author_never_their_id(
    deps: Deps, group: GroupRecord, messenger: RecordingMessenger
) -> None:
    policy = kept(deps)
    messenger.names.update({"U2": "Bo Chen", "U4": "Dee Fang"})
    say(deps, policy, "U2", T0 - DAY, ("m2", "you idiot, read them"))
    say(deps, policy, "U4", T0 - DAY + 60, ("m4", "my id is 11010519491231002X"))  # sensitive: not quoted

    text = "\n".join(ReviewJob().run(deps, GID, T0).lines)

    assert "Bo Chen" in text and "Dee Fang" in text
    assert "U2" not in text and "U4" not in text
