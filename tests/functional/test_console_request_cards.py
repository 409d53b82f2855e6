"""A join request decided in the web console shows on every approver's card in the chat, on all three
platforms, through the real adapters and each messenger's recording fake (issue 18, "a case handled in the
console is handled once and its card shows it"):

- the cards the approvers got are updated in place by what the platform answered when each was sent
  (Slack `chat.update` of "channel:ts", WeCom `message/update_template_card` with the send's
  response_code, DingTalk `PUT /v1.0/card/instances` by outTrackId); no approval card is posted again;
- a double submit decides once and updates each card once; a publishing draft the same way;
- where the platform showed no card (DingTalk without a card template: the card went out as text), each
  approver is told privately who decided instead, and the audit records it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import pytest
import yaml

from chalicelib.console.entry import Console, build_console, use_console
from chalicelib.console.settings import ConsoleSettings
from chalicelib.core.policy import default_policy_text
from chalicelib.kernel.policies import PolicyRepo
from chalicelib.membership.repository import MembershipRepo
from chalicelib.store import keys
from chalicelib.store.records import GroupRecord
from local.fakes.server import Call, FakeMessengers
from tests.functional.membership_talk import TALKS, Talk
from tests.functional.test_membership import CASTS, PLATFORMS, Cast, gid, uid
from tests.functional.test_workflows import governed as workflows_governed
from tests.functional.test_workflows import group_saw
from tests.functional.workflow_talk import SIDES, Side, replies
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
        for call in shown:
            assert f"{cast.admin} approved" in json.dumps(call.body, ensure_ascii=False)
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
        for approver in (cast.admin, cast.member):
            assert any(f"{cast.admin} approved" in text for text in talk.direct_texts(fake, approver))
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
        assert all(side.admin in json.dumps(call.body, ensure_ascii=False) for call in shown)
        decided = [
            record
            for record in stack.store.list_audit(side.gid)
            if any("UpdateCard" in action for action in record.actions)
        ]
        assert len(decided) == 1 and decided[0].outcome == "done", decided
