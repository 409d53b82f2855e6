"""The membership lifecycle as members and admins see it on all three platforms, through signed requests
into the real routes and the recording fake of each messenger's API (issue 4, "Done when"):

- an outsider's join leads to an approval card for the approvers, and Approve or Reject does the right
  thing once (a second click changes nothing; a click by someone else is refused and audited);
- a departed employee is removed from every governed group the platform lets the bot remove from, with a
  neutral notice there, and the admins are asked to do it where it cannot (R2.5, R2.8);
- a member with a nickname is nudged privately, then reported to the admins after the grace period (R2.3).

Where the platform cannot act (WeCom customer groups and DingTalk groups the app did not create), the
next best action is taken: a card to the admins.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from chalicelib.clock import FrozenClock
from chalicelib.core.policy import default_policy_text
from chalicelib.kernel.policies import PolicyRepo
from chalicelib.membership.due import MembershipJob
from chalicelib.membership.repository import MembershipRepo
from chalicelib.moderation.cases import CaseRepo
from chalicelib.store import keys
from chalicelib.store.records import GroupRecord
from local.fakes.server import FakeMessengers
from local.peers import wecom as wecom_peer
from tests.functional.conversations import WECOM_APP
from tests.functional.membership_talk import TALKS, SentCard, Talk
from tests.support.stack import Stack, running_stack

PLATFORMS = ["slack", "wecom", "dingtalk"]
FIXTURES = Path(__file__).parent.parent / "fixtures" / "wecom"
HOUR = 3600


@dataclass(frozen=True)
class Cast:
    """Who plays what on one platform. `group` lets the bot remove members (a Slack channel, a WeCom group
    the app created, a DingTalk scene group); `other` is a second governed group, one the bot may not
    remove members from on WeCom (a customer group) and DingTalk (an ordinary group). `joins` is where
    the platform reports joins (WeCom reports them for customer groups only)."""

    group: str
    other: str
    joins: str
    admin: str
    stranger: str
    outsider: str
    member: str


CASTS = {
    "slack": Cast("C0MEMB", "C0SIDE", "C0MEMB", "U0ADMIN", "U0MALLORY", "UNOBODY1", "U0DAVE"),
    "wecom": Cast(
        "wrapp0001", "wrCUSTOMER1", "wrCUSTOMER1", "wecomadmin", "mallory", "unknownguest", "zhaoliu"
    ),
    "dingtalk": Cast(
        "cidScene01", "cidPlainGroup", "cidScene01", "dingadmin", "mallory", "gonestranger", "zhaoliu"
    ),
}
REMOVABLE_OTHER = {"slack": True, "wecom": False, "dingtalk": False}


def gid(talk: Talk, chat: str) -> str:
    return f"{talk.platform}:{talk.tenant}:{chat}"


def uid(talk: Talk, user: str) -> str:
    return f"{talk.platform}:{talk.tenant}:{user}"


@contextmanager
def governed(fake: FakeMessengers, platform: str, **policy: object) -> Iterator[tuple[Stack, Talk, Cast]]:
    """A stack whose org policy (in English, for readable assertions) names each platform's admin, with
    the cast's two groups registered: `group` one the bot may remove members from, `other` as above."""
    talk, cast = TALKS[platform], CASTS[platform]
    clock = FrozenClock(time.time())
    with running_stack(fake, clock=clock, dingtalk_card_template_id="tpl-membership") as stack:
        admins = [uid(TALKS[name], CASTS[name].admin) for name in PLATFORMS]
        document = {**yaml.safe_load(default_policy_text()), "admins": admins, "locale": "en", **policy}
        PolicyRepo(stack.store).apply(
            keys.ORG_SCOPE, yaml.safe_dump(document, allow_unicode=True), author="ops", now=0
        )
        for chat, app_created in ((cast.group, True), (cast.other, platform == "slack")):
            stack.store.put_group(
                GroupRecord(
                    gid=gid(talk, chat),
                    platform=platform,
                    tenant=talk.tenant,
                    chat=chat,
                    name=f"Weekly sync {chat}",
                    app_created=app_created,
                )
            )
            if platform == "wecom" and app_created:  # WeCom reaches only groups the app created
                fake.wecom.add_appchat(chat, [cast.admin, cast.member])
        yield stack, talk, cast


def approval_card(fake: FakeMessengers, talk: Talk, cast: Cast) -> SentCard:
    (card,) = [
        c for c in talk.cards(fake) if c.to == cast.admin and any(a == "join.approve" for a, _ in c.buttons)
    ]
    return card


def send(stack: Stack, request: object) -> None:
    assert stack.send(request).status_code == 200  # type: ignore[arg-type]


# --- the join gate ----------------------------------------------------------------------------------


@pytest.mark.parametrize("platform", PLATFORMS)
def test_an_outsider_who_joins_gets_an_approval_card_for_the_approvers(
    fake: FakeMessengers, platform: str
) -> None:
    with governed(fake, platform) as (stack, talk, cast):
        send(stack, talk.join(cast.joins, cast.outsider))

        card = approval_card(fake, talk, cast)
        assert "not in the company directory" in card.text
        assert {action for action, _ in card.buttons} == {"join.approve", "join.reject"}
        assert any("review" in text for text in talk.direct_texts(fake, cast.outsider))
        request = MembershipRepo(stack.store).request(gid(talk, cast.joins), uid(talk, cast.outsider))
        assert request is not None and request.status == "pending"
        due = list(MembershipRepo(stack.store).due(gid(talk, cast.joins), time.time() + 100 * HOUR))
        assert [d.kind for d in due] == ["join"]  # pending members are tracked in the sparse index


@pytest.mark.parametrize("platform", PLATFORMS)
def test_approve_admits_the_newcomer_with_a_welcome_and_a_second_click_does_nothing(
    fake: FakeMessengers, platform: str
) -> None:
    with governed(fake, platform) as (stack, talk, cast):
        send(stack, talk.join(cast.joins, cast.outsider))
        card = approval_card(fake, talk, cast)

        send(stack, talk.click(card, "join.approve", cast.admin, fake.hook_url("approve")))

        repo = MembershipRepo(stack.store)
        request = repo.request(gid(talk, cast.joins), uid(talk, cast.outsider))
        assert request is not None and (request.status, request.decided_by) == ("approved", cast.admin)
        assert talk.card_updates(fake), "the clicked card shows who decided"
        rules = [c for c in talk.cards(fake) if c.to == cast.outsider]
        assert [[a for a, _ in c.buttons] for c in rules] == [["welcome.ack"]]
        welcomed = talk.group_texts(fake, cast.joins)
        assert (platform == "wecom") or any(
            "Welcome" in text for text in welcomed
        )  # WeCom: not in a customer group
        assert stack.store.get_member(gid(talk, cast.joins), uid(talk, cast.outsider)) is not None
        assert not talk.removals(fake)

        fake.clear()
        send(stack, talk.click(card, "join.approve", cast.admin, fake.hook_url("again")))
        send(stack, talk.click(card, "join.reject", cast.admin, fake.hook_url("again")))
        assert not talk.removals(fake) and not talk.cards(fake) and not talk.group_texts(fake, cast.joins)
        assert repo.request(gid(talk, cast.joins), uid(talk, cast.outsider)).status == "approved"  # type: ignore[union-attr]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_reject_removes_the_newcomer_where_the_platform_allows_and_otherwise_asks_the_admins(
    fake: FakeMessengers, platform: str
) -> None:
    with governed(fake, platform) as (stack, talk, cast):
        send(stack, talk.join(cast.joins, cast.outsider))
        card = approval_card(fake, talk, cast)
        fake.clear()

        send(stack, talk.click(card, "join.reject", cast.admin, fake.hook_url("reject")))

        request = MembershipRepo(stack.store).request(gid(talk, cast.joins), uid(talk, cast.outsider))
        assert request is not None and request.status == "rejected"
        if platform == "wecom":  # a customer group: WeCom lets no app remove anyone there
            assert not talk.removals(fake)
            (escalation,) = [c for c in talk.cards(fake) if c.to == cast.admin]
            assert "Please remove" in escalation.text and "recorded" in escalation.text
        else:
            assert talk.removals(fake) == [(cast.joins, cast.outsider)]
            assert any("not approved" in text for text in talk.direct_texts(fake, cast.outsider))
        assert talk.card_updates(fake)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_click_by_someone_who_is_not_an_approver_is_refused_and_audited(
    fake: FakeMessengers, platform: str
) -> None:
    with governed(fake, platform) as (stack, talk, cast):
        send(stack, talk.join(cast.joins, cast.outsider))
        card = approval_card(fake, talk, cast)
        fake.clear()

        send(stack, talk.click(card, "join.reject", cast.stranger, fake.hook_url("mallory")))

        request = MembershipRepo(stack.store).request(gid(talk, cast.joins), uid(talk, cast.outsider))
        assert request is not None and request.status == "pending"
        assert not talk.removals(fake) and not talk.card_updates(fake)
        click_chat = "D" + cast.stranger[1:] if platform == "slack" else ""
        audit = stack.store.list_audit(gid(talk, click_chat))
        assert any("Reply:membership.join.refused" in record.actions for record in audit)


def test_a_forged_card_value_is_refused(fake: FakeMessengers) -> None:
    with governed(fake, "slack") as (stack, talk, cast):
        send(stack, talk.join(cast.joins, cast.outsider))
        card = approval_card(fake, talk, cast)
        forged = SentCard(
            card.to, card.card_id, card.text, (("join.reject", "C0SIDE|abcdef123456U0DAVE|0000"),)
        )
        fake.clear()

        send(stack, talk.click(forged, "join.reject", cast.admin, fake.hook_url("forged")))

        assert not talk.removals(fake)
        request = MembershipRepo(stack.store).request(gid(talk, cast.joins), uid(talk, cast.outsider))
        assert request is not None and request.status == "pending"


def test_an_employee_is_welcomed_and_acknowledges_the_rules_with_the_button(fake: FakeMessengers) -> None:
    with governed(fake, "slack") as (stack, talk, cast):
        send(stack, talk.join(cast.group, "U0FRANK"))

        assert not [c for c in talk.cards(fake) if c.to == cast.admin]  # an employee needs no approval
        assert any("Welcome" in text and "real name" in text for text in talk.group_texts(fake, cast.group))
        (rules,) = [c for c in talk.cards(fake) if c.to == "U0FRANK"]
        repo = MembershipRepo(stack.store)
        assert repo.pending_acks(gid(talk, cast.group)) == ["U0FRANK"]

        send(stack, talk.click(rules, "welcome.ack", "U0FRANK", fake.hook_url("ack")))

        assert repo.pending_acks(gid(talk, cast.group)) == []
        assert talk.card_updates(fake)


def test_a_guest_on_the_roster_is_admitted_without_approval(fake: FakeMessengers) -> None:
    with governed(fake, "slack") as (stack, talk, cast):
        send(stack, talk.command(cast.group, cast.admin, "guest add <@UNOBODY7> 14", fake.hook_url("guest")))
        assert "guest roster" in fake.sent("/hooks/guest")[0].body["text"]

        send(stack, talk.join(cast.group, "UNOBODY7"))

        assert not [c for c in talk.cards(fake) if c.to == cast.admin]
        assert stack.store.get_member(gid(talk, cast.group), uid(talk, "UNOBODY7")) is not None


def test_a_disabled_group_is_not_governed_until_enabled_again(fake: FakeMessengers) -> None:
    with governed(fake, "slack") as (stack, talk, cast):
        send(stack, talk.command(cast.group, cast.stranger, "disable", fake.hook_url("nope")))
        assert "Only this group's admins" in fake.sent("/hooks/nope")[0].body["text"]

        send(stack, talk.command(cast.group, cast.admin, "disable", fake.hook_url("off")))
        send(stack, talk.join(cast.group, cast.outsider))
        assert not talk.cards(fake)

        send(stack, talk.command(cast.group, cast.admin, "enable", fake.hook_url("on")))
        send(stack, talk.join(cast.group, "UNOBODY2"))
        assert [c.to for c in talk.cards(fake)] == [cast.admin, "U0CREATOR"]  # and the channel's creator


# --- departures and transfers -----------------------------------------------------------------------


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_departed_employee_is_removed_from_every_governed_group_with_a_neutral_notice(
    fake: FakeMessengers, platform: str
) -> None:
    with governed(fake, platform) as (stack, talk, cast):
        repo = MembershipRepo(stack.store)
        for chat in (cast.group, cast.other):
            repo.admit(
                gid(talk, chat), uid(talk, cast.member), cast.member, now=time.time(), display_name="Dave Wu"
            )

        send(stack, talk.left_company(cast.member))

        notice = "Member change: Dave Wu is no longer in this group."
        assert (cast.group, cast.member) in talk.removals(fake)
        assert talk.group_texts(fake, cast.group) == [notice]
        assert repo.is_member(gid(talk, cast.group), uid(talk, cast.member)) is None
        if REMOVABLE_OTHER[platform]:
            assert (cast.other, cast.member) in talk.removals(fake)
            assert talk.group_texts(fake, cast.other) == [notice]
        else:  # the bot may not remove here: the admins get a card, the group hears nothing untrue
            (card,) = [c for c in talk.cards(fake) if c.to == cast.admin]
            assert "Please remove Dave Wu" in card.text and "left the organisation" in card.text
            assert talk.group_texts(fake, cast.other) == []
        for text in talk.group_texts(fake, cast.group):
            assert "left" not in text and "organisation" not in text  # R2.8: never why


def test_a_retried_directory_event_is_handled_once(fake: FakeMessengers) -> None:
    with governed(fake, "slack") as (stack, talk, cast):
        MembershipRepo(stack.store).admit(
            gid(talk, cast.group), uid(talk, cast.member), cast.member, now=time.time()
        )
        request = talk.left_company(cast.member)
        send(stack, request)
        send(stack, request)
        assert talk.removals(fake) == [(cast.group, cast.member)]


def test_a_transfer_opens_a_review_card_and_remove_takes_the_member_out(fake: FakeMessengers) -> None:
    with governed(fake, "wecom") as (stack, talk, cast):
        MembershipRepo(stack.store).admit(gid(talk, cast.group), uid(talk, "lisi"), "lisi", now=time.time())
        xml_fields = {"ChangeType": "update_user", "UserID": "lisi", "Department": "42"}
        send(stack, talk._event("change_contact", xml_fields))  # type: ignore[attr-defined]

        (card,) = [c for c in talk.cards(fake) if c.to == cast.admin]
        assert {a for a, _ in card.buttons} == {"transfer.keep", "transfer.remove"} and "42" in card.text
        send(stack, talk.click(card, "transfer.remove", cast.admin, fake.hook_url("transfer")))

        assert talk.removals(fake) == [(cast.group, "lisi")]
        assert talk.group_texts(fake, cast.group) == ["Member change: lisi is no longer in this group."]


def test_a_member_renamed_in_the_wecom_directory_keeps_their_points_and_cases(fake: FakeMessengers) -> None:
    """WeCom's own update_user sample renames zhangsan to zhangsan001 (`NewUserID`, doc path/90970): the
    member's record, points and cases are theirs under the new id in every governed group."""
    sample = json.loads((FIXTURES / "vendor_change_contact_update_user.json").read_text(encoding="utf-8"))
    with governed(fake, "wecom") as (stack, talk, cast):
        group, old, new = gid(talk, cast.group), uid(talk, "zhangsan"), uid(talk, "zhangsan001")
        MembershipRepo(stack.store).admit(group, old, "zhangsan", now=time.time())
        cases = CaseRepo(stack.store)
        points = {"total": 3.0, "at": time.time()}
        data = {"rule": "R1.1", "user": "zhangsan", "state": "open"}
        cases.open(
            gid=group,
            uid=old,
            ref="case-renamed",
            data=data,
            at=time.time(),
            retention_days=30,
            points=points,
        )

        send(stack, wecom_peer.callback_request(sample["plaintext"], agent_id="2000004", **WECOM_APP))
        send(stack, wecom_peer.callback_request(sample["plaintext"], agent_id="2000004", **WECOM_APP))

        moved = stack.store.get_member(group, new)
        assert moved is not None and moved.user == "zhangsan001" and moved.points == 3.0
        assert MembershipRepo(stack.store).is_member(group, old) is None
        assert [case.ref for case in cases.for_member(group, new)] == ["case-renamed"]
        assert cases.for_member(group, old) == []


# --- real names -------------------------------------------------------------------------------------

NICKNAMED = {
    "slack": ("U0ERIN", "CoolCat", "Erin Wu"),
    "wecom": ("lisi", "小胖", "李四"),
    "dingtalk": ("wangwu", "", ""),
}
DEPT_PATTERN = r"^(?P<name>[^-]+)-(?P<dept>.+)$"


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_member_with_a_nickname_is_nudged_then_reported_after_the_grace_period(
    fake: FakeMessengers, platform: str
) -> None:
    # DingTalk shows the directory name in groups, so its groups check it against their 姓名-部门 pattern.
    policy = {"membership": {"real_names": {"pattern": DEPT_PATTERN}}} if platform == "dingtalk" else {}
    with governed(fake, platform, **policy) as (stack, talk, cast):
        user, display, name = NICKNAMED[platform]
        MembershipRepo(stack.store).admit(gid(talk, cast.group), uid(talk, user), user, now=time.time())

        send(stack, talk.renamed(user, display_name=display, name=name))

        (nudge,) = talk.direct_texts(fake, user)
        assert "72 h" in nudge and "Weekly sync" in nudge
        assert not [c for c in talk.cards(fake) if c.to == cast.admin]  # nothing to the admins yet

        clock = stack.deps.clock
        assert isinstance(clock, FrozenClock)
        clock.advance(72 * HOUR + 60)
        report = MembershipJob().run(stack.deps, gid(talk, cast.group), clock.now())

        assert report.counts == {"name.reported": 1}
        (card,) = [c for c in talk.cards(fake) if c.to == cast.admin]
        assert {a for a, _ in card.buttons} == {"name.remove", "name.keep"}
        assert "Real name not fixed" in card.text
        again = MembershipJob().run(stack.deps, gid(talk, cast.group), clock.now() + HOUR)
        assert again.counts == {}  # reported once


def test_a_nickname_fixed_within_the_grace_period_is_never_reported(fake: FakeMessengers) -> None:
    with governed(fake, "slack") as (stack, talk, cast):
        MembershipRepo(stack.store).admit(
            gid(talk, cast.group), uid(talk, "U0ERIN"), "U0ERIN", now=time.time()
        )
        send(stack, talk.renamed("U0ERIN", display_name="CoolCat", name="Erin Wu"))
        send(stack, talk.renamed("U0ERIN", display_name="Erin", name="Erin Wu"))

        clock = stack.deps.clock
        assert isinstance(clock, FrozenClock)
        clock.advance(73 * HOUR)
        assert MembershipJob().run(stack.deps, gid(talk, cast.group), clock.now()).counts == {}


# --- groups the bot creates -------------------------------------------------------------------------


def test_an_admin_creates_a_wecom_group_the_bot_then_governs_as_its_own(fake: FakeMessengers) -> None:
    with governed(fake, "wecom") as (stack, talk, cast):
        send(
            stack,
            talk.command(cast.group, cast.admin, "create 项目周会 lisi wangwu", fake.hook_url("create")),
        )

        (created,) = fake.sent("/wecom/cgi-bin/appchat/create")
        assert created.body["owner"] == cast.admin and created.body["userlist"] == [
            cast.admin,
            "lisi",
            "wangwu",
        ]
        (group,) = [g for g in stack.store.list_groups() if g.name == "项目周会"]
        assert group.app_created and group.chat.startswith("wrapp")
        assert group.chat in fake.sent("/hooks/create")[0].body["markdown"]["content"]
        assert stack.store.get_member(group.gid, uid(talk, "lisi")) is not None


def test_a_profile_change_that_keeps_the_names_costs_no_fan_out(fake: FakeMessengers) -> None:
    with governed(fake, "slack") as (stack, talk, cast):
        MembershipRepo(stack.store).admit(
            gid(talk, cast.group), uid(talk, "U0ERIN"), "U0ERIN", now=time.time()
        )
        send(stack, talk.renamed("U0ERIN", display_name="CoolCat", name="Erin Wu"))
        usage = stack.store.usage  # type: ignore[attr-defined]
        usage.reset()

        send(stack, talk.renamed("U0ERIN", display_name="CoolCat", name="Erin Wu"))  # a new status, say

        assert "Query" not in usage.calls  # no look for the groups they are in


def test_an_admin_confirms_a_removal_the_bot_could_not_do_and_it_is_recorded(fake: FakeMessengers) -> None:
    with governed(fake, "dingtalk") as (stack, talk, cast):
        repo = MembershipRepo(stack.store)
        repo.admit(
            gid(talk, cast.other),
            uid(talk, cast.member),
            cast.member,
            now=time.time(),
            display_name="Dave Wu",
        )
        send(stack, talk.left_company(cast.member))
        (card,) = [c for c in talk.cards(fake) if c.to == cast.admin]

        send(stack, talk.click(card, "escalation.done", cast.stranger, fake.hook_url("nope")))
        assert repo.is_member(gid(talk, cast.other), uid(talk, cast.member)) is not None

        send(stack, talk.click(card, "escalation.done", cast.admin, fake.hook_url("done")))
        assert repo.is_member(gid(talk, cast.other), uid(talk, cast.member)) is None
        history = repo.history_of(gid(talk, cast.other), uid(talk, cast.member))
        assert [h["what"] for h in history] == ["departed", "removed by hand"]
        assert talk.card_updates(fake)
