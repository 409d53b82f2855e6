"""`qunguan policy validate`: strict checks that refuse the dangerous mistakes, every problem at once, by
path, in the operator's language; the same checks whatever the scope."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from chalicelib.core.events import MessagePosted
from chalicelib.core.policy import LexiconSettings
from chalicelib.core.policy_checks import PolicyProblems, Tenants, check_policy, setting_patch
from chalicelib.core.rules.base import RuleContext
from chalicelib.core.rules.lexicon import LexiconRule
from chalicelib.store.memory import MemoryStore
from tests.cli.support import GID, operator, policy, with_group, write


def problems(text: str, scope: str = "org", tenants: Tenants | None = None) -> list[tuple[str, str]]:
    try:
        check_policy(scope, text, tenants=tenants)
    except PolicyProblems as exc:
        return [(p.path, p.key.removeprefix("policy.check.")) for p in exc.problems]
    return []


def test_admins_are_qualified_ids_never_a_bare_id_a_name_or_an_e_mail() -> None:
    found = problems('admins: [U0ADMIN, "@张三", "alice@example.com"]\napprovers: [zhangsan]\n')
    assert found == [
        ("admins[0]", "id_unqualified"),
        ("admins[1]", "id_unqualified"),
        ("admins[2]", "id_unqualified"),
        ("approvers[0]", "id_unqualified"),
    ]


def test_a_qualified_id_is_checked_against_its_platforms_format() -> None:
    found = problems(
        'admins: ["wecom:wrongcorp:zhangsan", "slack:T0QG:alice@example.com", "teams:T1:U1", "slack:T0QG"]\n'
    )
    assert found == [
        ("admins[0]", "id_tenant_format"),
        ("admins[1]", "id_user_format"),
        ("admins[2]", "id_platform"),
        ("admins[3]", "id_parts"),
    ]


def test_a_group_override_names_people_of_its_own_tenant_and_no_owners() -> None:
    override = "admins+: [slack:T0QG:U0BOB, slack:T0ELSE:U0EVE]\nworkflows: {revisions: {owners: []}}\n"
    assert problems(override, scope=f"group:{GID}") == [
        ("admins+[1]", "id_other_group"),
        ("workflows.revisions.owners", "org_only"),
    ]


def test_a_qualified_id_must_name_a_tenant_of_this_deployment_where_one_is_known() -> None:
    tenants = Tenants.of([("wecom", "ww0123456789abcdef")])
    assert problems("admins: [wecom:ww0123456789abcdef:zhangsan]\n", tenants=tenants) == []
    assert problems("admins: [wecom:wwffffffffffffffff:zhangsan]\n", tenants=tenants) == [
        ("admins[0]", "id_tenant_unknown")
    ]


def test_exempt_members_are_checked_in_every_section() -> None:
    text = (
        "rules:\n  flood:\n    exempt: {members: [U0BOT, '@bot', slack:T0QG:U0BOT]}\n"
        "membership:\n  inactivity:\n    exempt: {members: [张三]}\n"
    )
    assert problems(text) == [
        ("rules.flood.exempt.members[1]", "id_native"),
        ("membership.inactivity.exempt.members[0]", "id_native"),
    ]


def test_lexicon_terms_that_would_punish_ordinary_messages_are_refused() -> None:
    found = problems('rules:\n  lexicon:\n    extra_terms: {abuse: ["", "a", "的", "傻瓜", "傻瓜"]}\n')
    assert found == [
        ("rules.lexicon.extra_terms.abuse[0]", "term_empty"),
        ("rules.lexicon.extra_terms.abuse[1]", "term_short"),
        ("rules.lexicon.extra_terms.abuse[2]", "term_short"),
        ("rules.lexicon.extra_terms.abuse[4]", "duplicate"),
    ]


def test_a_single_character_is_allowed_only_as_an_exact_term() -> None:
    assert problems("rules:\n  lexicon:\n    exact_terms: {abuse: [滚]}\n") == []
    assert problems("rules:\n  ads:\n    extra_words: [v]\n  topic:\n    keywords: ['']\n") == [
        ("rules.ads.extra_words[0]", "term_short"),
        ("rules.topic.keywords[0]", "term_empty"),
    ]


def test_an_exact_term_matches_only_the_whole_message() -> None:
    settings = LexiconSettings(exact_terms={"abuse": ("滚",)})
    rule = LexiconRule.from_settings(settings)

    def found(text: str) -> list[str]:
        event = MessagePosted(
            platform="slack",
            tenant="T1",
            event_id="e",
            occurred_at=0.0,
            chat="C1",
            user="U1",
            message_id="m",
            text=text,
        )
        return [f.rule for f in rule.evaluate(event, RuleContext(policy=None, now=0.0))]  # type: ignore[arg-type]

    assert found(" 滚 ") == ["lexicon"]
    assert found("滚动新闻今天更新") == []


def test_an_unknown_key_says_what_was_meant_and_types_are_explained() -> None:
    found = problems(
        "rules:\n  flod: {mode: warn}\n  flood: {max_messages: 0, mode: loud}\nescalation: {thresholds: 5}\n"
    )
    assert found == [
        ("escalation.thresholds", "list"),
        ("rules.flood.mode", "one_of"),
        ("rules.flood.max_messages", "min"),
        ("rules.flod", "unknown_key"),
    ]


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("zh-CN", "rules.flod：没有名为“flod”的设置，是不是“flood”？"),
        ("zh-TW", "rules.flod：沒有名為「flod」的設定，是不是「flood」？"),
        ("en", "rules.flod: there is no setting “flod”; did you mean “flood”?"),
    ],
)
def test_the_refusal_is_in_the_operators_language(tmp_path: Path, locale: str, expected: str) -> None:
    code, text = policy(operator(None, locale), "validate", write(tmp_path, "rules:\n  flod: {mode: warn}\n"))
    assert code == 1 and f"- {expected}" in text


def test_a_broken_yaml_file_names_its_line(tmp_path: Path) -> None:
    code, text = policy(operator(None), "validate", write(tmp_path, "mode: warn\nrules: [\n"))
    assert code == 1 and "not valid YAML (line 3)" in text


def test_a_group_override_is_checked_resolved_onto_the_org_and_inline_groups_too() -> None:
    assert problems("rules:\n  lexcon: {}\n", scope=f"group:{GID}") == [("rules.lexcon", "unknown_key")]
    inline = problems(
        "groups:\n  slack:T0QG:C0PROJ:\n    rules: {flood: {max_messages: -1}}\n  notagid: {}\n"
    )
    assert inline == [("groups.slack:T0QG:C0PROJ.rules.flood.max_messages", "min"), ("groups.notagid", "gid")]


def test_an_invalid_file_name_pattern_is_refused() -> None:
    assert problems("rules:\n  files: {name_pattern: '[A-Z'}\n") == [("rules.files.name_pattern", "regex")]


def test_a_group_never_seen_is_refused_unless_create(tmp_path: Path) -> None:
    op = operator(with_group(MemoryStore()))
    file = write(tmp_path, "mode: warn\n")
    code, text = policy(op, "validate", file, "--scope", "slack:T0QG:C0TYPO")
    assert code == 1 and "has never seen the group “slack:T0QG:C0TYPO”" in text
    assert policy(op, "validate", file, "--scope", "slack:T0QG:C0TYPO", "--create")[0] == 0
    assert policy(op, "validate", file, "--scope", GID) == (0, f"valid: {file} for group:{GID}\n")


def test_with_a_target_the_tenants_of_known_groups_are_the_only_tenants(tmp_path: Path) -> None:
    op = operator(with_group(MemoryStore()))
    code, text = policy(op, "validate", write(tmp_path, "admins: [slack:T0OTHER:U0ADMIN]\n"))
    assert code == 1 and "not a slack tenant of this deployment (known: T0QG)" in text


def test_a_valid_file_offline_says_what_was_not_checked(tmp_path: Path) -> None:
    file = write(
        tmp_path, "admins: [slack:T0QG:U0ADMIN]\nrules:\n  lexicon:\n    extra_terms: {abuse: [蠢货]}\n"
    )
    code, text = policy(operator(None), "validate", file)
    assert code == 0 and "offline" in text


@pytest.mark.parametrize(
    ("path", "raw", "expected"),
    [
        ("rules.files.name_pattern", "[A-Z].*", "[A-Z].*"),
        ("rules.flood.max_messages", "10", 10),
        ("rules.ads.allowed_domains+", "[wiki.example.com]", ["wiki.example.com"]),
        ("mode", "off", False),  # YAML's off; the model reads it as the mode "off"
        ("rules.flood.limt", "[x", "[x"),  # not YAML: kept as written, for the checks to name the path
    ],
)
def test_a_chat_setting_is_read_as_its_type_wants(path: str, raw: str, expected: object) -> None:
    patch = setting_patch(path, raw)
    for part in path.split("."):
        patch = patch[part]
    assert patch == expected


def test_inline_group_overrides_must_name_groups_qunguan_has_seen(tmp_path: Path) -> None:
    op = operator(with_group(MemoryStore()))
    file = write(tmp_path, f"groups:\n  {GID}: {{mode: warn}}\n  slack:T0QG:C0TYPO: {{mode: warn}}\n")
    code, text = policy(op, "validate", file)
    assert code == 1 and text.count("has never seen") == 1 and "groups.slack:T0QG:C0TYPO" in text
    assert policy(op, "validate", file, "--create")[0] == 0


@pytest.mark.parametrize(
    ("text", "path", "key"),
    [
        ("retention: {cases: 0}\n", "retention", "retention"),
        ("membership: {join: {approval: none, review_all: true}}\n", "membership.join", "join_approvers"),
        ("membership: {join: {reminder_hours: 80, timeout_hours: 72}}\n", "membership.join", "join_reminder"),
        ("membership: {inactivity: {mark_days: 100}}\n", "membership.inactivity", "inactivity_order"),
    ],
)
def test_the_models_own_rules_are_translated_too(text: str, path: str, key: str) -> None:
    assert problems(text) == [(path, key)]


def test_the_configured_dingtalk_corp_is_a_known_tenant() -> None:
    tenants = Tenants.of([("dingtalk", "dingcorp1")])
    assert problems("admins: [dingtalk:dingcorp1:manager4220]\n", tenants=tenants) == []
    assert problems("admins: [dingtalk:dingcorp2:manager4220]\n", tenants=tenants) == [
        ("admins[0]", "id_tenant_unknown")
    ]


@pytest.mark.parametrize(
    ("pattern", "key"),
    [
        ("(?=x)y", "regex_unsupported"),  # RE2 runs patterns: no lookaround, no backreference
        ("(a)\\1", "regex_unsupported"),
        ("a{2000}", "regex_large"),
        ("x" * 301, "regex_long"),
        ("^(\\w+\\s?)+$", None),  # catastrophic under backtracking, linear on RE2: accepted
    ],
)
def test_patterns_are_checked_as_the_engine_runs_them(pattern: str, key: str | None) -> None:
    text = yaml.safe_dump({"rules": {"files": {"name_pattern": pattern}}})
    assert problems(text) == ([("rules.files.name_pattern", key)] if key else [])
