"""The fault matrix, continued: the workflows' and the membership's decisions with many deliveries (an
incident paging its responders and telling the group; an announcement to the group and, on WeCom, to
each member; a join carded to several approvers; an announcement's reminder, sent by the scheduled job),
on every platform, through production's queue path (see test_fault_matrix.py).

What "exactly once" means is read off a run without faults: the same conversation on a fresh stack, and
what each person and the group received there. With one recipient's deliveries failing for two whole
receives (a 5xx, a 429, a stall past the client's timeout, a dropped connection), the third receive
finishes the decision, and every person and the group end with exactly what the fault-free run gave them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from chalicelib.jobs.scheduler import schedule
from chalicelib.membership.repository import MembershipRepo
from chalicelib.queue import SqsDispatcher
from local.fakes.server import FakeMessengers, Fault
from local.peers import SignedRequest
from local.poller import EventSourceMapping
from tests.functional.membership_talk import TALKS
from tests.functional.test_membership import CASTS
from tests.functional.test_membership import gid as membership_gid
from tests.functional.test_membership import governed as membership_governed
from tests.functional.test_membership import uid as membership_uid
from tests.functional.test_workflows import clock_of, governed
from tests.functional.workflow_talk import SIDES, Side
from tests.reliability.support import Queues, messengers_that_record_backoff

ATTEMPTS = 3
CLIENT_TIMEOUT = 0.2
FAULTS: dict[str, Callable[[str], Fault]] = {
    "5xx": lambda who: Fault("/", status=503, times=ATTEMPTS * 2, body_contains=who),
    "429": lambda who: Fault("/", status=429, retry_after=2, times=ATTEMPTS * 2, body_contains=who),
    "timeout": lambda who: Fault("/", delay=CLIENT_TIMEOUT * 3, times=ATTEMPTS * 2, body_contains=who),
    "reset": lambda who: Fault("/", reset=True, times=ATTEMPTS * 2, body_contains=who),
}
BY_PLATFORM: dict[str, Side] = {side.platform: side for side in SIDES}


@dataclass(frozen=True)
class Conversation:
    """What is said (`request`, by whom), and whose deliveries fail (`target`)."""

    request: Callable[[Side, FakeMessengers], SignedRequest]
    target: Callable[[Side], str]


def marker(side: Side, user: str) -> str:
    """What only the requests delivering to `user` carry in their body."""
    if side.platform == "slack":
        return f'"D{user[1:]}"'  # the fake's direct-message channel of the user
    if side.platform == "wecom":
        return f'"touser": "{user}"'
    return user  # DingTalk: the card's IM_ROBOT space or the direct message's userIds


CONVERSATIONS = {
    "incident": Conversation(
        lambda side, fake: side.command(
            "incident open high 群内出现钓鱼链接", side.admin, fake.hook_url("o")
        ),
        lambda side: marker(side, side.admin2),
    ),
    "announcement": Conversation(
        lambda side, fake: side.command(
            "announce --ack 周五下午三点全员会议，请准时参加", side.admin, fake.hook_url("a")
        ),
        lambda side: (
            marker(side, side.member2)
            if side.platform == "wecom"
            else ('"channel": "C0FUNC"' if side.platform == "slack" else "IM_GROUP.cidFUNC")
        ),
    ),
}


def received(fake: FakeMessengers, side: Side) -> dict[str, int]:
    """What each person and the group received: texts and cards."""
    people = {
        who: len(side.to(fake, who)) + len(side.cards(fake, who))
        for who in (side.admin, side.admin2, side.member, side.member2)
    }
    return {**people, "group": len(side.in_group(fake)) + len(side.cards(fake, side.chat))}


@dataclass
class Run:
    fake: FakeMessengers
    queues: Queues

    @staticmethod
    def conversation(
        fake: FakeMessengers, queues: Queues, side: Side, talk: Conversation, fault: Fault | None
    ) -> dict[str, int]:
        with governed(fake, side) as stack:
            stack.deps.messenger_factory = messengers_that_record_backoff(
                stack.deps, [], attempts=ATTEMPTS, timeout=CLIENT_TIMEOUT
            )
            stack.deps.dispatcher = SqsDispatcher(queues.main, client=queues.sqs)
            mapping = EventSourceMapping(
                queues.sqs,
                queues.main,
                lambda event: dict(stack.client.lambda_.invoke("worker", event).payload),
                show_failed_after=0,
            )
            fake.clear()
            if fault is not None:
                fake.inject(fault)
            assert stack.send(talk.request(side, fake)).status_code == 200
            mapping.drain()
            assert not fake.faults, "the fault never hit a delivery"
            assert not queues.bodies(queues.dlq)
            return received(fake, side)


_baselines: dict[tuple[str, str], dict[str, int]] = {}


@pytest.fixture
def baseline(fake: FakeMessengers, queues: Queues) -> Iterator[Callable[[str, str], dict[str, int]]]:
    def of(conversation: str, platform: str) -> dict[str, int]:
        key = (conversation, platform)
        if key not in _baselines:
            side = BY_PLATFORM[platform]
            _baselines[key] = Run.conversation(fake, queues, side, CONVERSATIONS[conversation], None)
        return _baselines[key]

    yield of


# Every transport fault on the incident (its deliveries are many); one on the announcement.
CASES = [("incident", fault) for fault in sorted(FAULTS)] + [("announcement", "5xx")]


@pytest.mark.parametrize("platform", sorted(BY_PLATFORM))
@pytest.mark.parametrize("case", CASES, ids=["-".join(case) for case in CASES])
def test_every_recipient_gets_what_a_fault_free_run_gives_them_exactly_once(
    fake: FakeMessengers,
    queues: Queues,
    baseline: Callable[[str, str], dict[str, int]],
    case: tuple[str, str],
    platform: str,
) -> None:
    conversation, fault = case
    expected = baseline(conversation, platform)
    side = BY_PLATFORM[platform]
    talk = CONVERSATIONS[conversation]
    got = Run.conversation(fake, queues, side, talk, FAULTS[fault](talk.target(side)))
    assert got == expected
    assert max(expected.values()) >= 1


# A join waiting for approval, carded to several approvers ---------------------------------------------

APPROVER2 = {"slack": "U0ADMIN2", "wecom": "wecomadmin2", "dingtalk": "dingadmin2"}


def approvals(fake: FakeMessengers, platform: str) -> dict[str, int]:
    """Approval cards by recipient, and what the newcomer was told."""
    talk, cast = TALKS[platform], CASTS[platform]
    cards: dict[str, int] = {}
    for card in talk.cards(fake):
        if any(action == "join.approve" for action, _ in card.buttons):
            cards[card.to] = cards.get(card.to, 0) + 1
    return {**cards, "newcomer": len(talk.direct_texts(fake, cast.outsider))}


def join_run(fake: FakeMessengers, queues: Queues, platform: str, fault: Fault | None) -> dict[str, int]:
    talk, cast = TALKS[platform], CASTS[platform]
    admins = [membership_uid(TALKS[p], who) for p in TALKS for who in (CASTS[p].admin, APPROVER2[p])]
    with membership_governed(fake, platform, admins=admins) as (stack, _, _):
        stack.deps.messenger_factory = messengers_that_record_backoff(
            stack.deps, [], attempts=ATTEMPTS, timeout=CLIENT_TIMEOUT
        )
        stack.deps.dispatcher = SqsDispatcher(queues.main, client=queues.sqs)
        mapping = EventSourceMapping(
            queues.sqs,
            queues.main,
            lambda event: dict(stack.client.lambda_.invoke("worker", event).payload),
            show_failed_after=0,
        )
        fake.clear()
        if fault is not None:
            fake.inject(fault)
        assert stack.send(talk.join(cast.joins, cast.outsider)).status_code == 200
        mapping.drain()
        assert not fake.faults, "the fault never hit a delivery"
        assert not queues.bodies(queues.dlq)
        request = MembershipRepo(stack.store).request(
            membership_gid(talk, cast.joins), membership_uid(talk, cast.outsider)
        )
        assert request is not None and request.status == "pending"
        return approvals(fake, platform)


@pytest.mark.parametrize("platform", sorted(TALKS))
@pytest.mark.parametrize("fault", ["5xx", "timeout"])
def test_a_join_carded_to_several_approvers_reaches_each_once_after_a_fault(
    fake: FakeMessengers, queues: Queues, platform: str, fault: str
) -> None:
    expected = join_run(fake, queues, platform, None)
    assert expected[APPROVER2[platform]] == 1 and expected[CASTS[platform].admin] == 1
    marker = f'"D{APPROVER2[platform][1:]}"' if platform == "slack" else APPROVER2[platform]
    assert join_run(fake, queues, platform, FAULTS[fault](marker)) == expected


# An announcement's reminder, sent by the scheduled job ------------------------------------------------

HOUR = 3600.0


def reminder_run(fake: FakeMessengers, queues: Queues, side: Side, fault: Fault | None) -> dict[str, int]:
    """An announcement asking for acknowledgement; four hours later the scheduler queues the group's
    `workflows` job on SQS and the worker sends the first reminder. What each person received then."""
    with governed(fake, side) as stack:
        stack.deps.messenger_factory = messengers_that_record_backoff(
            stack.deps, [], attempts=ATTEMPTS, timeout=CLIENT_TIMEOUT
        )
        stack.deps.dispatcher = SqsDispatcher(queues.main, client=queues.sqs)
        mapping = EventSourceMapping(
            queues.sqs,
            queues.main,
            lambda event: dict(stack.client.lambda_.invoke("worker", event).payload),
            show_failed_after=0,
        )
        clock = clock_of(stack)
        posted = clock.now()
        request = side.command("announce --ack 新的报销制度已生效", side.admin, fake.hook_url("a"))
        assert stack.send(request).status_code == 200
        mapping.drain()
        fake.clear()
        if fault is not None:
            fake.inject(fault)
        clock.at = posted + 4 * HOUR + 1
        schedule(stack.deps, "workflows", clock.now(), gids=[side.gid])
        mapping.drain()
        assert not fake.faults, "the fault never hit a delivery"
        assert not queues.bodies(queues.dlq)
        return received(fake, side)


@pytest.mark.parametrize("platform", sorted(BY_PLATFORM))
@pytest.mark.parametrize("fault", ["5xx", "reset"])
def test_an_announcements_reminder_from_the_scheduled_job_reaches_each_member_once_after_a_fault(
    fake: FakeMessengers, queues: Queues, platform: str, fault: str
) -> None:
    side = BY_PLATFORM[platform]
    expected = reminder_run(fake, queues, side, None)
    assert expected[side.member2] >= 1  # nobody acknowledged: the reminder reaches the members
    assert reminder_run(fake, queues, side, FAULTS[fault](marker(side, side.member2))) == expected
