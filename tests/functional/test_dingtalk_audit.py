"""DingTalk's external-group audit (专属钉钉) as a second archive source: the schedule queues a pull, the
worker pages each audited group from its cursor through the batch path, and an ordinary message (no
@-mention of the robot) with an ID-card number is moderated as on Slack; a second pull acts on nothing
again; an audit the edition does not allow is one operator alert."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import yaml

from chalicelib.clock import FrozenClock
from chalicelib.core.policy import default_policy_text
from chalicelib.kernel.policies import PolicyRepo
from chalicelib.store import keys
from chalicelib.worker.archive import pull_dingtalk, scheduled_notices
from local.demo_settings import DEMO_SETTINGS
from local.fakes.dingtalk_audit import add_audit_messages
from local.fakes.server import FakeMessengers, Fault
from tests.support.stack import Stack, running_stack

CORP = DEMO_SETTINGS["DINGTALK_CORP_ID"]
ID_CARD = "11010519491231002X"


@contextmanager
def audited(fake: FakeMessengers) -> Iterator[Stack]:
    with running_stack(fake, dingtalk_audit="on", clock=FrozenClock(time.time())) as stack:
        policy = {**yaml.safe_load(default_policy_text()), "admins": [f"dingtalk:{CORP}:dingadmin1"]}
        PolicyRepo(stack.store).apply(
            keys.ORG_SCOPE, yaml.safe_dump(policy, allow_unicode=True), author="ops", now=0
        )
        yield stack


def said(text: str, user: str, *, seconds_ago: float = 0.0) -> dict[str, Any]:
    """One audited message, in the shape of GetOutsideAuditGroupMessageByPage's messageList."""
    return {
        "content": text,
        "contentType": "text",
        "createAt": str(int((time.time() - seconds_ago) * 1000)),
        "sender": {"id": user, "idType": "userId", "type": "user"},
    }


def private_to(fake: FakeMessengers, user: str) -> str:
    return json.dumps(
        [c.body for c in fake.sent("oToMessages/batchSend") if c.body.get("userIds") == [user]],
        ensure_ascii=False,
    )


def run_schedule(stack: Stack) -> None:
    notices = [n for n in scheduled_notices(stack.deps) if n.platform == "dingtalk"]
    assert len(notices) == 1
    stack.deps.dispatcher.dispatch(notices)  # type: ignore[union-attr]  # inline: the worker pulls


def test_an_ordinary_message_in_an_audited_external_group_is_moderated(fake: FakeMessengers) -> None:
    conversation = f"cidAUDIT{time.time_ns()}"
    add_audit_messages(fake, conversation, [said("大家好", "kehu1"), said(f"我的身份证 {ID_CARD}", "kehu2")])
    with audited(fake) as stack:
        run_schedule(stack)
        assert ID_CARD in private_to(fake, "kehu2")
        assert private_to(fake, "kehu1") == "[]"
        cursor = stack.store.get_item(keys.archive_pk("dingtalk", CORP), keys.archive_cursor_sk(conversation))
        assert cursor is not None and cursor.data["next"] == "2"

        sent = len(fake.sent("oToMessages/batchSend"))
        run_schedule(stack)  # nothing new: nothing acted on again
        stack.store.delete_item(keys.archive_pk("dingtalk", CORP), keys.archive_cursor_sk(conversation))
        assert pull_dingtalk(stack.deps) is not None  # and a lost cursor re-reads, claims nothing twice
        assert len(fake.sent("oToMessages/batchSend")) == sent


def test_an_audit_the_edition_does_not_allow_is_one_alert(fake: FakeMessengers) -> None:
    with audited(fake) as stack:
        fake.inject(Fault(path="outsideGroups/query", status=403, times=2))
        assert pull_dingtalk(stack.deps) is None
        alerts = list(stack.store.query_items(keys.archive_pk("dingtalk", CORP), prefix="ALERT#"))
        assert len(alerts) == 1


def test_without_the_setting_nothing_is_pulled(fake: FakeMessengers) -> None:
    with running_stack(fake) as stack:
        assert [n for n in scheduled_notices(stack.deps) if n.platform == "dingtalk"] == []
        assert pull_dingtalk(stack.deps) is None
