"""R5.2, the `mentions` job on the memory store, through the worker as the hourly schedule runs it: a
member @-mentioned in a Slack channel who has not answered gets one private reminder (who, where, when;
never the text), once; not while on leave, opted out, a bot, at night, or beyond the daily cap; nothing
where the bot cannot see every message (WeCom, DingTalk) or where the policy turns it off."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from chalicelib.adapters.base import Capabilities, Capability, DirectoryUser
from chalicelib.bootstrap import Deps
from chalicelib.clock import FrozenClock
from chalicelib.core.events import CommandIssued, MessagePosted
from chalicelib.jobs import catalog
from chalicelib.jobs.scheduler import request
from chalicelib.membership.repository import MembershipRepo
from chalicelib.settings import Settings
from chalicelib.store.memory import MemoryStore
from chalicelib.store.message_log import claim_item
from chalicelib.store.records import GroupRecord, MemberRecord
from chalicelib.worker.pipeline import process
from chalicelib.workflows.mentions import MentionReminders
from tests.jobs.support import set_policy
from tests.support.messenger import RecordingMessenger

H = 3600.0
# 2026-12-01 10:00 in the group's time zone (UTC+8, the default): working hours.
T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC).timestamp()
SLACK = "slack:T1:C1"
ONLY_MENTIONS = Capabilities(always=frozenset(Capability) - {Capability.SEE_ALL_MESSAGES})


@dataclass
class Group:
    deps: Deps
    messenger: RecordingMessenger
    clock: FrozenClock
    gid: str = SLACK

    @property
    def platform(self) -> str:
        return self.gid.split(":")[0]

    def say(
        self, user: str, mid: str, text: str, *, mentions: tuple[str, ...] = (), **fields: object
    ) -> None:
        """A member's message, logged as ingress logs it (its claim is its log entry), then the worker."""
        platform, tenant, chat = self.gid.split(":")
        event = MessagePosted(
            platform=platform,  # type: ignore[arg-type]
            tenant=tenant,
            event_id=f"msg:{chat}:{mid}",
            occurred_at=self.clock.now(),
            chat=chat,
            user=user,
            message_id=mid,
            text=text,
            mentions=mentions,
            **fields,  # type: ignore[arg-type]
        )
        item = claim_item(event, self.clock.now())
        if item is not None:
            assert self.deps.store.put_item(item, if_absent=True)
        process(event, self.deps)

    def command(self, user: str, *words: str) -> None:
        platform, tenant, chat = self.gid.split(":")
        process(
            CommandIssued(
                platform=platform,  # type: ignore[arg-type]
                tenant=tenant,
                event_id=f"cmd-{user}-{self.clock.now()}-{'-'.join(words)}",
                occurred_at=self.clock.now(),
                chat=chat,
                user=user,
                name="remind",
                args=words,
                text=" ".join(("remind", *words)),
            ),
            self.deps,
        )

    def run_job(self, *, hours: float = 0.0, dry_run: bool = False, part: int = 0) -> None:
        """The hourly job for this group, `hours` later, as the worker takes it from the queue."""
        self.clock.advance(hours * H)
        job = MentionReminders()
        now = self.clock.now()
        platform, tenant, chat = self.gid.split(":")
        event = request(
            "mentions", job.period(now), platform=platform, tenant=tenant, chat=chat, at=now, dry_run=dry_run
        )
        process(event, self.deps)

    def reminders(self) -> dict[str, list[str]]:
        """The private messages the bot sent, by member."""
        sent: dict[str, list[str]] = {}
        for verb, call in self.messenger.calls:
            if verb == "send_direct":
                sent.setdefault(call["user"], []).append(call["text"])
        return sent


class DirectoryWithBots(RecordingMessenger):
    """The recording fake, whose directory knows another app's bot user."""

    def get_user(self, tenant: str, user: str) -> DirectoryUser | None:
        return DirectoryUser(user=user, name=f"Name {user}", is_bot=user.startswith("UBOT"))


def group(gid: str = SLACK, *, messenger: RecordingMessenger | None = None) -> Group:
    messenger = messenger or RecordingMessenger()
    clock = FrozenClock(T0)
    store = MemoryStore(clock=clock)
    deps = Deps(
        settings=Settings(_env_file=None, qg_card_signing_key="k"),
        clock=clock,
        store=store,
        messenger_factory=lambda platform: messenger,
    )
    platform, tenant, chat = gid.split(":")
    store.put_group(
        GroupRecord(gid=gid, platform=platform, tenant=tenant, chat=chat, name="Project Alpha", locale="en")
    )
    for user, name in (("U1", "Alice"), ("U2", "Bob"), ("U3", "Carol")):
        uid = f"{platform}:{tenant}:{user}"
        store.record_activity(gid, uid, user, T0 - 24 * H)
        member = store.get_member(gid, uid)
        assert member is not None
        store.put_member(MemberRecord(gid=gid, uid=uid, user=user, display_name=name, joined_at=T0 - 99 * H))
    return Group(deps, messenger, clock, gid)


def test_the_job_is_in_the_catalogue_that_the_hourly_schedule_runs() -> None:
    assert catalog.GROUP_JOBS["mentions"] == "chalicelib.workflows.mentions:MentionReminders"


def test_an_unanswered_mention_gets_one_private_reminder_naming_who_where_and_when() -> None:
    g = group()
    g.say("U1", "1764554400.000100", "<@U2> can you review the draft by Friday?", mentions=("U2",))
    g.run_job(hours=1)
    assert g.reminders() == {}  # not yet: 4 hours by default
    g.run_job(hours=4)
    (text,) = g.reminders()["U2"]
    assert "Project Alpha" in text and "Alice mentioned you at 2026-12-01 10:00 (UTC+8)" in text
    assert "/qg remind off" in text
    assert "review the draft" not in text  # never the message's text
    assert set(g.reminders()) == {"U2"}

    g.messenger.calls.clear()
    g.run_job(hours=0)  # the same hour again (a redelivered job): nothing
    g.run_job(hours=1)  # the next hour: reminded already
    assert g.reminders() == {}


def test_a_mention_answered_anywhere_in_the_group_is_not_reminded() -> None:
    g = group()
    g.say("U1", "1764554400.000100", "<@U2> <@U3> thoughts?", mentions=("U2", "U3"))
    g.clock.advance(600)
    g.say("U2", "1764555000.000100", "looks good", thread="1764554400.000100")
    g.clock.advance(600)
    g.say("U3", "1764555600.000100", "sorry, unrelated: lunch?")
    g.run_job(hours=5)
    assert g.reminders() == {}


def test_a_question_in_reply_to_a_members_message_asks_them() -> None:
    g = group()
    g.say("U2", "1764554400.000100", "the report is out")
    g.clock.advance(60)
    g.say("U1", "1764554460.000100", "which numbers did you use?", thread="1764554400.000100")
    g.run_job(hours=5)
    (text,) = g.reminders()["U2"]
    assert "Alice asked a question in reply to your message at 2026-12-01 10:01 (UTC+8)" in text


def test_members_on_leave_opted_out_or_bots_are_not_reminded_and_remind_on_brings_it_back() -> None:
    g = group(messenger=DirectoryWithBots())
    MembershipRepo(g.deps.store).set_away(g.gid, "slack:T1:U3", "U3", until=T0 + 7 * 24 * H)
    g.command("U2", "off")
    assert "won't be reminded" in g.messenger.calls[-1][1]["text"]
    g.say("U1", "1764554400.000100", "ping", mentions=("U2", "U3", "UBOT9", "UQGBOT"))
    g.run_job(hours=5)
    assert g.reminders() == {}

    g.command("U2", "on")
    g.messenger.calls.clear()
    g.run_job(hours=1)
    assert set(g.reminders()) == {"U2"}


def test_remind_status_and_usage_answer_privately() -> None:
    g = group()
    g.command("U2", "status")
    g.command("U2", "sometimes")
    texts = [call.get("text", "") for _, call in g.messenger.calls]
    assert "Reminders of unanswered mentions: on" in texts[0]
    assert "Usage: /qg remind on | off | status" in texts[1]


def test_at_night_reminders_wait_for_the_morning() -> None:
    g = group()
    g.clock.at = T0 + 10 * H  # 20:00 local
    g.say("U1", "1764590400.000100", "<@U2> tomorrow?", mentions=("U2",))
    g.run_job(hours=3.1)  # 23:06: due, but quiet hours
    g.run_job(hours=4)  # 03:06
    assert g.reminders() == {}
    g.run_job(hours=5)  # 08:06
    assert "2026-12-01 20:00 (UTC+8)" in g.reminders()["U2"][0]


def test_at_most_three_reminded_mentions_a_day_in_one_message_the_rest_the_next_day() -> None:
    g = group()
    for n in range(4):
        g.say("U1", f"17645544{n}0.000100", "ping", mentions=("U2",))
        g.clock.advance(H)
    g.run_job(hours=4)  # 17:00 local: all four are due
    (text,) = g.reminders()["U2"]
    assert text.count("Alice mentioned you") == 3  # one message, the three oldest
    g.messenger.calls.clear()
    g.run_job(hours=1)
    assert g.reminders() == {}  # the cap holds for the day
    g.clock.at = T0 + 22.1 * H  # 08:06 the next day, still within 24 h of the fourth
    g.run_job()
    (text,) = g.reminders()["U2"]
    assert text.count("Alice mentioned you") == 1 and "13:00" in text


def test_a_dry_run_counts_and_sends_nothing() -> None:
    g = group()
    g.say("U1", "1764554400.000100", "ping", mentions=("U2",))
    report = MentionReminders().run(g.deps, g.gid, T0 + 5 * H, dry_run=True)
    assert report.counts == {"due": 1} and report.actions == ()
    g.clock.at = T0 + 5 * H
    g.run_job()
    assert set(g.reminders()) == {"U2"}  # the dry run recorded nothing


def test_the_policy_turns_it_off() -> None:
    g = group()
    set_policy(g.deps, g.gid, "workflows: {mentions: {enabled: false}}")
    g.say("U1", "1764554400.000100", "ping", mentions=("U2",))
    g.run_job(hours=5)
    assert g.reminders() == {}
    report = MentionReminders().run(g.deps, g.gid, g.clock.now())
    assert report.details.get("disabled") is True


def test_jobs_activity_off_turns_it_off_too() -> None:
    g = group()
    set_policy(g.deps, g.gid, "jobs: {activity: 'off'}")
    g.say("U1", "1764554400.000100", "ping", mentions=("U2",))
    g.run_job(hours=5)
    assert g.reminders() == {}


def test_nothing_on_a_messenger_where_the_bot_hears_only_its_own_mentions() -> None:
    for gid in ("wecom:corp1:wrC1", "dingtalk:corp1:cidC1"):
        g = group(gid, messenger=RecordingMessenger(platform=gid.split(":")[0], capabilities=ONLY_MENTIONS))  # type: ignore[arg-type]
        # Whatever the log holds (here written as if the bot had heard it), it is not read there.
        g.say("U1", "m1", "@zhangsan 看一下？", mentions=("U2",))
        g.run_job(hours=5)
        assert g.reminders() == {}
        g.command("U2", "off")
        assert "no such reminders are sent here" in g.messenger.calls[-1][1].get("text", "")
