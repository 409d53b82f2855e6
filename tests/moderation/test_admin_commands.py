"""Admin commands as the member and the admin read them (issue 16, items 3, 4 and 7): people by name, the
group by name in every private message, times in the group's time zone with its label, case states in
the reader's language; a ban tells the member what happened and how to appeal, takes them off the roster,
and a reversed appeal lifts it."""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from chalicelib.bootstrap import Deps
from chalicelib.clock import FrozenClock
from chalicelib.core.events import CommandIssued, MessagePosted
from chalicelib.core.facts import CaseDecided
from chalicelib.core.policy import default_policy_text
from chalicelib.kernel.policies import PolicyRepo
from chalicelib.membership.repository import MembershipRepo
from chalicelib.moderation.bans import is_banned
from chalicelib.settings import Settings
from chalicelib.store import keys
from chalicelib.store.memory import MemoryStore
from chalicelib.store.records import GroupRecord
from chalicelib.worker.pipeline import Outcome, process
from tests.support.messenger import RecordingMessenger

T0 = 1_700_000_000.0  # 2023-11-14 22:13:20 UTC
GID = "slack:T1:C1"
NAMES = {"UADMIN": "Ada Admin", "UADMIN2": "Ben Admin", "U0BOB": "Bob Li"}


@dataclass
class Group:
    deps: Deps
    messenger: RecordingMessenger
    n: int = 0

    def command(self, user: str, *words: str, chat: str = "C1") -> Outcome:
        self.n += 1
        name, *args = words
        event = CommandIssued(
            platform="slack",
            tenant="T1",
            event_id=f"c{self.n}",
            occurred_at=T0,
            chat=chat,
            user=user,
            name=name,
            args=tuple(args),
            text=" ".join(words),
            direct=not chat,
        )
        return process(event, self.deps)

    def say(self, user: str, text: str) -> Outcome:
        self.n += 1
        event = MessagePosted(
            platform="slack",
            tenant="T1",
            event_id=f"m{self.n}",
            occurred_at=T0,
            chat="C1",
            user=user,
            message_id=f"{self.n}.0",
            text=text,
        )
        return process(event, self.deps)

    def texts_to(self, user: str) -> list[str]:
        found = []
        for verb, call in self.messenger.calls:
            target = call.get("target")
            if (verb == "send_direct" and call.get("user") == user) or (
                verb == "post_text" and target is not None and target.user == user
            ):
                found.append(str(call["text"]))
        return found


def make() -> Group:
    clock = FrozenClock(T0)
    store = MemoryStore(clock=clock)
    messenger = RecordingMessenger(names=dict(NAMES))
    deps = Deps(
        settings=Settings(_env_file=None, qg_card_signing_key="k"),
        clock=clock,
        store=store,
        messenger_factory=lambda platform: messenger,
    )
    group = GroupRecord(
        gid=GID, platform="slack", tenant="T1", chat="C1", name="design", admins=("UADMIN", "UADMIN2")
    )
    store.put_group(group)
    document = yaml.safe_load(default_policy_text())
    PolicyRepo(store).apply(keys.ORG_SCOPE, yaml.safe_dump(document, allow_unicode=True), author="ops", now=0)
    return Group(deps, messenger)


def test_an_admin_command_answer_names_the_member_not_their_id() -> None:
    group = make()
    group.command("UADMIN", "warn", "<@U0BOB>", "刷屏")
    (answer,) = group.texts_to("UADMIN")
    assert "Bob Li" in answer and "U0BOB" not in answer
    (warned,) = group.texts_to("U0BOB")
    assert "「#design」" in warned  # the private message names the group


def test_cases_shows_local_times_labelled_and_states_in_the_readers_language() -> None:
    group = make()
    group.command("UADMIN", "warn", "<@U0BOB>", "刷屏")
    group.command("UADMIN", "cases", "<@U0BOB>")
    listing = group.texts_to("UADMIN")[-1]
    assert "Bob Li" in listing
    assert "2023-11-15 06:13 (UTC+8)" in listing  # the group's time zone (jobs.utc_offset_hours: 8)
    assert "已结案" in listing and "closed" not in listing
    assert "管理员警告" in listing  # the manual warning's rule, named


def test_a_ban_tells_the_member_why_and_how_to_appeal_and_leaves_every_roster() -> None:
    group = make()
    repo = MembershipRepo(group.deps.store)
    repo.admit(GID, "slack:T1:U0BOB", "U0BOB", now=T0 - 3600)
    group.command("UADMIN", "ban", "<@U0BOB>", "骚扰")
    (told,) = group.texts_to("U0BOB")
    assert "design" in told and "骚扰" in told and "/qg appeal " in told
    assert repo.is_member(GID, "slack:T1:U0BOB") is None  # not counted in any roster
    assert is_banned(group.deps.store, GID, "slack:T1:U0BOB")


def test_a_dismissed_case_tells_the_member_which_group() -> None:
    group = make()
    case = group.say("U0BOB", "你是个傻逼").decision.fact(CaseDecided)
    assert case is not None
    ref = case.ref
    group.command("UADMIN", "handle", ref, "dismiss")
    assert "#design" in group.texts_to("U0BOB")[-1]
