"""Authorization: every card action and every admin command that the domains register is refused for a
member who is not an admin, answered privately and audited with the reason (`refused`); the same click
or command by an admin is not refused. A card button's value is sealed with its group, item and action,
so a payload naming another group, another item, another action or another member does nothing.

The tables below classify every command and card prefix in `chalicelib.worker.registry`; a domain that
registers a new one makes `test_every_registered_*_is_classified` fail until it is added here.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
import yaml

from chalicelib.bootstrap import Deps
from chalicelib.cardsign import seal
from chalicelib.clock import FrozenClock
from chalicelib.core.events import CardClicked, CommandIssued, Event
from chalicelib.core.policy import default_policy_text
from chalicelib.kernel.policies import PolicyRepo
from chalicelib.store import keys
from chalicelib.store.memory import MemoryStore
from chalicelib.store.records import AuditRecord, GroupRecord
from chalicelib.worker.pipeline import process
from chalicelib.worker.registry import registry
from local.fakes.server import FakeMessengers
from tests.functional import conversations as talk
from tests.functional.test_moderation import buttons, moderated, slack_posts_to
from tests.reliability.support import demo_settings
from tests.support.messenger import RecordingMessenger

T0 = 1_709_251_200.0
TEAM, CHAT, OTHER_CHAT = "T0AUTH", "C0AUTH", "C0OTHER"
ADMIN, MEMBER, TARGET = "UADMIN1", "U0MEMBER", "U0TARGET"

# Card actions that only an admin (or the policy's approvers or responders, who default to the admins)
# may press, by prefix. A member's own cards come after.
ADMIN_CARDS: dict[str, tuple[str, ...]] = {
    "mod": ("mod.warn", "mod.mute", "mod.remove", "mod.confirm_remove", "mod.dismiss"),
    "appeal": ("appeal.uphold", "appeal.reverse"),
    "join": ("join.approve", "join.reject"),
    "name": ("name.remove", "name.keep"),
    "transfer": ("transfer.remove", "transfer.keep"),
    "escalation": ("escalation.done",),  # "I removed them by hand"
    "pub": ("pub.approve", "pub.reject"),
    "inc": ("inc.ack", "inc.open"),
    "sug": ("sug.noted", "sug.accept"),
    "rev": ("rev.approve", "rev.reject"),
    "slow": ("slow.end", "slow.extend", "slow.warn"),  # slow mode after a heated exchange (R5.3)
    "file": ("file.approve", "file.reject"),  # an outsider's request for an archived file
    "setup": ("setup.apply", "setup.enforce", "setup.warn", "setup.shadow", "setup.off"),  # the arrival
    "watch": ("watch.stay", "watch.remove", "watch.history"),  # a watched person joined (issue 20)
}
MEMBER_CARDS: dict[str, tuple[str, ...]] = {
    "welcome": ("welcome.ack",),  # a newcomer acknowledges the rules on their own card
    "ann": ("ann.ack",),  # a member acknowledges an announcement
    "poll": ("poll.vote",),  # a member votes
    "disc": ("disc.yes", "disc.no"),  # a member says whether they attend a discussion (R5.9)
}
# Commands only an admin may give, with arguments that get past any usage check to the rights check.
ADMIN_COMMANDS: dict[str, tuple[str, ...]] = {
    "warn": (f"<@{TARGET}>", "spam"),
    "mute": (f"<@{TARGET}>", "30m"),
    "unmute": (f"<@{TARGET}>",),
    "remove": (f"<@{TARGET}>",),
    "kick": (f"<@{TARGET}>",),
    "ban": (f"<@{TARGET}>",),
    "unban": (f"<@{TARGET}>",),
    "watch": (f"<@{TARGET}>",),
    "unwatch": (f"<@{TARGET}>",),
    "person": (f"<@{TARGET}>",),  # one person's history across groups (issue 20), and `person link`
    "pass": (f"<@{TARGET}>",),
    "cases": (f"<@{TARGET}>",),
    "policy": ("set", "rules.flood.limit", "1"),
    "enable": (),
    "disable": (),
    "create": ("新群", f"<@{TARGET}>"),
    "sync": (),
    "guest": (f"<@{TARGET}>",),
    "away": (f"<@{TARGET}>", "7d"),
    "unacked": (),
    "approve": (f"<@{TARGET}>",),
    "reject": (f"<@{TARGET}>",),
    "announce": ("周五全员大会",),
    "correct": ("旧的说法", "新的说法"),
    "incident": ("open", "服务中断"),
    "revision": ("propose", "rules.flood.limit", "5"),
    "slowmode": ("on", "10m"),  # `slowmode status` is for everyone
    "pending": (),  # the open admin cards (R8.8)
    "admins": ("add", f"<@{TARGET}>"),  # `admins list` is for everyone
    "open": (),
    "discussion": (
        "+1h",
        "季度复盘",
    ),  # admins schedule by default; `discussion attend|status` are for members
}
# `files` and `file <id>` are for members; `file log` and `file approve|reject` check for an admin inside
# (tests/files/test_slack_archive.py and test_outsiders.py).
# `handle <case> <choice>` checks for an admin of the case's group inside
# (tests/moderation/test_followups.py). `mydata` is each member's own export (tests/functional/
# test_person_data.py).
MEMBER_COMMANDS = frozenset(
    {"help", "report", "appeal", "publish", "poll", "suggest", "files", "file", "handle", "remind", "mydata"}
)
# What a refused member may see: a private answer, and nothing done to anyone else.
PRIVATE_ANSWERS = frozenset({"post_text", "send_direct"})


def deps_with_admin() -> tuple[Deps, RecordingMessenger]:
    clock = FrozenClock(T0)
    store = MemoryStore(clock=clock)
    messenger = RecordingMessenger(platform="slack")
    settings = demo_settings()
    deps = Deps(settings=settings, clock=clock, store=store, messenger_factory=lambda platform: messenger)
    named = [f"slack:{TEAM}:{ADMIN}"]
    policy = {
        **yaml.safe_load(default_policy_text()),
        "admins": named,
        "workflows": {"revisions": {"owners": named}},  # who decides a revision is named, never inferred
    }
    PolicyRepo(store).apply(keys.ORG_SCOPE, yaml.safe_dump(policy, allow_unicode=True), author="ops", now=0)
    return deps, messenger


# The item a button names, where its handler reads more than an id from it.
REFS = {"inc.open": "joins:12"}


def click(
    deps: Deps, action: str, user: str, *, sealed_for: str = CHAT, ref: str | None = None
) -> CardClicked:
    ref = ref or REFS.get(action, "ref-1")
    value = seal(deps.settings, platform="slack", tenant=TEAM, chat=sealed_for, ref=ref, action=action)
    return CardClicked(
        platform="slack",
        tenant=TEAM,
        event_id=f"click-{action}-{user}",
        occurred_at=T0,
        chat=CHAT,
        user=user,
        action=action,
        value=value,
        card_id="1700000000.000100",
    )


def command(name: str, user: str) -> CommandIssued:
    args = ADMIN_COMMANDS.get(name, ())
    return CommandIssued(
        platform="slack",
        tenant=TEAM,
        event_id=f"cmd-{name}-{user}",
        occurred_at=T0,
        chat=CHAT,
        user=user,
        name=name,
        args=args,
        text=" ".join((name, *args)),
        reply_url="http://127.0.0.1:9/hooks/auth",
    )


def audit_of(deps: Deps, event: Event) -> AuditRecord:
    (record,) = [r for r in deps.store.list_audit(event.gid) if r.event_type == type(event).__name__]
    return record


def only_private_answers_to(messenger: RecordingMessenger, user: str) -> bool:
    for verb, call in messenger.calls:
        to = call.get("user") or getattr(call.get("target"), "user", "")
        if verb not in PRIVATE_ANSWERS or to != user:
            return False
    return bool(messenger.calls)


def test_every_registered_card_prefix_is_classified() -> None:
    assert set(registry().card_actions) == set(ADMIN_CARDS) | set(MEMBER_CARDS)


def test_every_registered_command_is_classified() -> None:
    assert set(registry().commands) == set(ADMIN_COMMANDS) | MEMBER_COMMANDS


ADMIN_ACTIONS = [action for actions in ADMIN_CARDS.values() for action in actions]
ALL_ACTIONS = [
    action for table in (ADMIN_CARDS, MEMBER_CARDS) for actions in table.values() for action in actions
]


@pytest.mark.parametrize("action", ADMIN_ACTIONS)
def test_an_admin_card_pressed_by_a_member_is_refused_privately_and_audited_and_by_an_admin_is_not(
    action: str,
) -> None:
    deps, messenger = deps_with_admin()
    by_member = click(deps, action, MEMBER)
    process(by_member, deps)
    assert only_private_answers_to(messenger, MEMBER), messenger.calls
    record = audit_of(deps, by_member)
    assert record.actor == MEMBER and record.outcome == "done"
    why = record.detail.get("refused")
    assert why and "bad seal" not in why, record.detail

    by_admin = click(deps, action, ADMIN)
    process(by_admin, deps)
    # The admin may still be turned away, for another reason (the item does not exist): not this one.
    assert all(
        r.detail.get("refused") != why for r in deps.store.list_audit(by_admin.gid) if r.actor == ADMIN
    )


@pytest.mark.parametrize("command_name", sorted(ADMIN_COMMANDS))
def test_an_admin_command_from_a_member_is_refused_privately_and_audited_and_from_an_admin_is_not(
    command_name: str,
) -> None:
    deps, messenger = deps_with_admin()
    by_member = command(command_name, MEMBER)
    process(by_member, deps)
    assert only_private_answers_to(messenger, MEMBER), messenger.calls
    record = audit_of(deps, by_member)
    why = record.detail.get("refused")
    assert record.actor == MEMBER and why, record
    assert deps.store.get_item(keys.group_pk(by_member.gid), f"BAN#{by_member.uid(TARGET)}") is None

    by_admin = command(command_name, ADMIN)
    process(by_admin, deps)
    assert all(
        r.detail.get("refused") != why for r in deps.store.list_audit(by_admin.gid) if r.actor == ADMIN
    )


def forgeries(deps: Deps, action: str) -> dict[str, CardClicked]:
    """The ways to reuse a genuine value elsewhere; all by an admin, so only the seal can refuse them."""
    genuine = click(deps, action, ADMIN, sealed_for=OTHER_CHAT)
    chat, ref, tag = genuine.value.rsplit("|", 2)
    other_action = next(a for a in ALL_ACTIONS if a != action)
    return {
        "another group named in the value": replace(genuine, value=f"{CHAT}|{ref}|{tag}"),
        "another item named in the value": replace(genuine, value=f"{chat}|ref-2|{tag}"),
        "a value sealed for another button": replace(
            click(deps, other_action, ADMIN, sealed_for=OTHER_CHAT), action=action
        ),
        "a value sealed in another tenant": replace(genuine, tenant="T0ELSE"),
        "a value with no seal": replace(genuine, value=f"{CHAT}|ref-1"),
    }


@pytest.mark.parametrize("action", ALL_ACTIONS)
def test_a_value_that_names_another_group_item_or_button_than_its_seal_is_refused(action: str) -> None:
    deps, messenger = deps_with_admin()
    for how, forged in forgeries(deps, action).items():
        messenger.calls.clear()
        process(replace(forged, event_id=f"forged-{how}"), deps)
        assert only_private_answers_to(messenger, ADMIN), (how, messenger.calls)
    refusals = [r.detail.get("refused") for r in deps.store.list_audit(f"slack:T0ELSE:{CHAT}")]
    refusals += [r.detail.get("refused") for r in deps.store.list_audit(f"slack:{TEAM}:{CHAT}")]
    assert refusals and all(refusals), refusals


def test_a_welcome_card_acknowledged_by_someone_else_does_nothing() -> None:
    deps, messenger = deps_with_admin()
    event = click(deps, "welcome.ack", MEMBER, ref="U0NEWCOMER")
    process(event, deps)
    assert messenger.calls == []
    assert deps.store.list_audit(event.gid) == []


def test_an_admin_of_one_group_cannot_act_through_a_card_sealed_for_another(fake: FakeMessengers) -> None:
    """DingTalk does not sign a click's body: its `chat` says nothing. The card's sealed group decides,
    and rights are checked there: an admin of the group the payload names, who is not one of the
    sealed group's admins, is refused."""
    with moderated(fake) as stack:
        stack.send(talk.slack_message("你是个傻逼", user="U0RUDE"))
        (card,) = slack_posts_to(fake, "UADMIN1")
        value = buttons(card.body["blocks"])["mod.remove"]
        stack.store.put_group(
            GroupRecord(
                gid=f"slack:{talk.SLACK_TEAM}:C0ELSE",
                platform="slack",
                tenant=talk.SLACK_TEAM,
                chat="C0ELSE",
                admins=("U0LOCAL",),
            )
        )
        fake.clear()
        hook = fake.hook_url("else")
        assert (
            stack.send(
                talk.slack_click(hook, action="mod.remove", value=value, user="U0LOCAL", channel="C0ELSE")
            ).status_code
            == 200
        )
        assert fake.sent("conversations.kick") == []
        refusals = [
            r.detail.get("refused") for r in stack.store.list_audit(f"slack:{talk.SLACK_TEAM}:C0ELSE")
        ]
        assert refusals == ["not an admin of C0FUNC"]
