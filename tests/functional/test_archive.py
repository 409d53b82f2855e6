"""WeCom with the message archive switched on: ordinary group messages, with no @-mention, are moderated
as on Slack. The path is the real one end to end: a signed `msgaudit_notify` at /wecom/callback, the worker
(inline) pulls through the ctypes binding from the fake Finance SDK built from C, RSA-decrypts each item
with the key of its version, maps it, and moderates the page as a batch; what the bot did is read from the
recording fake of WeCom's API."""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml

from chalicelib.clock import FrozenClock
from chalicelib.core.policy import default_policy_text
from chalicelib.kernel.policies import PolicyRepo
from chalicelib.store import keys
from local.demo_settings import DEMO_SETTINGS
from local.fakes.server import FakeMessengers
from local.fakes.wecom_archive import FakeArchive, set_room
from local.peers import SignedRequest
from local.peers import wecom as wecom_peer
from tests.functional.conversations import WECOM_APP
from tests.support.stack import Stack, running_stack

CORP = DEMO_SETTINGS["WECOM_CORP_ID"]
ROOM = "wrjc7bDwYAOAhf9quEwRRxyyoMm0QAAA"
ADMINS = [f"wecom:{CORP}:wecomadmin1", f"wecom:{CORP}:wecomadmin2"]
ID_CARD = "11010519491231002X"


@contextmanager
def archived(fake: FakeMessengers, archive: FakeArchive, sdk: Path, **settings: Any) -> Iterator[Stack]:
    """A stack with the archive switched on and an org policy that names the admins."""
    settings.setdefault("clock", FrozenClock(time.time()))
    settings.setdefault("wecom_archive_private_keys", archive.private_keys_json())
    with running_stack(
        fake, wecom_archive_secret="archive-secret", wecom_finance_sdk_path=str(sdk), **settings
    ) as stack:
        policy = {**yaml.safe_load(default_policy_text()), "admins": ADMINS}
        PolicyRepo(stack.store).apply(
            keys.ORG_SCOPE, yaml.safe_dump(policy, allow_unicode=True), author="ops", now=0
        )
        yield stack


def posted(
    archive: FakeArchive,
    text: str,
    *,
    user: str = "zhangsan",
    msgid: str | None = None,
    ago: float = 0.0,
    room: str = ROOM,
) -> str:
    """An ordinary group message, as the archive has it (doc path/91774's text format), posted `ago`
    seconds before now; its msgid."""
    msgid = msgid or f"{uuid.uuid4().int % 10**19}_{int(time.time())}"
    archive.post(
        {
            "msgid": msgid,
            "action": "send",
            "from": user,
            "tolist": ["lisi", "wangwu"],
            "roomid": room,
            "msgtime": int((time.time() - ago) * 1000),
            "msgtype": "text",
            "text": {"content": text},
        }
    )
    return msgid


def notify(create_time: int | None = None) -> SignedRequest:
    """WeCom's `msgaudit_notify` (doc path/95039), encrypted like any callback to the self-built app."""
    xml = wecom_peer.event_xml(
        "msgaudit_notify", {}, corp_id=CORP, create_time=create_time or int(time.time()), from_user="sys"
    )
    return wecom_peer.callback_request(xml, agent_id="2000004", **WECOM_APP)


def private_to(fake: FakeMessengers, user: str) -> str:
    return json.dumps(
        [c.body for c in fake.sent("message/send") if c.body.get("touser") == user], ensure_ascii=False
    )


def admin_cards(fake: FakeMessengers) -> list[dict[str, Any]]:
    return [c.body for c in fake.sent("message/send") if c.body.get("msgtype") == "template_card"]


def test_an_id_card_number_in_an_ordinary_group_message_is_moderated_from_the_archive(
    fake: FakeMessengers, archive: FakeArchive, finance_sdk_path: Path
) -> None:
    with archived(fake, archive, finance_sdk_path) as stack:
        posted(archive, f"我的身份证 {ID_CARD}", user="leaky")
        assert stack.send(notify()).status_code == 200
        assert ID_CARD in private_to(fake, "leaky")  # returned to its author only, with the request
        cards = admin_cards(fake)
        assert {c["touser"] for c in cards} == {"wecomadmin1", "wecomadmin2"}
        assert all(ID_CARD not in json.dumps(c, ensure_ascii=False) for c in cards)


@pytest.mark.parametrize("external", [False, True], ids=["internal group", "customer group"])
def test_the_groups_name_owner_and_admins_come_from_wecom_once(
    fake: FakeMessengers, archive: FakeArchive, finance_sdk_path: Path, external: bool
) -> None:
    room = f"wrNAMED{uuid.uuid4().hex[:8]}"  # the fake's rooms outlive a test: each test its own
    admins = ("fuzeren",) if external else ()
    set_room(fake, room, name="华东客户服务群", owner="qunzhu", admins=admins, external=external)
    with archived(fake, archive, finance_sdk_path) as stack:
        posted(archive, f"我的身份证 {ID_CARD}", user="leaky", room=room)
        stack.send(notify())
        group = stack.store.get_group(f"wecom:{CORP}:{room}")
        assert group is not None and group.name == "华东客户服务群"
        expected = {"wecomadmin1", "wecomadmin2", "qunzhu", *admins}
        assert {c["touser"] for c in admin_cards(fake)} == expected
        asked = len(fake.sent("groupchat/get"))
        posted(archive, "第二页的消息", room=room)
        stack.send(notify(int(time.time()) + 15))
        assert len(fake.sent("groupchat/get")) == asked  # named once: the record keeps it


def test_an_insult_is_withdrawn_by_substitute_as_on_every_platform(
    fake: FakeMessengers, archive: FakeArchive, finance_sdk_path: Path
) -> None:
    with archived(fake, archive, finance_sdk_path) as stack:
        posted(archive, "你是个傻逼", user="rude")
        stack.send(notify())
        told = private_to(fake, "rude")
        assert "请你自行撤回" in told and "你是个傻逼" in told
        assert len(admin_cards(fake)) == 2


def test_a_flood_and_a_duplicate_lead_to_the_same_decisions_as_on_slack(
    fake: FakeMessengers, archive: FakeArchive, finance_sdk_path: Path
) -> None:
    with archived(fake, archive, finance_sdk_path) as stack:
        for n in range(9):
            posted(archive, f"进度更新 第{n}条", user="floody")
        stack.send(notify())
        told = private_to(fake, "floody")
        assert "刷屏" in told and "禁言" in told

        fake.clear()
        for _ in range(4):
            posted(archive, "大家来看看这个优惠活动，名额有限", user="repeater")
        stack.send(notify(int(time.time()) + 1))
        assert "重复" in private_to(fake, "repeater")


def test_messages_pulled_together_are_judged_at_the_time_they_were_posted(
    fake: FakeMessengers, archive: FakeArchive, finance_sdk_path: Path
) -> None:
    with archived(fake, archive, finance_sdk_path) as stack:
        for n in range(9):  # one page, but posted ten minutes apart: no flood
            posted(archive, f"进度更新 第{n}条", user="steady", ago=600.0 * (9 - n))
        stack.send(notify())
        assert private_to(fake, "steady") == "[]"


def test_a_second_notice_for_the_same_page_acts_on_nothing_again(
    fake: FakeMessengers, archive: FakeArchive, finance_sdk_path: Path
) -> None:
    with archived(fake, archive, finance_sdk_path) as stack:
        posted(archive, f"身份证 {ID_CARD}", user="leaky")
        stack.send(notify())
        acted = len(fake.sent("message/send"))
        assert acted > 0
        # WeCom sends another notice; and even a checkpoint lost (pulled again from seq 0) acts on nothing.
        stack.send(notify(int(time.time()) + 15))
        stack.store.delete_item(keys.archive_pk("wecom", CORP), keys.ARCHIVE_CHECKPOINT_SK)
        stack.send(notify(int(time.time()) + 30))
        assert len(fake.sent("message/send")) == acted


def test_a_message_withdrawn_in_the_same_page_is_not_acted_on(
    fake: FakeMessengers, archive: FakeArchive, finance_sdk_path: Path
) -> None:
    with archived(fake, archive, finance_sdk_path) as stack:
        original = posted(archive, f"身份证 {ID_CARD}", user="quick")
        archive.post(
            {
                "msgid": f"{original}-recall",
                "action": "recall",
                "from": "quick",
                "tolist": ["lisi"],
                "roomid": ROOM,
                "msgtime": int(time.time() * 1000),
                "msgtype": "revoke",
                "revoke": {"pre_msgid": original},
            }
        )
        stack.send(notify())
        assert fake.sent("message/send") == []


def test_an_unreadable_item_is_recorded_and_the_messages_after_it_are_moderated(
    fake: FakeMessengers, archive: FakeArchive, finance_sdk_path: Path
) -> None:
    with archived(fake, archive, finance_sdk_path) as stack:
        bad_seq = archive.post_raw(
            json.dumps({"seq": archive.seq + 1, "msgid": "broken", "publickey_ver": 1})
        )
        posted(archive, f"身份证 {ID_CARD}", user="after")
        stack.send(notify())
        assert ID_CARD in private_to(fake, "after")
        failure = stack.store.get_item(keys.archive_pk("wecom", CORP), keys.archive_failure_sk(bad_seq))
        assert failure is not None and failure.data["msgid"] == "broken"


class Alerts(logging.Handler):
    """The operator alerts the archive logs (`QG_ALERT`), collected while the test runs. (The `qunguan`
    loggers write through Chalice's own handler, which pytest's log capture does not see.)"""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if "QG_ALERT" in record.getMessage():
            self.lines.append(record.getMessage())


@pytest.fixture
def alerts() -> Iterator[Alerts]:
    handler = Alerts()
    logger = logging.getLogger("qunguan.archive")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


def test_an_item_of_an_unconfigured_key_version_is_recorded_and_alerted_once(
    fake: FakeMessengers, archive: FakeArchive, finance_sdk_path: Path, alerts: Alerts
) -> None:
    only_first = archive.private_keys_json(archive.version)
    with archived(fake, archive, finance_sdk_path, wecom_archive_private_keys=only_first) as stack:
        archive.rotate_key()  # the admin uploaded a new public key; qunguan was not given its private key
        posted(archive, "新密钥之后的消息一")
        posted(archive, "新密钥之后的消息二")
        stack.send(notify())
        (alert,) = alerts.lines
        assert "publickey_ver 2" in alert
        pk = keys.archive_pk("wecom", CORP)
        assert [item.data["kind"] for item in stack.store.query_items(pk, prefix="FAIL#")] == [
            "missing-key",
            "missing-key",
        ]


@pytest.mark.parametrize("errcode", [301042, 301052])
def test_an_ip_not_trusted_or_an_expired_archive_is_one_alert_not_a_crash_loop(
    fake: FakeMessengers,
    archive: FakeArchive,
    finance_sdk_path: Path,
    alerts: Alerts,
    errcode: int,
) -> None:
    with archived(fake, archive, finance_sdk_path) as stack:
        posted(archive, f"身份证 {ID_CARD}")
        archive.fail_with(errcode)
        assert stack.send(notify()).status_code == 200
        assert stack.send(notify(int(time.time()) + 15)).status_code == 200
        (alert,) = alerts.lines
        assert str(errcode) in alert
        assert fake.sent("message/send") == []

        archive.clear_errors()  # the operator fixed it: the next notice pulls what waited
        stack.send(notify(int(time.time()) + 30))
        assert ID_CARD in private_to(fake, "zhangsan")


def test_the_schedule_queues_a_pull_only_when_the_archive_is_on(
    fake: FakeMessengers, archive: FakeArchive, finance_sdk_path: Path
) -> None:
    from chalicelib.worker.archive import scheduled_notice

    with archived(fake, archive, finance_sdk_path) as stack:
        notice = scheduled_notice(stack.deps)
        assert notice is not None and notice.tenant == CORP
        posted(archive, f"身份证 {ID_CARD}", user="scheduled")
        stack.deps.dispatcher.dispatch([notice])  # type: ignore[union-attr]  # inline: the worker pulls
        assert ID_CARD in private_to(fake, "scheduled")
    with running_stack(fake) as plain:
        assert scheduled_notice(plain.deps) is None


def cases_of(stack: Stack, room: str = ROOM) -> list[str]:
    """The users of the group's cases, one entry per case."""
    items = stack.store.query_items(keys.group_pk(f"wecom:{CORP}:{room}"), prefix=keys.CASE_SK_PREFIX)
    return sorted(
        str(item.data.get("user") or item.data.get("uid", "")).rsplit(":", 1)[-1]
        for item in items
        if "#" not in item.sk.removeprefix(keys.CASE_SK_PREFIX)
    )


@pytest.mark.parametrize("dies_after", [1, 2, 3])
def test_a_page_whose_worker_died_half_way_is_acted_on_once_by_the_next_pull(
    fake: FakeMessengers,
    archive: FakeArchive,
    finance_sdk_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    dies_after: int,
) -> None:
    """The worker dies right after acting on message k (its claims, written for the whole page, say
    done for all four): the next pull acts on the rest, and on nothing twice."""
    from chalicelib.worker import pipeline

    process, seen = pipeline.process, []

    def dying(event: Any, deps: Any, **kwargs: Any) -> Any:
        done = process(event, deps, **kwargs)
        seen.append(event.event_id)
        if len(seen) == dies_after:
            raise RuntimeError("the worker died")
        return done

    leakers = [f"leaker{n}" for n in range(4)]
    with archived(fake, archive, finance_sdk_path) as stack:
        for user in leakers:
            posted(archive, f"我的身份证 {ID_CARD}", user=user)
        with monkeypatch.context() as patched:
            patched.setattr(pipeline, "process", dying)
            stack.send(notify())
        assert len(seen) == dies_after
        stack.send(notify(int(time.time()) + 15))
        stack.send(notify(int(time.time()) + 30))  # and once more: nothing is left to do
        for user in leakers:
            assert len([c for c in fake.sent("message/send") if c.body.get("touser") == user]) == 1
        cards = [(c["touser"], json.dumps(c, ensure_ascii=False)) for c in admin_cards(fake)]
        for user in leakers:
            assert sorted(admin for admin, body in cards if user in body) == ["wecomadmin1", "wecomadmin2"]
        assert cases_of(stack) == leakers
        assert list(stack.store.query_items(keys.archive_pk("wecom", CORP), prefix="PAGE#")) == []


def test_a_message_withdrawn_in_a_later_page_closes_its_waiting_case_and_the_admins_are_told(
    fake: FakeMessengers, archive: FakeArchive, finance_sdk_path: Path
) -> None:
    with archived(fake, archive, finance_sdk_path) as stack:
        original = posted(archive, f"我的身份证 {ID_CARD}", user="regretful")
        stack.send(notify())
        assert len(admin_cards(fake)) == 2 and cases_of(stack) == ["regretful"]
        fake.clear()
        archive.post(
            {
                "msgid": f"{original}-recall",
                "action": "recall",
                "from": "regretful",
                "tolist": ["lisi"],
                "roomid": ROOM,
                "msgtime": int(time.time() * 1000),
                "msgtype": "revoke",
                "revoke": {"pre_msgid": original},
            }
        )
        stack.send(notify(int(time.time()) + 15))
        stack.send(notify(int(time.time()) + 30))  # a second notice tells nobody twice

        for admin in ("wecomadmin1", "wecomadmin2"):
            (told,) = [c.body for c in fake.sent("message/send") if c.body.get("touser") == admin]
            assert (
                "regretful 已自行撤回" in told["text"]["content"] and "无需再处理" in told["text"]["content"]
            )
        assert private_to(fake, "regretful") == "[]"
        group = f"wecom:{CORP}:{ROOM}"
        (case,) = [
            item
            for item in stack.store.query_items(keys.group_pk(group), prefix=keys.CASE_SK_PREFIX)
            if "#" not in item.sk.removeprefix(keys.CASE_SK_PREFIX)
        ]
        assert (case.data["state"], case.data["handled_by"]) == ("withdrawn", "regretful")


def test_a_worker_that_died_between_two_admins_cards_sends_only_the_second_on_the_next_pull(
    fake: FakeMessengers, archive: FakeArchive, finance_sdk_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The decision on the message was stored and the first admin's card sent when the worker died: the
    next pull finishes that decision through the outbox (only the open step), never deciding again."""
    from chalicelib.kernel import act as kernel_act
    from chalicelib.kernel.executor import execute

    died: list[object] = []

    def dying(actions: Any, *args: Any, **kwargs: Any) -> Any:
        (action,) = actions
        if not died and getattr(action, "users", ()) == ("wecomadmin2",):
            died.append(action)
            raise RuntimeError("the worker died")
        return execute(actions, *args, **kwargs)

    with archived(fake, archive, finance_sdk_path) as stack:
        posted(archive, f"我的身份证 {ID_CARD}", user="first")
        posted(archive, f"我的身份证 {ID_CARD}", user="second")
        with monkeypatch.context() as patched:
            patched.setattr(kernel_act, "execute", dying)
            stack.send(notify())
        assert died and [c["touser"] for c in admin_cards(fake)] == ["wecomadmin1"]
        stack.send(notify(int(time.time()) + 15))

        cards = [(c["touser"], json.dumps(c, ensure_ascii=False)) for c in admin_cards(fake)]
        for user in ("first", "second"):
            assert sorted(admin for admin, body in cards if user in body) == ["wecomadmin1", "wecomadmin2"]
            assert len([c for c in fake.sent("message/send") if c.body.get("touser") == user]) == 1
        assert cases_of(stack) == ["first", "second"]


def test_a_group_nobody_named_is_named_by_its_members_in_the_admins_cards(
    fake: FakeMessengers, archive: FakeArchive, finance_sdk_path: Path
) -> None:
    room = f"wrNONAME{uuid.uuid4().hex[:8]}"
    members = ("qunzhu", "leaky", "wmGuest1", "wmGuest2", "wmGuest3")
    names = {"qunzhu": "张三丰", "leaky": "李四", "wmGuest1": "王语嫣", "wmGuest2": "段誉"}
    set_room(fake, room, name="", owner="qunzhu", members=members, external=True, names=names)
    with archived(fake, archive, finance_sdk_path) as stack:
        posted(archive, f"我的身份证 {ID_CARD}", user="leaky", room=room)
        stack.send(notify())
        group = stack.store.get_group(f"wecom:{CORP}:{room}")
        assert group is not None and group.name == "张三丰、李四、王语嫣和另外2人"
        shown = [  # what an admin reads: the card but its buttons' keys
            {name: value for name, value in c["template_card"].items() if name != "button_list"}
            for c in admin_cards(fake)
        ]
        assert shown and all(
            "张三丰、李四、王语嫣和另外2人" in json.dumps(c, ensure_ascii=False) for c in shown
        )
        assert room not in json.dumps(shown)
