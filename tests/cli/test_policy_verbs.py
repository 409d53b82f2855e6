"""`qunguan policy apply|show|history|diff|rollback|delete|test|schema` against a store: versions kept,
diffs with values, rollbacks by number, group overrides removed, proposals tried on real messages."""

from __future__ import annotations

import json
from pathlib import Path

from chalicelib.clock import FrozenClock
from chalicelib.kernel.policies import PolicyRepo
from chalicelib.store.memory import MemoryStore
from tests.cli.support import GID, NOW, operator, policy, with_group, write


def test_apply_stores_the_next_version_and_says_what_changed(tmp_path: Path) -> None:
    store = MemoryStore()
    op = operator(store)
    code, text = policy(
        op, "apply", write(tmp_path, "rules:\n  flood: {max_messages: 12}\n"), "--scope", "org"
    )
    assert code == 0
    assert text == "applied org version 1: 1 setting(s) changed\n  rules.flood.max_messages: 8 → 12\n"
    assert PolicyRepo(store).current("org").author == "cli:ops"  # type: ignore[union-attr]


def test_a_refused_apply_stores_nothing(tmp_path: Path) -> None:
    store = MemoryStore()
    code, _ = policy(operator(store), "apply", write(tmp_path, "admins: ['@张三']\n"), "--scope", "org")
    assert code == 1 and PolicyRepo(store).current("org") is None


def test_show_prints_a_version_and_history_lists_every_one(tmp_path: Path) -> None:
    store = with_group(MemoryStore())
    op = operator(store)
    policy(op, "apply", write(tmp_path, "mode: shadow\n"), "--scope", GID)
    policy(op, "apply", write(tmp_path, "mode: warn\n"), "--scope", GID)
    code, shown = policy(op, "show", "--scope", GID, "--version", "1")
    assert code == 0 and shown.startswith(f"# group:{GID} version 1, by cli:ops") and "mode: shadow" in shown
    code, history = policy(op, "history", "--scope", GID)
    assert code == 0
    assert history.splitlines() == [
        "v1  2025-12-06 05:46 UTC  by cli:ops",
        "v2  2025-12-06 05:46 UTC  by cli:ops  (live)",
    ]
    assert policy(op, "show", "--scope", GID, "--version", "9")[0] == 4


def test_show_resolved_is_the_policy_the_engine_reads(tmp_path: Path) -> None:
    op = operator(with_group(MemoryStore()))
    policy(op, "apply", write(tmp_path, "rules:\n  flood: {max_messages: 3}\n"), "--scope", GID)
    resolved = json.loads(policy(op, "show", "--scope", GID, "--resolved")[1])
    assert resolved["rules"]["flood"]["max_messages"] == 3 and resolved["override_version"] == 1


def test_diff_shows_values_and_what_a_replaced_list_throws_away(tmp_path: Path) -> None:
    op = operator(MemoryStore())
    new = write(tmp_path, "rules:\n  lexicon:\n    allow: [内部资料]\n  flood: {max_messages: 12}\n")
    code, text = policy(op, "diff", "org", new)
    assert code == 0
    assert "  rules.flood.max_messages: 8 → 12\n" in text
    shipped = "禁止网络赌博, 严禁网络赌博, 反洗钱, 远离毒品, 保守机密, 非机密"
    assert f"  rules.lexicon.allow: removed {shipped}; added 内部资料\n" in text


def test_diff_between_stored_versions_of_the_org(tmp_path: Path) -> None:
    op = operator(MemoryStore())
    policy(op, "apply", write(tmp_path, "mode: shadow\n"), "--scope", "org")
    policy(op, "apply", write(tmp_path, "mode: warn\n"), "--scope", "org")
    code, text = policy(op, "diff", "org@1", "org@2")
    assert code == 0 and text.startswith("--- org@1\n+++ org@2\n") and "  mode: shadow → warn\n" in text


def test_an_org_diff_says_which_groups_keep_their_own_value(tmp_path: Path) -> None:
    store = with_group(with_group(MemoryStore()), "slack:T0QG:C0OTHER", "Other")
    op = operator(store)
    policy(op, "apply", write(tmp_path, "rules:\n  flood: {max_messages: 5}\n"), "--scope", GID)
    code, text = policy(
        op, "diff", "org", write(tmp_path, "rules:\n  flood: {max_messages: 12}\n", "org.yaml")
    )
    assert code == 0
    assert f"  {GID}: its override keeps rules.flood.max_messages\n" in text
    assert "slack:T0QG:C0OTHER" not in text  # no override: it gets the change as it is


def test_a_group_diff_shows_the_override_and_the_group_against_the_org(tmp_path: Path) -> None:
    op = operator(with_group(MemoryStore()))
    policy(op, "apply", write(tmp_path, "mode: shadow\n"), "--scope", GID)
    code, text = policy(op, "diff", GID, write(tmp_path, "mode: shadow\nrules: {emoji: {mode: off}}\n"))
    assert code == 0
    assert "The override as written (1 change(s)):\n  rules.emoji.mode: (unset) → false\n" in text
    assert "Effective policy (1 change(s)):\n  rules.emoji.mode: enforce → off\n" in text
    assert f"{GID} against the org policy (group → org): differs at 1 setting(s) before, 2 after" in text


def test_rollback_goes_to_the_version_named_and_twice_stays_there(tmp_path: Path) -> None:
    store = MemoryStore()
    op = operator(store)
    for mode in ("shadow", "warn", "enforce"):
        policy(op, "apply", write(tmp_path, f"mode: {mode}\n"), "--scope", "org")
    assert policy(op, "rollback", "--scope", "org", "--to", "1")[1] == (
        "rolled back org to version 1: it is live again as version 4\n"
    )
    assert policy(op, "rollback", "--scope", "org", "--to", "1")[0] == 1  # its text is live: refused
    assert PolicyRepo(store).org().mode == "shadow"
    assert "(rollback to 1, live)" in policy(op, "history")[1]
    assert policy(op, "rollback", "--scope", "org", "--to", "9")[0] == 4


def test_delete_removes_a_group_override_and_the_org_policy_applies(tmp_path: Path) -> None:
    store = with_group(MemoryStore())
    op = operator(store)
    policy(op, "apply", write(tmp_path, "mode: shadow\n"), "--scope", GID)
    code, text = policy(op, "delete", "--scope", GID)
    assert code == 0 and "the org policy applies" in text
    assert PolicyRepo(store).for_group(GID, NOW).mode == "enforce"
    assert "the override was deleted" in policy(op, "show", "--scope", GID)[1]
    assert policy(op, "delete", "--scope", GID)[0] == 1  # nothing left to delete
    assert policy(op, "delete", "--scope", "slack:T0QG:C0NONE")[0] == 4
    assert policy(op, "delete", "--scope", "org")[0] == 2


def test_policy_test_shows_the_decisions_that_change_through_the_engine(tmp_path: Path) -> None:
    proposed = write(tmp_path, "rules:\n  lexicon:\n    extra_terms: {abuse: [会议]}\n")
    code, text = policy(
        operator(MemoryStore()),
        "test",
        proposed,
        "--message",
        "今天的会议改到下午三点",
        "--message",
        "I have a question about the plan",
        "--message",
        "会议纪要请打 13812345678",
    )
    assert code == 0
    assert "3 message(s) judged; 2 decision(s) change." in text
    assert "  lexicon    0 → 2\n" in text
    assert "「今天的会议改到下午三点」: nothing → lexicon:enforce" in text
    assert "13812345678" not in text and "138****5678" in text  # the phone number masked


def test_policy_test_reads_a_file_of_messages_and_needs_some(tmp_path: Path) -> None:
    proposed = write(tmp_path, "rules:\n  emoji: {mode: off}\n")
    messages = write(tmp_path, "你好\n" + "😀" * 12 + "\n", "messages.txt")
    code, text = policy(operator(None), "test", proposed, "--messages", messages)
    assert (
        code == 0
        and "2 message(s) judged; 1 decision(s) change." in text
        and "emoji:enforce → nothing" in text
    )
    assert policy(operator(None), "test", proposed)[0] == 2  # usage: no messages named


def test_policy_test_replays_what_a_group_kept(tmp_path: Path) -> None:
    from chalicelib.jobs.activity import Entry, MessageLog

    store = with_group(MemoryStore(clock=FrozenClock(NOW)))  # the log expires against the store's clock
    op = operator(store)
    proposed = write(tmp_path, "rules:\n  lexicon:\n    extra_terms: {abuse: [周会]}\n")
    assert f"== {GID}: keeps no message text" in policy(op, "test", proposed, "--replay-kept", "7")[1]
    policy(op, "apply", write(tmp_path, "retention: {messages: 30}\n", "org.yaml"), "--scope", "org")
    kept = PolicyRepo(store).for_group(GID, NOW)
    log = MessageLog(store)
    for i, text in enumerate(("周会改到三点", "收到", "周会纪要已发")):
        log.record(
            GID, Entry(kind="msg", at=NOW - 3600 + i * 60, user=f"U{i}", message_id=f"m{i}", text=text), kept
        )
    code, text = policy(op, "test", proposed, "--replay-kept", "7")
    assert code == 0
    assert f"== {GID}, kept messages of 7 day(s)\n3 message(s) judged; 2 decision(s) change." in text


def test_the_schema_is_printed_as_json() -> None:
    code, out = policy(operator(None), "schema")
    assert code == 0 and "properties" in json.loads(out)


def test_a_stored_version_that_predates_the_people_rule_still_compares(tmp_path: Path) -> None:
    store = MemoryStore()
    PolicyRepo(store).apply("org", "admins: [U0OLD]\n", author="ops", now=NOW, stored=True)  # as once stored
    op = operator(store)
    code, text = policy(op, "diff", "org", write(tmp_path, "admins: [slack:T0QG:U0NEW]\n"))
    assert code == 0 and "admins: removed U0OLD; added slack:T0QG:U0NEW" in text
    code, text = policy(op, "apply", write(tmp_path, "admins: [slack:T0QG:U0NEW]\n"), "--scope", "org")
    assert code == 0 and "applied org version 2" in text


def test_diff_of_a_missing_file_says_so(tmp_path: Path) -> None:
    code, text = policy(operator(MemoryStore()), "diff", "org", str(tmp_path / "org.yaml"))
    assert code == 4 and "no such file, and not a scope" in text
