"""A join request decided in the web console shows on every approver's card in the chat, on all three
platforms, through the real adapters and each messenger's recording fake (issue 18, "a case handled in the
console is handled once and its card shows it"):

- the cards the approvers got are updated in place by what the platform answered when each was sent
  (Slack `chat.update` of "channel:ts", WeCom `message/update_template_card` with the send's
  response_code, DingTalk `PUT /v1.0/card/instances` by outTrackId); no approval card is posted again;
- a double submit decides once and updates each card once; a publishing draft the same way;
- where the platform showed no card (DingTalk without a card template: the card went out as text), each
  approver is told privately who decided instead, and the audit records it;
- a join request nobody decided lapses at its timeout: every card each approver got (the first and the
  reminder) says so in place, once, naming the group, with the time in the group's zone, and the
  console's queue no longer shows it; a WeCom response_code refused when the update is sent (42022, used
  already) becomes a message to that approver, recorded as a substitution.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import pytest
import yaml

from chalicelib.clock import FrozenClock
from chalicelib.console.entry import Console, build_console, use_console
from chalicelib.console.settings import ConsoleSettings
from chalicelib.core.cards import Card
from chalicelib.core.policy import default_policy_text
from chalicelib.kernel.open_requests import OpenRequests
from chalicelib.kernel.people import names_of_ids
from chalicelib.kernel.policies import PolicyRepo
from chalicelib.kernel.request_cards import SentCards
from chalicelib.membership.due import MembershipJob
from chalicelib.membership.repository import MembershipRepo
from chalicelib.store import keys
from chalicelib.store.records import GroupRecord
from local.fakes.server import Call, FakeMessengers
from tests.functional.membership_talk import TALKS, Talk
from tests.functional.test_membership import CASTS, HOUR, PLATFORMS, Cast, gid, uid
from tests.functional.test_workflows import governed as workflows_governed
from tests.functional.test_workflows import group_saw, run_scheduled
from tests.functional.workflow_talk import SIDES, Side, replies
from tests.functional.workflow_talk import directory_name as named_as
from tests.support.stack import Stack, running_stack


@contextmanager
def approvers_and_console(
    fake: FakeMessengers, platform: str, **stack_settings: object
) -> Iterator[tuple[Stack, Console, Talk, Cast]]:
    """A stack whose org names two admins on the platform (the cast's admin and member), the cast's
    group registered as one the app created, and the console with its local sign-in."""
    talk, cast = TALKS[platform], CASTS[platform]
    with running_stack(fake, **stack_settings) as stack:  # type: ignore[arg-type]
        admins = [uid(talk, cast.admin), uid(talk, cast.member)]
        document = {**yaml.safe_load(default_policy_text()), "admins": admins, "locale": "en"}
        PolicyRepo(stack.store).apply(keys.ORG_SCOPE, yaml.safe_dump(document), author="ops", now=0)
        stack.store.put_group(
            GroupRecord(
                gid=gid(talk, cast.group),
                platform=platform,
                tenant=talk.tenant,
                chat=cast.group,
                name="Weekly sync",
                app_created=True,
            )
        )
        if platform == "wecom":
            fake.wecom.add_appchat(cast.group, [cast.admin, cast.member])
        console = build_console(stack.deps, ConsoleSettings(_env_file=None, qg_console_dev_login=True))
        use_console(console)
        try:
            yield stack, console, talk, cast
        finally:
            use_console(None)


def directory_name(stack: Stack, talk: Talk, user: str) -> str:
    """How the bot names `user` from the platform's directory (through the real adapter, from the fake's
    directory)."""
    return names_of_ids([uid(talk, user)], stack.deps)[uid(talk, user)]


def press(
    stack: Stack, console: Console, person: str, group: str, key: str, *, choice: str, kind: str = "join"
) -> int:
    """`person` signs in locally and presses a request's button in the case queue."""
    http = stack.client.http
    signed_in = http.get(f"/console/dev-login?user={quote(person)}&next=/console/me")
    assert signed_in.status_code == 302, signed_in.body
    cookie = signed_in.headers["Set-Cookie"].split(";", 1)[0]
    session = console.sessions.find(cookie, time.time())
    assert session is not None
    form = {"gid": group, "ref": key, "kind": kind, "choice": choice, "csrf": console.sessions.csrf(session)}
    body = "&".join(f"{quote(name)}={quote(value)}" for name, value in form.items())
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    return http.post("/console/cases", headers=headers, body=body).status_code


def updates(fake: FakeMessengers, talk: Talk) -> list[Call]:
    """The card updates the bot asked of the platform (not a click's reply: the console has none)."""
    if talk.platform == "slack":
        return fake.sent("chat.update")
    return talk.card_updates(fake)


def approval_cards(fake: FakeMessengers, talk: Talk) -> list[str]:
    return [card.to for card in talk.cards(fake) if any(a == "join.approve" for a, _ in card.buttons)]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_approving_in_the_console_updates_every_approvers_card_in_the_chat_once(
    fake: FakeMessengers, platform: str
) -> None:
    with approvers_and_console(fake, platform, dingtalk_card_template_id="tpl-membership") as (
        stack,
        console,
        talk,
        cast,
    ):
        assert stack.send(talk.join(cast.group, cast.outsider)).status_code == 200
        approvers = approval_cards(fake, talk)  # the org's two admins (and the platform's own, if any)
        assert {cast.admin, cast.member} <= set(approvers)
        fake.clear()

        group, key = gid(talk, cast.group), uid(talk, cast.outsider)
        assert press(stack, console, uid(talk, cast.admin), group, key, choice="approve") == 302
        assert (
            press(stack, console, uid(talk, cast.admin), group, key, choice="approve") == 302
        )  # double submit

        request = MembershipRepo(stack.store).request(group, key)
        assert request is not None and (request.status, request.decided_by) == ("approved", cast.admin)
        shown = updates(fake, talk)
        assert len(shown) == len(approvers), "each approver's card, once"
        admin = directory_name(stack, talk, cast.admin)
        for call in shown:
            body = json.dumps(call.body, ensure_ascii=False)
            assert f"{admin} approved" in body
            if admin != cast.admin:  # by name, never by id (a WeCom app is told no names: the id is it)
                assert f"{cast.admin} approved" not in body.replace(admin, "")
        assert approval_cards(fake, talk) == [], "no approval card is posted again"
        audit = stack.store.list_audit(group)
        decided = [record for record in audit if any("UpdateCard" in action for action in record.actions)]
        assert len(decided) == 1 and decided[0].outcome == "done", decided


def test_where_dingtalk_showed_no_card_each_approver_is_told_who_decided(fake: FakeMessengers) -> None:
    with approvers_and_console(fake, "dingtalk") as (stack, console, talk, cast):  # no card template
        assert stack.send(talk.join(cast.group, cast.outsider)).status_code == 200
        assert approval_cards(fake, talk) == []  # sent as text
        fake.clear()

        group, key = gid(talk, cast.group), uid(talk, cast.outsider)
        assert press(stack, console, uid(talk, cast.admin), group, key, choice="approve") == 302

        assert updates(fake, talk) == [] and approval_cards(fake, talk) == []
        admin = directory_name(stack, talk, cast.admin)
        assert admin != cast.admin
        for approver in (cast.admin, cast.member):
            texts = talk.direct_texts(fake, approver)
            assert any(f"{admin} approved" in text for text in texts)
            assert not any(f"{cast.admin} approved" in text.replace(admin, "") for text in texts)
        audit = stack.store.list_audit(group)
        assert any("SendDirect:membership.join.approved.told" in record.actions for record in audit)


@pytest.mark.parametrize("side", SIDES, ids=[side.platform for side in SIDES])
def test_a_draft_approved_in_the_console_is_published_once_and_every_approvers_card_shows_it(
    fake: FakeMessengers, side: Side
) -> None:
    with workflows_governed(fake, side) as stack:
        console = build_console(stack.deps, ConsoleSettings(_env_file=None, qg_console_dev_login=True))
        use_console(console)
        try:
            stack.send(
                side.command("publish 下周一系统升级，暂停服务两小时", side.member, fake.hook_url("p"))
            )
            ref = replies(fake, "p").split("申请 ", 1)[1][:7]
            carded = [
                user for user in (side.admin, side.admin2) if any(c.buttons for c in side.cards(fake, user))
            ]
            assert carded == [side.admin, side.admin2]
            sent = [
                call for call in fake.calls if "pub.approve" in json.dumps(call.body)
            ]  # and the platform's
            fake.clear()

            for _ in range(2):  # a double submit
                status = press(
                    stack, console, side.uid(side.admin), side.gid, ref, choice="approve", kind="draft"
                )
                assert status == 302
        finally:
            use_console(None)
        assert "系统升级" in group_saw(fake, side)  # published
        assert sum("批准" in text for text in side.to(fake, side.member)) == 1  # the author told once
        shown = [
            call
            for call in (
                *fake.sent("chat.update"),
                *fake.sent("update_template_card"),
                *(call for call in fake.sent("/v1.0/card/instances") if call.method == "PUT"),
            )
        ]
        assert len(shown) == len(sent), "each approver's card, once"
        admin, author = named_as(stack, side, side.admin), named_as(stack, side, side.member)
        for call in (*sent, *shown):  # whose draft it is, and who decided, by name, never by id
            body = json.dumps(call.body, ensure_ascii=False)
            titled = call in sent or side.platform != "wecom"  # WeCom replaces only the buttons' label
            assert f"（{author}）" in body or not titled
            assert f"（{side.member}）" not in body or author == side.member
            if call in shown:
                assert f"{admin} 已处理" in body
                assert f"{side.admin} 已处理" not in body.replace(admin, "") or admin == side.admin
        decided = [
            record
            for record in stack.store.list_audit(side.gid)
            if any("UpdateCard" in action for action in record.actions)
        ]
        assert len(decided) == 1 and decided[0].outcome == "done", decided


# A request nobody decided --------------------------------------------------------------------------------


def lapse_in_48_hours(stack: Stack, group: str) -> FrozenClock:
    """The group's join requests time out after 48 h (the approvers reminded after 24 h); the stack's
    clock, which only the test moves."""
    override = {"locale": "en", "membership": {"join": {"timeout_hours": 48}}}
    PolicyRepo(stack.store).apply(
        keys.group_policy_scope(group), yaml.safe_dump(override), author="ops", now=0
    )
    clock = stack.deps.clock
    assert isinstance(clock, FrozenClock)
    return clock


def carded(fake: FakeMessengers, talk: Talk) -> list[str]:
    """Each approval card the approvers got (the first and the reminder), by recipient."""
    return [card.to for card in talk.cards(fake) if any(a == "join.approve" for a, _ in card.buttons)]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_join_request_nobody_decided_lapses_and_every_approvers_card_says_so_once(
    fake: FakeMessengers, platform: str
) -> None:
    with approvers_and_console(
        fake, platform, clock=FrozenClock(time.time()), dingtalk_card_template_id="tpl-membership"
    ) as (stack, _, talk, cast):
        group, key = gid(talk, cast.group), uid(talk, cast.outsider)
        clock = lapse_in_48_hours(stack, group)
        assert stack.send(talk.join(cast.group, cast.outsider)).status_code == 200
        clock.advance(25 * HOUR)
        assert MembershipJob().run(stack.deps, group, clock.now()).counts == {"join.reminder": 1}
        sent = carded(fake, talk)
        assert {cast.admin, cast.member} <= set(sent) and len(sent) >= 4  # first cards and reminders
        assert [request.key for request in OpenRequests(stack.store).all_open()] == [key]
        fake.clear()

        clock.advance(24 * HOUR)
        assert MembershipJob().run(stack.deps, group, clock.now()).counts == {"join.expired": 1}
        assert MembershipJob().run(stack.deps, group, clock.now() + HOUR).counts == {}

        shown = updates(fake, talk)
        assert len(shown) == len(sent), "each card each approver got, once"
        for call in shown:
            said = json.dumps(call.body, ensure_ascii=False)
            assert "it lapsed at" in said and "“Weekly sync”" in said and "(UTC+8)" in said
            assert "join.approve" not in said  # its buttons gone
        assert carded(fake, talk) == [], "no approval card is posted again"
        assert OpenRequests(stack.store).all_open() == []  # the console's queue no longer shows it
        lapsed = [
            r for r in stack.store.list_audit(group) if "UpdateCard:membership.join.expired" in r.actions
        ]
        (record,) = lapsed
        results = [r["status"] for r in record.detail["results"] if r["action"] == "UpdateCard"]
        assert results == ["done"] * len(sent)


def test_a_wecom_card_whose_response_code_wecom_refuses_is_told_by_message_and_recorded(
    fake: FakeMessengers,
) -> None:
    """WeCom takes a card's response_code once: one already spent (an earlier processing's update whose
    answer was lost) is refused with 42022, and each approver is told by message instead, recorded as a
    substitution, never as a failed update nor silently."""
    with approvers_and_console(fake, "wecom", clock=FrozenClock(time.time())) as (stack, _, talk, cast):
        group = gid(talk, cast.group)
        clock = lapse_in_48_hours(stack, group)
        assert stack.send(talk.join(cast.group, cast.outsider)).status_code == 200
        (request,) = OpenRequests(stack.store).all_open()
        wecom = stack.deps.messenger("wecom")
        spent = Card(card_id="join-spent", title="", body="", footer="-")
        for card in SentCards(stack.store).of(group, "join", request.ref):
            wecom.update_card(talk.tenant, card.token, spent, response_token=card.token)
        fake.clear()

        clock.advance(49 * HOUR)
        assert MembershipJob().run(stack.deps, group, clock.now()).counts == {"join.expired": 1}

        assert len(talk.card_updates(fake)) == 2  # each approver's card tried once, and refused
        for approver in (cast.admin, cast.member):
            (told,) = [text for text in talk.direct_texts(fake, approver) if "it lapsed at" in text]
            assert "Weekly sync" in told
        (lapsed,) = [
            r for r in stack.store.list_audit(group) if "UpdateCard:membership.join.expired" in r.actions
        ]
        assert lapsed.outcome == "substituted"
        results = [r for r in lapsed.detail["results"] if r["action"] == "UpdateCard"]
        assert [r["status"] for r in results] == ["substituted", "substituted"]
        assert all("errcode 42022" in r["detail"] for r in results)


@pytest.mark.parametrize("side", SIDES, ids=[side.platform for side in SIDES])
def test_a_draft_nobody_decided_lapses_and_every_approvers_card_says_so_once(
    fake: FakeMessengers, side: Side
) -> None:
    with workflows_governed(fake, side) as stack:
        override = {"workflows": {"publishing": {"expire_hours": 60}}}  # reminded at 24 h and 48 h
        PolicyRepo(stack.store).apply(
            keys.group_policy_scope(side.gid), yaml.safe_dump(override), author="ops", now=0
        )
        clock = stack.deps.clock
        assert isinstance(clock, FrozenClock)
        stack.send(side.command("publish 下周一系统升级，暂停服务两小时", side.member, fake.hook_url("p")))
        for hours in (25, 24):
            clock.advance(hours * HOUR)
            run_scheduled(stack, side)
        sent = [call for call in fake.calls if "pub.approve" in json.dumps(call.body)]
        # Each card once: DingTalk delivers the second reminder again under the first one's outTrackId.
        cards = {call.body.get("outTrackId") or n for n, call in enumerate(sent)}
        assert len(cards) >= 4  # each approver's card and reminders
        fake.clear()

        clock.advance(12 * HOUR)
        run_scheduled(stack, side)
        clock.advance(HOUR)
        run_scheduled(stack, side)

        shown = [
            *fake.sent("chat.update"),
            *fake.sent("update_template_card"),
            *(call for call in fake.sent("/v1.0/card/instances") if call.method == "PUT"),
        ]
        assert len(shown) == len(cards), "each card each approver got, once"
        for call in shown:
            said = json.dumps(call.body, ensure_ascii=False)
            assert "失效" in said and "(UTC+8)" in said and "pub.approve" not in said
        assert sum("已失效" in text for text in side.to(fake, side.member)) == 1  # the author told once
        assert OpenRequests(stack.store).all_open() == []  # the console's queue no longer shows it


def test_where_dingtalk_showed_no_card_each_approver_is_told_the_request_lapsed(fake: FakeMessengers) -> None:
    with approvers_and_console(fake, "dingtalk", clock=FrozenClock(time.time())) as (stack, _, talk, cast):
        group = gid(talk, cast.group)  # no card template: the approval card went out as text
        clock = lapse_in_48_hours(stack, group)
        assert stack.send(talk.join(cast.group, cast.outsider)).status_code == 200
        fake.clear()

        clock.advance(49 * HOUR)
        assert MembershipJob().run(stack.deps, group, clock.now()).counts == {"join.expired": 1}

        assert updates(fake, talk) == []
        for approver in (cast.admin, cast.member):
            (told,) = [text for text in talk.direct_texts(fake, approver) if "it lapsed at" in text]
            assert "“Weekly sync”" in told
        audit = stack.store.list_audit(group)
        assert any("SendDirect:membership.join.expired.told" in record.actions for record in audit)
