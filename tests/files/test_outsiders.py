"""R6.10: an outsider asking for a file needs an admin's approval. A guest (per the directory, or on the
group's roster) or a non-member gets no link: the admins get a sealed card; a member pressing Approve is
refused; an admin's approval grants the file and sends the link, once; a rejection tells the asker."""

from __future__ import annotations

import json
import re
import time

from chalicelib.files.records import FileRepo
from chalicelib.membership.repository import MembershipRepo
from local.fakes.server import FakeMessengers
from tests.files.support import apply_policy, archived, follow, said, token_in
from tests.files.test_slack_archive import GID, PDF, command, share
from tests.functional import conversations as conv
from tests.functional.test_moderation import buttons
from tests.support.stack import Stack

ADMIN = "UADMIN1"
GUEST = "UGUEST01"  # the fake directory says UGUEST* are Slack guests


def request_card(fake: FakeMessengers) -> dict[str, str]:
    """The latest card in the admin's direct message (the channel's creator, an admin too, gets one)."""
    posted = [call.body for call in fake.sent("chat.postMessage") if "blocks" in call.body]
    cards = [body for body in posted if body["channel"] == f"D{ADMIN[1:]}"]
    assert cards, "no card was posted to the admin"
    return buttons(cards[-1]["blocks"])


def click(stack: Stack, fake: FakeMessengers, action: str, value: str, user: str) -> None:
    request = conv.slack_click(
        fake.hook_url("slack-card"), action=action, value=value, user=user, channel=f"D{user[1:]}"
    )
    assert stack.send(request).status_code == 200


def test_a_guest_gets_the_link_only_after_an_admin_approves_and_a_member_cannot_approve(
    files_stack: Stack, fake: FakeMessengers
) -> None:
    apply_policy(files_stack, admins=[f"slack:{conv.SLACK_TEAM}:{ADMIN}"])
    share(files_stack, fake, "F0OUT0001", "路线图.pdf")
    (file,) = archived(files_stack, GID)

    command(files_stack, fake, f"file {file.file_id}", user=GUEST)
    assert said(fake, "/hooks/slack-files", "管理员批准")  # the guest is told it waits for an admin
    assert not [t for t in said(fake, "chat.postMessage", "路线图.pdf") if "files/" in t]
    card = request_card(fake)
    assert set(card) == {"file.approve", "file.reject"}

    click(files_stack, fake, "file.approve", card["file.approve"], "U0BOB")
    assert not said(fake, "chat.postMessage", "qunguan.example.com")

    click(files_stack, fake, "file.approve", card["file.approve"], ADMIN)
    (dm,) = said(fake, "chat.postMessage", "qunguan.example.com")
    assert follow(files_stack, token_in(dm))[:2] == (303, PDF)
    click(files_stack, fake, "file.approve", card["file.approve"], ADMIN)  # decided once
    assert len(said(fake, "chat.postMessage", "qunguan.example.com")) == 1

    command(files_stack, fake, f"file {file.file_id}", user=GUEST)  # within the grant: a link at once
    assert len(said(fake, "chat.postMessage", "qunguan.example.com")) == 2


def test_a_rejected_request_tells_the_guest_and_grants_nothing(
    files_stack: Stack, fake: FakeMessengers
) -> None:
    apply_policy(files_stack, admins=[f"slack:{conv.SLACK_TEAM}:{ADMIN}"])
    share(files_stack, fake, "F0OUT0002", "薪酬.pdf")
    (file,) = archived(files_stack, GID)
    command(files_stack, fake, f"file {file.file_id}", user=GUEST)
    click(files_stack, fake, "file.reject", request_card(fake)["file.reject"], ADMIN)
    assert said(fake, "chat.postMessage", "拒绝")
    assert not FileRepo(files_stack.store).granted(
        GID, file.file_id, f"slack:{conv.SLACK_TEAM}:{GUEST}", time.time()
    )


def test_a_guest_on_the_groups_roster_is_an_outsider_too_and_outsiders_can_be_refused_outright(
    files_stack: Stack, fake: FakeMessengers
) -> None:
    apply_policy(files_stack, admins=[f"slack:{conv.SLACK_TEAM}:{ADMIN}"], archive={"outsiders": "refuse"})
    share(files_stack, fake, "F0OUT0003", "名单.pdf")
    (file,) = archived(files_stack, GID)
    uid = f"slack:{conv.SLACK_TEAM}:U0ROSTER"
    MembershipRepo(files_stack.store).add_guest(
        GID, uid, "U0ROSTER", until=time.time() + 86400, by=ADMIN, now=time.time()
    )
    command(files_stack, fake, f"file {file.file_id}", user="U0ROSTER")
    assert said(fake, "/hooks/slack-files", "只提供给本群成员")
    assert not [call for call in fake.sent("chat.postMessage") if "blocks" in call.body]


def test_an_admin_may_decide_by_command_where_no_card_can_be_shown_and_a_member_may_not(
    files_stack: Stack, fake: FakeMessengers
) -> None:
    apply_policy(files_stack, admins=[f"slack:{conv.SLACK_TEAM}:{ADMIN}"])
    share(files_stack, fake, "F0OUT0004", "方案评审.pdf")
    (file,) = archived(files_stack, GID)
    command(files_stack, fake, f"file {file.file_id}", user=GUEST)
    cards = [str(call.body) for call in fake.sent("chat.postMessage") if "blocks" in call.body]
    (ref,) = set(re.findall(r"file approve (R[0-9A-F]{6})", cards[-1]))
    command(files_stack, fake, f"file approve {ref}", user="U0BOB")
    assert not said(fake, "chat.postMessage", "qunguan.example.com")
    command(files_stack, fake, f"file approve {ref}", user=ADMIN)
    (dm,) = said(fake, "chat.postMessage", "qunguan.example.com")
    assert follow(files_stack, token_in(dm))[0] == 303


def test_the_admins_read_who_asks_and_the_asker_who_decided_by_name_not_id(
    files_stack: Stack, fake: FakeMessengers
) -> None:
    apply_policy(files_stack, admins=[f"slack:{conv.SLACK_TEAM}:{ADMIN}"])
    share(files_stack, fake, "F0OUT0004", "预算.pdf")
    (file,) = archived(files_stack, GID)
    guest, admin = "Member ST01", "Member MIN1"  # the fake directory's names of UGUEST01 and UADMIN1

    command(files_stack, fake, f"file {file.file_id}", user=GUEST)
    posted = [
        call.body for call in fake.sent("chat.postMessage") if call.body.get("channel") == f"D{ADMIN[1:]}"
    ]
    shown = json.dumps(posted[-1]["blocks"], ensure_ascii=False)
    assert guest in shown and GUEST not in shown

    click(files_stack, fake, "file.reject", request_card(fake)["file.reject"], ADMIN)
    (told,) = said(fake, "chat.postMessage", "拒绝")
    assert admin in told and ADMIN not in told
