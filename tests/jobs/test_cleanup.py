"""The daily cleanup (R3.9, R4.7, R4.8) against DynamoDB: the bot's own posts that fell due, passes that
lapsed (and mutes, which end within minutes on a schedule of their own), and records past the retention
the policy sets now; dry run first; idempotent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from chalicelib.adapters.base import Capabilities, Capability, Sent, Target
from chalicelib.adapters.wecom.client import WeComMessenger
from chalicelib.bootstrap import Deps
from chalicelib.core.actions import Decision, Lifetime, PostCard, Recall, UpdateCard
from chalicelib.core.cards import Button, Card
from chalicelib.core.events import JobRequested
from chalicelib.core.policy import DEFAULT_ORG_POLICY
from chalicelib.errors import CardUpdateRefused
from chalicelib.jobs.cleanup import CleanupJob
from chalicelib.jobs.posts import BotPost, BotPosts, Pass, Passes, track
from chalicelib.kernel.context import Context
from chalicelib.kernel.executor import ActionResult, execute
from chalicelib.moderation.cases import CaseRepo
from chalicelib.moderation.mutes import MuteRecord, MuteRepo
from chalicelib.settings import Settings
from chalicelib.store import keys
from chalicelib.store.records import AuditRecord, GroupRecord, Item
from local.fakes.server import FakeMessengers
from tests.jobs.support import GID, T0, dump, set_policy
from tests.support.messenger import RecordingMessenger

DAY = 86400.0
HOUR = 3600.0


def post(kind: str, message_id: str, due: float) -> BotPost:
    return BotPost(
        gid=GID, message_id=message_id, chat="C1", kind=kind, at=due - DAY, due=due, title="Notice"
    )


def test_expired_announcements_are_withdrawn_and_stale_cards_closed(
    deps: Deps, group: GroupRecord, messenger: RecordingMessenger
) -> None:
    posts = BotPosts(deps.store)
    posts.register(post("announcement", "m-ann", T0 - HOUR))
    posts.register(post("card", "m-card", T0 - 2 * HOUR))
    posts.register(post("notice", "m-later", T0 + DAY))  # not due yet
    report = CleanupJob().run(deps, GID, T0)
    assert report.counts == {"withdrawn": 1, "cards_closed": 1}
    recall, close = sorted(report.actions, key=lambda action: type(action).__name__)
    assert isinstance(recall, Recall) and (recall.chat, recall.message_id) == ("C1", "m-ann")
    assert recall.fallback is not None and "withdrawn" in recall.fallback.body  # where it cannot be recalled
    assert isinstance(close, UpdateCard) and close.card_ref == "m-card" and close.card.buttons == ()
    # The card is closed for good; the announcement stays due until its recall went through.
    assert [p.message_id for p in posts.due(GID, T0 + 2 * DAY)] == ["m-ann", "m-later"]


def test_where_the_bot_cannot_recall_the_admins_are_told_to_do_it(
    deps: Deps, group: GroupRecord, messenger: RecordingMessenger
) -> None:
    messenger.capabilities = Capabilities(always=frozenset(Capability) - {Capability.RECALL_OWN})
    BotPosts(deps.store).register(post("notice", "m1", T0 - HOUR))
    report = CleanupJob().run(deps, GID, T0)
    assert report.counts == {"not_recallable": 1}
    assert "remove them by hand" in report.lines[0]
    assert list(BotPosts(deps.store).due(GID, T0)) == []  # reported once, not every day


def test_lapsed_one_time_passes_are_withdrawn(deps: Deps, group: GroupRecord) -> None:
    deps.store.update_member(GID, "slack:T1:U3", "U3", {"ads_pass": True})
    deps.store.update_member(GID, "slack:T1:U4", "U4", {"ads_pass": True})
    Passes(deps.store).grant(Pass(GID, "slack:T1:U3", "U3", until=T0 - 1))
    Passes(deps.store).grant(Pass(GID, "slack:T1:U4", "U4", until=T0 + DAY))  # not yet
    report = CleanupJob().run(deps, GID, T0)
    assert report.counts == {"passes_lapsed": 1}
    lapsed, standing = deps.store.get_member(GID, "slack:T1:U3"), deps.store.get_member(GID, "slack:T1:U4")
    assert lapsed is not None and lapsed.ads_pass is False
    assert standing is not None and standing.ads_pass is True


def test_mutes_end_within_minutes_through_their_own_schedule(
    deps: Deps, group: GroupRecord, messenger: RecordingMessenger
) -> None:
    from chalicelib.bootstrap import use_deps
    from chalicelib.jobs import entry

    mutes = MuteRepo(deps.store)
    mutes.record(MuteRecord(GID, "slack:T1:U1", "U1", until=T0 - 60))
    mutes.record(MuteRecord(GID, "slack:T1:U2", "U2", until=T0 + HOUR))  # not over yet
    use_deps(deps)
    try:
        entry.end_mutes()  # the body of app.py's `end_mutes` schedule
    finally:
        use_deps(None)
    assert mutes.get(GID, "slack:T1:U1") is None and mutes.get(GID, "slack:T1:U2") is not None
    assert ("mute_member", {"chat": "C1", "user": "U1", "seconds": 0}) in messenger.calls


def test_records_past_a_shortened_retention_are_removed_where_ttl_has_not_acted(
    deps: Deps, group: GroupRecord
) -> None:
    set_policy(deps, GID, "retention: {audit: 30, cases: 90, snapshots: 7}")
    store = deps.store
    for n, age in enumerate((40, 20)):  # written with the default 400-day expiry
        store.append_audit(
            AuditRecord(
                GID, f"a{n}", T0 - age * DAY, "MessagePosted", "U1", (), expires_at=int(T0 + 300 * DAY)
            )
        )
    cases = CaseRepo(store)
    for ref, age in (("old", 100), ("recent", 10), ("fresh", 2)):
        cases.open(
            gid=GID,
            uid="slack:T1:U1",
            ref=ref,
            data={"user": "U1", "points": 1.0},
            at=T0 - age * DAY,
            retention_days=365,
            snapshot="the removed text",
            snapshot_days=30,
        )
        cases.add_event(GID, ref, at=T0 - age * DAY + 60, what="appeal", by="U1", detail={})
    report = CleanupJob().run(deps, GID, T0)
    assert report.counts == {"audit_deleted": 1, "cases_deleted": 1, "snapshots_deleted": 1}
    assert [r.audit_id for r in store.list_audit(GID)] == ["a1"]
    left = [i.sk for i in store.query_items(keys.group_pk(GID), prefix="CASE#")]
    assert left == [
        "CASE#fresh",
        f"CASE#fresh#EV#{keys.iso(T0 - 2 * DAY + 60)}#" + left[1].rsplit("#", 1)[-1],
        "CASE#fresh#SNAP",
        "CASE#recent",
        left[4],
    ]
    assert "#EV#" in left[4]  # the 10-day-old case keeps its event, but its snapshot is gone


def test_message_log_days_past_retention_go_and_texts_past_theirs_are_stripped(
    deps: Deps, group: GroupRecord
) -> None:
    set_policy(deps, GID, "retention: {activity: 30, messages: 7}")
    for age in (31, 8, 1):  # each the day after its retention ran out, and a recent one
        day_pk = keys.message_log_pk(GID, _local_day(T0 - age * DAY))
        store_item = Item(
            day_pk, f"{keys.iso(T0 - age * DAY)}#m{age}", {"u": "U1", "at": T0 - age * DAY, "x": "hi"}
        )
        deps.store.put_item(store_item)
    report = CleanupJob().run(deps, GID, T0)
    assert report.counts == {"messages_deleted": 1, "texts_removed": 1}
    texts = {age: _item_text(deps, age) for age in (31, 8, 1)}
    assert texts == {31: None, 8: "", 1: "hi"}  # gone; kept without its text; kept whole


def test_a_dry_run_counts_and_changes_nothing(
    deps: Deps, group: GroupRecord, messenger: RecordingMessenger, dynamodb_client: Any
) -> None:
    BotPosts(deps.store).register(post("announcement", "m-ann", T0 - HOUR))
    Passes(deps.store).grant(Pass(GID, "slack:T1:U3", "U3", until=T0 - 1))
    before = dump(dynamodb_client, deps.settings.qg_table_name)
    report = CleanupJob().run(deps, GID, T0, dry_run=True)
    assert report.counts == {"withdrawn": 1, "passes_lapsed": 1} and report.actions == ()
    assert messenger.calls == []
    after = [i for i in dump(dynamodb_client, deps.settings.qg_table_name) if i not in before]
    assert [i["SK"]["S"] for i in after] == [keys.job_run_sk("cleanup", "2026-12-01", dry_run=True)]


def test_running_it_twice_for_the_same_day_changes_nothing(
    deps: Deps, group: GroupRecord, messenger: RecordingMessenger, dynamodb_client: Any
) -> None:
    BotPosts(deps.store).register(post("announcement", "m-ann", T0 - HOUR))
    CleanupJob().run(deps, GID, T0)
    before = dump(dynamodb_client, deps.settings.qg_table_name)
    BotPosts(deps.store).register(post("notice", "m-new", T0 + HOUR))  # due later the same day
    again = CleanupJob().run(deps, GID, T0 + 2 * HOUR)
    assert again.status == "already" and again.counts == {"withdrawn": 1} and again.actions == ()
    changed = [i for i in dump(dynamodb_client, deps.settings.qg_table_name) if i not in before]
    assert [i["SK"]["S"] for i in changed] == ["POST#m-new"]  # only what the test itself added


def test_a_long_cleanup_stops_at_its_limit_and_continues_in_a_follow_up_part(
    deps: Deps, group: GroupRecord, messenger: RecordingMessenger, dispatcher: Any
) -> None:
    set_policy(deps, GID, "jobs: {cleanup: {max_items: 3}}")
    for n in range(7):
        BotPosts(deps.store).register(post("notice", f"m{n}", T0 - HOUR - n))
    from chalicelib.jobs.scheduler import schedule

    schedule(deps, "cleanup", T0)
    assert dispatcher.drain() == 3  # the request, then two follow-up parts of at most 3 posts each
    assert [c["message_id"] for verb, c in messenger.calls if verb == "recall_own"] == [
        f"m{n}" for n in range(6, -1, -1)
    ]
    reports = [c["text"] for verb, c in messenger.calls if verb == "send_direct"]
    assert len(reports) == 1 and "7 outdated bot message(s) recalled" in reports[0]  # all parts told once


@pytest.mark.parametrize("kind", ["audit", "cases", "snapshots", "activity", "reports"])
def test_every_retention_the_cleanup_applies_has_a_default(kind: str) -> None:
    from chalicelib.core.policy import DEFAULT_ORG_POLICY

    assert DEFAULT_ORG_POLICY.retention[kind] >= 1


def _local_day(ts: float) -> str:
    from chalicelib.jobs.periods import local_day

    return local_day(ts, 8.0)


def _item_text(deps: Deps, age: int) -> str | None:
    pk = keys.message_log_pk(GID, _local_day(T0 - age * DAY))
    item = deps.store.get_item(pk, f"{keys.iso(T0 - age * DAY)}#m{age}")
    return None if item is None else str(item.data.get("x", ""))


def test_follow_up_parts_run_one_after_another_with_an_inline_dispatcher(
    deps: Deps, group: GroupRecord, messenger: RecordingMessenger
) -> None:
    from chalicelib.queue import InlineDispatcher
    from chalicelib.worker.pipeline import process

    depth = {"now": 0, "most": 0}

    def run(event: Any) -> None:
        depth["now"] += 1
        depth["most"] = max(depth["most"], depth["now"])
        try:
            process(event, deps)
        finally:
            depth["now"] -= 1

    deps.dispatcher = InlineDispatcher(run)
    set_policy(deps, GID, "jobs: {cleanup: {max_items: 1}}")
    for n in range(12):
        BotPosts(deps.store).register(post("notice", f"m{n:02d}", T0 - HOUR - n))
    from chalicelib.jobs.scheduler import schedule

    schedule(deps, "cleanup", T0)
    assert len([verb for verb in messenger.verbs() if verb == "recall_own"]) == 12
    assert depth["most"] == 2  # each part dispatched from the loop, not from inside the part before


def test_a_stale_wecom_card_is_closed_with_the_response_code_its_send_returned(
    deps: Deps, group: GroupRecord, fake: FakeMessengers
) -> None:
    # WeCom's update_template_card takes the send's response_code; the cleanup must hand it over as the
    # response token, not as the card's reference, or the card can never be closed.
    wecom = WeComMessenger(
        Settings(
            _env_file=None,
            wecom_corp_id="wxcorp",
            wecom_secret="s3cret",
            wecom_agent_id="1000002",
            wecom_api_base=f"{fake.url}/wecom/cgi-bin",
        )
    )
    card = Card(card_id="case-9", title="t", body="b", buttons=(Button("忽略", "mod.dismiss", "x"),))
    sent = wecom.post_card(Target("wxcorp", user="admin1"), card)
    assert sent.message_id and sent.token
    BotPosts(deps.store).register(
        BotPost(
            gid=GID,
            message_id=sent.message_id,
            chat="",
            kind="card",
            at=T0 - DAY,
            due=T0 - HOUR,
            token=sent.token,
        )
    )
    (close,) = CleanupJob().run(deps, GID, T0).actions
    assert isinstance(close, UpdateCard) and close.response_token == sent.token
    wecom.update_card("wxcorp", close.card_ref, close.card, response_token=close.response_token)
    (update,) = fake.sent("/wecom/cgi-bin/message/update_template_card")
    task_id, _, code = sent.token.partition("|")  # the send's token: its task id and response_code
    assert update.body["response_code"] == code and task_id.startswith("case-9") and "button" in update.body


def test_the_cleanup_recounts_the_groups_summary_so_that_drift_heals(deps: Deps, group: GroupRecord) -> None:
    deps.store.record_activity(GID, "slack:T1:U3", "U3", T0 - HOUR)
    deps.store.add_to_item(keys.group_pk(GID), keys.GROUP_SUMMARY_SK, {"open_cases": 2, "members": 5}, {})

    CleanupJob().run(deps, GID, T0)

    summary = deps.store.group_summaries([GID])[GID]
    assert (summary.open_cases, summary.members, summary.last_active) == (0, 1, T0 - HOUR)


# A stale card sent privately: whose it was -----------------------------------------------------------


@dataclass
class RefusingCardUpdates(RecordingMessenger):
    """WeCom refusing the response code a card was sent with (used already, or past its 72 h)."""

    def update_card(
        self, tenant: str, card_ref: str, card: Card, *, response_token: str | None = None
    ) -> None:
        raise CardUpdateRefused("wecom", "update_template_card", "errcode 42022 code has been used")


def test_a_stale_card_sent_privately_is_closed_naming_whose_it_was_and_a_refused_close_is_told(
    deps: Deps, group: GroupRecord
) -> None:
    card = Card(card_id="case:c9", title="Case c9", body="Waiting for an admin")
    sent = PostCard(card=card, users=("UADA", "UBEN"), keep=Lifetime("card", T0 - HOUR, "Case c9"))
    posted = ActionResult("PostCard", "done", sent=(Sent("m1", "DADA:m1"), Sent("m2", "DBEN:m2")))
    event = JobRequested(
        platform="slack", tenant="T1", event_id="j", occurred_at=T0 - DAY, chat="C1", job="x", period="p"
    )
    ctx = Context(now=T0 - DAY, group=group, member=None, locale="en", policy=DEFAULT_ORG_POLICY)
    track(event, ctx, Decision.of(sent), (posted,), deps)

    closes = CleanupJob().run(deps, GID, T0).actions

    assert sorted((c.card_ref, c.user) for c in closes if isinstance(c, UpdateCard)) == [
        ("DADA:m1", "UADA"),
        ("DBEN:m2", "UBEN"),
    ]
    refusing = RefusingCardUpdates()
    results = execute(closes, event, ctx, refusing)
    assert [r.status for r in results] == ["substituted", "substituted"]
    assert sorted(call["user"] for verb, call in refusing.calls if verb == "send_direct") == ["UADA", "UBEN"]


def test_a_stale_card_kept_before_whose_it_was_still_closes_naming_nobody(
    deps: Deps, group: GroupRecord
) -> None:
    old = post("card", "m-old", T0 - HOUR).data()
    del old["user"]  # as stored before
    deps.store.put_item(
        Item(
            keys.group_pk(GID),
            keys.bot_post_sk("m-old"),
            old,
            gsi2=(keys.bot_posts_due_pk(GID), keys.due_index_sk(T0 - HOUR, "m-old")),
        )
    )

    (close,) = CleanupJob().run(deps, GID, T0).actions

    assert isinstance(close, UpdateCard) and (close.card_ref, close.user) == ("m-old", "")
