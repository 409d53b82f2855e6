"""Announcements, decided purely: when the reminders, report and expiry fall due; who is still waited for;
what each step sends, into the group or to each member where the bot may not post there."""

from __future__ import annotations

import pytest

from chalicelib.adapters.base import Capabilities, Capability
from chalicelib.core.actions import PostCard, PostText, SendDirect
from chalicelib.core.events import JobRequested
from chalicelib.kernel.context import Context
from chalicelib.kernel.where import Where
from chalicelib.store.records import GroupRecord
from chalicelib.workflows.announcements import Announcement, card, pending, plan, status_text, step_actions
from chalicelib.workflows.settings import AnnouncementSettings
from tests.core.factories import policy

H = 3600
T0 = 1_700_000_000.0
DEFAULTS = AnnouncementSettings()


def announcement(**changes: object) -> Announcement:
    values: dict[str, object] = {
        "ref": "A1B2C3D",
        "gid": "slack:T1:C1",
        "chat": "C1",
        "by": "UADMIN",
        "at": T0,
        "text": "周五全员会议\n地点：三楼",
        "ack": True,
        "audience": ("U1", "U2", "U3"),
    }
    values.update(changes)
    return Announcement(**values)  # type: ignore[arg-type]


def place(*, can_post: bool) -> Where[JobRequested]:
    event = JobRequested(
        platform="slack", tenant="T1", event_id="ann", occurred_at=T0, chat="C1", job="ann", period="p"
    )
    group = GroupRecord(
        gid="slack:T1:C1", platform="slack", tenant="T1", chat="C1", name="测试群", admins=("UADMIN",)
    )
    ctx = Context(now=T0, group=group, member=None, locale="zh-CN", policy=policy())
    allowed = frozenset({Capability.POST_TO_GROUP}) if can_post else frozenset()
    return Where(event, ctx, Capabilities(always=allowed))


@pytest.mark.parametrize(
    ("ack", "expires_in", "expected"),
    [
        (True, None, [("remind", 4), ("remind", 24), ("remind", 48), ("report", 72)]),
        (True, 30, [("remind", 4), ("remind", 24), ("report", 30), ("expire", 30)]),
        (True, 72, [("remind", 4), ("remind", 24), ("remind", 48), ("report", 72), ("expire", 72)]),
        (True, 200, [("remind", 4), ("remind", 24), ("remind", 48), ("report", 72), ("expire", 200)]),
        (False, 24, [("expire", 24)]),
        (False, None, []),
    ],
    ids=["ack", "ack-expires-early", "ack-expires-at-report", "ack-expires-late", "notice-expires", "notice"],
)
def test_the_plan_reminds_at_4_24_48_hours_reports_at_72_and_never_after_the_expiry(
    ack: bool, expires_in: float | None, expected: list[tuple[str, float]]
) -> None:
    expires = T0 + expires_in * H if expires_in is not None else None
    steps = plan(T0, ack=ack, expires_at=expires, settings=DEFAULTS)
    assert [(kind, (at - T0) / H) for kind, at in steps] == expected


def test_who_has_not_acknowledged_is_pending_and_the_poster_never_is() -> None:
    posted = announcement(audience=("U1", "U2", "UADMIN"))
    assert pending(posted, {"U1": T0}) == ("U2",)


def test_a_reminder_goes_only_to_who_has_not_acknowledged() -> None:
    (action,) = step_actions("remind", announcement(), {"U2": T0}, place(can_post=True), number=2)
    assert isinstance(action, PostCard)
    assert action.users == ("U1", "U3") and action.chat == ""
    assert "第 2 次提醒" in action.card.title
    assert [button.action for button in action.card.buttons] == ["ann.ack"]


def test_no_reminder_is_sent_when_everyone_acknowledged() -> None:
    acked = {"U1": T0, "U2": T0, "U3": T0}
    assert step_actions("remind", announcement(), acked, place(can_post=True), number=1) == []


def test_the_report_goes_to_the_poster_with_who_has_and_has_not() -> None:
    (action,) = step_actions("report", announcement(), {"U1": T0}, place(can_post=True), number=3)
    assert isinstance(action, SendDirect) and action.user == "UADMIN"
    assert "1/3" in action.text and "U1" in action.text and "U2, U3" in action.text


def test_the_report_names_who_acknowledged_and_who_not_by_name() -> None:
    names = {"U1": "Lin Wei", "U2": "Bo Chen", "U3": "Cai Yun"}
    asked: list[str] = []

    def name(user: str) -> str:
        asked.append(user)
        return names[user]

    (action,) = step_actions("report", announcement(), {"U1": T0}, place(can_post=True), number=3, name=name)
    assert isinstance(action, SendDirect)
    assert "Lin Wei" in action.text and "Bo Chen, Cai Yun" in action.text
    assert not any(user in action.text for user in names)
    assert sorted(asked) == ["U1", "U2", "U3"]


@pytest.mark.parametrize(("can_post", "kinds"), [(True, {PostText}), (False, {SendDirect})])
def test_the_withdrawal_is_told_in_the_group_or_to_each_member(can_post: bool, kinds: set[type]) -> None:
    actions = step_actions("expire", announcement(), {}, place(can_post=can_post), number=3)
    assert {type(action) for action in actions} == kinds
    assert all("已到期" in action.text for action in actions)  # type: ignore[attr-defined]
    assert len(actions) == (1 if can_post else 3)


def test_the_status_names_who_acknowledged_and_who_not() -> None:
    text = status_text(announcement(), {"U3": T0}, "en")
    assert "1 of 3 acknowledged" in text and "Acknowledged: U3" in text and "Not yet: U1, U2" in text


def test_an_announcement_without_ack_has_no_button() -> None:
    assert card(announcement(ack=False), "en", "slack").buttons == ()
    assert announcement(text="x" * 80).title.endswith("…")
