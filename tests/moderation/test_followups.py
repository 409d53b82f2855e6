"""R8.8 follow-up of open admin cards, through the worker and the hourly `workflows` job: a violation,
report or appeal card is reminded to its admins (4 h, 24 h, then daily, up to a cap) until it is handled,
by a card, by `handle <case> <choice>` or by an admin command on the member; appeals are reminded before
their deadline; `pending` lists what is open, oldest first, for admins only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import yaml

from chalicelib.bootstrap import Deps
from chalicelib.cardsign import seal
from chalicelib.clock import FrozenClock
from chalicelib.core.actions import PostCard, Reply
from chalicelib.core.events import CardClicked, CommandIssued, MessagePosted
from chalicelib.core.facts import CaseActed, CaseDecided
from chalicelib.core.policy import default_policy_text
from chalicelib.kernel.policies import PolicyRepo
from chalicelib.moderation.cases import CaseRepo
from chalicelib.moderation.followups import FollowUps, plan
from chalicelib.settings import Settings
from chalicelib.store import keys
from chalicelib.store.memory import MemoryStore
from chalicelib.store.records import GroupRecord
from chalicelib.worker.pipeline import Outcome, process
from chalicelib.workflows.reminders import WorkflowReminders
from chalicelib.workflows.settings import FollowUpSettings
from tests.support.messenger import RecordingMessenger

T0 = 1_700_000_000.0
H = 3600
DAY = 86400
GID = "slack:T1:C1"
ABUSE = "你是个傻逼"


@dataclass
class Group:
    deps: Deps
    clock: FrozenClock
    n: int = 0

    def event_id(self, kind: str) -> str:
        self.n += 1
        return f"{kind}{self.n}"

    def message(self, user: str, text: str) -> MessagePosted:
        event_id = self.event_id("m")
        return MessagePosted(
            platform="slack",
            tenant="T1",
            event_id=event_id,
            occurred_at=self.clock.now(),
            chat="C1",
            user=user,
            message_id=f"{self.n}.0",
            text=text,
        )

    def say(self, user: str, text: str) -> Outcome:
        return process(self.message(user, text), self.deps)

    def command(self, user: str, *words: str, chat: str = "C1") -> Outcome:
        name, *args = words
        return process(
            CommandIssued(
                platform="slack",
                tenant="T1",
                event_id=self.event_id("c"),
                occurred_at=self.clock.now(),
                chat=chat,
                user=user,
                name=name,
                args=tuple(args),
                text=" ".join(words),
                direct=not chat,
            ),
            self.deps,
        )

    def click(self, user: str, action: str, ref: str) -> Outcome:
        value = seal(self.deps.settings, platform="slack", tenant="T1", chat="C1", ref=ref, action=action)
        return process(
            CardClicked(
                platform="slack",
                tenant="T1",
                event_id=self.event_id("k"),
                occurred_at=self.clock.now(),
                chat="",
                user=user,
                action=action,
                value=value,
                card_id="1700000000.000100",
            ),
            self.deps,
        )

    def remind(self, at: float) -> list[PostCard]:
        """The hourly job at `at`: the reminder cards it sends."""
        self.clock.at = at
        report = WorkflowReminders().run(self.deps, GID, at)
        return [action for action in report.actions if isinstance(action, PostCard)]

    def open_refs(self) -> list[str]:
        return [f.ref for f in FollowUps(self.deps.store).of_group(GID)]


def make(mode: str = "enforce", **followups: Any) -> Group:
    clock = FrozenClock(T0)
    store = MemoryStore(clock=clock)
    messenger = RecordingMessenger()
    deps = Deps(
        settings=Settings(_env_file=None, qg_card_signing_key="k"),
        clock=clock,
        store=store,
        messenger_factory=lambda platform: messenger,
    )
    store.put_group(
        GroupRecord(gid=GID, platform="slack", tenant="T1", chat="C1", admins=("UADMIN", "UADMIN2"))
    )
    document = yaml.safe_load(default_policy_text())
    document["workflows"]["followups"].update(followups)
    document["mode"] = mode
    PolicyRepo(store).apply(keys.ORG_SCOPE, yaml.safe_dump(document, allow_unicode=True), author="ops", now=0)
    return Group(deps, clock)


def violation(group: Group, user: str = "U1") -> str:
    outcome = group.say(user, ABUSE)
    case = outcome.decision.fact(CaseDecided)
    assert case is not None
    ref = case.ref
    assert CaseRepo(group.deps.store).get(GID, ref) is not None
    return ref


# The plan ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "deadline", "steps"),
    [
        (FollowUpSettings(), None, [("remind", h) for h in (4, 24, 48, 72, 96)]),  # 4 h, 24 h, then daily
        (FollowUpSettings(max_reminders=2), None, [("remind", 4), ("remind", 24)]),
        (
            FollowUpSettings(remind_hours=(1.0,), repeat_hours=12, max_reminders=3),
            None,
            [("remind", 1), ("remind", 13), ("remind", 25)],
        ),
        (FollowUpSettings(max_reminders=0), None, []),
        (FollowUpSettings(enabled=False), 168.0, []),
        # an appeal of 7 days: the regular reminders, then 24 h and 2 h before the deadline, then overdue
        (
            FollowUpSettings(),
            168.0,
            [
                ("remind", 4),
                ("remind", 24),
                ("remind", 48),
                ("remind", 72),
                ("remind", 96),
                ("before", 144),
                ("before", 166),
                ("overdue", 168),
            ],
        ),
        # a short deadline: nothing after it, and a regular reminder beside a "before" one is dropped
        (FollowUpSettings(), 26.0, [("before", 2), ("remind", 4), ("before", 24), ("overdue", 26)]),
    ],
)
def test_when_an_open_card_is_reminded(
    settings: FollowUpSettings, deadline: float | None, steps: list[tuple[str, float]]
) -> None:
    found = plan(T0, settings, deadline=None if deadline is None else T0 + deadline * H)
    assert [(step, (at - T0) / H) for step, at in found] == steps


# Reminders until handled -------------------------------------------------------------------------------


def test_an_open_violation_card_is_reminded_at_4h_24h_then_daily_up_to_the_cap() -> None:
    group = make()
    ref = violation(group)
    assert group.remind(T0 + 3 * H) == []
    (first,) = group.remind(T0 + 4 * H + 60)
    assert set(first.users) == {"UADMIN", "UADMIN2"}  # the admins it went to, never the member
    assert "第 1 次提醒" in first.card.title and ref in first.card.title
    assert {b.action for b in first.card.buttons} == {"mod.warn", "mod.mute", "mod.remove", "mod.dismiss"}
    assert f"handle {ref}" in first.card.footer
    titles = [
        card.card.title for hours in (24, 48, 72, 96, 120, 144) for card in group.remind(T0 + hours * H + 60)
    ]
    assert len(titles) == 4  # five in all, then no more
    assert "第 2 次提醒" in titles[0] and "第 5 次提醒" in titles[-1]
    assert group.open_refs() == [ref]  # still open, and listed


def test_a_late_run_sends_one_reminder_not_one_per_step_missed() -> None:
    group = make()
    violation(group)
    (late,) = group.remind(T0 + 50 * H)
    assert "第 1 次提醒" in late.card.title
    assert len(group.remind(T0 + 72 * H + 60)) == 1


def test_the_reminders_buttons_act_on_the_case_and_then_reminders_stop() -> None:
    group = make()
    ref = violation(group)
    (reminder,) = group.remind(T0 + 4 * H + 60)
    dismiss = next(b for b in reminder.card.buttons if b.action == "mod.dismiss")
    value = dismiss.value  # sealed by the job for this group and case
    outcome = process(
        CardClicked(
            platform="slack",
            tenant="T1",
            event_id="k-reminder",
            occurred_at=group.clock.now(),
            chat="",
            user="UADMIN2",
            action="mod.dismiss",
            value=value,
            card_id="1700000000.000200",
        ),
        group.deps,
    )
    acted = outcome.decision.fact(CaseActed)
    assert acted is not None and acted.what == "dismiss"
    assert CaseRepo(group.deps.store).get(GID, ref).state == "dismissed"  # type: ignore[union-attr]
    assert group.remind(T0 + 25 * H) == [] and group.open_refs() == []


def test_handled_by_the_command_the_card_is_reminded_no_more() -> None:
    group = make()
    ref = violation(group)
    (reply,) = [
        a for a in group.command("UADMIN", "handle", ref, "warn").decision.actions if isinstance(a, Reply)
    ]
    assert "UADMIN" in reply.text
    assert CaseRepo(group.deps.store).get(GID, ref).state == "warned"  # type: ignore[union-attr]
    assert group.remind(T0 + 4 * H + 60) == [] and group.open_refs() == []
    (again,) = group.command("UADMIN2", "handle", ref, "remove").decision.actions
    assert isinstance(again, Reply) and "已由 UADMIN 处理" in again.text  # handled once


def test_an_admin_command_on_the_member_handles_their_open_cards() -> None:
    group = make()
    ref = violation(group, "U1")
    other = violation(group, "U2")
    group.command("UADMIN", "mute", "<@U1>", "30m")
    case = CaseRepo(group.deps.store).get(GID, ref)
    assert case is not None and (case.state, case.data["handled_by"]) == ("muted", "UADMIN")
    assert group.open_refs() == [other]  # the other member's card stays open
    (reminder,) = group.remind(T0 + 4 * H + 60)
    assert other in reminder.card.title


def test_the_handle_command_takes_the_choice_first_too_and_works_in_a_direct_message() -> None:
    group = make()
    ref = violation(group)
    group.command("UADMIN", "handle", "dismiss", ref, chat="")
    assert CaseRepo(group.deps.store).get(GID, ref).state == "dismissed"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("user", "words", "expect"),
    [
        ("U2", ("handle", "{ref}", "remove"), "只有本群管理员"),  # a member cannot handle a case
        ("UADMIN", ("handle", "{ref}"), "用法"),
        ("UADMIN", ("handle", "{ref}", "explode"), "用法"),
        ("UADMIN", ("handle", "0000000000000000", "warn"), "找不到案件"),
    ],
)
def test_handle_refusals(user: str, words: tuple[str, ...], expect: str) -> None:
    group = make()
    ref = violation(group)
    (reply,) = group.command(user, *(w.format(ref=ref) for w in words)).decision.actions
    assert isinstance(reply, Reply) and expect in reply.text
    assert CaseRepo(group.deps.store).get(GID, ref).state == "open"  # type: ignore[union-attr]


# What is open ------------------------------------------------------------------------------------------


def test_pending_lists_the_open_cards_oldest_first_for_admins_only() -> None:
    group = make()
    (empty,) = group.command("UADMIN", "pending").decision.actions
    assert isinstance(empty, Reply) and "没有待处理" in empty.text
    first = violation(group, "U1")
    group.clock.advance(3600)
    group.command("U3", "report", "<@U2>", "人身攻击")
    group.clock.advance(3600)
    third = violation(group, "U4")
    (listing,) = group.command("UADMIN", "open").decision.actions
    assert isinstance(listing, Reply)
    lines = listing.text.splitlines()
    assert "3 张" in lines[0]
    assert first in lines[1] and "违规处理" in lines[1] and "U1" in lines[1]
    assert "成员举报" in lines[2] and "U2" in lines[2]
    assert third in lines[3] and "已等 0 小时" in lines[3]
    refused = group.command("U3", "pending")
    assert refused.decision.refused and "U1" not in refused.decision.actions[0].text  # type: ignore[attr-defined]

    group.command("UADMIN", "handle", first, "dismiss")
    (after,) = group.command("UADMIN2", "pending").decision.actions
    assert isinstance(after, Reply) and first not in after.text and "2 张" in after.text


def test_the_reminder_and_the_open_list_name_the_member_never_their_id() -> None:
    group = make()
    messenger = group.deps.messenger("slack")
    assert isinstance(messenger, RecordingMessenger)
    messenger.names["U1"] = "Lin Wei"
    ref = violation(group, "U1")

    (reminder,) = group.remind(T0 + 4 * H + 60)
    (listing,) = group.command("UADMIN", "pending").decision.actions

    shown = [reminder.card.body, *(value for _, value in reminder.card.fields)]
    assert "Lin Wei" in reminder.card.body and ("成员", "Lin Wei") in reminder.card.fields
    assert not any("U1" in text for text in shown)
    assert isinstance(listing, Reply) and ref in listing.text and "Lin Wei" in listing.text
    assert "U1" not in listing.text.replace(ref, "")


def test_a_report_card_is_followed_like_a_violation_card() -> None:
    group = make()
    group.command("U3", "report", "<@U2>", "人身攻击")
    (reminder,) = group.remind(T0 + 4 * H + 60)
    assert "成员举报" in reminder.card.title and set(reminder.users) == {"UADMIN", "UADMIN2"}


def test_nothing_is_followed_in_a_shadow_group_or_when_follow_ups_are_off() -> None:
    group = make(enabled=False)
    violation(group)
    assert group.remind(T0 + 4 * H + 60) == []
    shadow = make(mode="shadow")
    shadow.say("U1", ABUSE)
    assert shadow.open_refs() == []


# Appeals -------------------------------------------------------------------------------------------------


def test_an_appeal_is_reminded_to_its_reviewer_before_the_deadline_and_when_it_passes() -> None:
    group = make()
    ref = violation(group, "U1")
    group.command("UADMIN", "handle", ref, "warn")  # UADMIN acted: UADMIN2 reviews the appeal
    group.command("U1", "appeal", ref, "我只是引用")
    deadline = T0 + 7 * DAY
    reminders = [card for hours in (4, 24, 48, 72, 96) for card in group.remind(T0 + hours * H + 60)]
    assert len(reminders) == 5 and all(card.users == ("UADMIN2",) for card in reminders)
    assert {b.action for b in reminders[0].card.buttons} == {"appeal.uphold", "appeal.reverse"}
    (before,) = group.remind(deadline - 24 * H + 60)
    assert "到期" in before.card.title
    (last_call,) = group.remind(deadline - 2 * H + 60)
    assert "约 2 小时" in last_call.card.title
    (overdue,) = group.remind(deadline + 60)
    assert "已过期限" in overdue.card.title and set(overdue.users) == {"UADMIN2", "UADMIN"}
    assert [f.kind for f in FollowUps(group.deps.store).of_group(GID)] == ["appeal"]
    (listing,) = group.command("UADMIN", "pending").decision.actions
    assert "申诉" in listing.text and "期限" in listing.text  # type: ignore[attr-defined]


def test_an_appeal_decided_by_command_is_reminded_no_more_and_never_by_the_admin_who_acted() -> None:
    group = make()
    ref = violation(group, "U1")
    group.command("UADMIN", "handle", ref, "warn")
    group.command("U1", "appeal", ref, "我只是引用")
    (own,) = group.command("UADMIN", "handle", ref, "reverse").decision.actions
    assert isinstance(own, Reply) and "原处理人" in own.text  # the admin who acted cannot decide it
    group.command("UADMIN2", "handle", ref, "reverse")
    assert group.remind(T0 + 4 * H + 60) == [] and group.open_refs() == []
