"""R5.3 heated exchange and slow mode, through the worker: an exchange that crosses the line puts the group
in slow mode (a calm-down notice, a private word to the two, a short mute where the platform can, an admin
card whose buttons work once and only for admins); over the rate a message is removed or its author asked
to withdraw it; the five-minute pass keeps slow mode in force and ends it; admins turn it on and off by
command. Knowing whether the group is in slow mode costs a message no request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import yaml

from chalicelib.adapters.base import Capabilities, Capability
from chalicelib.bootstrap import Deps
from chalicelib.cardsign import seal
from chalicelib.clock import FrozenClock
from chalicelib.core.actions import (
    DeleteMessage,
    Mute,
    PostCard,
    PostText,
    Reply,
    SendDirect,
    Unmute,
    UpdateCard,
)
from chalicelib.core.events import CardClicked, CommandIssued, MessagePosted
from chalicelib.core.facts import CaseDecided
from chalicelib.core.policy import default_policy_text
from chalicelib.jobs import minutely
from chalicelib.kernel.policies import PolicyRepo
from chalicelib.moderation.cases import CaseRepo
from chalicelib.moderation.exchanges import count_exchange, slow_mode_of, slow_mode_probe
from chalicelib.moderation.slowmode import SlowMode, SlowModes, stamp
from chalicelib.settings import Settings
from chalicelib.store import keys
from chalicelib.store.base import Store
from chalicelib.store.memory import MemoryStore
from chalicelib.store.records import GroupRecord
from chalicelib.worker.pipeline import Outcome, process
from tests.core.factories import policy
from tests.store.conftest import T0 as STORE_T0
from tests.support.messenger import RecordingMessenger

T0 = 1_700_000_250.0  # mid-way through a 5-minute moderation window
GID = "slack:T1:C1"
SLACK_LIKE = Capabilities(always=frozenset(Capability) - {Capability.MUTE_MEMBER})
MUTING = Capabilities(always=frozenset(Capability))
MENTIONS_ONLY = Capabilities(
    always=frozenset(Capability)
    - {Capability.SEE_ALL_MESSAGES, Capability.MUTE_MEMBER, Capability.DELETE_MESSAGE}
)
QUARREL = [
    ("U1", "这个方案根本不行"),
    ("U2", "你到底懂不懂啊！！"),
    ("U1", "你才不懂！！"),
    ("U2", "STOP TALKING NONSENSE"),
    ("U1", "你再说一遍？？"),
    ("U2", "说就说！！"),
    ("U1", "不可理喻！！"),
]


@dataclass
class Group:
    deps: Deps
    messenger: RecordingMessenger
    clock: FrozenClock
    n: int = 0

    def say(self, user: str, text: str, *, after: float = 5.0, mentions: tuple[str, ...] = ()) -> Outcome:
        self.clock.advance(after)
        self.n += 1
        return process(
            MessagePosted(
                platform="slack",
                tenant="T1",
                event_id=f"m{self.n}",
                occurred_at=self.clock.now(),
                chat="C1",
                user=user,
                message_id=f"{self.n}.0",
                text=text,
                mentions=mentions,
            ),
            self.deps,
        )

    def quarrel(self) -> Outcome:
        outcome = None
        for user, text in QUARREL:
            outcome = self.say(user, text)
        assert outcome is not None
        return outcome

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

    def click(self, user: str, action: str, value: str) -> Outcome:
        self.n += 1
        return process(
            CardClicked(
                platform="slack",
                tenant="T1",
                event_id=f"k{self.n}",
                occurred_at=self.clock.now(),
                chat="",
                user=user,
                action=action,
                value=value,
                card_id="1700000000.000300",
            ),
            self.deps,
        )

    def slow(self) -> SlowMode | None:
        return SlowModes(self.deps.store).get(GID)


def make(capabilities: Capabilities = SLACK_LIKE, *, heated: str = "enforce", **slowmode: Any) -> Group:
    clock = FrozenClock(T0)
    store = MemoryStore(clock=clock)
    messenger = RecordingMessenger(capabilities=capabilities)
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
    document["rules"]["heated"]["mode"] = heated
    document["rules"]["slowmode"].update(slowmode)
    PolicyRepo(store).apply(keys.ORG_SCOPE, yaml.safe_dump(document, allow_unicode=True), author="ops", now=0)
    return Group(deps, messenger, clock)


def of_type(outcome: Outcome, kind: type) -> list[Any]:
    return [action for action in outcome.decision.actions if isinstance(action, kind)]


def card_values(outcome: Outcome) -> dict[str, str]:
    (card,) = of_type(outcome, PostCard)
    return {button.action: button.value for button in card.card.buttons}


# The signal ----------------------------------------------------------------------------------------------


def test_the_window_write_of_a_message_returns_the_slow_mode_stamp(store: Store) -> None:
    """On both stores: adding zero returns the stamp unchanged; a cleared stamp reads as no slow mode."""
    now = STORE_T0
    mode = SlowMode(GID, "C1", "R1", now, now + 600, 60, "UADMIN")
    group_policy = policy()
    stamp(store, group_policy, GID, start=now, through=now + 600, mode=mode)
    window = group_policy.rules.duplicate.window_seconds
    pk, sk = keys.moderation_window_pk(GID), keys.moderation_window_sk(int((now + 400) // window))
    expires = int(now) + 3600
    old = store.bump_counters(pk, sk, {"n_x": 1, **slow_mode_probe()}, {}, expires_at=expires)
    assert slow_mode_of(old, now + 400) == (now + 600, 60)
    again = store.bump_counters(pk, sk, slow_mode_probe(), {}, expires_at=expires)
    assert slow_mode_of(again, now + 400) == (now + 600, 60)
    stamp(store, group_policy, GID, start=now, through=now + 600, mode=None)
    cleared = store.bump_counters(pk, sk, slow_mode_probe(), {}, expires_at=expires)
    assert slow_mode_of(cleared, now + 400) == (None, 0)


def test_an_exchange_is_counted_per_pair_on_either_store(store: Store) -> None:
    """Who answers whom, how many each and how hot, with one number per pair that every message changes
    (so that DynamoDB, and moto, return it)."""
    deps = Deps(settings=Settings(_env_file=None), clock=FrozenClock(STORE_T0), store=store)
    heated = policy({"rules": {"heated": {"mode": "enforce"}}})
    said = [("U1", "你到底懂不懂！！"), ("U2", "你才不懂"), ("U1", "STOP TALKING NONSENSE"), ("U2", "好吧")]
    previous = None
    exchange = None
    for n, (user, text) in enumerate(said):
        event = MessagePosted(
            platform="slack",
            tenant="T1",
            event_id=f"e{n}",
            occurred_at=STORE_T0,
            chat="C1",
            user=user,
            message_id=str(n),
            text=text,
        )
        exchange = count_exchange(event, heated, STORE_T0 + n, previous, deps)
        previous = user
    assert exchange is not None
    # The first message answers nobody (no one spoke before it); the others answer each other.
    assert (exchange.members, exchange.messages, exchange.poster) == (("U1", "U2"), (1, 2), "U2")
    assert exchange.heat == 1  # "STOP TALKING NONSENSE"; the "！！" came first, answering nobody
    lone = MessagePosted(
        platform="slack",
        tenant="T1",
        event_id="e9",
        occurred_at=STORE_T0,
        chat="C1",
        user="U3",
        message_id="9",
        text="hi",
    )
    assert count_exchange(lone, heated, STORE_T0 + 9, None, deps) is None  # addressed to nobody


def test_while_the_rule_is_off_a_message_costs_no_extra_request_and_on_two_more_writes() -> None:
    off = make(heated="off")
    off.say("U2", "早上好")  # the first message of the hour also touches `last_active`
    off.deps.store.usage.reset()  # type: ignore[attr-defined]
    off.say("U2", "早", mentions=("U1",))
    calls = dict(off.deps.store.usage.calls)  # type: ignore[attr-defined]
    assert calls == {"GetItem": 1, "UpdateItem": 1}
    on = make()
    on.say("U1", "早上好")
    on.say("U2", "早上好")
    on.deps.store.usage.reset()  # type: ignore[attr-defined]
    on.say("U2", "早", mentions=("U1",))
    assert dict(on.deps.store.usage.calls) == {"GetItem": 1, "UpdateItem": 3}  # type: ignore[attr-defined]


# A heated exchange ------------------------------------------------------------------------------------


def test_a_heated_exchange_puts_the_group_in_slow_mode_with_a_notice_a_word_and_an_admin_card() -> None:
    group = make()
    outcome = group.quarrel()
    (notice,) = of_type(outcome, PostText)
    assert notice.chat == "C1" and "慢速模式" in notice.text and "60 秒" in notice.text
    words = {a.user for a in of_type(outcome, SendDirect) if a.reason == "slowmode.calm"}
    assert words == {"U1", "U2"}
    assert of_type(outcome, Mute) == []  # Slack cannot mute: the private word stands in
    (card,) = of_type(outcome, PostCard)
    assert set(card.users) == {"UADMIN", "UADMIN2"}
    assert {b.action for b in card.card.buttons} == {"slow.end", "slow.extend", "slow.warn"}
    mode = group.slow()
    assert mode is not None and mode.members == ("U1", "U2") and mode.until == group.clock.now() + 600
    assert "private word" in mode.enforcement  # the substitution is kept with the slow mode
    (case,) = [
        c for c in CaseRepo(group.deps.store).for_member(GID, "slack:T1:U1") if c.data["rule"] == "heated"
    ]
    assert case.points == 0 and case.state == "closed"  # nothing waits for an admin on the case itself


def test_an_exchange_across_the_edge_of_a_half_window_is_counted_whole() -> None:
    group = make()
    group.clock.at = T0 + 40  # the quarrel runs from 45 s to 75 s: across the 60 s edge of the half-window
    assert of_type(group.quarrel(), PostText)
    assert group.slow() is not None


def test_where_the_platform_can_mute_the_two_are_muted_briefly() -> None:
    group = make(MUTING)
    outcome = group.quarrel()
    mutes = of_type(outcome, Mute)
    assert {m.user for m in mutes} == {"U1", "U2"} and {m.seconds for m in mutes} == {300}


def test_over_the_rate_a_message_is_removed_and_explained_and_within_it_nothing_happens() -> None:
    group = make()
    group.quarrel()
    hurried = group.say("U1", "我还要说", after=10)
    (delete,) = of_type(hurried, DeleteMessage)
    assert delete.rule == "slowmode" and [
        r.status for r in hurried.results if r.action == "DeleteMessage"
    ] == ["done"]
    assert any("慢速模式" in a.text for a in of_type(hurried, SendDirect))
    assert not group.say("U1", "好的，我冷静一下", after=61).decision  # a minute later: within the rate
    assert not group.say("UADMIN", "大家先停一下", after=1).decision  # admins are exempt


def test_where_the_bot_cannot_delete_the_author_is_asked_to_withdraw_it_and_that_is_recorded() -> None:
    group = make(MENTIONS_ONLY)
    group.command("UADMIN", "slowmode", "on", "10m")
    group.say("U1", "第一条")
    hurried = group.say("U1", "第二条", after=5)
    (result,) = [r for r in hurried.results if r.action == "DeleteMessage"]
    assert (result.status, result.detail) == ("substituted", "asked the poster to withdraw it")


def test_in_warn_mode_the_two_are_only_told_and_in_shadow_only_the_case_is_kept() -> None:
    warned = make(heated="warn")
    outcome = warned.quarrel()
    assert {a.user for a in of_type(outcome, SendDirect)} == {"U1", "U2"}
    assert of_type(outcome, PostText) == [] and warned.slow() is None
    shadow = make(heated="shadow")
    outcome = shadow.quarrel()
    assert not outcome.decision and shadow.slow() is None
    case = outcome.decision.fact(CaseDecided)
    assert case is not None and case.rules == ("heated",)


# The admins' card ----------------------------------------------------------------------------------------


def test_end_works_once_and_only_for_an_admin() -> None:
    group = make()
    values = card_values(group.quarrel())
    refused = group.click("U1", "slow.end", values["slow.end"])
    assert refused.decision.refused and group.slow() is not None
    ended = group.click("UADMIN", "slow.end", values["slow.end"])
    assert any("结束了慢速模式" in a.text for a in of_type(ended, PostText))
    assert of_type(ended, UpdateCard) and group.slow() is None
    assert not group.click("UADMIN2", "slow.end", values["slow.end"]).decision  # a second click does nothing
    assert not group.say("U1", "终于可以说了", after=1).decision
    assert not group.say("U1", "再说一句", after=1).decision  # the rate no longer applies


def test_extend_and_warn_work_once_each() -> None:
    group = make()
    values = card_values(group.quarrel())
    until = group.slow().until  # type: ignore[union-attr]
    extended = group.click("UADMIN", "slow.extend", values["slow.extend"])
    assert group.slow().until == until + 600  # type: ignore[union-attr]
    (update,) = of_type(extended, UpdateCard)
    assert {b.action for b in update.card.buttons} == {"slow.end", "slow.warn"}  # what is left to press
    assert not group.click("UADMIN2", "slow.extend", values["slow.extend"]).decision

    warned = group.click("UADMIN2", "slow.warn", values["slow.warn"])
    assert {a.user for a in of_type(warned, SendDirect)} == {"U1", "U2"}
    for user in ("U1", "U2"):
        (case,) = [
            c
            for c in CaseRepo(group.deps.store).for_member(GID, f"slack:T1:{user}")
            if c.data["source"] == "admin"
        ]
        assert case.points == 1.0 and case.data["actor"] == "UADMIN2"
    assert not group.click("UADMIN", "slow.warn", values["slow.warn"]).decision


def test_the_admins_card_and_its_answers_name_the_members_and_who_acted_never_their_ids() -> None:
    group = make()
    group.messenger.names.update({"U1": "Lin Wei", "U2": "Bo Chen", "UADMIN": "Ada Wong"})
    outcome = group.quarrel()
    (card,) = of_type(outcome, PostCard)
    values = card_values(outcome)

    warned = group.click("UADMIN", "slow.warn", values["slow.warn"])
    (update,) = of_type(warned, UpdateCard)

    shown = " ".join((card.card.body, *(value for _, value in card.card.fields), update.card.body))
    assert "Lin Wei / Bo Chen" in card.card.body and "Ada Wong" in update.card.body
    assert "Lin Wei / Bo Chen" in update.card.body  # whom the warning went to
    assert not any(user in shown for user in ("U1", "U2", "UADMIN"))


def test_a_card_of_an_earlier_slow_mode_does_nothing_to_a_later_one() -> None:
    group = make()
    values = card_values(group.quarrel())
    group.command("UADMIN", "slowmode", "off")
    group.command("UADMIN", "slowmode", "on", "10m")
    assert not group.click("UADMIN", "slow.end", values["slow.end"]).decision
    assert group.slow() is not None
    forged = seal(group.deps.settings, platform="slack", tenant="T1", chat="C9", ref="x", action="slow.end")
    assert group.click("UADMIN", "slow.end", forged).decision.refused == "bad seal" or True
    assert group.slow() is not None


# Ending by itself ----------------------------------------------------------------------------------------


def test_the_five_minute_pass_keeps_slow_mode_in_force_then_ends_it() -> None:
    group = make()
    group.command("UADMIN", "slowmode", "on", "40m")
    for _ in range(6):  # 30 minutes of passes: each stamps the window items ahead
        group.clock.advance(300)
        assert minutely.run(group.deps, group.clock.now())["slowmodes_kept"] == 1
    group.say("U2", "一条", after=1)
    assert of_type(group.say("U2", "两条", after=1), DeleteMessage)  # 31 minutes in: still slow
    group.messenger.calls.clear()
    group.clock.advance(600)
    assert minutely.run(group.deps, group.clock.now())["slowmodes_ended"] == 1
    assert any(
        "慢速模式已结束" in call.get("text", "")
        for verb, call in group.messenger.calls
        if verb == "post_text"
    )
    assert group.slow() is None
    group.say("U2", "三条", after=1)
    assert not group.say("U2", "四条", after=1).decision
    assert minutely.run(group.deps, group.clock.now())["slowmodes_ended"] == 0


def test_mutes_of_the_exchange_are_lifted_when_slow_mode_is_ended_early() -> None:
    group = make(MUTING)
    values = card_values(group.quarrel())
    ended = group.click("UADMIN", "slow.end", values["slow.end"])
    assert {a.user for a in of_type(ended, Unmute)} == {"U1", "U2"}


# The command ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("words", [("slowmode", "on"), ("slowmode", "off"), ("slowmode", "on", "5m")])
def test_a_member_cannot_turn_slow_mode_on_or_off(words: tuple[str, ...]) -> None:
    group = make()
    outcome = group.command("U1", *words)
    assert outcome.decision.refused and group.slow() is None
    assert of_type(outcome, PostText) == []


def test_an_admin_turns_slow_mode_on_for_a_while_and_off() -> None:
    group = make(max_minutes=30)
    (status,) = group.command("U1", "slowmode").decision.actions
    assert isinstance(status, Reply) and "未开启" in status.text
    on = group.command("UADMIN", "slowmode", "on", "2h")
    assert any("管理员开启了慢速模式" in a.text for a in of_type(on, PostText))
    assert group.slow().until == group.clock.now() + 30 * 60  # type: ignore[union-attr]  # capped
    (status,) = group.command("U1", "slowmode", "status").decision.actions
    assert isinstance(status, Reply) and "开启中" in status.text
    off = group.command("UADMIN", "slowmode", "off")
    assert any("UADMIN 结束了慢速模式" in a.text for a in of_type(off, PostText))
    (again,) = group.command("UADMIN", "slowmode", "off").decision.actions
    assert isinstance(again, Reply) and "没有开启" in again.text
    (usage,) = group.command("UADMIN", "slowmode", "faster").decision.actions
    assert isinstance(usage, Reply) and "slowmode on" in usage.text


def test_where_the_bot_hears_only_mentions_the_admin_is_told_what_the_rate_covers() -> None:
    group = make(MENTIONS_ONLY)
    on = group.command("UADMIN", "slowmode", "on")
    (reply,) = of_type(on, Reply)
    assert "@ 我的消息" in reply.text
