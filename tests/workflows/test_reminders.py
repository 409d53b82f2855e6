"""The workflows' scheduled job and what it costs: due timers found with one index Query, each step taken
once, a dry run that changes nothing; spike counters written only on joins, leaves and violations; a
draft nobody decided lapses, and every approver's card says so."""

from __future__ import annotations

from chalicelib.bootstrap import Deps
from chalicelib.clock import FrozenClock
from chalicelib.core.actions import PostCard, UpdateCard
from chalicelib.core.events import CommandIssued, MemberJoined, MessagePosted
from chalicelib.kernel.open_requests import OpenRequests
from chalicelib.settings import Settings
from chalicelib.store import keys
from chalicelib.store.memory import MemoryStore
from chalicelib.store.records import GroupRecord
from chalicelib.worker.pipeline import process
from chalicelib.workflows.announcements import Announcements
from chalicelib.workflows.reminders import WorkflowReminders
from chalicelib.workflows.timers import Timer, Timers
from tests.support.messenger import RecordingMessenger

T0 = 1_700_000_000.0
H = 3600
GID = "slack:T1:C1"


def make() -> tuple[Deps, RecordingMessenger, FrozenClock, MemoryStore]:
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
    for user in ("U1", "U2"):
        store.record_activity(GID, f"slack:T1:{user}", user, T0)
    return deps, messenger, clock, store


def announce(deps: Deps, text: str, event_id: str = "c1") -> str:
    process(
        CommandIssued(
            platform="slack",
            tenant="T1",
            event_id=event_id,
            occurred_at=T0,
            chat="C1",
            user="UADMIN",
            name="announce",
            args=tuple(text.split()),
            text=f"announce {text}",
        ),
        deps,
    )
    ref = Announcements(deps.store).latest(GID)
    assert ref is not None
    return ref


def test_due_timers_are_found_with_one_index_query_earliest_first() -> None:
    _, _, _, store = make()
    timers = Timers(store)
    timers.set(Timer(GID, "ann", "B", T0 + 2 * H))
    timers.set(Timer(GID, "ann", "A", T0 + H))
    timers.set(Timer(GID, "ann", "C", T0 + 9 * H))
    timers.set(Timer("slack:T1:OTHER", "ann", "D", T0))
    store.usage.reset()
    assert [timer.ref for timer in timers.due(GID, T0 + 3 * H)] == ["A", "B"]
    assert dict(store.usage.calls) == {"Query": 1}


def test_a_dry_run_counts_what_is_due_and_changes_nothing() -> None:
    deps, _, _, store = make()
    announce(deps, "--ack 消防演练")
    report = WorkflowReminders().run(deps, GID, T0 + 5 * H, dry_run=True)
    assert report.counts == {"due_ann": 1} and report.actions == ()
    assert len(list(Timers(store).due(GID, T0 + 5 * H))) == 1


def test_each_step_is_taken_once_even_if_the_job_runs_twice() -> None:
    deps, _, _, _ = make()
    announce(deps, "--ack 消防演练")
    job = WorkflowReminders()
    first = job.run(deps, GID, T0 + 5 * H)
    (reminder,) = first.actions
    assert isinstance(reminder, PostCard) and set(reminder.users) == {"U1", "U2"}
    assert first.details == {"quiet": True}  # the reminders are the output; no report to the admins
    assert job.run(deps, GID, T0 + 5 * H).actions == ()


def test_a_late_run_takes_every_step_that_fell_due_in_order() -> None:
    deps, _, _, store = make()
    ref = announce(deps, "--ack --expires 1d 消防演练")
    report = WorkflowReminders().run(deps, GID, T0 + 30 * H)
    kinds = [type(action).__name__ for action in report.actions]
    # The report, the withdrawal notice and the recall of the card that was posted; no reminder for an
    # announcement this very run withdraws.
    assert kinds == ["SendDirect", "PostText", "Recall"]
    assert report.counts == {"ann_late": 1, "ann_report": 1, "ann_expire": 1}
    assert Announcements(store).get(GID, ref).state == "expired"  # type: ignore[union-attr]
    assert list(Timers(store).due(GID, T0 + 900 * H)) == []


def test_a_withdrawn_announcement_is_no_longer_reminded() -> None:
    deps, _, _, _ = make()
    ref = announce(deps, "--ack 消防演练")
    process(
        CommandIssued(
            platform="slack",
            tenant="T1",
            event_id="c2",
            occurred_at=T0,
            chat="C1",
            user="UADMIN",
            name="announce",
            args=("withdraw", ref),
            text=f"announce withdraw {ref}",
        ),
        deps,
    )
    assert WorkflowReminders().run(deps, GID, T0 + 100 * H).actions == ()


def test_an_announcement_without_ack_or_expiry_is_a_notice_with_no_timer() -> None:
    deps, messenger, _, store = make()
    announce(deps, "明天停电")
    posted = [call for verb, call in messenger.calls if verb == "post_text" and not call["target"].user]
    assert [call["text"].splitlines()[-1] for call in posted] == ["明天停电"]
    assert list(Timers(store).due(GID, T0 + 1000 * H)) == []


def spike_count(store: MemoryStore, what: str) -> int:
    bucket = int(T0 // 600)
    before = store.bump_counters(keys.spike_window_pk(GID), keys.spike_window_sk(bucket), {what: 0}, {}, 0)
    return int(before.get(what, 0))


def test_an_ordinary_message_writes_no_spike_counter_and_a_join_writes_one() -> None:
    deps, _, _, store = make()
    for n in range(5):
        process(
            MessagePosted(
                platform="slack",
                tenant="T1",
                event_id=f"m{n}",
                occurred_at=T0,
                chat="C1",
                user="U1",
                message_id=f"m{n}",
                text=f"早上好 {n}",
            ),
            deps,
        )
    assert spike_count(store, "violations") == 0
    process(
        MemberJoined(platform="slack", tenant="T1", event_id="j1", occurred_at=T0, chat="C1", user="U9"), deps
    )
    assert spike_count(store, "joins") == 1


def publish(deps: Deps, text: str) -> str:
    """U1 submits `text` for publication; the approvers (the group's admin) get its card."""
    process(
        CommandIssued(
            platform="slack",
            tenant="T1",
            event_id="p1",
            occurred_at=T0,
            chat="C1",
            user="U1",
            name="publish",
            args=tuple(text.split()),
            text=f"publish {text}",
        ),
        deps,
    )
    (marker,) = OpenRequests(deps.store).all_open()
    return marker.ref


def test_a_draft_nobody_decided_lapses_and_every_approvers_card_says_so_without_its_buttons() -> None:
    deps, messenger, _, store = make()
    store.put_group(
        GroupRecord(gid=GID, platform="slack", tenant="T1", chat="C1", admins=("UADMIN",), name="general")
    )
    messenger.names["U1"] = "Wang Fang"
    ref = publish(deps, "招聘信息")
    (posted,) = [n for n, (verb, _) in enumerate(messenger.calls, 1) if verb == "post_card"]
    job = WorkflowReminders()
    for hours in (25, 49):  # the reminders
        job.run(deps, GID, T0 + hours * H)

    report = job.run(deps, GID, T0 + 73 * H)

    assert report.counts == {"pub_lapse": 1}
    (update,) = [action for action in report.actions if isinstance(action, UpdateCard)]
    assert (update.response_token, update.user) == (f"UADMIN:m{posted}", "UADMIN")
    assert update.card.buttons == ()
    assert update.card.title == f"📝 发布申请 {ref}（Wang Fang）"
    assert (
        update.card.footer == "无人在期限内审核：已于 2023-11-18 07:13 (UTC+8) 失效，未在「#general」发布。"
    )
    assert OpenRequests(store).all_open() == []  # off the console's queue
    assert job.run(deps, GID, T0 + 80 * H).actions == ()  # once
