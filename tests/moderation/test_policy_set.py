"""`/qg policy set <path> <value>` in chat: the value read as the setting wants it, the same strict checks
as `qunguan policy apply`, and an answer every time, in the group's language."""

from __future__ import annotations

import pytest

from chalicelib.bootstrap import Deps
from chalicelib.clock import FrozenClock
from chalicelib.core.events import CommandIssued
from chalicelib.kernel.policies import PolicyRepo
from chalicelib.settings import Settings
from chalicelib.store.memory import MemoryStore
from chalicelib.store.records import GroupRecord, MemberRecord
from chalicelib.worker.pipeline import process
from tests.support.messenger import RecordingMessenger

T0 = 1_700_000_000.0
GID = "slack:T1:C1"


def admin_world(locale: str) -> tuple[Deps, RecordingMessenger]:
    messenger = RecordingMessenger()
    clock = FrozenClock(T0)
    store = MemoryStore(clock=clock)
    store.put_group(
        GroupRecord(gid=GID, platform="slack", tenant="T1", chat="C1", name="Alpha", locale=locale)
    )
    store.put_member(MemberRecord(gid=GID, uid="slack:T1:UADMIN", user="UADMIN", role="admin"))
    settings = Settings(_env_file=None, qg_default_locale=locale)
    deps = Deps(settings=settings, clock=clock, store=store, messenger_factory=lambda p: messenger)
    return deps, messenger


def policy_set(deps: Deps, messenger: RecordingMessenger, *args: str) -> str:
    messenger.calls.clear()
    command = CommandIssued(
        platform="slack",
        tenant="T1",
        event_id=f"e-{'-'.join(args)}",
        occurred_at=T0,
        chat="C1",
        user="UADMIN",
        name="policy",
        args=args,
    )
    process(command, deps)
    texts = [str(kwargs.get("text", "")) for _, kwargs in messenger.calls]
    assert texts, "the admin got no answer"
    return "\n".join(texts)


def test_a_pattern_that_is_not_yaml_is_applied_as_text() -> None:
    deps, messenger = admin_world("en")
    answer = policy_set(deps, messenger, "set", "rules.files.name_pattern", "[A-Z].*")
    assert "rules.files.name_pattern" in answer
    assert PolicyRepo(deps.store).for_group(GID, T0).rules.files.name_pattern == "[A-Z].*"


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("zh-CN", "rules.flood.limit：没有名为“limit”的设置"),
        ("zh-TW", "rules.flood.limit：沒有名為「limit」的設定"),
        ("en", "rules.flood.limit: there is no setting “limit”"),
    ],
)
def test_a_refusal_names_the_problem_in_the_groups_language(locale: str, expected: str) -> None:
    deps, messenger = admin_world(locale)
    assert expected in policy_set(deps, messenger, "set", "rules.flood.limit", "3")
    assert PolicyRepo(deps.store).current(f"group:{GID}") is None


def test_chat_terms_and_ids_pass_the_same_checks_as_the_command_line() -> None:
    deps, messenger = admin_world("en")
    answer = policy_set(deps, messenger, "set", "rules.lexicon.extra_terms.abuse", "[的]")
    assert "“的” is too short" in answer
    answer = policy_set(deps, messenger, "set", "admins", "[slack:T9OTHER:U1]")
    assert "not a slack tenant of this deployment (known: T1)" in answer
    assert PolicyRepo(deps.store).current(f"group:{GID}") is None


def test_set_without_a_value_shows_its_usage() -> None:
    deps, messenger = admin_world("en")
    assert "Usage: /qg policy set <path> <value>" in policy_set(
        deps, messenger, "set", "rules.flood.max_messages"
    )


def test_a_refusal_is_headed_not_applied_and_lists_each_problem() -> None:
    deps, messenger = admin_world("zh-CN")
    answer = policy_set(deps, messenger, "set", "rules.lexicon.extra_terms.abuse", '["", 的]')
    assert answer.splitlines()[0] == "无法应用："
    assert answer.splitlines()[1:] == [
        "- rules.lexicon.extra_terms.abuse[0]：词条不能为空",
        "- rules.lexicon.extra_terms.abuse[1]：“的”太短，会命中正常消息（至少 2 个字或 2 个字母）；"
        "确需单字时请写在 exact_terms 下，只在整条消息就是它时命中",
    ]
