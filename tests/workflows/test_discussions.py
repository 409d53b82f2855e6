"""Scheduled discussions (R5.9), through the worker and the schedulers: who may schedule one, attendance by
acknowledgement (the same click twice does nothing), reminders before the start to who attends and to who
has not answered, the attendance at the start, cancelling; each step taken once, whichever of the hourly
job and the five-minute pass comes first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import yaml

from chalicelib.bootstrap import Deps
from chalicelib.cardsign import seal
from chalicelib.clock import FrozenClock
from chalicelib.core.actions import PostCard, PostText, Reply
from chalicelib.core.events import CardClicked, CommandIssued
from chalicelib.core.policy import default_policy_text
from chalicelib.jobs import minutely
from chalicelib.kernel.policies import PolicyRepo
from chalicelib.settings import Settings
from chalicelib.store import keys
from chalicelib.store.base import Store
from chalicelib.store.memory import MemoryStore
from chalicelib.store.records import GroupRecord
from chalicelib.worker.pipeline import Outcome, process
from chalicelib.workflows.common import ArgumentError
from chalicelib.workflows.discussions import Discussion, Discussions, plan, remind_offsets
from chalicelib.workflows.reminders import WorkflowReminders
from chalicelib.workflows.settings import DiscussionSettings
from tests.support.messenger import RecordingMessenger

CST = timezone(timedelta(hours=8))
T0 = datetime(2026, 11, 24, 10, 0, tzinfo=CST).timestamp()  # 10:00 in the group's time zone
START = datetime(2026, 11, 24, 15, 0, tzinfo=CST).timestamp()
GID = "slack:T1:C1"
MIN = 60


@dataclass
class Group:
    deps: Deps
    messenger: RecordingMessenger
    clock: FrozenClock
    n: int = 0

    def command(self, user: str, *words: str) -> Outcome:
        self.n += 1
        name, *args = words
        return process(
            CommandIssued(
                platform="slack",
                tenant="T1",
                event_id=f"c{self.n}",
                occurred_at=self.clock.now(),
                chat="C1",
                user=user,
                name=name,
                args=tuple(args),
                text=" ".join(words),
            ),
            self.deps,
        )

    def click(self, user: str, action: str, ref: str) -> Outcome:
        self.n += 1
        value = seal(self.deps.settings, platform="slack", tenant="T1", chat="C1", ref=ref, action=action)
        return process(
            CardClicked(
                platform="slack",
                tenant="T1",
                event_id=f"k{self.n}",
                occurred_at=self.clock.now(),
                chat="C1",
                user=user,
                action=action,
                value=value,
                card_id="1700000000.000100",
            ),
            self.deps,
        )

    def sent(self) -> list[tuple[str, dict[str, Any]]]:
        calls = list(self.messenger.calls)
        self.messenger.calls.clear()
        return calls

    def latest(self) -> Discussion:
        repo = Discussions(self.deps.store)
        ref = repo.latest(GID)
        assert ref is not None
        found = repo.get(GID, ref)
        assert found is not None
        return found


def make(**discussions: Any) -> Group:
    messenger = RecordingMessenger()
    clock = FrozenClock(T0)
    store = MemoryStore(clock=clock)
    deps = Deps(
        settings=Settings(_env_file=None, qg_card_signing_key="k"),
        clock=clock,
        store=store,
        messenger_factory=lambda platform: messenger,
    )
    store.put_group(GroupRecord(gid=GID, platform="slack", tenant="T1", chat="C1", admins=("UADMIN",)))
    document = yaml.safe_load(default_policy_text())
    document["workflows"]["discussions"].update(discussions)
    PolicyRepo(store).apply(keys.ORG_SCOPE, yaml.safe_dump(document, allow_unicode=True), author="ops", now=0)
    for user in ("U1", "U2", "U3"):
        store.record_activity(GID, f"slack:T1:{user}", user, T0)
    return Group(deps, messenger, clock)


def texts(calls: list[tuple[str, dict[str, Any]]], user: str = "", verb: str = "send_direct") -> str:
    return " ".join(
        str(call.get("text", ""))
        for name, call in calls
        if name == verb and (not user or call.get("user") == user)
    )


def cards_to(calls: list[tuple[str, dict[str, Any]]], user: str) -> list[Any]:
    return [call["card"] for name, call in calls if name == "post_card" and call["target"].user == user]


# Pure ------------------------------------------------------------------------------------------------


def test_the_plan_holds_the_reminders_still_ahead_then_the_start() -> None:
    assert plan(T0, START, (60.0, 10.0)) == (
        ("remind", START - 3600),
        ("remind", START - 600),
        ("start", START),
    )
    assert plan(START - 30 * MIN, START, (60.0, 10.0)) == (("remind", START - 600), ("start", START))


@pytest.mark.parametrize(
    ("value", "minutes"),
    [
        ("1h,10m", (60.0, 10.0)),
        ("10m,1h", (60.0, 10.0)),
        ("1d", (1440.0,)),
        ("5m,10m,15m,20m", (20.0, 15.0, 10.0)),
    ],
)
def test_remind_offsets_are_read_earliest_first_and_capped(value: str, minutes: tuple[float, ...]) -> None:
    assert remind_offsets(value, DiscussionSettings()) == minutes


@pytest.mark.parametrize("value", ["soon", "1h,", "0m", "30d"])
def test_remind_offsets_that_do_not_read_are_refused(value: str) -> None:
    with pytest.raises(ArgumentError):
        remind_offsets(value, DiscussionSettings())


# Scheduling ------------------------------------------------------------------------------------------


def test_an_admin_schedules_a_discussion_and_the_group_gets_the_card() -> None:
    group = make()
    outcome = group.command("UADMIN", "discussion", "15:00", "--remind", "1h,10m", "季度复盘", "与规划")
    (posted,) = [a for a in outcome.decision.actions if isinstance(a, PostCard)]
    assert posted.chat == "C1" and {b.action for b in posted.card.buttons} == {"disc.yes", "disc.no"}
    assert "2026-11-24 15:00 (UTC+8)" in posted.card.body
    discussion = group.latest()
    assert (discussion.starts_at, discussion.topic, discussion.audience) == (
        START,
        "季度复盘 与规划",
        ("U1", "U2", "U3"),
    )
    assert [step for step, _ in discussion.plan] == ["remind", "remind", "start"]
    (reply,) = [a for a in outcome.decision.actions if isinstance(a, Reply)]
    assert discussion.ref in reply.text


def test_the_remind_flag_may_come_before_the_moment_and_defaults_come_from_the_policy() -> None:
    group = make(remind_minutes=[30.0])
    group.command("UADMIN", "discussion", "--remind=2h", "+3h", "预算")
    assert group.latest().remind_minutes == (120.0,)
    group.command("UADMIN", "discussion", "tomorrow", "15:00", "预算")
    assert group.latest().remind_minutes == (30.0,)


def test_a_member_cannot_schedule_unless_the_policy_lets_members() -> None:
    group = make()
    outcome = group.command("U1", "discussion", "15:00", "团建")
    assert outcome.decision.refused and Discussions(group.deps.store).latest(GID) is None
    members = make(who="members")
    members.command("U1", "discussion", "15:00", "团建")
    assert members.latest().by == "U1"


@pytest.mark.parametrize(
    "words",
    [
        ("discussion", "季度复盘"),
        ("discussion", "15:00"),
        ("discussion", "2026-11-01T15:00", "已过去"),
        ("discussion", "15:00", "--remind", "soon", "复盘"),
    ],
)
def test_what_does_not_read_gets_the_usage(words: tuple[str, ...]) -> None:
    group = make()
    (reply,) = group.command("UADMIN", *words).decision.actions
    assert isinstance(reply, Reply) and "discussion" in reply.text and "--remind" in reply.text


def test_a_discussion_too_far_ahead_is_refused() -> None:
    group = make(max_days_ahead=7)
    (reply,) = group.command("UADMIN", "discussion", "2026-12-24T15:00", "年会").decision.actions
    assert isinstance(reply, Reply) and "7" in reply.text


# Answers ---------------------------------------------------------------------------------------------


def test_an_answer_is_taken_once_and_a_changed_mind_is_kept() -> None:
    group = make()
    group.command("UADMIN", "discussion", "15:00", "复盘")
    ref = group.latest().ref
    group.sent()
    group.click("U1", "disc.yes", ref)
    assert "会参加" in texts(group.sent(), "U1")
    group.click("U1", "disc.yes", ref)
    assert group.sent() == []  # the same click twice does nothing
    group.click("U1", "disc.no", ref)
    assert "无法参加" in texts(group.sent(), "U1")
    assert Discussions(group.deps.store).answers(group.latest()) == {"U1": "no"}


def test_answers_by_command_for_a_card_shown_as_text() -> None:
    group = make()
    group.command("UADMIN", "discussion", "15:00", "复盘")
    ref = group.latest().ref
    (reply,) = group.command("U2", "discussion", "attend", ref).decision.actions
    assert isinstance(reply, Reply) and "会参加" in reply.text
    (again,) = group.command("U2", "discussion", "attend", ref).decision.actions
    assert isinstance(again, Reply) and "已经" in again.text


# Reminders and the start -----------------------------------------------------------------------------


def test_reminders_go_to_who_attends_and_who_has_not_answered_then_the_attendance_at_the_start() -> None:
    group = make()
    group.command("UADMIN", "discussion", "15:00", "--remind", "1h,10m", "复盘")
    ref = group.latest().ref
    group.click("U1", "disc.yes", ref)
    group.click("U2", "disc.no", ref)
    group.sent()

    group.clock.at = START - 3600 + 1
    counts = minutely.run(group.deps, group.clock.now())
    assert counts["discussion_reminders"] == 1
    calls = group.sent()
    assert "还有 1 小时" in texts(calls, "U1") and "还有 1 小时" in texts(calls, "UADMIN")  # attending
    assert [card.title for card in cards_to(calls, "U3")]  # no answer yet: the card again
    assert texts(calls, "U2") == "" and cards_to(calls, "U2") == []  # cannot attend: left alone

    group.clock.at = START - 600 + 1
    minutely.run(group.deps, group.clock.now())
    assert "还有 10 分钟" in texts(group.sent(), "U1")

    group.clock.at = START + 1
    minutely.run(group.deps, group.clock.now())
    calls = group.sent()
    notice = texts(calls, verb="post_text")
    assert "现在开始" in notice and "出席（2 人）：UADMIN, U1" in notice
    report = texts(calls, "UADMIN")
    assert "无法参加（1）：U2" in report and "未回复（1）：U3" in report
    assert group.latest().state == "started"

    (status,) = group.command("U3", "discussion", "status", ref).decision.actions
    assert isinstance(status, Reply) and "已开始" in status.text and "参加（2）" in status.text
    group.click("U3", "disc.yes", ref)
    assert "已开始或已取消" in texts(group.sent(), "U3")  # too late to answer


def test_the_card_the_attendance_and_the_status_name_people_never_by_their_ids() -> None:
    group = make()
    group.messenger.names.update({"UADMIN": "Ada Wong", "U1": "Lin Wei", "U2": "Bo Chen", "U3": "Cai Yun"})
    outcome = group.command("UADMIN", "discussion", "15:00", "--remind", "1h", "复盘")
    (posted,) = [a for a in outcome.decision.actions if isinstance(a, PostCard)]
    assert "Ada Wong" in posted.card.body and ("发起人", "Ada Wong") in posted.card.fields
    ref = group.latest().ref
    group.click("U1", "disc.yes", ref)
    group.click("U2", "disc.no", ref)
    group.sent()

    group.clock.at = START - 3600 + 1
    minutely.run(group.deps, group.clock.now())
    (again,) = cards_to(group.sent(), "U3")  # the reminder card to who has not answered
    assert "Ada Wong" in again.body
    group.clock.at = START + 1
    minutely.run(group.deps, group.clock.now())
    calls = group.sent()
    (status,) = group.command("U3", "discussion", "status", ref).decision.actions

    notice, report = texts(calls, verb="post_text"), texts(calls, "UADMIN")
    assert "出席（2 人）：Ada Wong, Lin Wei" in notice
    assert "无法参加（1）：Bo Chen" in report and "未回复（1）：Cai Yun" in report
    assert isinstance(status, Reply) and "Lin Wei" in status.text
    shown = " ".join((posted.card.body, again.body, notice, report, status.text))
    assert not any(user in shown for user in ("UADMIN", "U1", "U2", "U3"))


def test_each_step_is_taken_once_whichever_scheduler_comes_first() -> None:
    group = make()
    group.command("UADMIN", "discussion", "15:00", "--remind", "1h", "复盘")
    group.sent()
    group.clock.at = START - 3600 + 120
    hourly = WorkflowReminders().run(group.deps, GID, group.clock.now())
    assert hourly.counts == {"disc_remind": 1} and hourly.actions
    assert minutely.run(group.deps, group.clock.now())["discussion_reminders"] == 0
    group.clock.at = START + 60
    assert minutely.run(group.deps, group.clock.now())["discussion_starts"] == 1
    late = WorkflowReminders().run(group.deps, GID, group.clock.now() + 3600)
    assert late.actions == ()


def test_after_a_pause_only_the_start_goes_out_not_the_reminders_it_passed() -> None:
    group = make()
    group.command("UADMIN", "discussion", "15:00", "复盘")
    group.sent()
    group.clock.at = START + 300
    report = WorkflowReminders().run(group.deps, GID, group.clock.now())
    assert report.counts == {"disc_start": 1}
    assert not any(isinstance(a, PostCard) for a in report.actions)
    assert any(isinstance(a, PostText) for a in report.actions)


# Cancelling --------------------------------------------------------------------------------------------


def test_only_the_organiser_or_an_admin_cancels_and_then_nothing_more_is_sent() -> None:
    group = make(who="members")
    group.command("U1", "discussion", "15:00", "团建")
    ref = group.latest().ref
    refused = group.command("U2", "discussion", "cancel", ref)
    assert refused.decision.refused and group.latest().state == "scheduled"
    outcome = group.command("U1", "discussion", "cancel", ref)
    assert any(isinstance(a, PostText) and "取消" in a.text for a in outcome.decision.actions)
    assert group.latest().state == "cancelled"
    group.sent()
    group.clock.at = START + 60
    assert minutely.run(group.deps, group.clock.now())["discussion_starts"] == 0
    assert WorkflowReminders().run(group.deps, GID, group.clock.now()).actions == ()
    assert group.sent() == []


def test_on_a_platform_where_the_bot_cannot_post_in_the_group_the_card_goes_to_each_member() -> None:
    from chalicelib.adapters.base import Capabilities, Capability

    group = make()
    group.messenger.capabilities = Capabilities(
        always=frozenset(Capability) - {Capability.POST_TO_GROUP, Capability.SEE_ALL_MESSAGES}
    )
    outcome = group.command("UADMIN", "discussion", "15:00", "复盘")
    (posted,) = [a for a in outcome.decision.actions if isinstance(a, PostCard)]
    assert posted.chat == "" and set(posted.users) == {"U1", "U2", "U3"}
    group.sent()
    group.clock.at = START + 1
    minutely.run(group.deps, group.clock.now())
    calls = group.sent()
    assert all("现在开始" in texts(calls, user) for user in ("U1", "U2", "U3"))  # the start, privately


# The repository, on both stores ----------------------------------------------------------------------


def discussion() -> Discussion:
    return Discussion(
        ref="D1",
        gid=GID,
        chat="C1",
        by="UADMIN",
        at=T0,
        starts_at=START,
        topic="复盘",
        offset_hours=8,
        audience=("U1",),
        plan=plan(T0, START, (60.0,)),
    )


def test_answers_and_steps_are_taken_once_on_either_store(store: Store) -> None:
    repo = Discussions(store)
    assert repo.create(discussion()) and not repo.create(discussion())
    found = repo.get(GID, "D1")
    assert found is not None
    assert [repo.answer(found, "U1", "slack:T1:U1", a, T0) for a in ("yes", "yes", "no")] == [
        "new",
        "same",
        "changed",
    ]
    assert [d.ref for d in repo.due(START - 3600)] == ["D1"]
    moved = repo.advance(found, 1, "scheduled")
    assert moved is not None and repo.advance(found, 1, "scheduled") is None
    assert repo.due(START - 3600) == [] and [d.ref for d in repo.due(START)] == ["D1"]
